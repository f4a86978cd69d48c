// LitLens on real papers: re-cite, lenses and prose hovers, through the real language server.
//
//   npm run eval:real -- [DIR] [--no-corpus] [--json] [--half tune|test] [--paper NAME]…
//
// DIR (default: shared/real-papers beside the repository, e.g. /work/shared/real-papers for a
// clone in /work/main or /work/wt/x) holds one folder per paper: one .tex or .md document, its
// .bib file(s), and SOURCE.txt with `field: ml|other`. The papers' text is read from there at run
// time and never copied into the project. For each paper, one `node dist/cli.js lsp --stdio`
// (built first when dist/ is older than the sources) is started with the paper's folder as its
// workspace and `bundledCorpus` on (default) or off (--no-corpus), and:
//   re-cite  every citation whose key has an entry in the paper's .bib is taken out of the document
//            (`\cite{a,b}` → `\cite{a,}`, `[@a; @b]` → `[@a; @]`, `@a` → `@`), completion is asked
//            where the key was, and the key's rank in the list is recorded, with whether the first
//            item is an entry of the paper's own .bib and whether the list is empty. Beside it: a
//            plain BM25 over the own .bib entries queried with the text the server ranks by
//            (co-cited keys left out, as the server leaves them out), and a random ranking of the
//            .bib. Metrics are pooled over occurrences: R@1, R@5, R@10, MRR@20 (ties in BM25 and
//            random count as every order equally likely).
//   lenses   on the unmodified document, codeLens then codeLens/resolve: lenses per 10 paragraphs,
//            lenses naming bundled-corpus papers in papers whose SOURCE.txt says `field: other`,
//            lenses naming a paper already cited in their own paragraph.
//   hovers   in `field: other` papers, a hover at the start of every sentence: the share whose
//            related-papers hover names bundled-corpus papers.
//   pooled   every paper's .bib entries as one library; each citation's citing text ranked by the
//            related ranking and by plain BM25F over it (eval/pooled.ts), R@1/R@10/MRR per half.
// The papers are split into a fixed tune half and test half (HALVES below, balanced by format
// and field): choose weights and thresholds on the tune half only. `--half` runs one half;
// `--json` prints everything, per paper and per occurrence, as JSON.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { bibliographyFiles, citationAt, citedKeys, paragraphs, sentences, type CitedKey, type Syntax } from '../server/src/documents';
import { loadCorpus } from '../server/src/library/corpus';
import { readLibraryFile } from '../server/src/library/files';
import type { Paper } from '../server/src/library/paper';
import type { Status } from '../server/src/protocol';
import { TestClient, uriOf } from '../test/lsp/harness';
import { type PooledPaper, pooledRecite, printPooled } from './pooled';
import {
  PlainBm25,
  citingText,
  exactRank,
  randomRank,
  reciteMetrics,
  reciteOccurrences,
  spanOf,
  withoutKey,
  LIST_DEPTH,
  type RankSpan,
  type ReciteMetrics,
} from './recite';

const repoRoot = path.resolve(__dirname, '..');

export type HalfName = 'tune' | 'test';

/**
 * The fixed split, by folder name. Each half: 4 LaTeX papers (1 ML, 3 other) and 6 JOSS Markdown
 * papers (1 ML, 5 other); the large bibliographies and the astronomy papers are spread over both.
 */
export const HALVES: Record<HalfName, readonly string[]> = {
  tune: ['celerite', 'flux', 'statespacemodels', 'sympy', 'effectsize', 'exoplanet', 'imodels', 'pyabc', 'segment-geospatial', 'unyt'],
  test: ['duvenaud-thesis', 'lombscargle', 'minimap2', 'oceanrobots', 'brainglobe-atlasapi', 'datalad', 'pvlib', 'pyautolens', 'thewalrus', 'torchmetrics'],
};

const halfOf = (name: string): HalfName | null => (HALVES.tune.includes(name) ? 'tune' : HALVES.test.includes(name) ? 'test' : null);

export interface RealPaper {
  name: string;
  dir: string;
  document: string;
  syntax: Syntax;
  field: string;
  half: HalfName | null;
  /** A further tune paper from outside the shared set (--extra DIR of eval/uncited.ts, eval/uncitedCv.ts). */
  extra?: boolean;
}

