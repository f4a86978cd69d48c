import { strict as assert } from 'node:assert';
import { bibtex, libraryInfo, search } from '../../../server/src/features/search';
import { REFS, workspace, type Workspace } from './fixture';

describe('features: the search panel\'s requests', () => {
  let ws: Workspace;
  before(async () => (ws = await workspace(`${REFS}%! notes/more.json\n[{"id": "csl2019", "title": "Graph Networks Revisited", "type": "article", "issued": {"date-parts": [[2019]]}}]\n`)));
  after(() => ws.dispose());
  const ctx = () => ws.at('|').ctx;

  it('search filters by source and year', async () => {
    const all = await search(ctx(), { query: 'graph networks' });
    assert.ok(all.length > 1);
    assert.deepEqual(
      (await search(ctx(), { query: 'graph networks', sources: ['refs.bib'] })).map((r) => r.key),
      ['smith2020graphs'],
    );
    assert.deepEqual(
      (await search(ctx(), { query: 'graph networks', yearFrom: 2021 })).map((r) => r.key),
      [],
    );
    assert.equal((await search(ctx(), { query: 'planning with a learned model', limit: 3 })).length, 3);
    const first = (await search(ctx(), { query: 'planning with a learned model' }))[0]!;
    assert.equal(first.key, 'mastering-atari-go');
    assert.equal(first.source, 'bundled corpus');
    assert.deepEqual(await search({ ...ctx(), index: null }, { query: 'graph networks' }), []);
  });

  it('libraryInfo: the sources as the panel names them, and the span of years', () => {
    const info = libraryInfo(ctx());
    assert.deepEqual(info.sources, [
      { name: 'refs.bib', papers: 1 },
      { name: 'notes/more.json', papers: 1 },
      { name: 'bundled corpus', papers: 353 },
    ]);
    assert.deepEqual(info.years, { min: 2019, max: 2020 });
    assert.deepEqual(libraryInfo({ ...ctx(), index: null }), { sources: [], years: null });
  });

  it('bibtex: the entry of a key, null for an unknown one', async () => {
    assert.match((await bibtex(ctx(), 'smith2020graphs'))!, /^@article\{smith2020graphs,/);
    assert.equal(await bibtex(ctx(), 'no-such-key'), null);
  });
});
