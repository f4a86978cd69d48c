// Measures the language server as an editor sees it: round trips over JSON-RPC (stdio) to
// `node dist/cli.js lsp --stdio`, for completion, hover and code lenses.
//
//   npm run build && node --import tsx test/lsp/latency.ts [--library FILE.bib|FILE.json] [--runs N] [--cache DIR]
//
// Prints time to "ready", then p50/p95 per request kind. With --library, that file joins the
// bundled corpus (e.g. bench/out/library-100000-s1.json from `npm run bench`). With --cache, the
// index is saved there; a second run loads it instead of building it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, positionOf, tempWorkspace, uriOf } from './harness';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function time(runs: number, f: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await f();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(runs * 0.5)]!, p95: times[Math.min(runs - 1, Math.floor(runs * 0.95))]! };
}

async function main(): Promise<void> {
  const runs = Number(arg('--runs') ?? 200);
  const library = arg('--library');
  const ws = tempWorkspace('workspace-latex');
  const client = TestClient.start();
  try {
    const started = Date.now();
    const cacheDir = arg('--cache') ? path.resolve(arg('--cache')!) : null;
    await client.initialize(ws, { cacheDir, litlens: { libraries: library ? [path.resolve(library)] : [] } });
    const status = await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 600000);
    console.log(`ready: ${status.papers} papers, ${status.sources} sources, in ${Date.now() - started} ms (${cacheDir ? `saved index in ${cacheDir}` : 'no saved index'})`);
    const tex = path.join(ws, 'paper.tex');
    // A long document: the fixture's paragraphs repeated 100 times, with the cursor in the first.
    const base = fs.readFileSync(tex, 'utf8');
    const body = base.slice(base.indexOf('\\section{Introduction}'), base.indexOf('\\bibliographystyle'));
    const text = base.replace(body, Array.from({ length: 100 }, () => body).join('\n'));
    await client.open(tex, 'latex', text);
    const uri = uriOf(tex);
    const show = (name: string, r: { p50: number; p95: number }) => console.log(`${name.padEnd(34)} p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms`);
    show('completion \\cite{ (context ranked)', await time(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{}', 6) })));
    show('completion \\cite{mast (typed)', await time(runs, () => client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{mastering', 10) })));
    show('hover on a key', await time(runs, () => client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'smith2020graphs', 3) })));
    show('hover on prose (related papers)', await time(runs, () => client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'learned dynamics', 3) })));
    const lines = text.split('\n').length;
    show(`codeLens, ${lines}-line document`, await time(Math.min(runs, 20), () => client.request('textDocument/codeLens', { textDocument: { uri } })));
  } finally {
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
