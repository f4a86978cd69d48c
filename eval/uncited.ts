// Uncited-claim hints and the gap report on real papers, with the feature functions the server
// uses (features/uncitedClaims.ts, features/gaps.ts, through features/closeness.ts), beside a
// plain BM25 on the same inputs.
//
//   npm run eval:uncited -- [DIR] [--half tune|test] [--extra DIR2] [--no-corpus] [--json] [--tune] [--rotations]
//
// DIR, the papers and the tune/test split are eval/real.ts's. For each paper the library is its
// own .bib (its bibliography) + the other nineteen papers' .bib files (a larger library's
// distractors) + the bundled corpus (on by default, as in the editor).
//   hints  on a copy with every citation command removed: a hinted sentence is right when the
//          original sentence cited an entry of the .bib. Precision, recall (originally citing
//          sentences hinted / all of them), top-3 (a right hint names one of the sentence's
//          original keys among its first three), hints per 10 paragraphs. BM25: each sentence is
//          scored by its best-matching entry, the same ≤ 1 per paragraph, its threshold chosen on
//          the tune half as LitLens's is (the best precision at recall ≥ 0.25).
//   gaps   on a copy where a fixed fifth of the cited keys (every occurrence) is taken out of the
//          text (the .bib keeps them): the share of the removed keys among the first 2× their
//          number of the gap report. BM25: each uncited entry scored by its best-matching paragraph.
// --extra DIR2: every paper of DIR2 (same layout, outside the project) is a further tune paper,
// reported apart ("extra") and with the tune half ("tune + extra"); its other libraries are the
// shared papers' .bib files (all of them), while a shared paper's stay the other shared ones.
// --rotations: the gap report's own .bib list again over five disjoint fifths of the cited keys
// (key i of the order of first citation removed in fifth i mod 5; every key removed once), beside
// the related ranking's own tier (the report's before 7 Dec 2026) and plain BM25: what
// ownCloseness (features/gaps.ts) was chosen on, with --half tune --extra DIR.
// --tune prints what the gap report's constants were chosen from (run it with --half tune): its
// source weight; its own-.bib tier by the related ranking beside plain BM25F (bm25f.ts) per
// paragraph; the plain BM25 hint threshold. The hint gate is chosen by eval/uncitedCv.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bm25Idf, PlainBm25f, queryStems } from '../server/src/search/bm25f';
import { backMatterSpans, citedKeys, inBackMatter, paragraphs, sentences, wordCount, type CitedKey, type Syntax } from '../server/src/documents';
import { MIN_WORDS } from '../server/src/features/codeLens';
import { proseParagraphs, rankGaps } from '../server/src/features/gaps';
import { HINT_GATE, type HintGate } from '../server/src/features/hintGate';
import { selfKeys } from '../server/src/features/related';
import { HINT_DEPTH, HINT_KEYS, claimSentences, pickHints, suggestionOf, tierHits, words, type TierHits, type Tiers, type Suggestion } from '../server/src/features/uncitedClaims';
import { loadLibrary } from '../server/src/library/load';
import type { Paper } from '../server/src/library/paper';
import { SearchIndex, sourcesOf } from '../server/src/search';
import { Ranker } from '../server/src/search/rank';
import { bibFilesOf, defaultDir, extraPapers, findPapers, HALVES, type HalfName, type RealPaper } from './real';
import { PlainBm25 } from './recite';

/** A document with spans taken out, and the way back to the original's offsets. */
interface Copy {
  text: string;
  /** Copy offset → original offset. */
  original: (offset: number) => number;
}

export function cut(text: string, spans: [number, number][]): Copy {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  let out = '';
  let at = 0;
  const marks: { copy: number; shift: number }[] = [];
  let shift = 0;
  for (const [s, e] of merged) {
    out += text.slice(at, s);
    shift += e - s;
    marks.push({ copy: out.length, shift });
    at = e;
  }
  out += text.slice(at);
  return {
    text: out,
    original: (offset) => {
      let sh = 0;
      for (const m of marks) if (m.copy <= offset) sh = m.shift;
      return offset + sh;
    },
  };
}