/** One re-asked citation. Keys, not text: the report never carries the papers' prose. */
export interface OccurrenceRun {
  key: string;
  line: number;
  command: string;
  /** Co-cited keys in the same command (the server leaves them out of the list). */
  cocited: number;
  /** Rank of the removed key in the completion list (sortText order), null when not offered. */
  rank: number | null;
  items: number;
  /** Items that are entries of the paper's own .bib. */
  ownItems: number;
  top: string | null;
  topOwn: boolean;
  bm25: RankSpan | null;
  /** BM25 offering only entries that share a word with the text. */
  bm25Matched: RankSpan | null;
  /** Whether the ranked text shares any word with the removed key's entry. */
  sharesWord: boolean;
}

export interface LensCounts {
  paragraphs: number;
  lenses: number;
  /** Lenses naming at least one bundled-corpus paper. */
  corpusLenses: number;
  /** Lenses naming a paper cited in the paragraph they sit on. */
  citedInParagraph: number;
  /** Papers named by lenses, and how many of them come from the bundled corpus. */
  papers: number;
  corpusPapers: number;
}

export interface HoverCounts {
  sentences: number;
  /** Sentences whose prose hover lists related papers. */
  related: number;
  /** Sentences whose prose hover names bundled-corpus papers. */
  corpus: number;
  /** Sentences whose prose hover names a paper cited in the sentence's paragraph. */
  citedInParagraph: number;
}

export interface PaperReport {
  name: string;
  half: HalfName | null;
  format: Syntax;
  field: string;
  document: string;
  bib: { files: string[]; entries: number; unparsed: number };
  citations: { total: number; asked: number; skippedNoEntry: number; missingKeys: string[] };
  server: { papers: number; readyMs: number; ms: number };
  runs: OccurrenceRun[];
  lenses: LensCounts;
  hovers: HoverCounts | null;
}

interface PaperMean {
  r10: number;
  mrr20: number;
}

interface Summary {
  papers: number;
  recite: {
    litlens: ReciteMetrics & { ownTop: number; empty: number; notOffered: number; notOfferedNoSharedWord: number };
    bm25: ReciteMetrics;
    bm25Matched: ReciteMetrics;
    random: ReciteMetrics;
    /** The same, averaged over papers instead of occurrences (long papers weigh as much as short ones). */
    perPaper: { litlens: PaperMean; bm25: PaperMean; random: PaperMean };
  };
  lenses: LensCounts & { per10Paragraphs: number };
  other: LensCounts & { corpusPer20Paragraphs: number; corpusShare: number };
  hovers: HoverCounts & { corpusShare: number; relatedShare: number };
  skipped: { noEntry: number; unparsedEntries: number };
}

