import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCslJson } from '../../../server/src/library/csljson';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'bib');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

describe('library/csljson', () => {
  it('reads CSL items with their start lines; an item without id is an error, the rest load', () => {
    const { papers, issues } = parseCslJson('items.json', read('items.json'));
    assert.deepEqual(papers.map((p) => [p.key, p.origin.line]), [['ha2018world', 2], ['hafner2020dreamer', 17]]);
    const [world, dreamer] = papers;
    assert.equal(world.title, 'World Models');
    assert.deepEqual(world.authors, ['Ha, David', 'Schmidhuber, Jürgen']);
    assert.equal(world.year, 2018);
    assert.equal(world.venue, 'arXiv');
    assert.equal(world.doi, '10.5281/zenodo.1207631');
    assert.equal(world.url, 'https://worldmodels.github.io');
    assert.equal(world.type, 'article-journal');
    assert.match(world.abstract ?? '', /^We explore building generative/);
    assert.deepEqual(world.origin, { file: 'items.json', line: 2, kind: 'csl-json' });
    assert.equal(dreamer.title, 'Dream to Control: Learning Behaviors by Latent Imagination', 'custom.plainTitle wins');
    assert.deepEqual(dreamer.authors, ['Google Brain', 'Hafner, Danijar']);
    assert.equal(dreamer.year, 2020, 'from issued.literal');
    assert.deepEqual(issues, [{ file: 'items.json', line: 13, severity: 'error', message: 'item 2 has no "id"; skipped' }]);
  });

  it('accepts {"items": [...]} and issued.raw', () => {
    const { papers, issues } = parseCslJson('z.json', read('zotero-items.json'));
    assert.deepEqual(issues, []);
    assert.deepEqual(papers.map((p) => [p.key, p.origin.line, p.year]), [['wrapped1', 2, 2001], ['wrapped2', 3, undefined]]);
  });

  it('reports invalid JSON once, with line and column', () => {
    const { papers, issues } = parseCslJson('broken.json', read('broken.json'));
    assert.deepEqual(papers, []);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].line, 8);
    assert.match(issues[0].message, /^invalid JSON at column 5: /);
  });

  it('marks corpus papers as such and takes the plain title', () => {
    const text = '[\n{"id":"astrom3","title":"AstroM$^3$: a model","custom":{"plainTitle":"AstroM3: a model"}}\n]';
    const { papers } = parseCslJson('corpus/papers.json', text, 'corpus');
    assert.equal(papers[0].title, 'AstroM3: a model');
    assert.deepEqual(papers[0].origin, { file: 'corpus/papers.json', line: 2, kind: 'corpus' });
  });

  it('says so when the JSON is not a list of items', () => {
    assert.match(parseCslJson('p.json', '{"name": "x"}').issues[0].message, /not CSL-JSON/);
  });
});