const LATEX_COMMAND = /[ \t]*~?\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*\[[^\]]*\]){0,2}(?:\s*\{[^{}]*\})+/g;

/** Every citation command's source span: `\cite…{…}` (with the space or tie before it), `[…@…]`, in-text `@key`. */
export function citationSpans(text: string, syntax: Syntax): [number, number][] {
  if (syntax === 'latex') return [...text.matchAll(LATEX_COMMAND)].map((m) => [m.index!, m.index! + m[0].length]);
  const spans: [number, number][] = [];
  for (const k of citedKeys(text, syntax)) {
    const lineStart = text.lastIndexOf('\n', k.start) + 1;
    const open = text.lastIndexOf('[', k.start);
    const closeBefore = text.lastIndexOf(']', k.start);
    const close = text.indexOf(']', k.start);
    const nl = text.indexOf('\n', k.start);
    if (open >= lineStart && open > closeBefore && close >= 0 && (nl < 0 || close < nl)) {
      let s = open;
      while (s > 0 && /[ \t]/.test(text[s - 1]!)) s--;
      spans.push([s, close + 1]);
    } else spans.push([k.start - 1, k.end]); // the @
  }
  return spans;
}

export interface HintCase {
  /** The candidate sentences' plain text (in memory only, never written). */
  text: string[];
  /** Per candidate sentence of the copy: the original sentence's cited .bib keys ([] when it cited none). */
  truth: string[][];
  paragraph: number[];
  words: number[];
  section: string[];
  hits: TierHits[];
  bm25: { key: string; score: number }[][];
  /** Original sentences citing a .bib entry (the recall's denominator). */
  citing: number;
  /** Which original sentence each candidate maps to (-1: none). */
  originalOf: number[];
  paragraphs: number;
}

export interface GapCase {
  removed: string[];
  litlens: string[];
  litlensOwnOnly: string[];
  bm25: string[];
  bm25OwnOnly: string[];
  /** With --tune: LitLens's list for other source weights. */
  byWeight: Record<string, string[]>;
  /** With --tune: the own .bib's uncited entries by plain BM25F (bm25f.ts) over them, best paragraph's raw score / its score over the paragraph's ideal. */
  bm25fOwnRaw: string[];
  bm25fOwnNorm: string[];
  /** With --rotations: the own .bib lists over five disjoint fifths of the cited keys. */
  rotations: { removed: string[]; litlens: string[]; related: string[]; bm25: string[] }[];
}

export interface PaperRun {
  name: string;
  half: HalfName | null;
  hints: HintCase;
  gaps: GapCase;
}

/** The zone a sentence's citations stand in: from its start to the next sentence's (or the paragraph's end). */
function citingSentences(text: string, syntax: Syntax, bib: ReadonlySet<string>): { spans: { start: number; end: number; keys: string[] }[] } {
  const all = sentences(text, syntax);
  const cited = citedKeys(text, syntax).filter((k) => bib.has(k.key));
  const spans = all.map((s, i) => {
    const next = all[i + 1]?.start ?? text.length;
    const zoneEnd = Math.min(next, text.indexOf('\n\n', s.end) < 0 ? text.length : text.indexOf('\n\n', s.end));
    return { start: s.start, end: Math.max(s.end, zoneEnd), keys: [...new Set(cited.filter((k) => k.start >= s.start && k.start < Math.max(s.end, zoneEnd)).map((k) => k.key))] };
  });
  return { spans };
}

/** A fixed fifth of the cited keys: spread over the order of first citation. */
export function fifthOf(keys: readonly string[]): string[] {
  if (keys.length === 0) return [];
  const k = Math.max(1, Math.round(keys.length / 5));
  return Array.from({ length: k }, (_, j) => keys[Math.floor(((j + 0.5) * keys.length) / k)]!);
}

