import { strict as assert } from 'node:assert';
import type { Paper, PaperList } from '../../../server/src/library/paper';
import { PaperStoreBuilder, type PackedPaperStore } from '../../../server/src/library/store';
import { hashKeys } from '../../../server/src/search/segment';
import { shadowedDocs } from '../../../server/src/search/shadow';

const paper = (key: string): Paper => ({ key, title: `About ${key}`, authors: [], origin: { file: 'x', line: 1, kind: 'bibtex' } });
const papers = (...keys: string[]): Paper[] => keys.map(paper);

function store(...keys: string[]): PackedPaperStore {
  const b = new PaperStoreBuilder('s.jsonl', 'arxiv');
  keys.forEach((k, i) => b.add(paper(k), i, 1));
  return b.finish();
}

/** Parts laid out one after the other, as SearchIndex does. */
function dead(...lists: PaperList[]): number[] {
  let base = 0;
  const parts = lists.map((papers) => {
    const p = { papers, base };
    base += papers.length;
    return p;
  });
  return [...shadowedDocs(parts, base)].flatMap((d, i) => (d ? [i] : []));
}

describe('search/shadow: the first holder of a key wins, store views checked without making their keys', () => {
  it('arrays: a later copy of a key is shadowed, within a source and across sources', () => {
    assert.deepEqual(dead(papers('a', 'b', 'a'), papers('b', 'c')), [2, 3]);
  });

  it('a store after arrays: its papers whose keys an array holds are shadowed, in whichever view they are', () => {
    const s = store('x', 'a', 'y', 'c', 'z');
    assert.deepEqual(dead(papers('a', 'c'), s.slice(0, 2), s.slice(2, 5)), [3, 5]);
  });

  it('an array after a store: the array\'s copies are shadowed; a store doc outside every view shadows nothing', () => {
    const s = store('x', 'a', 'y', 'c');
    assert.deepEqual(dead(s.slice(0, 2), papers('a', 'c', 'q')), [2]);
  });

  it('two stores: the later store\'s copies are shadowed, whichever is smaller', () => {
    const big = store('k1', 'k2', 'k3', 'k4', 'k5');
    const small = store('k4', 'n1');
    assert.deepEqual(dead(big, small), [5]);
    assert.deepEqual(dead(small, big), [5]);
  });

  it('a store view hashes its keys like an array of the same papers (hashKeys)', () => {
    const keys = ['arXiv:2101.00001', 'smith2020', 'Schrödinger1926', 'k'];
    const s = store(...keys);
    assert.equal(hashKeys(s), hashKeys(papers(...keys)));
    assert.equal(hashKeys(s.slice(1, 3)), hashKeys(papers(...keys.slice(1, 3))));
    assert.equal(s.docOf('Schrödinger1926'), 2);
    assert.equal(s.docOf('smith202'), -1);
  });
});
