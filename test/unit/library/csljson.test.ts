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

  it('finds the line and column of a syntax error JSON.parse gives no position for, and says it on one line', () => {
    const cases: [string, number, string][] = [
      ['[\n  {"id": "a", "title": "A"},\n  {"id": x}\n]\n', 3, 'invalid JSON at column 10: unexpected character'],
      ['[\n  {"id": "a"}\n  ,]\n', 3, 'invalid JSON at column 4: expected a value'],
      ['[\n  {"id": "a",}\n]', 2, 'invalid JSON at column 14: expected a property name in double quotes'],
      ['[\r  {"id": "a"}\r  ,]\r', 3, 'invalid JSON at column 4: expected a value'],
      ['[{"id": "a"}', 1, 'invalid JSON at column 13: unexpected end of the file'],
    ];
    for (const [text, line, message] of cases) {
      assert.deepEqual(parseCslJson('b.json', text).issues.map((i) => [i.line, i.message]), [[line, message]], JSON.stringify(text));
    }
  });

  it('quotes an id on one line and counts CR-only lines', () => {
    const { papers, issues } = parseCslJson('c.json', '[\r{"id": "a"},\r{"id": "two\\nlines"}\r]');
    assert.deepEqual(papers.map((p) => p.origin.line), [2, 3]);
    assert.deepEqual(issues.map((i) => [i.line, i.message]), [[2, 'item "a" has no title'], [3, 'item "two\\nlines" has no title']]);
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
