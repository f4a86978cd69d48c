// Search benchmark: the bundled corpus and a generated 100k-paper library.
//
//   npm run bench [-- --json] [-- --quick] [-- --papers N] [-- --seed S] [-- --no-bibtex] [-- --no-corpus] [-- --no-semantic]
//                 [-- --library-papers N,M] [-- --no-library]
//
// For each size, in fresh child processes (so peak RSS is honest): cold index build, save (time,
// bytes), then in another process load from the saved index and run context (sentences and
// ~100-word paragraphs), typed, completion and related queries, reporting p50/p95 latency and
// peak RSS. The 100k library is generated reproducibly by bench/generate.ts into bench/out/
// (git-ignored) as .bib and CSL-JSON; the index benchmark reads the CSL-JSON (fast), and the
// BibTeX parse of the same library is timed separately through parseBibtex.
// Then the same N papers as an arXiv snapshot read as a stream with its papers off the heap
// (bench/corpus.ts; --no-corpus skips it). --quick: the bundled corpus only. Then the semantic layer with the suite's own model
// (bench/semantic.ts) when @huggingface/transformers is installed. Library files over JSON-RPC
// (bench/library.ts): a generated 10k-entry .bib in litlens.libraries, the real server process
// (--library-papers N,M for other sizes; --no-library skips it).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadBibtexParser, parseBibtex } from '../server/src/library/bibtex';
import { loadCorpus } from '../server/src/library/corpus';
import { parseCslJson } from '../server/src/library/csljson';
import type { Paper } from '../server/src/library/paper';
import { IndexSource, SearchIndex } from '../server/src/search';
import { benchCorpusSize, printCorpusReport } from './corpus';
import { writeLibrary } from './generate';
import { benchLibrary, printLibraryReport, type LibraryReport } from './library';
import { f0, f1, latency, latencyRows, makeQueries, peakRssMb, rssMb, type Latency } from './measure';
import { benchSemantic, printSemantic, type SemanticBench } from './semantic';
import { TRANSFORMERS_PACKAGE } from '../server/src/search/semantic';

const OUT = join(__dirname, 'out');

interface BuildResult {
  papers: number;
  parseMs: number;
  buildMs: number;
  saveMs: number;
  savedBytes: number;
  peakRssMb: number;
}
interface LoadResult {
  parseMs: number;
  loadMs: number;
  loaded: string[];
  rssPapersMb: number;
  /** RSS at the end (after the queries and a GC): papers + index + runtime. */
  rssAfterMb?: number;
  /** V8 heap in use with the papers loaded (after a full GC), before the index. */
  heapPapersMb: number;
  peakRssMb: number;
  /** Heap + array buffers after loading the index minus before: what the index itself holds. */
  indexMemoryMb: number;
  context: Latency;
  paragraph: Latency;
  typed: Latency;
  completion: Latency;
  related: Latency;
}
interface SizeReport {
  name: string;
  papers: number;
  build: BuildResult;
  load: LoadResult;
}

// ---------------------------------------------------------------- child side

async function papersFor(size: string): Promise<{ papers: Paper[]; hash: string; parseMs: number }> {
  const t0 = performance.now();
  if (size === 'corpus') {
    const r = await loadCorpus();
    const hash = createHash('sha1').update(readFileSync(join(__dirname, '..', 'corpus', 'papers.json'))).digest('hex');
    return { papers: r.papers, hash, parseMs: performance.now() - t0 };
  }
  const file = size;
  const bytes = readFileSync(file);
  // The caller's cheap content hash: of the file's bytes, as the language server would.
  const hash = createHash('sha1').update(bytes).digest('hex');
  const r = parseCslJson(file, bytes.toString('utf8'));
  return { papers: r.papers, hash, parseMs: performance.now() - t0 };
}


