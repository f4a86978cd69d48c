// Measures the language server as an editor sees it: round trips over JSON-RPC (stdio) to
// `node dist/cli.js lsp --stdio`, for completion, hover and code lenses.
//
//   npm run build && node --import tsx test/lsp/latency.ts [--library FILE.bib|FILE.json] [--runs N] [--cache DIR] [--reindex]
//                                                           [--corpus FILE.jsonl [--categories cs.LG,stat.ML]]
//                                                           [--shared postgresql://USER@HOST:PORT/DB [--no-bundled]] [--settle SECONDS]
//
// Prints time to "ready", then p50/p95 per request kind. With --library, that file joins the
// bundled corpus (e.g. bench/out/library-100000-s1.json from `npm run bench`). With --cache, the
// index is saved there; a second run loads it instead of building it.
// While the library loads (and, with --reindex, while an edited copy of the --library file is
// re-read and re-indexed), a hover on a key is sent every 10 ms: the slowest answer is about the
// longest time the server could not answer anything.
// The server's RSS (Linux: /proc) is printed after ready and at the end, with its peak (VmHWM,
// worker threads included).
// With --corpus (an arXiv snapshot, e.g. bench/out/arxiv-100000-s1.jsonl from bench/generate.ts
// --arxiv), the file goes into litlens.corpora: the time to the corpus being searchable is printed
// too, built cold or opened from the saved index (run twice with the same --cache for both).
// With --shared (a shared corpus in PostgreSQL, docs/postgresql.md), the URL goes into
// litlens.corpora; litlens/search and litlens/related are measured too. --no-bundled turns the
// bundled corpus off (the server's memory with only the shared corpus). --pace MS waits MS before
// each hover on a new sentence (a reader's pace; the wait is not timed). With --corpus, litlens/related
// is asked on new sentences too, and the answers holding corpus papers are counted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pg from 'pg';
import { TestClient, positionOf, tempWorkspace, uriOf } from './harness';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The server's process: its CPU time (user + system, all threads) in ms, from /proc (Linux; NaN elsewhere). */
let serverPid: number | undefined;
function serverCpuMs(): number {
  try {
    const fields = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

/**
 * p50 and p95 of `runs` round trips, the first one, and the server's CPU per request (on a busy
 * machine, what the server itself spent; with `pause`, the server's work in the pauses too).
 */
async function time(runs: number, f: () => Promise<unknown>, pause = 0): Promise<{ p50: number; p95: number; first: number; cpu: number }> {
  const times: number[] = [];
  const cpu = serverCpuMs();
  for (let i = 0; i < runs; i++) {
    if (pause) await new Promise((resolve) => setTimeout(resolve, pause)); // not timed
    const t = process.hrtime.bigint();
    await f();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const first = times[0]!;
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs * 0.5)]!, p95: times[Math.min(runs - 1, Math.floor(runs * 0.95))]!, first, cpu: (serverCpuMs() - cpu) / runs };
}

/** The server process's resident memory now and at its peak, in MB (Linux only; null elsewhere). */
function serverMemory(pid: number | undefined): { rss: number; peak: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}
const showMemory = (m: { rss: number; peak: number } | null): string => (m ? `server RSS ${m.rss.toFixed(0)} MB, peak ${m.peak.toFixed(0)} MB` : 'server RSS unknown');