export async function runPaper(paper: RealPaper, others: RealPaper[], corpus: boolean, tune: boolean, rotations = false): Promise<PaperRun> {
  const file = path.join(paper.dir, paper.document);
  const text = fs.readFileSync(file, 'utf8');
  const ownFiles = bibFilesOf(paper, text);
  const otherFiles = others.flatMap((o) => bibFilesOf(o, fs.readFileSync(path.join(o.dir, o.document), 'utf8')));
  const library = await loadLibrary({ libraries: [...ownFiles, ...otherFiles], corpus });
  const ownIds = new Set(ownFiles.map((f) => path.resolve(f)));
  const ownSources = library.sources.filter((s) => s.kind !== 'corpus' && s.file && ownIds.has(path.resolve(s.file)));
  const own = new Set(ownSources.flatMap((s) => s.papers.map((p: Paper) => p.key)));
  // As the editor decides (tiersOf): the paper's own entry, if its .bib holds one, is never suggested in it.
  const tiers: Tiers = { own: new Set(ownSources.map((s) => s.id)), other: new Set(library.sources.filter((s) => !ownSources.includes(s)).map((s) => s.id)), self: new Set(selfKeys(text, paper.syntax, library)) };
  const ranker = new Ranker(SearchIndex.fromSources(sourcesOf(library)));
  const papers = library.papers;
  const syntax = paper.syntax;

  // Hints.
  const copy = cut(text, citationSpans(text, syntax));
  const { spans } = citingSentences(text, syntax, own);
  const back = backMatterSpans(text, syntax);
  const candidates = claimSentences(copy.text, syntax, { ...HINT_GATE, minWords: 1 });
  const bm25All = new PlainBm25(papers);
  const originalOf = candidates.map((c) => {
    const o = copy.original(c.start);
    return spans.findIndex((s) => s.start <= o && o < Math.max(s.end, s.start + 1));
  });
  const hits = candidates.map((c) => tierHits(ranker, c.text, tiers, HINT_GATE.floor, HINT_DEPTH, undefined, HINT_KEYS));
  const hints: HintCase = {
    text: candidates.map((c) => c.text),
    truth: originalOf.map((i) => (i >= 0 ? spans[i]!.keys : [])),
    paragraph: candidates.map((c) => c.paragraph),
    words: candidates.map((c) => words(c.text)),
    section: candidates.map((c) => c.section),
    hits,
    bm25: candidates.map((c) => top(bm25All.scores(c.text), 5)),
    citing: spans.filter((s) => s.keys.length > 0 && !inBackMatter(back, s.start)).length,
    originalOf,
    paragraphs: paragraphs(copy.text, syntax).length,
  };

  // Gaps.
  const order: string[] = [];
  for (const k of citedKeys(text, syntax)) if (own.has(k.key) && !order.includes(k.key)) order.push(k.key);
  const removed = fifthOf(order);
  const gone = citedKeys(text, syntax).filter((k) => removed.includes(k.key));
  const gapText = cut(text, gone.map((k: CitedKey) => [k.start, k.end])).text;
  const want = 2 * removed.length;
  const stillCited = new Set(citedKeys(gapText, syntax).map((k) => k.key));
  const candidatesAll = papers.filter((p) => !stillCited.has(p.key));
  const gapBack = backMatterSpans(gapText, syntax);
  const gapParas = proseParagraphs(gapText, syntax).filter((p) => wordCount(p.text) >= MIN_WORDS && !inBackMatter(gapBack, p.start));
  const bestBy = (bm: PlainBm25): string[] => {
    const best = new Map<string, number>();
    for (const p of gapParas) for (const s of bm.scores(p.text)) if (s.score > (best.get(s.key) ?? 0)) best.set(s.key, s.score);
    return [...best].sort((a, b) => b[1] - a[1]).slice(0, want).map(([k]) => k);
  };
  const bestByF = (list: Paper[], norm: boolean): string[] => {
    const plain = PlainBm25f.build(list);
    const best = new Map<string, number>();
    for (const p of gapParas) {
      const ideal = queryStems(p.text).reduce((a, st) => a + bm25Idf(plain.stats.df(st), plain.stats.papers), 0);
      for (const s of plain.rank(p.text, 10000)) {
        const v = norm ? Math.sqrt(s.score / Math.max(1e-9, ideal)) : s.score;
        if (v > (best.get(s.paper.key) ?? 0)) best.set(s.paper.key, v);
      }
    }
    return [...best].sort((a, b) => b[1] - a[1]).slice(0, want).map(([k]) => k);
  };
  // One removal's own .bib lists: the report's, the related ranking's own tier (each entry by its
  // closest paragraph, as the report ranked it before 7 Dec 2026), plain BM25's.
  const ownLists = (gone: string[]) => {
    const t = cut(text, citedKeys(text, syntax).filter((k) => gone.includes(k.key)).map((k: CitedKey) => [k.start, k.end])).text;
    const still = new Set(citedKeys(t, syntax).map((k) => k.key));
    const tBack = backMatterSpans(t, syntax);
    const paras = proseParagraphs(t, syntax).filter((p) => wordCount(p.text) >= MIN_WORDS && !inBackMatter(tBack, p.start));
    const related = new Map<string, number>();
    for (const p of paras) {
      for (const h of tierHits(ranker, p.text, { own: tiers.own, other: new Set(), self: tiers.self }, 0, 100).own) {
        if (!still.has(h.paper.key) && h.score > (related.get(h.paper.key) ?? -1)) related.set(h.paper.key, h.score);
      }
    }
    const bm = new PlainBm25(papers.filter((p) => own.has(p.key) && !still.has(p.key)));
    const best = new Map<string, number>();
    for (const p of paras) for (const s of bm.scores(p.text)) if (s.score > (best.get(s.key) ?? 0)) best.set(s.key, s.score);
    const n = 2 * gone.length;
    return {
      removed: gone,
      litlens: rankGaps(ranker, t, syntax, tiers, { limit: 10000 }).filter((g) => own.has(g.key)).slice(0, n).map((g) => g.key),
      related: [...related].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k]) => k),
      bm25: [...best].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k]) => k),
    };
  };
  const gaps: GapCase = {
    removed,
    litlens: rankGaps(ranker, gapText, syntax, tiers, { limit: want }).map((g) => g.key),
    litlensOwnOnly: rankGaps(ranker, gapText, syntax, tiers, { limit: 10000 }).filter((g) => own.has(g.key)).slice(0, want).map((g) => g.key),
    bm25: bestBy(new PlainBm25(candidatesAll)),
    bm25OwnOnly: bestBy(new PlainBm25(candidatesAll.filter((p) => own.has(p.key)))),
    bm25fOwnRaw: tune ? bestByF(candidatesAll.filter((p) => own.has(p.key)), false) : [],
    bm25fOwnNorm: tune ? bestByF(candidatesAll.filter((p) => own.has(p.key)), true) : [],
    byWeight: tune ? Object.fromEntries(GAP_WEIGHTS.map((w) => [String(w), rankGaps(ranker, gapText, syntax, tiers, { limit: want, otherWeight: w }).map((g) => g.key)])) : {},
    rotations: rotations ? [0, 1, 2, 3, 4].map((r) => ownLists(order.filter((_, i) => i % 5 === r))).filter((x) => x.removed.length > 0) : [],
  };
  return { name: paper.name, half: paper.half, hints, gaps };
}

