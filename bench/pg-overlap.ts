// Does a shared corpus rank like the same corpus embedded? Top-10 overlap between the embedded
// index (search/corpus.ts) and the PostgreSQL source (shared/corpus.ts) over one snapshot, and the
// shared source's latency per query kind (in-process, over a loopback connection).
//
//   node --import tsx bench/pg-overlap.ts --file SNAPSHOT --url postgresql://USER@HOST:PORT/DB [--queries 200] [--seed 1] [--cache DIR] [--only search]
//
// --cache: the embedded index is saved there and opened from there next time.
//
// The snapshot must be the one imported at URL (litlens corpus import SNAPSHOT --to URL).
// Queries: sentences taken from abstracts of papers picked at random (a citing sentence), the
// first words of a title (a search-box query, ≤ 4 words), the eval's citing sentences and
// paragraphs (eval/queries/*.jsonl, both halves; their words, not the bundled papers).
// Overlap: |top10(embedded) ∩ top10(shared)| / |top10(embedded)| averaged over queries with hits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCorpus, corpusSource, openCorpus } from '../server/src/search/corpus';
import { SearchIndex, type Hit } from '../server/src/search/index';
import { SharedCorpus } from '../server/src/shared/corpus';
import { arg } from './pgBench';

const file = arg('--file');
const url = arg('--url');
if (!file || !url) {
  console.error('usage: bench/pg-overlap.ts --file SNAPSHOT --url postgresql://… [--queries 200] [--seed 1]');
  process.exit(2);
}
const howMany = Number(arg('--queries', '200'));
let seed = Number(arg('--seed', '1'));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

async function main(): Promise<void> {
  const t0 = performance.now();
  const cache = arg('--cache') ?? null;
  const saved = cache ? await openCorpus(file!, cache) : null;
  const corpus = saved && typeof saved !== 'string' ? saved : await buildCorpus(file!, cache);
  const embedded = SearchIndex.fromSources([]);
  embedded.setEncodedSource(corpusSource(corpus), corpus.encoded);
  console.log(`embedded: ${corpus.store.size} papers indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const shared = new SharedCorpus(url!, { statementMs: 60_000 });
  if (!(await shared.open())) throw new Error(shared.message);
  console.log(`shared: ${shared.size} papers`);

  const sentences: string[] = [];
  const titles: string[] = [];
  while (sentences.length < howMany) {
    const key = corpus.store.keyAt(Math.floor(random() * corpus.store.size));
    const p = await corpus.store.fullEntry(key);
    const parts = (p?.abstract ?? '').split(/(?<=[.!?])\s+/).filter((s) => s.split(/\s+/).length >= 8);
    if (parts.length === 0 || !p) continue;
    sentences.push(parts[Math.floor(random() * parts.length)]);
    titles.push(p.title.split(/\s+/).slice(0, 3).join(' '));
  }
  const evalTexts = ['citing', 'paragraphs'].flatMap((kind) =>
    ['tune', 'test'].flatMap((half) =>
      readFileSync(join(__dirname, '..', 'eval', 'queries', `${kind}.${half}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { query: string }).query),
    ),
  );
  const kinds: { name: string; texts: string[]; embedded: (t: string) => Hit[]; shared: (t: string) => Promise<Hit[]> }[] = [
    { name: 'context (abstract sentences)', texts: sentences, embedded: (t) => embedded.context(t, { limit: 10 }), shared: (t) => shared.context(t, 10) },
    { name: 'context (eval citing + paragraphs)', texts: evalTexts, embedded: (t) => embedded.context(t, { limit: 10 }), shared: (t) => shared.context(t, 10) },
    { name: 'related, threshold 0 (abstract sentences)', texts: sentences, embedded: (t) => embedded.related(t, { limit: 10, threshold: 0 }), shared: (t) => shared.related(t, { limit: 10, threshold: 0 }) },
    { name: 'related, default gate (abstract sentences)', texts: sentences, embedded: (t) => embedded.related(t, { limit: 10 }), shared: (t) => shared.related(t, { limit: 10 }) },
    { name: 'search box (title words)', texts: titles, embedded: (t) => embedded.search(t, { limit: 10 }), shared: (t) => shared.search(t, 10) },
    { name: 'completion (title words typed, sentence)', texts: titles, embedded: (t) => embedded.completion(t, sentences[titles.indexOf(t)], { limit: 10 }), shared: (t) => shared.completion(t, sentences[titles.indexOf(t)], 10) },
  ];
  const only = arg('--only'); // a part of a kind's name: measure only those kinds
  for (const k of kinds.filter((x) => !only || x.name.includes(only))) {
    let sum = 0;
    let n = 0;
    let emptyBoth = 0;
    const ms: number[] = [];
    for (const t of k.texts) {
      const a = k.embedded(t).map((h) => h.paper.key);
      const s0 = performance.now();
      const b = new Set((await k.shared(t)).map((h) => h.paper.key));
      ms.push(performance.now() - s0);
      if (a.length === 0) {
        if (b.size === 0) emptyBoth++;
        continue;
      }
      sum += a.filter((x) => b.has(x)).length / a.length;
      n++;
    }
    console.log(`${k.name}: top-10 overlap ${(sum / Math.max(1, n)).toFixed(3)} over ${n} queries (${emptyBoth} empty in both); shared p50 ${percentile(ms, 50).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`);
  }
  await shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
