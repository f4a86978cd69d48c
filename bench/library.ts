// Library files as the editor drives the server: a generated .bib given through litlens.libraries,
// the real server process (`node dist/cli.js lsp --stdio`) over JSON-RPC. For each size: ready cold
// (empty cache) and from the saved index (a second process), the server's RSS after load and its
// peak, completion and prose-hover p95; then one entry edited (until litlens/search finds it) and
// the file rewritten with the same bytes (until the server has looked).
//
//   npm run build && node --import tsx bench/library.ts [--papers 10000,100000] [--runs 100]
//
// `npm run bench` runs it for 10k entries (--library-papers N,M there; --no-library skips it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, positionOf, tempWorkspace, uriOf } from '../test/lsp/harness';
import { writeLibrary } from './generate';
import { f0, f1 } from './measure';

const OUT = path.join(__dirname, 'out');

export interface LibraryRun {
  readyMs: number;
  rssMb: number;
  peakMb: number;
  completionP95: number;
  hoverP95: number;
}

export interface LibraryReport {
  papers: number;
  megabytes: number;
  cold: LibraryRun;
  saved: LibraryRun;
  /** One entry's title edited: ms from the write until litlens/search finds it. */
  editMs: number;
  /** The file written again with the same bytes: ms until the server has answered after looking. */
  unchangedMs: number;
}

/** The server's resident memory now and at its peak, in MB (Linux /proc). */
function memory(pid: number | undefined): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function p95(runs: number, f: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.min(runs - 1, Math.floor(runs * 0.95))]!;
}

/** One server process on `bib`; `then` runs while it is up. */
async function run(bib: string, cacheDir: string, runs: number, then?: (client: TestClient) => Promise<void>): Promise<LibraryRun> {
  const ws = tempWorkspace('workspace-latex');
  const client = TestClient.start();
  try {
    const settings = { libraries: [bib], bundledCorpus: false };
    client.settings = settings;
    const started = performance.now();
    await client.initialize(ws, { cacheDir, litlens: settings });
    await client.waitFor('litlens/status', (s: { state: string }) => s.state === 'ready', 1_200_000);
    const readyMs = performance.now() - started;
    const { rss, peak } = memory(client.proc.pid);
    const tex = path.join(ws, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await client.open(tex, 'latex', text);
    const uri = uriOf(tex);
    const completionP95 = await p95(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{}', 6) }));
    const hoverP95 = await p95(runs, () => client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'learned dynamics', 3) }));
    await then?.(client);
    return { readyMs, rssMb: rss, peakMb: peak, completionP95, hoverP95 };
  } finally {
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

export async function benchLibrary(papers: number, runs = 100): Promise<LibraryReport> {
  const { bib: generated } = writeLibrary(papers, 1, OUT);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-bench-library-'));
  try {
    const bib = path.join(scratch, path.basename(generated));
    fs.copyFileSync(generated, bib);
    const cacheDir = path.join(scratch, 'cache');
    const cold = await run(bib, cacheDir, runs);
    let editMs = NaN;
    let unchangedMs = NaN;
    const saved = await run(bib, cacheDir, runs, async (client) => {
      const text = fs.readFileSync(bib, 'utf8');
      const at = text.indexOf('title = {', text.length >> 1) + 'title = {'.length;
      const edited = `${text.slice(0, at)}Zyzzogeton ${text.slice(at)}`;
      fs.writeFileSync(bib, edited);
      let t = performance.now();
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(bib), type: 2 }] });
      while (!(await client.request<{ title: string }[]>('litlens/search', { query: 'zyzzogeton', limit: 1 })).length) await new Promise((r) => setTimeout(r, 5));
      editMs = performance.now() - t;
      fs.writeFileSync(bib, edited);
      t = performance.now();
      const ends = (): number => client.notifications.filter((n) => n.method === '$/progress' && n.params.value.kind === 'end').length;
      const before = ends();
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(bib), type: 2 }] });
      while (ends() === before) await new Promise((r) => setTimeout(r, 5)); // the update's progress has ended
      unchangedMs = performance.now() - t;
    });
    return { papers, megabytes: fs.statSync(bib).size / 1e6, cold, saved, editMs, unchangedMs };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function printLibraryReport(reports: LibraryReport[]): void {
  console.log(`\nLibrary files over JSON-RPC (a generated .bib in litlens.libraries, the real server process; load average ${os.loadavg()[0].toFixed(1)})`);
  const row = (label: string, cell: (r: LibraryReport) => string) => console.log(`${label.padEnd(42)}${reports.map((r) => cell(r).padStart(26)).join('')}`);
  row('', (r) => `${r.papers.toLocaleString('en')} entries (${f0(r.megabytes)} MB)`);
  row('ready cold / from the saved index, s', (r) => `${f1(r.cold.readyMs / 1000)} / ${f1(r.saved.readyMs / 1000)}`);
  row('RSS after load, cold / saved, MB', (r) => `${f0(r.cold.rssMb)} / ${f0(r.saved.rssMb)}`);
  row('peak RSS, cold / saved, MB', (r) => `${f0(r.cold.peakMb)} / ${f0(r.saved.peakMb)}`);
  row('completion \\cite{} p95, ms', (r) => `${f1(r.cold.completionP95)} / ${f1(r.saved.completionP95)}`);
  row('prose hover p95, ms', (r) => `${f1(r.cold.hoverP95)} / ${f1(r.saved.hoverP95)}`);
  row('one entry edited: searchable after, ms', (r) => f0(r.editMs));
  row('rewritten with the same bytes, ms', (r) => f0(r.unchangedMs));
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const sizes = (arg('--papers') ?? '10000').split(',').map(Number);
  const runs = Number(arg('--runs') ?? 100);
  (async () => {
    const reports: LibraryReport[] = [];
    for (const n of sizes) reports.push(await benchLibrary(n, runs));
    printLibraryReport(reports);
  })().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