const GAP_WEIGHTS = [0, 0.1, 0.2, 0.3, 0.5, 0.9];

const top = (scored: { key: string; score: number }[], n: number) => scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score).slice(0, n);

interface HintMetrics {
  hints: number;
  right: number;
  precision: number;
  recall: number;
  top3: number;
  per10Paragraphs: number;
}

/** Hint metrics for one way of scoring sentences (LitLens's gate, or BM25 at a threshold). */
function hintMetrics(runs: PaperRun[], score: (h: HintCase, i: number) => Suggestion, gate: HintGate): HintMetrics {
  let hints = 0;
  let right = 0;
  let top3 = 0;
  let citing = 0;
  let paras = 0;
  let hitOriginals = 0;
  for (const { hints: h } of runs) {
    const idx = h.paragraph.map((_, i) => i).filter((i) => h.words[i]! >= gate.minWords);
    const suggestions = idx.map((i) => score(h, i));
    const { picked } = pickHints(idx.map((i) => ({ paragraph: h.paragraph[i]!, section: h.section[i]! })), suggestions, gate);
    const originals = new Set<number>();
    for (const p of picked) {
      const i = idx[p]!;
      hints++;
      if (h.truth[i]!.length === 0) continue;
      right++;
      originals.add(h.originalOf[i]!);
      if (suggestions[p]!.keys.slice(0, 3).some((k) => h.truth[i]!.includes(k))) top3++;
    }
    hitOriginals += originals.size;
    citing += h.citing;
    paras += h.paragraphs;
  }
  return { hints, right, precision: hints ? right / hints : 0, recall: citing ? hitOriginals / citing : 0, top3: right ? top3 / right : 0, per10Paragraphs: paras ? (10 * hints) / paras : 0 };
}

