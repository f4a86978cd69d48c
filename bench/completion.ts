// Completion over a saved corpus in one process: the pruned ranking (MaxScore restricted to the
// typed candidates, search/index.ts) against the exhaustive one, CPU per query, answers compared.
//
//   node --max-old-space-size=8192 --import tsx bench/completion.ts --file SNAPSHOT --dir CACHE/corpora [--queries 100]
//
// SNAPSHOT is an arXiv snapshot whose saved index is in DIR (bench/corpus.ts --child cold, or a
// server's <cache>/corpora). Seven kinds of typed text, each with a citing sentence: "mo" (most
// papers have a title word starting with it), two letters of eight common prefixes, "deep lear" (a word and the
// start of one most papers hold), what test/lsp/latency.ts's `\cite{deep lear` asks (a space
// ends a key: "lear", with its sentence, the same each time), a title word and a common prefix
// never typed before (each a first completion), bench/measure.ts's typed queries cut to 4
// letters, and a whole title word. Prints p50 / p95 CPU per query and how many answers differed (must be 0).
import { loadavg } from 'node:os';
import { loadCorpus } from '../server/src/library/corpus';
import type { Paper } from '../server/src/library/paper';
import { SearchIndex } from '../server/src/search';
import { corpusSource } from '../server/src/search/corpus';
import { openCorpusInWorker } from '../server/src/search/worker';
import { prng } from './generate';
import { makeQueries } from './measure';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

/** The citing text test/lsp/latency.ts's `\cite{deep lear}` is ranked by (documents/context.ts citingText). */
const LATENCY_SENTENCE = 'As in. Models of learned dynamics plan ahead.';

/** Two letters most title words begin with (common prefixes: the typed matches kept, index.ts completionOfMany). */
const TWO_LETTERS = ['co', 'de', 'le', 're', 'pr', 'in', 'ne', 'se'];

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const n = Number(arg('--queries') ?? 100);
  const bundled = await loadCorpus();
  const corpus = await openCorpusInWorker(arg('--file')!, arg('--dir')!, {});
  if (typeof corpus === 'string') throw new Error(`no saved corpus: ${corpus}`);
  const indexOf = (exhaustive: boolean) => {
    const index = SearchIndex.fromSources([{ id: 'corpus', papers: bundled.papers, kind: 'corpus' }], { exhaustive });
    index.setEncodedSource(corpusSource(corpus), corpus.encoded);
    return index;
  };
  const indexes = [['pruned', indexOf(false)], ['exhaustive', indexOf(true)]] as const;
  const rand = prng(11);
  const sample: Paper[] = [];
  for (let i = 0; i < 400; i++) {
    const p = await corpus.store.entryAt(Math.floor(rand() * corpus.store.size));
    if (p) sample.push(p);
  }
  const q = makeQueries(sample, 7);
  // Whole title words of the sample (5+ letters), each once: with a prefix after them, new typed text every query.
  const titleWords = [...new Set(sample.flatMap((p) => p.title.toLowerCase().match(/\p{L}{5,}/gu) ?? []))].slice(0, 50);
  const kinds: [string, (i: number) => [string, string]][] = [
    ['"mo" + a sentence', (i) => ['mo', q.sentences[i % q.sentences.length]]],
    ['2 letters + a sentence', (i) => [TWO_LETTERS[i % TWO_LETTERS.length], q.sentences[(i + 3) % q.sentences.length]]],
    ['"deep lear" + a sentence', (i) => ['deep lear', q.sentences[(i + 5) % q.sentences.length]]],
    ['latency.ts \\cite{deep lear', () => ['lear', LATENCY_SENTENCE]],
    ['a title word + a common prefix', (i) => [`${titleWords[i % titleWords.length]} ${TWO_LETTERS[Math.floor(i / titleWords.length) % TWO_LETTERS.length]}`, q.sentences[(i + 9) % q.sentences.length]]],
    ['4 typed letters + a sentence', (i) => [q.typed[i % q.typed.length].slice(0, 4), q.sentences[i % q.sentences.length]]],
    ['a title word + a sentence', (i) => [q.typed[(i * 5 + 2) % q.typed.length], q.sentences[(i + 7) % q.sentences.length]]],
  ];
  console.log(`completion over ${corpus.store.size} papers + the bundled corpus, CPU per query (${n} each, pruned and exhaustive alternating); node ${process.version}, ${load()}`);
  const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(1);
  for (const [name, query] of kinds) {
    const times: Record<string, number[]> = { pruned: [], exhaustive: [] };
    let differ = 0;
    for (let i = 0; i < n; i++) {
      const [typed, context] = query(i);
      const answers = indexes.map(([label, index]) => {
        const c = cpuMs();
        const hits = index.completion(typed, context, { limit: 20 });
        times[label].push(cpuMs() - c);
        return JSON.stringify(hits.map((h) => [h.paper.key, h.score, h.matched]));
      });
      if (answers[0] !== answers[1]) differ++;
    }
    console.log(`${name.padEnd(30)} pruned p50 ${pct(times.pruned, 0.5)} / p95 ${pct(times.pruned, 0.95)} ms   exhaustive p50 ${pct(times.exhaustive, 0.5)} / p95 ${pct(times.exhaustive, 0.95)} ms   answers differing: ${differ}`);
  }
  console.log(load());
  await corpus.store.close();
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
