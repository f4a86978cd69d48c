// The measurement behind "own scorer instead of MiniSearch": MiniSearch 7.2 on the same
// generated library, typed queries only (key, title, authors, year; prefix + fuzzy 0.2), against
// LitLens' typed search on the same queries. Context queries are not repeated here: MiniSearch
// over abstracts was measured at 100k before (sentence p95 309 ms, heap 583 MB; see
// /work/shared/notes/performance.md).
//
//   node --import tsx bench/minisearch-typed.ts [path/to/library.json]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch from 'minisearch';
import { parseCslJson } from '../server/src/library/csljson';
import { SearchIndex, fold } from '../server/src/search';
import { prng } from './generate';

const file = process.argv[2] ?? join(__dirname, 'out', 'library-100000-s1.json');
const papers = parseCslJson(file, readFileSync(file, 'utf8')).papers;
const rand = prng(7);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
const queries: string[] = [];
while (queries.length < 300) {
  const p = pick(papers);
  const words = p.title.split(/\s+/).filter((w) => /^\p{L}{4,}$/u.test(w));
  if (words.length < 2) continue;
  const w = words[1];
  queries.push([p.key.slice(0, 6), `${words[0]} ${w.slice(0, w.length - 2)}`, (p.authors[0] ?? '').split(',')[0], w.slice(0, 2) + w.slice(3)][queries.length % 4]);
}

function time(run: (q: string) => unknown): { p50: number; p95: number } {
  for (const q of queries.slice(0, 20)) run(q);
  const t = queries.map((q) => {
    const s = performance.now();
    run(q);
    return performance.now() - s;
  });
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(t.length / 2)], p95: t[Math.floor(t.length * 0.95)] };
}

const heap = () => process.memoryUsage().heapUsed / 1e6;
global.gc?.();
let h0 = heap();
let t = performance.now();
const ms = new MiniSearch({
  fields: ['key', 'title', 'authors', 'year'],
  storeFields: [],
  processTerm: (term) => fold(term),
  searchOptions: { prefix: true, fuzzy: 0.2, boost: { key: 3, authors: 2, title: 2 } },
});
ms.addAll(papers.map((p, id) => ({ id, key: p.key, title: p.title, authors: p.authors.join(' '), year: String(p.year ?? '') })));
const msBuild = performance.now() - t;
global.gc?.();
const msHeap = heap() - h0;
const json = JSON.stringify(ms);
t = performance.now();
MiniSearch.loadJSON(json, { fields: ['key', 'title', 'authors', 'year'], processTerm: (term) => fold(term) });
const msLoad = performance.now() - t;
const msTyped = time((q) => ms.search(q, { combineWith: 'AND' }).slice(0, 20));

h0 = heap();
t = performance.now();
const own = SearchIndex.build(papers);
const ownBuild = performance.now() - t;
const ownTyped = time((q) => own.typed(q, { limit: 20 }));

console.log(`${papers.length} papers, ${queries.length} typed queries`);
console.log(`MiniSearch (typed fields only): build ${msBuild.toFixed(0)} ms, heap ${msHeap.toFixed(0)} MB, JSON ${(json.length / 1e6).toFixed(1)} MB, loadJSON ${msLoad.toFixed(0)} ms, typed p50/p95 ${msTyped.p50.toFixed(1)} / ${msTyped.p95.toFixed(1)} ms`);
console.log(`LitLens (typed + context index): build ${ownBuild.toFixed(0)} ms, typed p50/p95 ${ownTyped.p50.toFixed(1)} / ${ownTyped.p95.toFixed(1)} ms`);