async function child(phase: string, size: string, dir: string): Promise<void> {
  const { papers, hash, parseMs } = await papersFor(size);
  const sources: IndexSource[] = [{ id: size, papers, hash }];
  if (phase === 'build') {
    rmSync(dir, { recursive: true, force: true });
    let t = performance.now();
    const index = SearchIndex.fromSources(sources);
    const buildMs = performance.now() - t;
    t = performance.now();
    await index.save(dir);
    const saveMs = performance.now() - t;
    let savedBytes = 0;
    for (const f of await readdir(dir)) savedBytes += statSync(join(dir, f)).size;
    const out: BuildResult = { papers: papers.length, parseMs, buildMs, saveMs, savedBytes, peakRssMb: peakRssMb() };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  // Two full collections: the parse's garbage (the file text, JSON.parse's objects) is returned to the OS.
  global.gc?.();
  global.gc?.();
  const rssPapersMb = rssMb();
  const held = () => {
    const m = process.memoryUsage();
    return (m.heapUsed + m.arrayBuffers) / 1e6;
  };
  const before = held();
  const heapPapersMb = process.memoryUsage().heapUsed / 1e6;
  const t = performance.now();
  const index = await SearchIndex.load(dir, sources);
  const loadMs = performance.now() - t;
  global.gc?.();
  const indexMemoryMb = held() - before;
  const q = makeQueries(papers, 7);
  const out: LoadResult = {
    parseMs,
    loadMs,
    loaded: index.lastLoad.loaded,
    rssPapersMb,
    heapPapersMb,
    peakRssMb: 0,
    indexMemoryMb,
    context: latency((i) => index.context(q.sentences[i % q.sentences.length], { limit: 20 }), q.sentences.length),
    paragraph: latency((i) => index.context(q.paragraphs[i % q.paragraphs.length], { limit: 20 }), q.paragraphs.length),
    typed: latency((i) => index.typed(q.typed[i % q.typed.length], { limit: 20 }), q.typed.length),
    completion: latency((i) => index.completion(q.typed[i % q.typed.length].slice(0, 4), q.sentences[i % q.sentences.length], { limit: 20 }), 200),
    related: latency((i) => index.related(q.sentences[i % q.sentences.length], { limit: 10 }), q.sentences.length),
  };
  out.peakRssMb = peakRssMb();
  global.gc?.();
  out.rssAfterMb = rssMb();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------- parent side

function runChild<T>(args: string[], timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', __filename, ...args], { maxBuffer: 1 << 24, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`bench child ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`bench child ${args.join(' ')} printed no result:\n${stdout}\n${stderr}`));
      }
    });
  });
}

async function benchSize(name: string, source: string): Promise<SizeReport> {
  const dir = join(OUT, `index-${name}`);
  const build = await runChild<BuildResult>(['--child', 'build', '--size', source, '--dir', dir]);
  const load = await runChild<LoadResult>(['--child', 'load', '--size', source, '--dir', dir]);
  return { name, papers: build.papers, build, load };
}

interface BibtexResult {
  entries: number;
  megabytes: number;
  parseMs: number | null;
  papers: number;
  issues: number;
  note?: string;
}

/** parseBibtex on the generated .bib, in its own process (skipped when the parser is absent). */
async function benchBibtex(bib: string, timeoutMs: number): Promise<BibtexResult> {
  const entries = Number(/library-(\d+)-/.exec(bib)?.[1] ?? 0);
  const megabytes = statSync(bib).size / 1e6;
  try {
    return await runChild<BibtexResult>(['--child', 'bibtex', '--size', bib], timeoutMs);
  } catch (e) {
    const timedOut = /ETIMEDOUT|SIGTERM|killed/i.test((e as Error).message);
    return { entries, megabytes, parseMs: null, papers: 0, issues: 0, note: timedOut ? `did not finish within ${timeoutMs / 1000} s` : (e as Error).message.split('\n')[0] };
  }
}

async function childBibtex(bib: string): Promise<void> {
  await loadBibtexParser();
  const text = readFileSync(bib, 'utf8');
  const t = performance.now();
  const r = parseBibtex(bib, text);
  const out: BibtexResult = { entries: Number(/library-(\d+)-/.exec(bib)?.[1] ?? 0), megabytes: text.length / 1e6, parseMs: performance.now() - t, papers: r.papers.length, issues: r.issues.length };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}