function summarize(reports: PaperReport[], bibSizes: Map<string, number>): Summary {
  const runs = reports.flatMap((r) => r.runs.map((run) => ({ run, bib: bibSizes.get(r.name) ?? 0 })));
  const share = (f: (run: OccurrenceRun) => boolean) => (runs.length ? runs.filter((x) => f(x.run)).length / runs.length : 0);
  const sum = (rs: PaperReport[], f: (l: LensCounts) => number) => rs.reduce((a, r) => a + f(r.lenses), 0);
  const lensTotals = (rs: PaperReport[]): LensCounts => ({
    paragraphs: sum(rs, (l) => l.paragraphs),
    lenses: sum(rs, (l) => l.lenses),
    corpusLenses: sum(rs, (l) => l.corpusLenses),
    citedInParagraph: sum(rs, (l) => l.citedInParagraph),
    papers: sum(rs, (l) => l.papers),
    corpusPapers: sum(rs, (l) => l.corpusPapers),
  });
  const all = lensTotals(reports);
  const other = lensTotals(reports.filter((r) => r.field === 'other'));
  const hovered = reports.flatMap((r) => (r.hovers ? [r.hovers] : []));
  const h = { sentences: 0, related: 0, corpus: 0, citedInParagraph: 0 };
  for (const x of hovered) {
    h.sentences += x.sentences;
    h.related += x.related;
    h.corpus += x.corpus;
    h.citedInParagraph += x.citedInParagraph;
  }
  const misses = runs.filter((x) => x.run.rank === null);
  const asked = reports.filter((r) => r.runs.length > 0);
  const perPaper = (f: (r: PaperReport) => (RankSpan | null)[]): PaperMean => {
    const ms = asked.map((r) => reciteMetrics(f(r)));
    const mean = (g: (m: ReciteMetrics) => number) => (ms.length ? ms.reduce((a, m) => a + g(m), 0) / ms.length : 0);
    return { r10: mean((m) => m.r10), mrr20: mean((m) => m.mrr20) };
  };
  return {
    papers: reports.length,
    recite: {
      litlens: {
        ...reciteMetrics(runs.map((x) => (x.run.rank === null ? null : exactRank(x.run.rank)))),
        ownTop: share((r) => r.topOwn),
        empty: share((r) => r.items === 0),
        notOffered: share((r) => r.rank === null),
        notOfferedNoSharedWord: misses.length ? misses.filter((x) => !x.run.sharesWord).length / misses.length : 0,
      },
      bm25: reciteMetrics(runs.map((x) => x.run.bm25)),
      bm25Matched: reciteMetrics(runs.map((x) => x.run.bm25Matched)),
      random: reciteMetrics(runs.map((x) => randomRank(x.bib))),
      perPaper: {
        litlens: perPaper((r) => r.runs.map((run) => (run.rank === null ? null : exactRank(run.rank)))),
        bm25: perPaper((r) => r.runs.map((run) => run.bm25)),
        random: perPaper((r) => r.runs.map(() => randomRank(bibSizes.get(r.name) ?? 0))),
      },
    },
    lenses: { ...all, per10Paragraphs: all.paragraphs ? (10 * all.lenses) / all.paragraphs : 0 },
    other: {
      ...other,
      corpusPer20Paragraphs: other.paragraphs ? (20 * other.corpusLenses) / other.paragraphs : 0,
      corpusShare: other.lenses ? other.corpusLenses / other.lenses : 0,
    },
    hovers: { ...h, corpusShare: h.sentences ? h.corpus / h.sentences : 0, relatedShare: h.sentences ? h.related / h.sentences : 0 },
    skipped: { noEntry: reports.reduce((a, r) => a + r.citations.skippedNoEntry, 0), unparsedEntries: reports.reduce((a, r) => a + r.bib.unparsed, 0) },
  };
}

// ---------------------------------------------------------------------------------------------
// Finding the papers

/** shared/real-papers in the nearest ancestor folder of the repository that has one. */
export function defaultDir(): { dir: string | null; looked: string[] } {
  const looked: string[] = [];
  for (let d = path.dirname(repoRoot); ; d = path.dirname(d)) {
    const candidate = path.join(d, 'shared', 'real-papers');
    looked.push(candidate);
    if (fs.existsSync(candidate)) return { dir: candidate, looked };
    if (path.dirname(d) === d) return { dir: null, looked };
  }
}

function sourceFields(file: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!fs.existsSync(file)) return fields;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([\w ]+):\s*(.*)$/.exec(line.trim());
    if (m) fields[m[1].trim().toLowerCase()] = m[2].trim();
  }
  return fields;
}

/** The papers under `root`, one folder each; folders that hold no single document are reported. */
export function findPapers(root: string, warn: (m: string) => void): RealPaper[] {
  const papers: RealPaper[] = [];
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const source = sourceFields(path.join(dir, 'SOURCE.txt'));
    const docs = fs.readdirSync(dir).filter((f) => /\.(tex|md)$/i.test(f));
    const named = source.path ? path.basename(source.path) : '';
    const document = docs.includes(named) ? named : docs.length === 1 ? docs[0] : null;
    if (!document) {
      warn(`${name}: skipped: ${docs.length ? `several documents (${docs.join(', ')}) and SOURCE.txt names none of them` : 'no .tex or .md document'}`);
      continue;
    }
    papers.push({
      name,
      dir: fs.realpathSync(dir),
      document,
      syntax: /\.tex$/i.test(document) ? 'latex' : 'markdown',
      field: source.field ?? 'unknown',
      half: halfOf(name),
    });
  }
  return papers;
}

/**
 * Further tune papers from a folder outside the shared set (`--extra DIR`), in the same layout; every
 * one counts as tune, the shared split unchanged. A folder named like a shared paper is skipped.
 */
export function extraPapers(dir: string, shared: readonly RealPaper[], warn: (m: string) => void): RealPaper[] {
  return findPapers(path.resolve(dir), warn)
    .filter((p) => !shared.some((s) => s.name === p.name) || (warn(`${p.name}: also in the shared set; skipped`), false))
    .map((p) => ({ ...p, half: 'tune' as const, extra: true }));
}

