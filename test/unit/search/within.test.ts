import { strict as assert } from 'node:assert';
import type { Paper } from '../../../server/src/library/paper';
import { SearchIndex } from '../../../server/src/search';
import { keyWords } from '../../../server/src/search/segment';

const paper = (key: string, title: string, extra: Partial<Paper> = {}): Paper => ({ key, title, authors: [], origin: { file: 'x.bib', line: 1, kind: 'bibtex' }, ...extra });

describe('search: queries within some sources, venue and key words', () => {
  const own = [paper('pedregosa2011scikit', 'Machine learning in Python'), paper('moss2015', 'Glacier retreat', { authors: ['Moss, Eli'], venue: 'Cryosphere Letters' })];
  const other = [paper('glacier-atlas', 'A glacier atlas of glacier retreat in glacier valleys')];
  const index = SearchIndex.fromSources([
    { id: 'own.bib', papers: own, kind: 'workspace' },
    { id: 'other.bib', papers: other, kind: 'workspace' },
  ]);

  it('ranks only the papers of the sources asked for', () => {
    assert.deepEqual(
      index.context('glacier retreat', { limit: 10 }).map((h) => h.paper.key),
      ['glacier-atlas', 'moss2015'],
    );
    assert.deepEqual(
      index.context('glacier retreat', { limit: 10, within: new Set(['own.bib']) }).map((h) => h.paper.key),
      ['moss2015'],
    );
    assert.deepEqual(
      index.typed('glac', { within: new Set(['own.bib']) }).map((h) => h.paper.key),
      ['moss2015'],
    );
  });

  it('finds a paper by the words of its key, its venue and its authors\' surnames', () => {
    const within = new Set(['own.bib']);
    assert.equal(index.context('we used scikit for the fits', { within })[0]!.paper.key, 'pedregosa2011scikit');
    assert.equal(index.context('results from the cryosphere community', { within })[0]!.paper.key, 'moss2015');
    assert.equal(index.context('as Moss showed', { within })[0]!.paper.key, 'moss2015');
  });

  it('splits keys at digits and case', () => {
    assert.equal(keyWords('pedregosa2011scikit').trim(), 'pedregosa 2011 scikit');
    assert.equal(keyWords('vanderWalt2011').trim(), 'vander Walt 2011');
  });
});