const litlensScore = (gate: HintGate) => (h: HintCase, i: number) => suggestionOf(h.hits[i]!, h.text[i]!, gate);
const bm25Score = (h: HintCase, i: number): Suggestion => ({ keys: h.bm25[i]!.map((s) => s.key), score: h.bm25[i]![0]?.score ?? 0, best: 0 });
/** Plain BM25's gate: its score alone against `threshold`, one hint per paragraph. */
const bm25Gate = (threshold: number): HintGate => ({ ...HINT_GATE, threshold, weights: Object.fromEntries(Object.keys(HINT_GATE.weights).map((k) => [k, 0])) as unknown as HintGate['weights'] });

/** The gap recall: removed keys among the first 2× their number, pooled over papers. */
function gapRecall(runs: PaperRun[], list: (g: GapCase) => string[]): number {
  let found = 0;
  let total = 0;
  for (const { gaps: g } of runs) {
    total += g.removed.length;
    found += list(g).slice(0, 2 * g.removed.length).filter((k) => g.removed.includes(k)).length;
  }
  return total ? found / total : 0;
}

/** The plain BM25 hint threshold: bm25Threshold() on the tune half (printed by --tune). */
const BM25_HINT_THRESHOLD = 20;

/** The BM25 threshold with the best precision at recall ≥ 0.25 on `runs` (the tune half). */
function bm25Threshold(runs: PaperRun[]): number {
  let best = { t: 0, p: -1 };
  for (let t = 2; t <= 40; t += 0.5) {
    const m = hintMetrics(runs, bm25Score, bm25Gate(t));
    if (m.recall >= 0.25 && m.precision > best.p) best = { t, p: m.precision };
  }
  return best.t;
}