/** The .bib files the document names (those that exist), else every .bib in its folder. */
export function bibFilesOf(paper: RealPaper, text: string): string[] {
  const named = bibliographyFiles(text, paper.syntax)
    .map((f) => path.resolve(paper.dir, f))
    .filter((f) => fs.existsSync(f));
  if (named.length) return named;
  return fs
    .readdirSync(paper.dir)
    .filter((f) => /\.bib$/i.test(f))
    .map((f) => path.join(paper.dir, f));
}

/** Every paper of the folder with its document's text and its .bib entries (eval/pooled.ts). */
export async function pooledPapers(root: string): Promise<PooledPaper[]> {
  const papers: PooledPaper[] = [];
  for (const p of findPapers(root, () => {})) {
    const text = fs.readFileSync(path.join(p.dir, p.document), 'utf8');
    papers.push({ name: p.name, half: p.half, text, syntax: p.syntax, entries: (await readBib(bibFilesOf(p, text))).entries });
  }
  return papers;
}

async function readBib(files: string[]): Promise<{ entries: Map<string, Paper>; unparsed: number }> {
  const entries = new Map<string, Paper>();
  let unparsed = 0;
  for (const file of files) {
    const result = await readLibraryFile(file);
    for (const p of result.papers) if (!entries.has(p.key)) entries.set(p.key, p);
    unparsed += result.issues.filter((i) => i.severity === 'error').length;
  }
  return { entries, unparsed };
}

// ---------------------------------------------------------------------------------------------
// Talking to the server

/** Builds dist/ when it is missing or older than what it is built from. */
function buildIfStale(log: (m: string) => void): void {
  const out = path.join(repoRoot, 'dist', 'cli.js');
  const built = fs.existsSync(out) ? fs.statSync(out).mtimeMs : 0;
  const newest = (p: string): number => {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.mtimeMs;
    return fs.readdirSync(p).reduce((m, f) => Math.max(m, newest(path.join(p, f))), st.mtimeMs);
  };
  const sources = ['server/src', 'corpus/papers.json', 'esbuild.mjs', 'package.json'].map((p) => path.join(repoRoot, p)).filter((p) => fs.existsSync(p));
  if (built >= Math.max(...sources.map(newest))) return;
  log('building dist/ (older than server/src)');
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`esbuild.mjs exited with ${r.status}`);
}

interface CompletionItemLike {
  label: string;
  sortText?: string;
  /** The key is what the item inserts (the label reads "Surname year · title"). */
  textEdit?: { newText: string };
  insertText?: string;
}

function completionKeys(answer: unknown): string[] {
  const items: CompletionItemLike[] = Array.isArray(answer) ? answer : ((answer as { items?: CompletionItemLike[] } | null)?.items ?? []);
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (a.item.sortText ?? a.item.label).localeCompare(b.item.sortText ?? b.item.label) || a.i - b.i)
    .map((x) => x.item.textEdit?.newText ?? x.item.insertText ?? x.item.label);
}

