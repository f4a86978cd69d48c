// How long uncited-claim hints take on a 30-page paper: in process (the feature function the
// server calls, features/uncitedClaims.ts) and through the real language server over JSON-RPC
// (didOpen → the first diagnostics with hints; an edit of one paragraph → its diagnostics, from
// the change and from the end of the server's 250 ms pause after a keystroke), and how long a
// completion waits while a paper's hints are first ranked, beside a server with hints off.
//
//   node --import tsx bench/uncited.ts [--pages 30] [--runs 10]
//
// The paper: the first N pages (500 words each) of the longest LaTeX paper in shared/real-papers
// (duvenaud-thesis), read at run time and never stored. Library: its .bib, the other papers' .bib
// files and the bundled corpus, as eval/uncited.ts has it. Prints numbers; asserts nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { paragraphs, plainText } from '../server/src/documents';
import { ClaimMemo, uncitedClaims } from '../server/src/features/uncitedClaims';
import { loadLibrary } from '../server/src/library/load';
import { defaultSettings } from '../server/src/protocol';
import { SearchIndex, sourcesOf } from '../server/src/search';
import { Ranker } from '../server/src/search/rank';
import { projectOf } from '../server/src/workspace/project';
import { bibFilesOf, defaultDir, findPapers } from '../eval/real';
import { DIAGNOSTICS_DELAY_MS } from '../server/src/lsp/diagnostics';
import { TestClient, uriOf } from '../test/lsp/harness';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const pages = arg('--pages', 30);
const runs = arg('--runs', 10);
const ms = (x: number) => `${x.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const root = defaultDir().dir;
  if (!root) throw new Error('shared/real-papers not found beside the repository');
  const all = findPapers(root, () => {});
  const paper = all.find((p) => p.name === 'duvenaud-thesis')!;
  const full = fs.readFileSync(path.join(paper.dir, paper.document), 'utf8');
  // Cut at a blank line once the plain text holds `pages` × 500 words.
  const plain = plainText(full, 'latex');
  const words = [...plain.text.matchAll(/\S+/g)];
  const wordAt = words[Math.min(words.length - 1, pages * 500)]!.index!;
  const sourceAt = plain.offsets[wordAt]!;
  const cut = full.indexOf('\n\n', sourceAt);
  const text = `${full.slice(0, cut < 0 ? full.length : cut)}\n\n\\bibliography{${path.basename(bibFilesOf(paper, full)[0]!, '.bib')}}\n\\end{document}\n`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-bench-uncited-'));
  const file = path.join(dir, 'paper.tex');
  fs.writeFileSync(file, text);
  for (const bib of bibFilesOf(paper, full)) fs.copyFileSync(bib, path.join(dir, path.basename(bib)));
  const others = all.filter((p) => p !== paper).flatMap((o) => bibFilesOf(o, fs.readFileSync(path.join(o.dir, o.document), 'utf8')));
  const otherDir = path.join(dir, 'library');
  fs.mkdirSync(otherDir);
  others.forEach((f, i) => fs.copyFileSync(f, path.join(otherDir, `${i}-${path.basename(f)}`)));
  const paras = paragraphs(text, 'latex');
  console.log(`bench:uncited: ${pages} pages (${words.slice(0, pages * 500).length} words, ${paras.length} paragraphs, ${text.length} characters), library: own .bib + ${others.length} other .bib files + bundled corpus`);

  // In process: the feature function, a cold memo (opening), then one paragraph edited.
  const library = await loadLibrary({ libraries: [dir], corpus: true });
  const ranker = new Ranker(SearchIndex.fromSources(sourcesOf(library)));
  const doc = { uri: uriOf(file), path: file, text, syntax: 'latex' as const, version: 1 };
  const ctxOf = (d: typeof doc) => ({ config: defaultSettings, library, index: ranker, folders: [dir], trusted: true, doc: d, offset: 0, project: projectOf(d, [dir], defaultSettings) });
  const cold: number[] = [];
  const edit: number[] = [];
  let hints = 0;
  for (let r = 0; r < runs; r++) {
    const memo = new ClaimMemo();
    let t = performance.now();
    hints = uncitedClaims(ctxOf(doc), memo).length;
    cold.push(performance.now() - t);
    const p = paras[Math.floor(((r + 0.5) * paras.length) / runs)]!;
    const edited = { ...doc, text: `${text.slice(0, p.end)} And one more clause.${text.slice(p.end)}`, version: 2 };
    t = performance.now();
    uncitedClaims(ctxOf(edited), memo);
    edit.push(performance.now() - t);
  }
  console.log(`in process: all hints of the paper (cold) median ${ms(median(cold))}, max ${ms(Math.max(...cold))}; ${hints} hints`);
  console.log(`in process: after editing one paragraph median ${ms(median(edit))}, max ${ms(Math.max(...edit))}`);

  // The real server over JSON-RPC: hints on (the default), then off, the keystroke path's baseline.
  const on = await serverRun(dir, otherDir, file, text, paras.length, runs, 'hint');
  const off = await serverRun(dir, otherDir, file, text, paras.length, 0, 'off');
  const list = (xs: number[]) => `${xs.map((x) => x.toFixed(0)).join(', ')} ms (p95 of ${xs.length}: ${p95(xs).toFixed(0)} ms)`;
  console.log(`server: completion 300 ms after didOpen, while the hints are first ranked: ${list(on.during)}; load ${load()}`);
  console.log(`server: the same with hints off (litlens.uncitedClaims "off"):              ${list(off.during)}; load ${load()}`);
  console.log(`server: completion once the hints are out: ${list(on.idle)}; hints off: ${list(off.idle)}`);
  console.log(`server: didOpen → diagnostics with ${on.hints} hints ${ms(on.opened)} (includes the 250 ms pause)`);
  console.log(`server: didChange of one paragraph → its diagnostics median ${ms(median(on.edits))}, max ${ms(Math.max(...on.edits))} after the change; median ${ms(median(on.edits) - DIAGNOSTICS_DELAY_MS)} after the ${DIAGNOSTICS_DELAY_MS} ms typing pause ends`);
  fs.rmSync(dir, { recursive: true, force: true });
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)]!;
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** One server: didOpen, completions while the first hints are ranked, the first hints, completions after, `edits` edited paragraphs. */
async function serverRun(dir: string, otherDir: string, file: string, text: string, paragraphCount: number, edits: number, uncitedClaims: 'hint' | 'off') {
  const client = TestClient.start();
  try {
    client.settings = { libraries: [otherDir], uncitedClaims };
    await client.initialize(dir, { litlens: { libraries: [otherDir], uncitedClaims }, cacheDir: null });
    await client.waitFor('litlens/status', (s: { state: string }) => s.state === 'ready', 300000);
    const uri = uriOf(file);
    let t = performance.now();
    await client.open(file, 'latex', text);
    const published = client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && (uncitedClaims === 'off' || p.diagnostics.some((d: any) => d.code === 'uncited-claim')), 60000);
    // After the 250 ms pause: how long a completion waits (a keystroke's), ten in a row.
    const cite = text.indexOf('\\cite{') + '\\cite{'.length;
    const before = text.slice(0, cite);
    const position = { line: before.split('\n').length - 1, character: cite - (before.lastIndexOf('\n') + 1) };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const completions = async () => {
      const times: number[] = [];
      for (let i = 0; i < 10; i++) {
        const c = performance.now();
        await client.request('textDocument/completion', { textDocument: { uri }, position });
        times.push(performance.now() - c);
      }
      return times;
    };
    const during = await completions();
    const first = await published;
    const opened = performance.now() - t;
    const idle = await completions();
    const times: number[] = [];
    let current = text;
    for (let r = 0; r < edits; r++) {
      const p = paragraphs(current, 'latex')[Math.floor(((r + 0.5) * paragraphCount) / edits)]!;
      const next = `${current.slice(0, p.end)} And one more.${current.slice(p.end)}`;
      t = performance.now();
      await client.notify('textDocument/didChange', { textDocument: { uri, version: r + 2 }, contentChanges: [{ text: next }] });
      await client.waitFor('textDocument/publishDiagnostics', (q: any) => q.uri === uri && q.version === r + 2, 60000);
      times.push(performance.now() - t);
      current = next;
    }
    return { during, idle, opened, hints: first.diagnostics.filter((d: any) => d.code === 'uncited-claim').length, edits: times };
  } finally {
    await client.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:uncited: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
