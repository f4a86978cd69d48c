// Ranker.warm over a saved corpus in one process: how long the main thread is held while the
// related gate's library-wide bars (each source's field bar, the library null per passage length)
// are drawn in the background. Every query warm asks is timed.
//
//   node --max-old-space-size=8192 --import tsx bench/warm.ts --file SNAPSHOT --dir CACHE/corpora
//
// SNAPSHOT is an arXiv snapshot whose saved index is in DIR (a server's <cache>/corpora). Prints
// warm's wall time, its queries (field bars, library null) and their CPU, the longest single query
// (the longest a request can wait behind warm, which draws one query per event-loop turn), the gaps
// of a 1 ms timer meanwhile, and per passage length the sum of its queries (what a request waited
// when a length's bar was drawn in one go) / its longest query.
import { loadavg } from 'node:os';
import { loadCorpus } from '../server/src/library/corpus';
import { SearchIndex } from '../server/src/search';
import { corpusSource } from '../server/src/search/corpus';
import { Ranker } from '../server/src/search/rank';
import type { RelatedOptions } from '../server/src/search/types';
import { openCorpusInWorker } from '../server/src/search/worker';

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const bundled = await loadCorpus();
  const corpus = await openCorpusInWorker(arg('--file')!, arg('--dir')!, {});
  if (typeof corpus === 'string') throw new Error(`no saved corpus: ${corpus}`);
  const index = SearchIndex.fromSources([{ id: 'corpus', papers: bundled.papers, kind: 'corpus' }]);
  index.setEncodedSource(corpusSource(corpus), corpus.encoded);
  const asked: { ms: number; words: number; field: boolean }[] = [];
  const timed = (text: string, o: RelatedOptions) => {
    const start = performance.now();
    const hits = index.related(text, o);
    // The field bars ask within one source; the library null within all.
    asked.push({ ms: performance.now() - start, words: text.split(' ').length, field: o.within !== undefined });
    return hits;
  };
  const ranker = new Ranker(Object.create(index, { related: { value: timed } }));
  const gaps: number[] = [];
  let done = false;
  const start = performance.now();
  const warming = ranker.warm().then(() => (done = true));
  for (let last = performance.now(); !done; ) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    gaps.push(performance.now() - last);
    last = performance.now();
  }
  await warming;
  const wall = performance.now() - start;
  gaps.sort((a, b) => a - b);
  const sum = (xs: { ms: number }[]) => xs.reduce((s, x) => s + x.ms, 0).toFixed(0);
  const field = asked.filter((x) => x.field);
  const chance = asked.filter((x) => !x.field);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`warm: ${wall.toFixed(0)} ms wall, ${asked.length} queries: ${field.length} for field bars (${sum(field)} ms), ${chance.length} for the library null (${sum(chance)} ms)`);
  console.log(`longest query ${Math.max(...asked.map((x) => x.ms)).toFixed(0)} ms; 1 ms timer gaps p50 ${gaps[gaps.length >> 1].toFixed(1)} / p95 ${gaps[Math.floor(gaps.length * 0.95)].toFixed(1)} / max ${gaps[gaps.length - 1].toFixed(0)} ms`);
  const byLength = new Map<number, number[]>();
  for (const x of chance) byLength.set(x.words, [...(byLength.get(x.words) ?? []), x.ms]);
  console.log(`per length, words: all its queries / the longest (ms): ${[...byLength].map(([w, ms]) => `${w}: ${ms.reduce((a, b) => a + b, 0).toFixed(0)}/${Math.max(...ms).toFixed(0)}`).join(', ')}`);
  await corpus.store.close();
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