/** Keys a prose hover lists: its lines "- `key` Title…". */
function hoverKeys(hover: unknown): string[] {
  const contents = (hover as { contents?: { value?: string } | string } | null)?.contents;
  const md = typeof contents === 'string' ? contents : (contents?.value ?? '');
  return [...md.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
}

async function runPaper(paper: RealPaper, corpus: boolean, corpusKeys: ReadonlySet<string>, log: (m: string) => void): Promise<{ report: PaperReport; bibSize: number }> {
  const started = Date.now();
  const file = path.join(paper.dir, paper.document);
  const text = fs.readFileSync(file, 'utf8');
  const bibFiles = bibFilesOf(paper, text);
  const bib = await readBib(bibFiles);
  const own = (key: string) => bib.entries.has(key);
  const fromCorpus = (key: string) => !own(key) && corpusKeys.has(key);
  const { asked, skipped } = reciteOccurrences(text, paper.syntax, own);
  const bm25 = new PlainBm25([...bib.entries.values()]);
  const original = TextDocument.create(uriOf(file), paper.syntax, 0, text);
  const uri = uriOf(file);

  const client = TestClient.start();
  client.settings = { bundledCorpus: corpus };
  try {
    await client.initialize(paper.dir, { litlens: { bundledCorpus: corpus }, cacheDir: null });
    await client.open(file, paper.syntax, text, 1);
    const status = await client.waitFor<Status>('litlens/status', (s) => s.state === 'ready' || s.state === 'error', 300000);
    if (status.state === 'error') throw new Error(`${paper.name}: the server could not index the library: ${status.message ?? ''}`);
    const readyMs = Date.now() - started;
    let version = 1;
    const change = (range: { start: number; end: number }, newText: string) =>
      client.notify('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [{ range: { start: original.positionAt(range.start), end: original.positionAt(range.end) }, text: newText }],
      });

    // Re-cite: take the key out, ask where it was, put it back (the server sees exactly the copy).
    const runs: OccurrenceRun[] = [];
    for (const cited of asked) {
      const copy = withoutKey(text, cited);
      const cite = citationAt(copy.text, copy.cursor, paper.syntax);
      await change(cited, '');
      const answer = await client.request('textDocument/completion', {
        textDocument: { uri },
        position: original.positionAt(copy.cursor),
        context: { triggerKind: 1 },
      });
      await change({ start: cited.start, end: cited.start }, cited.key);
      client.notifications.length = 0; // diagnostics after every edit: nothing this script reads
      const keys = completionKeys(answer);
      const rank = keys.indexOf(cited.key);
      const context = cite ? citingText(copy.text, copy.cursor, paper.syntax, cite.command) : '';
      const cocited = new Set(cite?.keys ?? []);
      const scored = bm25.scores(context, cocited);
      const target = scored.find((s) => s.key === cited.key);
      runs.push({
        key: cited.key,
        line: original.positionAt(cited.start).line + 1,
        command: cite?.command ?? '',
        cocited: cocited.size,
        rank: rank >= 0 ? rank + 1 : null,
        items: keys.length,
        ownItems: keys.filter(own).length,
        top: keys[0] ?? null,
        topOwn: keys.length > 0 && own(keys[0]),
        bm25: spanOf(scored, cited.key),
        bm25Matched: spanOf(scored, cited.key, true),
        sharesWord: (target?.score ?? 0) > 0,
      });
    }

    // Lenses on the unmodified document (the last edit put the text back).
    const paras = paragraphs(text, paper.syntax);
    const allCited = citedKeys(text, paper.syntax);
    const lensList = ((await client.request('textDocument/codeLens', { textDocument: { uri } })) ?? []) as { range: { start: { line: number; character: number } } }[];
    const lenses: LensCounts = { paragraphs: paras.length, lenses: 0, corpusLenses: 0, citedInParagraph: 0, papers: 0, corpusPapers: 0 };
    const unplaced = lensList.filter((l) => !paras.some((p) => p.start === original.offsetAt(l.range.start))).length;
    if (unplaced) log(`${paper.name}: ${unplaced} lenses not at the start of a paragraph (cited-in-paragraph uses the paragraph around them)`);
    for (const unresolved of lensList) {
      const lens = await client.request('codeLens/resolve', unresolved);
      const named: string[] = (lens?.command?.arguments?.[0]?.papers ?? []).map((p: { key: string }) => p.key);
      if (named.length === 0) continue;
      lenses.lenses++;
      lenses.papers += named.length;
      lenses.corpusPapers += named.filter(fromCorpus).length;
      if (named.some(fromCorpus)) lenses.corpusLenses++;
      const cited = citedInParagraph(text, paras, original.offsetAt(unresolved.range.start), allCited);
      if (named.some((k) => cited.has(k))) lenses.citedInParagraph++;
    }

    // Prose hovers, in papers outside the corpus' field.
    let hovers: HoverCounts | null = null;
    if (paper.field === 'other') {
      hovers = { sentences: 0, related: 0, corpus: 0, citedInParagraph: 0 };
      for (const s of sentences(text, paper.syntax)) {
        const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: original.positionAt(s.start) });
        const keys = hoverKeys(hover);
        hovers.sentences++;
        if (keys.length) hovers.related++;
        if (keys.some(fromCorpus)) hovers.corpus++;
        const cited = citedInParagraph(text, paras, s.start, allCited);
        if (keys.some((k) => cited.has(k))) hovers.citedInParagraph++;
      }
    }
    const ms = Date.now() - started;
    log(`${paper.name}: ${runs.length} citations, ${lenses.lenses} lenses, ${hovers ? `${hovers.sentences} hovers, ` : ''}${(ms / 1000).toFixed(1)} s`);
    return {
      bibSize: bib.entries.size,
      report: {
        name: paper.name,
        half: paper.half,
        format: paper.syntax,
        field: paper.field,
        document: paper.document,
        bib: { files: bibFiles.map((f) => path.relative(paper.dir, f)), entries: bib.entries.size, unparsed: bib.unparsed },
        citations: { total: asked.length + skipped.length, asked: asked.length, skippedNoEntry: skipped.length, missingKeys: [...new Set(skipped.map((k) => k.key))] },
        server: { papers: status.papers, readyMs, ms },
        runs,
        lenses,
        hovers,
      },
    };
  } finally {
    await client.stop();
  }
}