function printReport(reports: SizeReport[], bibtex: BibtexResult | null): void {
  console.log(`LitLens search benchmark (node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  const col = (s: string) => s.padStart(14);
  console.log(`\n${''.padEnd(30)}${reports.map((r) => col(`${r.name} (${r.papers})`)).join('')}`);
  const row = (label: string, f: (r: SizeReport) => string) => console.log(`${label.padEnd(30)}${reports.map((r) => col(f(r))).join('')}`);
  row('parse papers (CSL-JSON) ms', (r) => f0(r.build.parseMs));
  row('cold index build ms', (r) => f0(r.build.buildMs));
  row('save ms', (r) => f0(r.build.saveMs));
  row('saved index MB', (r) => f1(r.build.savedBytes / 1e6));
  row('peak RSS while building MB', (r) => f0(r.build.peakRssMb));
  row('load saved index ms', (r) => f0(r.load.loadMs));
  const lat = (label: string, key: 'context' | 'paragraph' | 'typed' | 'completion' | 'related') => latencyRows(row, label, (r) => r.load[key]);
  lat('context sentence', 'context');
  lat('context paragraph', 'paragraph');
  lat('typed', 'typed');
  lat('completion', 'completion');
  lat('related', 'related');
  row('memory held by the index MB', (r) => f0(r.load.indexMemoryMb));
  row('heap used by the papers MB', (r) => f0(r.load.heapPapersMb));
  row('RSS with papers only MB', (r) => f0(r.load.rssPapersMb));
  row('RSS after load+queries MB', (r) => f0(r.load.rssAfterMb ?? 0));
  row('peak RSS (incl. paper parse) MB', (r) => f0(r.load.peakRssMb));
  if (bibtex) {
    console.log(
      `\nparseBibtex on the generated .bib (${bibtex.entries} entries, ${f1(bibtex.megabytes)} MB): ` +
        (bibtex.parseMs === null ? `skipped: ${bibtex.note}` : `${f1(bibtex.parseMs / 1000)} s, ${bibtex.papers} papers, ${bibtex.issues} issues`),
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const phase = arg('--child');
  if (phase === 'bibtex') return childBibtex(arg('--size')!).then(() => 0);
  if (phase) return child(phase, arg('--size')!, arg('--dir')!).then(() => 0);
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const n = Number(arg('--papers') ?? 100_000);
  const seed = Number(arg('--seed') ?? 1);
  const reports: SizeReport[] = [await benchSize('corpus', 'corpus')];
  let bibtex: BibtexResult | null = null;
  if (!quick) {
    const base = join(OUT, `library-${n}-s${seed}`);
    if (!existsSync(`${base}.json`) || !existsSync(`${base}.bib`)) {
      if (!json) console.error(`generating ${n} papers (seed ${seed}) into ${OUT} …`);
      writeLibrary(n, seed, OUT);
    }
    reports.push(await benchSize(`${Math.round(n / 1000)}k`, `${base}.json`));
    if (!argv.includes('--no-bibtex')) {
      bibtex = await benchBibtex(`${base}.bib`, 240_000);
    }
  }
  const corpus = quick || argv.includes('--no-corpus') ? null : await benchCorpusSize(n, seed, [], json ? () => {} : (s) => console.error(s));
  const libraries: LibraryReport[] = [];
  if (!quick && !argv.includes('--no-library')) {
    for (const size of (arg('--library-papers') ?? '10000').split(',').map(Number)) libraries.push(await benchLibrary(size));
  }
  const semantic = argv.includes('--no-semantic') ? null : await benchSemanticIfInstalled();
  if (json) console.log(JSON.stringify({ node: process.version, loadavg: loadavg(), sizes: reports, bibtex, corpus, libraries, semantic }, null, 2));
  else {
    printReport(reports, bibtex);
    if (corpus) printCorpusReport([corpus]);
    if (libraries.length) printLibraryReport(libraries);
    if (semantic) printSemantic(semantic);
  }
  return 0;
}

/** The semantic layer with the suite's own model, when the optional transformers.js package is installed. */
async function benchSemanticIfInstalled(): Promise<SemanticBench | null> {
  try {
    require.resolve(TRANSFORMERS_PACKAGE);
  } catch {
    console.error(`semantic bench skipped: ${TRANSFORMERS_PACKAGE} is not installed`);
    return null;
  }
  return benchSemantic();
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