async function main(argv: string[]): Promise<number> {
  const log = (m: string) => process.stderr.write(`eval:uncited: ${m}\n`);
  const json = argv.includes('--json');
  const corpus = !argv.includes('--no-corpus');
  const hi = argv.indexOf('--half');
  const only = hi >= 0 ? (argv[hi + 1] as HalfName) : undefined;
  const xi = argv.indexOf('--extra');
  const positional = argv.filter((a, i) => !a.startsWith('--') && (hi < 0 || i !== hi + 1) && (xi < 0 || i !== xi + 1));
  const root = positional[0] ? path.resolve(positional[0]) : defaultDir().dir;
  if (!root || !fs.existsSync(root)) {
    log('the real papers are not there; pass the folder: npm run eval:uncited -- DIR');
    return 2;
  }
  const extraDir = xi >= 0 ? argv[xi + 1] : undefined;
  if (xi >= 0 && (!extraDir || !fs.existsSync(extraDir))) {
    log(`--extra needs a folder of papers (${extraDir ?? 'none given'}): npm run eval:uncited -- --extra DIR`);
    return 2;
  }
  const all = findPapers(root, log);
  const extra = extraDir ? extraPapers(extraDir, all, log) : [];
  const chosen = [...all.filter((p) => p.half && (!only || p.half === only)), ...(only === 'test' ? [] : extra)];
  const extraNames = new Set(extra.map((p) => p.name));
  const runs: PaperRun[] = [];
  const t0 = Date.now();
  for (const paper of chosen) {
    const run = await runPaper(paper, paper.extra ? all : all.filter((o) => o !== paper), corpus, argv.includes('--tune'), argv.includes('--rotations'));
    runs.push(run);
    log(`${paper.name}: ${run.hints.truth.length} candidate sentences, ${run.gaps.removed.length} keys removed`);
  }
  log(`${runs.length} papers in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (argv.includes('--rotations')) {
    const groups: [string, PaperRun[]][] = [['tune', runs.filter((r) => !extraNames.has(r.name) && r.half === 'tune')], ['extra', runs.filter((r) => extraNames.has(r.name))], ['test', runs.filter((r) => r.half === 'test')], ['all', runs]];
    console.log("gaps, own .bib entries only, over five disjoint fifths of the cited keys: removed keys' recall within 2x their number");
    for (const [name, rs] of groups) {
      if (rs.length === 0) continue;
      const rots = rs.flatMap((r) => r.gaps.rotations);
      const recall = (list: (x: (typeof rots)[number]) => string[]) => {
        const found = rots.reduce((a, x) => a + list(x).filter((k) => x.removed.includes(k)).length, 0);
        const total = rots.reduce((a, x) => a + x.removed.length, 0);
        return `${(found / total).toFixed(3)} (${found}/${total})`;
      };
      console.log(`  ${name.padEnd(6)} LitLens ${recall((x) => x.litlens)}   related ranking ${recall((x) => x.related)}   plain BM25 ${recall((x) => x.bm25)}`);
    }
    return 0;
  }
  if (argv.includes('--tune')) {
    for (const w of GAP_WEIGHTS) console.log(`gaps, other libraries weighted ${w}: recall within 2x ${gapRecall(runs, (g) => g.byWeight[String(w)]!).toFixed(3)}`);
    console.log(`plain BM25 hint threshold with the best precision at recall ≥ 0.25 here: ${bm25Threshold(runs)}`);
    let cand = 0, truth = 0, citing = 0;
    const paraCeil = runs.reduce((a, r) => a + new Set(r.hints.paragraph.filter((_, i) => r.hints.truth[i]!.length > 0)).size, 0);
    for (const r of runs) { cand += r.hints.truth.length; truth += r.hints.truth.filter((t) => t.length > 0).length; citing += r.hints.citing; }
    console.log(`candidates ${cand}, of them originally citing ${truth} (${(truth / cand).toFixed(3)}); citing sentences ${citing}; paragraphs with one: ${paraCeil} (recall ceiling at 1 per paragraph ${(paraCeil / citing).toFixed(3)})`);
    console.log(`gaps, own .bib only: the report's (ownCloseness) ${gapRecall(runs, (g) => g.litlensOwnOnly).toFixed(3)}, plain BM25F best paragraph raw ${gapRecall(runs, (g) => g.bm25fOwnRaw).toFixed(3)}, over ideal ${gapRecall(runs, (g) => g.bm25fOwnNorm).toFixed(3)}, plain BM25 ${gapRecall(runs, (g) => g.bm25OwnOnly).toFixed(3)}`);
    return 0;
  }
  const bmT = BM25_HINT_THRESHOLD;
  const groups: [string, (r: PaperRun) => boolean][] = [
    ['tune', (r) => r.half === 'tune' && !extraNames.has(r.name)],
    ...(extra.length ? ([['extra', (r) => extraNames.has(r.name)], ['tune + extra', (r) => r.half === 'tune']] as [string, (r: PaperRun) => boolean][]) : []),
    ['test', (r) => r.half === 'test'],
  ];
  const summary = Object.fromEntries(
    groups.filter(([h]) => !only || h.startsWith(only) || (only === 'tune' && h === 'extra')).map(([h, inGroup]) => {
      const rs = runs.filter(inGroup);
      return [
        h,
        {
          papers: rs.length,
          hints: { litlens: hintMetrics(rs, litlensScore(HINT_GATE), HINT_GATE), bm25: hintMetrics(rs, bm25Score, bm25Gate(bmT)), bm25Threshold: bmT },
          gaps: {
            removed: rs.reduce((a, r) => a + r.gaps.removed.length, 0),
            litlens: gapRecall(rs, (g) => g.litlens),
            bm25: gapRecall(rs, (g) => g.bm25),
            litlensOwnOnly: gapRecall(rs, (g) => g.litlensOwnOnly),
            bm25OwnOnly: gapRecall(rs, (g) => g.bm25OwnOnly),
          },
        },
      ];
    }),
  );
  if (json) {
    console.log(JSON.stringify({ dir: root, bundledCorpus: corpus, gate: HINT_GATE, summary }, null, 2));
    return 0;
  }
  console.log(`Uncited claims and gaps on real papers (${root}), bundled corpus ${corpus ? 'on' : 'off'}; library: own .bib + the other papers' .bib files`);
  for (const [h, s] of Object.entries(summary)) {
    const row = (name: string, m: HintMetrics) => console.log(`    ${name.padEnd(30)} ${m.precision.toFixed(3)}     ${m.recall.toFixed(3)}  ${m.top3.toFixed(3)}  ${m.per10Paragraphs.toFixed(2).padStart(6)}   ${m.hints}`);
    console.log(`\n${h}${h === 'tune' || h === 'test' ? ' half' : ''} (${s.papers} papers)`);
    console.log('  hints                            precision recall  top-3  per 10¶  hints');
    row('LitLens', s.hints.litlens);
    row(`plain BM25 (threshold ${s.hints.bm25Threshold})`, s.hints.bm25);
    console.log(`  gaps: removed keys' recall within 2x their number (${s.gaps.removed} keys removed)`);
    console.log(`    LitLens ${s.gaps.litlens.toFixed(3)}   plain BM25 ${s.gaps.bm25.toFixed(3)}`);
    console.log(`    own .bib entries only: LitLens ${s.gaps.litlensOwnOnly.toFixed(3)}   plain BM25 ${s.gaps.bm25OwnOnly.toFixed(3)}`);
  }
  console.log('\nper paper                 half  candidates citing | hints precision recall top-3 | BM25 hints precision recall | gaps removed LitLens BM25 | own .bib only: LitLens BM25');
  for (const r of runs) {
    const m = hintMetrics([r], litlensScore(HINT_GATE), HINT_GATE);
    const b = hintMetrics([r], bm25Score, bm25Gate(bmT));
    console.log(
      `  ${r.name.padEnd(23)} ${(extraNames.has(r.name) ? 'extra' : r.half ?? '-').padEnd(5)} ${String(r.hints.truth.length).padStart(10)} ${String(r.hints.citing).padStart(6)} | ${String(m.hints).padStart(5)} ${m.precision.toFixed(3).padStart(9)} ${m.recall.toFixed(3).padStart(6)} ${m.top3.toFixed(3)} | ${String(b.hints).padStart(10)} ${b.precision.toFixed(3).padStart(9)} ${b.recall.toFixed(3).padStart(6)} | ${String(r.gaps.removed.length).padStart(12)} ${gapRecall([r], (g) => g.litlens).toFixed(3).padStart(7)} ${gapRecall([r], (g) => g.bm25).toFixed(3)} | ${gapRecall([r], (g) => g.litlensOwnOnly).toFixed(3).padStart(21)} ${gapRecall([r], (g) => g.bm25OwnOnly).toFixed(3)}`,
    );
  }
  return 0;
}

// Run directly (npm run eval:uncited); the unit tests import the copy-making functions.
if (require.main === module) main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`eval:uncited: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