/** Keys cited in the paragraph starting at `anchor`: from its start to the blank line (or next paragraph) after it. */
function citedInParagraph(text: string, paras: { start: number; end: number }[], anchor: number, cited: CitedKey[]): Set<string> {
  const i = paras.findIndex((p) => p.start <= anchor && anchor < Math.max(p.end, p.start + 1));
  if (i < 0) return new Set();
  const p = paras[i];
  const blank = /\n[ \t]*\r?\n/g;
  blank.lastIndex = p.end;
  const end = Math.min(blank.exec(text)?.index ?? text.length, paras[i + 1]?.start ?? text.length);
  return new Set(cited.filter((k) => k.start >= p.start && k.start < Math.max(end, p.end)).map((k) => k.key));
}

// ---------------------------------------------------------------------------------------------
// Output

const num = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function printSummary(title: string, s: Summary): void {
  const r = s.recite;
  console.log(`\n${title}: ${s.papers} papers, ${r.litlens.occurrences} citations re-asked (${s.skipped.noEntry} skipped: no entry; ${s.skipped.unparsedEntries} .bib entries did not parse)`);
  console.log('  re-cite                      R@1    R@5    R@10   MRR@20  own top  empty  not offered');
  const row = (name: string, m: ReciteMetrics, extra = '') => console.log(`  ${name.padEnd(26)} ${num(m.r1)}  ${num(m.r5)}  ${num(m.r10)}  ${num(m.mrr20)}${extra}`);
  row('LitLens completion', r.litlens, `  ${pct(r.litlens.ownTop).padStart(7)}  ${pct(r.litlens.empty).padStart(5)}  ${pct(r.litlens.notOffered).padStart(6)}`);
  row('plain BM25, own .bib', r.bm25);
  row('BM25, matching only', r.bm25Matched);
  row('random, own .bib', r.random);
  const pp = r.perPaper;
  console.log(`  mean over papers, R@10 / MRR@20: LitLens ${num(pp.litlens.r10)} / ${num(pp.litlens.mrr20)}, BM25 ${num(pp.bm25.r10)} / ${num(pp.bm25.mrr20)}, random ${num(pp.random.r10)} / ${num(pp.random.mrr20)}`);
  console.log(`  of the keys not offered, ${pct(r.litlens.notOfferedNoSharedWord)} share no word with the ranked text (title, authors, venue, abstract, key)`);
  const l = s.lenses;
  const o = s.other;
  console.log(`  lenses: ${(l.per10Paragraphs).toFixed(2)} per 10 paragraphs (${l.lenses} on ${l.paragraphs}); naming a paper cited in their paragraph: ${l.citedInParagraph}`);
  console.log(`  non-ML papers: lenses naming corpus papers ${o.corpusPer20Paragraphs.toFixed(2)} per 20 paragraphs, ${pct(o.corpusShare)} of their ${o.lenses} lenses (${o.corpusPapers} of ${o.papers} papers named)`);
  if (s.hovers.sentences) console.log(`  non-ML prose hovers: ${pct(s.hovers.relatedShare)} of ${s.hovers.sentences} sentences list papers, ${pct(s.hovers.corpusShare)} name corpus papers, ${s.hovers.citedInParagraph} name a paper cited in their paragraph`);
}