/** Hovers on a key, one every 10 ms, until `done` settles: how many, and the slowest and median answer. */
async function hoversDuring(client: TestClient, uri: string, text: string, done: Promise<unknown>): Promise<string> {
  let settled = false;
  void done.finally(() => (settled = true));
  const times: number[] = [];
  while (!settled) {
    const t = process.hrtime.bigint();
    await client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'smith2020graphs', 3) });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    await new Promise((resolve) => setTimeout(resolve, 10)); // a typist's pace: leave the cores to the indexing
  }
  await done;
  times.sort((a, b) => a - b);
  return `${times.length} hovers on a key, slowest ${times[times.length - 1]?.toFixed(0)} ms, median ${times[times.length >> 1]?.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const runs = Number(arg('--runs') ?? 200);
  const reindex = process.argv.includes('--reindex');
  let library = arg('--library');
  const ws = tempWorkspace('workspace-latex');
  // --reindex edits the library: work on a copy outside the workspace (the scan would read it twice).
  const scratch = reindex && library ? fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-latency-')) : null;
  if (scratch && library) library = copyInto(library, scratch);
  const client = TestClient.start();
  serverPid = client.proc.pid;
  const load = () => `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  console.log(`node ${process.version}, ${load()}`);
  try {
    const started = Date.now();
    const cacheDir = arg('--cache') ? path.resolve(arg('--cache')!) : null;
    const tex = path.join(ws, 'paper.tex');
    // A long document: the fixture's paragraphs repeated 100 times, with the cursor in the first.
    const base = fs.readFileSync(tex, 'utf8');
    const body = base.slice(base.indexOf('\\section{Introduction}'), base.indexOf('\\bibliographystyle'));
    // ... and a citation being typed in words, for a corpus (its keys are arXiv ids).
    // "mo" begins a title word of most papers: the typed candidates are many, the sentence ranks them.
    const text = base.replace(body, Array.from({ length: 100 }, () => body).join('\n')).replace('\\end{document}', 'As in \\cite{deep lear}.\nModels of learned dynamics plan ahead~\\cite{mo}.\n\\end{document}');
    const uri = uriOf(tex);
    const corpus = arg('--corpus');
    const corpusCategories = (arg('--categories') ?? '').split(',').filter(Boolean);
    const shared = arg('--shared');
    const settings = { libraries: library ? [path.resolve(library)] : [], corpora: [...(corpus ? [path.resolve(corpus)] : []), ...(shared ? [shared] : [])], corpusCategories, bundledCorpus: !process.argv.includes('--no-bundled') };
    client.settings = settings;
    await client.initialize(ws, { cacheDir, litlens: settings });
    await client.open(tex, 'latex', text);
    const ready = client.waitFor('litlens/status', (s: any) => s.state === 'ready', 600000);
    const sharedReady = shared ? client.waitFor('litlens/status', (s: any) => s.shared?.[0]?.state === 'ready', 60000) : null;
    const corpusReady = corpus ? client.waitFor('litlens/status', (s: any) => s.state === 'ready' && s.corpus && s.corpus.state !== 'indexing', 1200000) : ready;
    const during = await hoversDuring(client, uri, text, ready);
    const status = await ready;
    console.log(`ready: ${status.papers} papers, ${status.sources} sources, in ${Date.now() - started} ms (${cacheDir ? `saved index in ${cacheDir}` : 'no saved index'})`);
    console.log(`while loading: ${during}`);
    if (corpus) {
      const meanwhile = await hoversDuring(client, uri, text, corpusReady);
      const done = await corpusReady;
      const progress = client.notifications.filter((n) => n.method === '$/progress').map((n) => String(n.params.value.message ?? ''));
      const how = progress.some((m) => /: indexing \(/.test(m)) ? 'built cold' : 'opened from the saved index';
      console.log(`corpus ${done.corpus.state}: ${done.corpus.papers} papers (${done.corpus.filtered ?? 0} filtered out), ${how}, in ${Date.now() - started} ms from start${done.corpus.message ? `; ${done.corpus.message}` : ''}`);
      console.log(`while the corpus loaded: ${meanwhile}`);
    }
    if (sharedReady) {
      const s = (await sharedReady).shared[0];
      console.log(`shared corpus ${s.url}: ${s.papers} papers, connected in ${Date.now() - started} ms from start`);
    }
    console.log(`after ready: ${showMemory(serverMemory(client.proc.pid))}`);
    // --settle S: the user reads for S seconds before typing (the server draws the related gate's bars meanwhile: Ranker.warm).
    const settle = Number(arg('--settle') ?? 0);
    if (settle > 0) (await new Promise((resolve) => setTimeout(resolve, settle * 1000)), console.log(`settled ${settle} s`));
    if (reindex && library) {
      // One edited title: the server re-reads the file and re-indexes the one chunk that changed.
      const file = path.resolve(library);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/"title":"|title = \{/, (m) => `${m}Edited `));
      const t = Date.now();
      const updated = client.waitForNext('litlens/status', () => true, 600000);
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 2 }] });
      const hovers = await hoversDuring(client, uri, text, updated);
      console.log(`re-reading and re-indexing ${path.basename(file)}: ${Date.now() - t} ms; meanwhile ${hovers}`);
    }
    const show = (name: string, r: { p50: number; p95: number; first?: number; cpu?: number }) =>
      console.log(`${name.padEnd(34)} p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms${r.first === undefined ? '' : `   first ${r.first.toFixed(1)} ms`}${r.cpu === undefined || Number.isNaN(r.cpu) ? '' : `   server CPU ${r.cpu.toFixed(1)} ms/request`}`);
    show('completion \\cite{ (context ranked)', await time(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{}', 6) })));
    show('completion \\cite{mast (typed)', await time(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{mastering', 10) })));
    show('hover on a key', await time(runs, () => client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'smith2020graphs', 3) })));
    if (corpus || shared) show('completion \\cite{deep lear (typed)', await time(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{deep lear', 15) })));
    if (corpus || shared) show('completion \\cite{mo (common prefix)', await time(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{mo}', 8) })));
    if (!shared) show('hover on prose (related papers)', await time(runs, () => client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'learned dynamics', 3) })));
    if (corpus && !shared) {
      // The hover above asks about one sentence again and again (answered from memory after the
      // first): here each hover is on a sentence not asked before, from the corpus's own abstracts.
      const sentences = corpusSentences(corpus, runs);
      const prose = path.join(ws, 'prose.tex');
      await client.open(prose, 'latex', proseText(sentences[0]));
      let i = 0;
      let version = 1;
      // --pace MS: a reader's pause before each hover (not timed): the server draws what the gate still lacks meanwhile.
      const pace = Number(arg('--pace') ?? 0);
      let answered = 0;
      let withCorpus = 0;
      show(`hover on prose (a new sentence each${pace ? `, ${pace} ms apart` : ''})`, await time(runs, async () => {
        await client.notify('textDocument/didChange', { textDocument: { uri: uriOf(prose), version: ++version }, contentChanges: [{ text: proseText(sentences[i++]) }] });
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(prose) }, position: { line: 2, character: 3 } });
        if (hover) answered++;
        if (/`arXiv:/.test(hover?.contents.value ?? '')) withCorpus++;
      }, pace));
      // The corpus's own sentences: a hover without its papers is one answered before its gate's bars were drawn (Ranker.undrawn).
      console.log(`  ${answered} of ${runs} hovers listed papers, ${withCorpus} of them papers of the corpus`);
      // Show Related Papers on a sentence not asked before (the same ranking as the hover, no document).
      const others = corpusSentences(corpus, 2 * runs).slice(runs);
      let j = 0;
      let held = 0;
      show('litlens/related (a new sentence each)', await time(runs, async () => {
        const hits = await client.request<{ key: string }[]>('litlens/related', { text: others[j++], limit: 10 });
        if (hits.some((h) => h.key.startsWith('arXiv:'))) held++;
      }, pace));
      console.log(`  ${held} of ${runs} answers held corpus papers`);
    }
    if (shared) {
      // A shared corpus keeps its answers (a repeated request is answered from memory): every
      // request here asks about text it has not seen, sentences and title words of its own papers.
      const { sentences, titles } = await sharedSamples(shared, 3 * runs);
      const prose = path.join(ws, 'prose.tex');
      await client.open(prose, 'latex', proseText(sentences[0]));
      let i = 0;
      let version = 1;
      // How many answers held a paper of the shared corpus (one that missed the deadline has none).
      let answered = 0;
      const count = (has: boolean) => void (answered += has ? 1 : 0);
      const shown = (name: string, r: { p50: number; p95: number }) => (show(name, r), console.log(`  ${answered} of ${runs} answers held shared papers`), (answered = 0));
      shown('hover on prose (a new sentence each)', await time(runs, async () => {
        const sentence = sentences[i++];
        await client.notify('textDocument/didChange', { textDocument: { uri: uriOf(prose), version: ++version }, contentChanges: [{ text: proseText(sentence) }] });
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(prose) }, position: { line: 2, character: 3 } });
        count(/`arXiv:/.test(hover?.contents.value ?? ''));
      }));
      shown('litlens/search (title words)', await time(runs, async () => count((await client.request<{ key: string }[]>('litlens/search', { query: titles[i++], limit: 20 })).some((h) => h.key.startsWith('arXiv:')))));
      shown('litlens/related (a sentence)', await time(runs, async () => count((await client.request<{ key: string }[]>('litlens/related', { text: sentences[i++], limit: 10 })).some((h) => h.key.startsWith('arXiv:')))));
    }
    const lines = text.split('\n').length;
    show(`codeLens, ${lines}-line document`, await time(Math.min(runs, 20), () => client.request('textDocument/codeLens', { textDocument: { uri } })));
    console.log(`after the requests: ${showMemory(serverMemory(client.proc.pid))}; ${load()}`);
  } finally {
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `n` sentences of abstracts and `n` title beginnings (2-3 words) of a shared corpus's papers, each different. */
async function sharedSamples(url: string, n: number): Promise<{ sentences: string[]; titles: string[] }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const papers = Number((await db.query("SELECT value->>'papers' AS n FROM litlens.meta WHERE key = 'stats'")).rows[0].n);
    const percent = Math.min(100, (100 * 8 * n) / papers);
    const { rows } = await db.query(`SELECT entry->>'title' AS title, entry->>'abstract' AS abstract FROM litlens.papers TABLESAMPLE SYSTEM ($1) REPEATABLE (7) LIMIT $2`, [percent, 2 * n]);
    const sentences = [...new Set(rows.map((r) => String(r.abstract ?? '').split(/(?<=[.!?])\s+/).find((x) => x.split(/\s+/).length > 8 && !/[\\$%{}]/.test(x)) ?? ''))].filter(Boolean);
    const titles = [...new Set(rows.map((r, k) => String(r.title ?? '').split(/\s+/).slice(0, 2 + (k % 2)).join(' ')))].filter(Boolean);
    if (sentences.length < n || titles.length < n) throw new Error(`${url}: too few papers for ${n} distinct queries`);
    return { sentences, titles };
  } finally {
    await db.end();
  }
}

/** A LaTeX document of one sentence. */
function proseText(sentence: string): string {
  return `\\documentclass{article}\n\\begin{document}\n${sentence}\n\\end{document}\n`;
}

/** `n` different sentences (over 8 words, no TeX) of the abstracts at the start of an arXiv snapshot. */
function corpusSentences(file: string, n: number): string[] {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 << 20);
    const lines = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8').split('\n').slice(0, -1);
    const sentences = new Set<string>();
    for (const line of lines) {
      const abstract = String(JSON.parse(line).abstract ?? '').replace(/\s+/g, ' ');
      const sentence = abstract.split(/(?<=[.!?])\s+/).find((x) => x.split(' ').length > 8 && !/[\\$%{}]/.test(x));
      if (sentence) sentences.add(sentence.trim());
      if (sentences.size >= n) return [...sentences];
    }
    throw new Error(`${file}: too few abstracts for ${n} distinct sentences`);
  } finally {
    fs.closeSync(fd);
  }
}

function copyInto(file: string, dir: string): string {
  const to = path.join(dir, path.basename(file));
  fs.copyFileSync(file, to);
  return to;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