function printPapers(reports: PaperReport[], bibSizes: Map<string, number>): void {
  console.log('\nper paper                 half fmt field  bib  cited asked  R@10   MRR  own top empty | BM25 R@10  MRR | rand R@10 | paras lenses corpus cited');
  const order = (r: PaperReport) => (r.half === 'tune' ? 0 : r.half === 'test' ? 1 : 2);
  for (const p of [...reports].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name))) {
    const s = summarize([p], bibSizes);
    const r = s.recite;
    console.log(
      `  ${p.name.padEnd(23)} ${(p.half ?? '-').padEnd(4)} ${p.format === 'latex' ? 'tex' : 'md '} ${p.field.padEnd(5)} ${String(p.bib.entries).padStart(4)} ${String(p.citations.total).padStart(5)} ${String(p.citations.asked).padStart(5)}  ${num(r.litlens.r10)} ${num(r.litlens.mrr20)} ${pct(r.litlens.ownTop).padStart(6)} ${pct(r.litlens.empty).padStart(5)} |     ${num(r.bm25.r10)} ${num(r.bm25.mrr20)} |     ${num(r.random.r10)} | ${String(p.lenses.paragraphs).padStart(5)} ${String(p.lenses.lenses).padStart(6)} ${String(p.lenses.corpusLenses).padStart(6)} ${String(p.lenses.citedInParagraph).padStart(5)}`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const log = (m: string) => process.stderr.write(`eval:real: ${m}\n`);
  const json = argv.includes('--json');
  const corpus = !argv.includes('--no-corpus');
  const hi = argv.indexOf('--half');
  const only = hi >= 0 ? argv[hi + 1] : undefined;
  if (only !== undefined && only !== 'tune' && only !== 'test') {
    log('--half must be tune or test');
    return 2;
  }
  const picked = argv.flatMap((a, i) => (argv[i - 1] === '--paper' ? [a] : []));
  const valued = new Set(argv.flatMap((a, i) => (a === '--half' || a === '--paper' ? [i + 1] : [])));
  const positional = argv.filter((a, i) => !a.startsWith('--') && !valued.has(i));
  let root: string;
  if (positional[0]) {
    root = path.resolve(positional[0]);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
      log(`${root}: no such folder (expected one folder per paper, each with a document, its .bib and SOURCE.txt)`);
      return 2;
    }
  } else {
    const found = defaultDir();
    if (!found.dir) {
      log(`the real papers are not there: looked for shared/real-papers beside the repository (${found.looked.join(', ')}); pass the folder: npm run eval:real -- DIR`);
      return 2;
    }
    root = found.dir;
  }
  let papers = findPapers(root, log);
  for (const name of [...HALVES.tune, ...HALVES.test]) if (!papers.some((p) => p.name === name)) log(`${name}: in the split but not in ${root}`);
  for (const p of papers) if (!p.half) log(`${p.name}: not in the tune/test split (counted in "all" only)`);
  if (only) papers = papers.filter((p) => p.half === only);
  if (picked.length) papers = papers.filter((p) => picked.includes(p.name));
  if (papers.length === 0) {
    log(`no papers to run in ${root}`);
    return 2;
  }
  buildIfStale(log);
  const corpusKeys = new Set((await loadCorpus()).papers.map((p) => p.key));
  const t0 = Date.now();
  const reports: PaperReport[] = [];
  const bibSizes = new Map<string, number>();
  for (const paper of papers) {
    const { report, bibSize } = await runPaper(paper, corpus, corpusKeys, log);
    reports.push(report);
    bibSizes.set(paper.name, bibSize);
  }
  log(`${reports.length} papers in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const groups: [string, PaperReport[]][] = [
    ...(['tune', 'test'] as const).filter((h) => !only || h === only).map((h): [string, PaperReport[]] => [h, reports.filter((r) => r.half === h)]),
    ['all', reports],
  ];
  const summaries = Object.fromEntries(groups.filter(([, rs]) => rs.length).map(([name, rs]) => [name, summarize(rs, bibSizes)]));
  // Pooled re-cite: every paper of the folder (both halves), whatever --half or --paper picked.
  const pooled = pooledRecite(await pooledPapers(root));
  if (json) {
    console.log(JSON.stringify({ dir: root, bundledCorpus: corpus, corpusPapers: corpus ? corpusKeys.size : 0, listDepth: LIST_DEPTH, split: HALVES, summaries, pooled, papers: reports }, null, 2));
    return 0;
  }
  console.log(`LitLens on real papers (${root}), bundled corpus ${corpus ? `on (${corpusKeys.size} papers)` : 'off'}`);
  for (const [name, s] of Object.entries(summaries)) printSummary(name === 'all' ? 'all papers' : `${name} half`, s);
  printPapers(reports, bibSizes);
  printPooled(pooled);
  return 0;
}

// Run directly (npm run eval:real); eval/uncited.ts imports the split and the paper finder.
if (require.main === module) main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`eval:real: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
