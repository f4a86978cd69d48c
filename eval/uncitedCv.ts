// Model selection for the uncited-claim hint rule by leave-one-paper-out cross-validation inside the
// tune half of eval/uncited.ts: each candidate rule is fitted on nine tune papers (its weights and
// threshold) and scored on the tenth; the held-out hints of the ten folds are pooled. Reads the tune
// half only: the test half is for reporting the chosen rule once (npm run eval:uncited).
//
//   npm run eval:uncited:cv -- [DIR] [--extra DIR2] [--no-corpus] [--rows FILE] [--only REGEX] [--folds] [--papers]
//
// --extra DIR2: the papers of DIR2 (same layout, kept outside the project) join the tune half as
// further folds; each one's other libraries are the shared papers' .bib files (eval/uncited.ts).
// --rows FILE keeps the tune rows (the sentences' rankings) in FILE for the next run (put it under
// /tmp: it holds the papers' sentences); --only runs the rules whose name matches REGEX.
// Per fold, a rule's threshold is the one with the best precision at recall ≥ 0.25 and top-3 ≥ 0.6
// on the nine training papers (one hint per paragraph, as pickHints). Printed per rule: the pooled
// held-out precision, recall, top-3 and hints at the fitted thresholds; "P@R.25": the best pooled
// precision at recall ≥ 0.25 when each held-out score is read as its margin over its fold's
// threshold (the rule's precision-recall curve, out of fold). Then each rule's out-of-fold curve at
// recall ≥ 0.15 … 0.40, and its wrong hints whose paragraph held a citing sentence (the one-hint-
// per-paragraph pick's cost). --papers: each rule's held-out hints per paper at its fold's threshold
// (candidates, citing, the recall one hint per paragraph allows at most, hints, precision, recall).
// "long" / "short": P@R.25 over the held-out papers of ≥ 100 candidate sentences (theses, long
// articles) and of fewer (JOSS-length), each at its own best threshold margin; the rules named
// "L8 …" are issue 22's eighth pass's attempts at the long ones (docs/uncited.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HINT_GATE } from '../server/src/features/hintGate';
import { citableCues, claimCues, claimFeatures, namedFirst, namedKeys, sectionCue, titleNamedKeys, weigh } from '../server/src/features/uncitedClaims';
import { defaultDir, extraPapers, findPapers } from './real';
import { runPaper, type HintCase } from './uncited';

/** One candidate sentence of one tune paper, with what every rule reads. */
export interface Row {
  paper: number;
  paragraph: number;
  original: number;
  truth: string[];
  /** Per other-library weight: the keys (named first) and the weighted best score and its shared words. */
  byOther: Map<number, { keys: string[]; score: number; matched: number }>;
  claim: number;
  own: number;
  section: number;
  /** Sentence features for the logistic rules (uncitedClaims.ts claimFeatures), before topic. */
  x: Record<string, number>;
  /** The sentence (in memory or in the --rows file under /tmp only, never in the project). */
  text: string;
  /** The bibliography's papers close to it, best first (key and title), for features read from the entries. */
  ownPapers: { key: string; title: string; score: number }[];
  /** The bibliography's keys whose first author the sentence names (namedKeys). */
  named: string[];
}

const OTHER_WEIGHTS = [0.3, 0.4, 0.5, 0.6];

/**
 * The former hand-weighted gate (before issue 22's third pass): the weighted best related score,
 * plus cueWeight × claim cues and matchWeight × shared words (up to 8) and sectionWeight in an
 * introduction or related work, less ownCueWeight × own-work cues and topicWeight × ln(1 + n).
 */
interface HandGate {
  threshold: number;
  otherWeight: number;
  cueWeight: number;
  ownCueWeight: number;
  matchWeight: number;
  sectionWeight: number;
  topicWeight: number;
}

/** The former gate as it was chosen on the whole tune half (c4d8c5d, then 30604e4). */
const FORMER: HandGate = { threshold: 0.7, otherWeight: 0.4, cueWeight: 0.15, ownCueWeight: 0.2, matchWeight: 0.15, sectionWeight: 0.2, topicWeight: 0.15 };

/** The former gate's own-work cues: "we", "our", "this paper", "Figure", "Section"…, 0..2. */
const OWN = /\b(?:we|our|us|this (?:paper|article|section|chapter|thesis|work)|here|below|figures?|fig|tables?|sections?|chapters?|equations?|eq|appendix)\b/gi;
const ownCues = (text: string) => Math.min(2, (text.match(OWN)?.length ?? 0) * 0.5);

function rowsOf(h: HintCase, paper: number): Row[] {
  const out: Row[] = [];
  const keep = h.words.map((w, i) => (w >= HINT_GATE.minWords ? i : -1)).filter((i) => i >= 0);
  keep.forEach((i, j) => {
    const named = namedKeys(h.hits[i]!.own, h.text[i]!);
    const byOther = new Map<number, { keys: string[]; score: number; matched: number }>();
    for (const ow of OTHER_WEIGHTS) {
      const w = weigh(h.hits[i]!, ow);
      byOther.set(ow, { keys: namedFirst({ keys: w.keys, score: w.score, best: w.score }, named).keys, score: w.keys.length ? w.score : 0, matched: w.keys.length ? w.matched : 0 });
    }
    const firstInParagraph = j === 0 || h.paragraph[keep[j - 1]!] !== h.paragraph[i];
    out.push({
      paper,
      paragraph: h.paragraph[i]!,
      original: h.originalOf[i]!,
      truth: h.truth[i]!,
      byOther,
      claim: claimCues(h.text[i]!),
      own: ownCues(h.text[i]!),
      section: sectionCue(h.section[i]!),
      x: { ...claimFeatures(h.text[i]!, h.hits[i]!, named.length > 0), section: sectionCue(h.section[i]!), first: firstInParagraph ? 1 : 0 },
      text: h.text[i]!,
      ownPapers: h.hits[i]!.own.map((o) => ({ key: o.paper.key, title: o.paper.title, score: o.score })),
      named,
    });
  });
  return out;
}

/** ln(the paper's candidate sentences), per row: a threshold that moves with the document's length. */
function lengthLogs(rows: readonly Row[]): number[] {
  const n = new Map<number, number>();
  for (const r of rows) n.set(r.paper, (n.get(r.paper) ?? 0) + 1);
  return rows.map((r) => Math.log(n.get(r.paper)!));
}

/** ln(1 + how many of the paper's sentences have the same first key), per row, for one other-library weight. */
function topicLogs(rows: readonly Row[], ow: number): number[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const k = r.byOther.get(ow)!.keys[0];
    if (k) counts.set(`${r.paper}\n${k}`, (counts.get(`${r.paper}\n${k}`) ?? 0) + 1);
  }
  return rows.map((r) => {
    const k = r.byOther.get(ow)!.keys[0];
    return k ? Math.log(1 + counts.get(`${r.paper}\n${k}`)!) : 0;
  });
}

/** Each row's weighted best score less the median of its paper's (the document's null: how close its sentences are anyway). */
function overDocument(rows: readonly Row[], ow: number): number[] {
  const byPaper = new Map<number, number[]>();
  for (const r of rows) byPaper.set(r.paper, [...(byPaper.get(r.paper) ?? []), r.byOther.get(ow)!.score]);
  const median = new Map([...byPaper].map(([k, xs]) => [k, [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!]));
  return rows.map((r) => r.byOther.get(ow)!.score - median.get(r.paper)!);
}

/**
 * Per row: 1/n for the rarest bibliography entry whose title names a tool or method the sentence
 * names (titleNamedKeys), n = how many of its paper's candidate sentences name it (a name in every
 * other sentence is what the paper is about); 0 when it names none.
 */
/** titleNamedKeys per row, remembered (the rules read it many times per fold). */
const namedTitles = new WeakMap<Row, string[]>();
function titledOf(r: Row): string[] {
  let v = namedTitles.get(r);
  if (!v) namedTitles.set(r, (v = titleNamedKeys(r.ownPapers, r.text)));
  return v;
}
const citableMemo = new WeakMap<Row, number>();
function citableOf(r: Row): number {
  let v = citableMemo.get(r);
  if (v === undefined) citableMemo.set(r, (v = citableCues(r.text)));
  return v;
}

function titledScores(rows: readonly Row[]): number[] {
  const named = rows.map(titledOf);
  const counts = new Map<string, number>();
  rows.forEach((r, i) => named[i]!.forEach((k) => counts.set(`${r.paper}\n${k}`, (counts.get(`${r.paper}\n${k}`) ?? 0) + 1)));
  return rows.map((r, i) => named[i]!.reduce((m, k) => Math.max(m, 1 / counts.get(`${r.paper}\n${k}`)!), 0));
}

/** titledScores with 1/sqrt(n) for 1/n: a tool named in many sentences of a long document still counts some. */
function titledSqrtScores(rows: readonly Row[]): number[] {
  const named = rows.map(titledOf);
  const counts = new Map<string, number>();
  rows.forEach((r, i) => named[i]!.forEach((k) => counts.set(`${r.paper}\n${k}`, (counts.get(`${r.paper}\n${k}`) ?? 0) + 1)));
  return rows.map((r, i) => named[i]!.reduce((m, k) => Math.max(m, 1 / Math.sqrt(counts.get(`${r.paper}\n${k}`)!)), 0));
}

/** Each row's weighted best score as a percentile (0..1) among its paper's candidate sentences: a null that does not depend on how close a document runs. */
function overDocumentRank(rows: readonly Row[], ow: number): number[] {
  const byPaper = new Map<number, number[]>();
  for (const r of rows) byPaper.set(r.paper, [...(byPaper.get(r.paper) ?? []), r.byOther.get(ow)!.score]);
  const sorted = new Map([...byPaper].map(([k, xs]) => [k, [...xs].sort((a, b) => a - b)]));
  return rows.map((r) => {
    const xs = sorted.get(r.paper)!;
    const v = r.byOther.get(ow)!.score;
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return xs.length > 1 ? lo / (xs.length - 1) : 0.5;
  });
}

/** ln(1 + the bibliography entries seen close to any of the paper's sentences): how large a library the document cites from. */
function librarySizeLogs(rows: readonly Row[]): number[] {
  const keys = new Map<number, Set<string>>();
  for (const r of rows) {
    const s = keys.get(r.paper) ?? new Set<string>();
    for (const p of r.ownPapers) s.add(p.key);
    keys.set(r.paper, s);
  }
  return rows.map((r) => Math.log(1 + keys.get(r.paper)!.size));
}

interface Pick {
  score: number;
  right: boolean;
  original: string;
  top3: boolean;
}

/** One hint per paragraph: its best sentence (with keys), as pickHints; `cap` (of the paragraph's candidate sentences) allows more. */
function picks(rows: readonly Row[], scores: readonly number[], keysOf: (r: Row) => string[], cap: (sentences: number) => number = () => 1): Pick[] {
  const by = new Map<string, number[]>();
  const size = new Map<string, number>();
  rows.forEach((r, i) => {
    const id = `${r.paper}\n${r.paragraph}`;
    size.set(id, (size.get(id) ?? 0) + 1);
    if (keysOf(r).length) by.set(id, [...(by.get(id) ?? []), i]);
  });
  return [...by].flatMap(([id, list]) => list.sort((a, b) => scores[b]! - scores[a]!).slice(0, cap(size.get(id)!))).map((i) => {
    const r = rows[i]!;
    return { score: scores[i]!, right: r.truth.length > 0, original: `${r.paper}\n${r.original}`, top3: keysOf(r).slice(0, 3).some((k) => r.truth.includes(k)) };
  });
}

interface Point {
  threshold: number;
  hints: number;
  precision: number;
  recall: number;
  top3: number;
}

/** Precision, recall and top-3 at every threshold, highest first. */
function curve(all: readonly Pick[], citing: number): Point[] {
  const sorted = [...all].sort((a, b) => b.score - a.score);
  const out: Point[] = [];
  const hit = new Set<string>();
  let right = 0;
  let top3 = 0;
  sorted.forEach((p, i) => {
    if (p.right) {
      right++;
      hit.add(p.original);
      if (p.top3) top3++;
    }
    if (i + 1 < sorted.length && sorted[i + 1]!.score === p.score) return;
    out.push({ threshold: p.score, hints: i + 1, precision: right / (i + 1), recall: hit.size / citing, top3: right ? top3 / right : 0 });
  });
  return out;
}

/** The threshold with the best precision at recall ≥ `recall` (0.25, the issue's) and top-3 ≥ 0.6 (else the highest recall's). */
function bestPoint(points: readonly Point[], recall = 0.25): Point {
  const ok = points.filter((p) => p.recall >= recall && p.top3 >= 0.6);
  if (ok.length) return ok.reduce((a, b) => (b.precision > a.precision ? b : a));
  return points.reduce((a, b) => (b.recall > a.recall ? b : a), points[0] ?? { threshold: Infinity, hints: 0, precision: 0, recall: 0, top3: 0 });
}

/** A rule: fitted on some rows (training papers), it scores any rows; keys from its other-library weight. */
interface Fitted {
  score: (rows: readonly Row[]) => number[];
  /** A hint's keys, best first (default: keysAt(ow)). */
  keys?: (r: Row) => string[];
  ow: number;
  describe: string;
  /** Hints allowed per paragraph (picks' cap; default one). */
  perParagraph?: (sentences: number) => number;
}
export type Rule = { name: string; fit: (train: readonly Row[], citing: number) => Fitted };

/** The hand rule's score for a gate: HintGate's sum (uncitedClaims.ts scoreClaim, inSection, lessTopic). */
function handScores(rows: readonly Row[], g: HandGate): number[] {
  const topic = topicLogs(rows, g.otherWeight);
  return rows.map((r, i) => {
    const b = r.byOther.get(g.otherWeight)!;
    if (!b.keys.length) return -Infinity;
    return b.score + g.cueWeight * r.claim - g.ownCueWeight * r.own + g.matchWeight * Math.min(b.matched, 8) + g.sectionWeight * r.section - g.topicWeight * topic[i]!;
  });
}

const keysAt = (ow: number) => (r: Row) => r.byOther.get(ow)!.keys;
/** keysAt with the titled entries (titleNamedKeys) after the named ones. */
const titledFirst = (ow: number) => (r: Row) => {
  const keys = r.byOther.get(ow)!.keys;
  return keys.length ? [...new Set([...r.named, ...titleNamedKeys(r.ownPapers, r.text), ...keys])].slice(0, 5) : keys;
};

/** The hand rule with `grid`'s gates tried on the training rows; the best gate's threshold is re-chosen there too. */
function handRule(name: string, grid: HandGate[]): Rule {
  return {
    name,
    fit: (train, citing) => {
      let best: { p: Point; g: HandGate } | null = null;
      for (const g of grid) {
        const p = bestPoint(curve(picks(train, handScores(train, g), keysAt(g.otherWeight)), citing));
        if (p.recall >= 0.25 && p.top3 >= 0.6 && (!best || p.precision > best.p.precision)) best = { p, g };
      }
      const g = { ...(best?.g ?? grid[0]!), threshold: best?.p.threshold ?? Infinity };
      return { score: (rows) => handScores(rows, g).map((s) => s - g.threshold), ow: g.otherWeight, describe: `other ${g.otherWeight} cue ${g.cueWeight} own ${g.ownCueWeight} match ${g.matchWeight} section ${g.sectionWeight} topic ${g.topicWeight} threshold ${g.threshold.toFixed(3)}` };
    },
  };
}

const grid = (axes: Partial<Record<keyof HandGate, number[]>>, base: HandGate): HandGate[] => {
  let out: HandGate[] = [base];
  for (const [k, values] of Object.entries(axes)) out = out.flatMap((g) => values!.map((v) => ({ ...g, [k]: v })));
  return out;
};

/** L2-regularised logistic regression on standardised features, by Newton steps. */
export function logistic(X: number[][], y: number[], lambda: number, weight: readonly number[] = []): { w: number[]; mean: number[]; sd: number[] } {
  const d = X[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => X.reduce((a, x) => a + x[j]!, 0) / X.length);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(X.reduce((a, x) => a + (x[j]! - mean[j]!) ** 2, 0) / X.length) || 1);
  const Z = X.map((x) => [1, ...x.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  const w = new Array(d + 1).fill(0);
  for (let it = 0; it < 25; it++) {
    const g = new Array(d + 1).fill(0);
    const H = Array.from({ length: d + 1 }, () => new Array(d + 1).fill(0));
    Z.forEach((z, n) => {
      const p = 1 / (1 + Math.exp(-z.reduce((a, v, j) => a + v * w[j]!, 0)));
      const c = weight[n] ?? 1;
      const s = c * p * (1 - p);
      for (let j = 0; j <= d; j++) {
        g[j] += c * (p - y[n]!) * z[j]!;
        for (let k = 0; k <= d; k++) H[j]![k] += s * z[j]! * z[k]!;
      }
    });
    for (let j = 1; j <= d; j++) {
      g[j] += lambda * w[j]!;
      H[j]![j] += lambda;
    }
    const step = solve(H, g);
    for (let j = 0; j <= d; j++) w[j] -= step[j]!;
  }
  return { w, mean, sd };
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / piv;
      for (let k = c; k <= n; k++) M[r]![k] -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

/**
 * How a logistic rule transfers to a paper it was not fitted on (issue 22's fourth pass):
 * `calibrate`: the named features read relative to the sentence's own paper (z-scores over its
 * candidate sentences: papers differ in how close their sentences are to anything); `docZ`: the
 * rule's score itself read as a z-score within its paper; `macro`: every training paper weighs the
 * same in the fit and the threshold is the best macro-averaged precision (mean over papers) at
 * macro recall ≥ 0.25, so a long paper does not dominate.
 */
interface Transfer {
  lambda?: number;
  /** Fractions of a paper's candidate paragraphs tried as its most hints (the best on the training papers with the threshold). */
  quota?: readonly number[];
  /** Fractions of a paper's candidate paragraphs tried as its fewest hints (its best paragraphs pass whatever their score). */
  floor?: readonly number[];
  /** A hint's keys: the named authors' entries, then the entries whose title names a tool the sentence names, then the ranking's (the topic penalty still reads the ranking's first). */
  titledFirst?: boolean;
  calibrate?: readonly string[];
  docZ?: boolean;
  macro?: boolean;
  /**
   * The recall the threshold is fitted to on the training papers (default 0.25): a margin above the
   * issue's 0.25 so that a paper not fitted on, whose closeness runs lower, still reaches it.
   */
  recallTarget?: number;
  /** Hints allowed in a paragraph of n candidate sentences (default one, as pickHints with perParagraph 1). */
  perParagraph?: (sentences: number) => number;
}

/** Each value less its paper's mean, over its paper's standard deviation (rows with keys only count). */
function zWithinPaper(rows: readonly Row[], values: readonly number[], counts: (r: Row) => boolean): number[] {
  const by = new Map<number, number[]>();
  rows.forEach((r, i) => counts(r) && by.set(r.paper, [...(by.get(r.paper) ?? []), values[i]!]));
  const stat = new Map([...by].map(([k, xs]) => {
    const m = xs.reduce((a, x) => a + x, 0) / xs.length;
    return [k, { m, sd: Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length) || 1 }] as const;
  }));
  return rows.map((r, i) => {
    const st = stat.get(r.paper);
    return st ? (values[i]! - st.m) / st.sd : 0;
  });
}

/** A logistic rule over `features` (names of Row.x, plus 'topic'); its threshold chosen as the hand rules'. */
export function logisticRule(name: string, features: string[], lambdaOrTransfer: number | Transfer = 1): Rule {
  const t0: Transfer = typeof lambdaOrTransfer === 'number' ? { lambda: lambdaOrTransfer } : lambdaOrTransfer;
  const lambda = t0.lambda ?? 1;
  const ow = HINT_GATE.otherWeight;
  const has = (r: Row) => keysAt(ow)(r).length > 0;
  const matrix = (rows: readonly Row[]) => {
    const topic = topicLogs(rows, ow);
    const over = overDocument(rows, ow);
    const titled = features.includes('titled') ? titledScores(rows) : [];
    const length = features.includes('length') ? lengthLogs(rows) : [];
    const titledSqrt = features.includes('titledSqrt') ? titledSqrtScores(rows) : [];
    const overRank = features.includes('overDocRank') ? overDocumentRank(rows, ow) : [];
    const libSize = features.includes('libSize') ? librarySizeLogs(rows) : [];
    const lengthAll = features.some((f) => f.endsWith('Len')) ? lengthLogs(rows) : [];
    const extra: Record<string, number[]> = { titledSqrt, overDocRank: overRank, libSize };
    // Interactions with ln(the paper's candidate sentences): a weight that moves with the document's length.
    for (const f of features.filter((x) => x.endsWith('Len'))) {
      const base = f.slice(0, -3);
      extra[f] = rows.map((r, i) => (base === 'overDoc' ? over[i]! : base === 'titled' ? (titled[i] ?? 0) : r.x[base]!) * lengthAll[i]!);
    }
    const raw = rows.map((r, i) => features.map((f) => (f === 'topic' ? topic[i]! : f === 'overDoc' ? over[i]! : f === 'titled' ? titled[i]! : f === 'length' ? length[i]! : f === 'citable' ? citableOf(r) : f in extra ? extra[f]![i]! : r.x[f]!)));
    for (const [j, f] of features.entries()) {
      if (!t0.calibrate?.includes(f)) continue;
      const z = zWithinPaper(rows, raw.map((x) => x[j]!), has);
      raw.forEach((x, i) => (x[j] = z[i]!));
    }
    return raw;
  };
  return {
    name,
    fit: (train, citing) => {
      const use = train.filter(has);
      const perPaper = new Map<number, number>();
      for (const r of use) perPaper.set(r.paper, (perPaper.get(r.paper) ?? 0) + 1);
      const weight = t0.macro ? use.map((r) => use.length / (perPaper.size * perPaper.get(r.paper)!)) : [];
      const m = logistic(matrix(use), use.map((r) => (r.truth.length ? 1 : 0)), lambda, weight);
      const linear = (rows: readonly Row[]) => matrix(rows).map((x, i) => (has(rows[i]!) ? m.w[0]! + x.reduce((a, v, j) => a + (m.w[j + 1]! * (v - m.mean[j]!)) / m.sd[j]!, 0) : -Infinity));
      const score = (rows: readonly Row[]) => {
        const s = linear(rows);
        if (!t0.docZ) return s;
        const z = zWithinPaper(rows, s, has);
        return s.map((x, i) => (x === -Infinity ? x : z[i]!));
      };
      let q = Infinity;
      if (t0.quota) {
        let best = -1;
        for (const f of t0.quota) {
          const p = bestPoint(curve(picks(train, withQuota(train, score(train), f, has), keysAt(ow)), citing));
          if (p.recall >= 0.25 && p.top3 >= 0.6 && p.precision > best) (best = p.precision), (q = f);
        }
      }
      let fl = 0;
      if (t0.floor) {
        let best = -1;
        for (const f of t0.floor) {
          const p = bestPoint(curve(picks(train, withFloor(train, score(train), f, has), keysAt(ow)), citing));
          if (p.recall >= 0.25 && p.top3 >= 0.6 && p.precision > best) (best = p.precision), (fl = f);
        }
      }
      const scoreQF = (rows: readonly Row[]) => withFloor(rows, withQuota(rows, score(rows), q, has), fl, has);
      const picked = picks(train, scoreQF(train), keysAt(ow), t0.perParagraph);
      const t = (t0.macro ? bestMacroPoint(picked, train, citing) : bestPoint(curve(picked, citing), t0.recallTarget)).threshold;
      // In the features' own units: a hint when Σ weight × feature ≥ the threshold (the intercept moved into it).
      const raw = features.map((f, j) => `${f}: ${(m.w[j + 1]! / m.sd[j]!).toFixed(6)}`).join(', ');
      const intercept = m.w[0]! - features.reduce((a, _, j) => a + (m.w[j + 1]! * m.mean[j]!) / m.sd[j]!, 0);
      return { perParagraph: t0.perParagraph, score: (rows) => scoreQF(rows).map((s) => s - t), ow, keys: t0.titledFirst ? titledFirst(ow) : undefined, describe: `${raw}; intercept ${intercept.toFixed(4)}; threshold ${t0.docZ ? `${t.toFixed(6)} (z within the paper)` : (t - intercept).toFixed(6)}${q < Infinity ? `; at most ${q} of a paper's paragraphs` : ''}${fl ? `; at least ${fl} of them` : ''}` };
    },
  };
}

/** The scores with every sentence below its paper's ceil(fraction × candidate paragraphs)-th best paragraph score set to -Infinity. */
function withQuota(rows: readonly Row[], scores: readonly number[], fraction: number, has: (r: Row) => boolean): number[] {
  if (fraction === Infinity) return [...scores];
  const best = new Map<number, Map<number, number>>();
  rows.forEach((r, i) => {
    if (!has(r)) return;
    const m = best.get(r.paper) ?? new Map<number, number>();
    m.set(r.paragraph, Math.max(m.get(r.paragraph) ?? -Infinity, scores[i]!));
    best.set(r.paper, m);
  });
  const cut = new Map([...best].map(([k, m]) => {
    const xs = [...m.values()].sort((a, b) => b - a);
    return [k, xs[Math.min(xs.length, Math.ceil(fraction * xs.length)) - 1] ?? Infinity] as const;
  }));
  return scores.map((s, i) => (s >= (cut.get(rows[i]!.paper) ?? Infinity) ? s : -Infinity));
}

/** The scores with each paper's best ceil(fraction × candidate paragraphs) paragraphs' best sentences lifted over any threshold (1e6 + score). */
function withFloor(rows: readonly Row[], scores: readonly number[], fraction: number, has: (r: Row) => boolean): number[] {
  if (!fraction) return [...scores];
  const best = new Map<number, Map<number, number>>();
  rows.forEach((r, i) => {
    if (!has(r) || scores[i] === -Infinity) return;
    const m = best.get(r.paper) ?? new Map<number, number>();
    const b = m.get(r.paragraph);
    if (b === undefined || scores[i]! > scores[b]!) m.set(r.paragraph, i);
    best.set(r.paper, m);
  });
  const out = [...scores];
  for (const m of best.values()) {
    const top = [...m.values()].sort((a, b) => scores[b]! - scores[a]!);
    for (const i of top.slice(0, Math.ceil(fraction * top.length))) out[i] = 1e6 + scores[i]!;
  }
  return out;
}

/** Per paper at a threshold: its hints, right hints, citing sentences hinted. */
function perPaper(all: readonly (Pick & { paper: number })[], threshold: number): Map<number, { hints: number; right: number; hit: Set<string>; top3: number }> {
  const out = new Map<number, { hints: number; right: number; hit: Set<string>; top3: number }>();
  for (const p of all) {
    if (p.score < threshold) continue;
    const e = out.get(p.paper) ?? { hints: 0, right: 0, hit: new Set<string>(), top3: 0 };
    e.hints++;
    if (p.right) (e.right++, e.hit.add(p.original), p.top3 && e.top3++);
    out.set(p.paper, e);
  }
  return out;
}

/** Macro-averaged precision (over papers with a hint) and recall (over papers with a citing sentence) at a threshold. */
function macroAt(all: readonly (Pick & { paper: number })[], citingBy: ReadonlyMap<number, number>, threshold: number): Point {
  const per = perPaper(all, threshold);
  const ps = [...per.values()].map((e) => e.right / e.hints);
  const rs = [...citingBy].filter(([, c]) => c > 0).map(([k, c]) => (per.get(k)?.hit.size ?? 0) / c);
  const right = [...per.values()].reduce((a, e) => a + e.right, 0);
  const top3 = [...per.values()].reduce((a, e) => a + e.top3, 0);
  return { threshold, hints: [...per.values()].reduce((a, e) => a + e.hints, 0), precision: ps.length ? ps.reduce((a, x) => a + x, 0) / ps.length : 0, recall: rs.length ? rs.reduce((a, x) => a + x, 0) / rs.length : 0, top3: right ? top3 / right : 0 };
}

/** How many of the tune papers (the first ones) are the shared set's, set by main. */
let sharedPapers = Infinity;
/** A paper with at least this many candidate sentences counts as long (theses, tutorials, reviews, long articles). */
const LONG_PAPER = 100;
/** Each tune paper's candidate sentences, set by main. */
let candidatesOfPaper: readonly number[] = [];

/** Each tune paper's originally citing sentences (recall's denominator), set by main. */
let citingOfPaper: readonly number[] = [];

/** The tune papers' counts the pooled measures read (main sets them; eval/uncitedLearned.ts too). */
export function setTunePapers(citing: readonly number[], candidates: readonly number[], shared: number): void {
  citingOfPaper = citing;
  candidatesOfPaper = candidates;
  sharedPapers = shared;
}

/** Citing sentences per paper of `rows`. */
function citingByPaper(rows: readonly Row[]): Map<number, number> {
  return new Map([...new Set(rows.map((r) => r.paper))].map((k) => [k, citingOfPaper[k] ?? 0]));
}

/**
 * Per held-out paper at its fold's threshold: candidate sentences, citing sentences, the recall one
 * hint per paragraph allows at most (paragraphs with a citing candidate / citing), hints, precision,
 * recall; longest papers first.
 */
function paperTable(r: CvResult, rows: readonly Row[], citing: readonly number[], names: readonly string[]): string {
  const per = perPaper(r.held, 0);
  const lines = citing.map((c, k) => {
    const mine = rows.filter((x) => x.paper === k);
    const ceiling = new Set(mine.filter((x) => x.truth.length).map((x) => x.paragraph)).size;
    const e = per.get(k) ?? { hints: 0, right: 0, hit: new Set<string>(), top3: 0 };
    const cells = [mine.length, c, c ? (ceiling / c).toFixed(3) : '-', e.hints, e.hints ? (e.right / e.hints).toFixed(3) : '-', c ? (e.hit.size / c).toFixed(3) : '-'];
    return { n: mine.length, line: `    ${names[k]!.padEnd(24)} ${cells.map((x) => String(x).padStart(7)).join(' ')}` };
  });
  return [`    ${'held-out paper'.padEnd(24)} ${['cands', 'citing', 'ceiling', 'hints', 'prec', 'recall'].map((x) => x.padStart(7)).join(' ')}`, ...lines.sort((a, b) => b.n - a.n).map((l) => l.line)].join('\n');
}

/** The threshold with the best macro precision at macro recall ≥ 0.25 and top-3 ≥ 0.6. */
function bestMacroPoint(picked: readonly Pick[], rows: readonly Row[], _citing: number): Point {
  const tagged = tagPapers(picked, rows);
  const citingBy = citingByPaper(rows);
  const points = [...new Set(tagged.map((p) => p.score))].filter((x) => x > -Infinity).sort((a, b) => b - a).map((t) => macroAt(tagged, citingBy, t));
  return bestPoint(points);
}

/** The paper of each pick (Pick.original is "paper\noriginal"). */
function tagPapers(picked: readonly Pick[], _rows: readonly Row[]): (Pick & { paper: number })[] {
  return picked.map((p) => ({ ...p, paper: Number(p.original.split('\n')[0]) }));
}

export interface CvResult {
  name: string;
  /** The held-out precision-recall curve (each score read as its margin over its fold's threshold). */
  points: Point[];
  /** Wrong hints at the fitted thresholds in a paragraph where another candidate sentence cited. */
  misplaced: number;
  atThreshold: Point;
  atRecall: Point;
  macro: Point;
  /** P@R.25 out of fold over the shared tune papers only, and over the extra ones only (with --extra). */
  shared: Point;
  extra: Point;
  /** P@R.25 out of fold over the long papers (LONG_PAPER candidates or more) only, and over the short ones only. */
  long: Point;
  short: Point;
  folds: string[];
  /** The held-out picks, each with its paper (its fold's score margin). */
  held: (Pick & { paper: number })[];
}

export function crossValidate(rule: Rule, rows: readonly Row[], citing: readonly number[]): CvResult {
  const papers = citing.length;
  const held: Pick[] = [];
  const folds: string[] = [];
  let misplaced = 0;
  for (let k = 0; k < papers; k++) {
    const train = rows.filter((r) => r.paper !== k);
    const test = rows.filter((r) => r.paper === k);
    const f = rule.fit(train, citing.reduce((a, c, i) => (i === k ? a : a + c), 0));
    const scores = f.score(test);
    held.push(...picks(test, scores, f.keys ?? keysAt(f.ow), f.perParagraph));
    folds.push(f.describe);
    const best = new Map<number, number>();
    test.forEach((r, i) => keysAt(f.ow)(r).length && scores[i]! >= 0 && (best.get(r.paragraph) === undefined || scores[i]! > scores[best.get(r.paragraph)!]!) && best.set(r.paragraph, i));
    for (const i of best.values()) if (!test[i]!.truth.length && test.some((r) => r.paragraph === test[i]!.paragraph && r.truth.length && keysAt(f.ow)(r).length)) misplaced++;
  }
  const total = citing.reduce((a, c) => a + c, 0);
  const points = curve(held, total);
  const atThreshold = [...points].reverse().find((p) => p.threshold >= 0) ?? { threshold: 0, hints: 0, precision: 0, recall: 0, top3: 0 };
  const atRecall = points.filter((p) => p.recall >= 0.25).reduce((a, b) => (b.precision > a.precision ? b : a), { threshold: 0, hints: 0, precision: 0, recall: 0, top3: 0 });
  // Macro-averaged over the ten held-out papers, at the fitted thresholds (each paper's own fold's).
  const macro = macroAt(tagPapers(held, rows), citingByPaper(rows), 0);
  const none = { threshold: 0, hints: 0, precision: 0, recall: 0, top3: 0 };
  const within = (keep: (paper: number) => boolean) =>
    curve(tagPapers(held, rows).filter((p) => keep(p.paper)), citing.reduce((a, c, i) => (keep(i) ? a + c : a), 0))
      .filter((p) => p.recall >= 0.25)
      .reduce((a, b) => (b.precision > a.precision ? b : a), none);
  return { name: rule.name, points, misplaced, atThreshold, atRecall, macro, shared: within((k) => k < sharedPapers), extra: within((k) => k >= sharedPapers), long: within((k) => (candidatesOfPaper[k] ?? 0) >= LONG_PAPER), short: within((k) => (candidatesOfPaper[k] ?? 0) < LONG_PAPER), folds, held: tagPapers(held, rows) };
}

const base: HandGate = { ...FORMER, threshold: 0.89, cueWeight: 0.35, ownCueWeight: 0.1, topicWeight: 0 };
/** The closeness features (how near the sentence's best papers are), which papers differ in most. */
const CLOSENESS = ['own', 'other', 'matched', 'margin', 'overDoc'];
/** Few features: closeness over the document, the named author, the cues, the topic penalty. */
const FEW = ['overDoc', 'other', 'named', 'claim', 'topic'];
export const FULL = ['own', 'other', 'matched', 'bestIsOwn', 'margin', 'overDoc', 'claim', 'priorWork', 'etAl', 'names', 'numbers', 'ownWork', 'docRefs', 'section', 'first', 'named', 'topic'];

/** Per-paper ceilings tried: a fraction of the paper's candidate paragraphs (Infinity: none). */
const QUOTAS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, Infinity];
/** A short rule: closeness over the document and to other libraries, names, cues, the topic penalty. */
const SIMPLE = ['overDoc', 'other', 'named', 'titled', 'claim', 'citable', 'docRefs', 'topic'];

export const RULES: Rule[] = [
  handRule('former gate, threshold only', [FORMER]),
  handRule('former gate, all six weights (grid)', grid({ otherWeight: OTHER_WEIGHTS, cueWeight: [0.15, 0.25, 0.35], ownCueWeight: [0.1, 0.2, 0.3], matchWeight: [0.05, 0.1, 0.15, 0.2], sectionWeight: [0.1, 0.2, 0.3], topicWeight: [0.1, 0.15, 0.2] }, FORMER)),
  handRule('no topic penalty, threshold only', [base]),
  handRule('topic penalty only (one weight)', grid({ topicWeight: [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3] }, base)),
  handRule('topic + cue weight', grid({ topicWeight: [0.05, 0.1, 0.15, 0.2, 0.25], cueWeight: [0.15, 0.25, 0.35, 0.45] }, base)),
  logisticRule('logistic, 6 features', ['own', 'other', 'matched', 'claim', 'ownWork', 'topic']),
  logisticRule('logistic, 9 features', ['own', 'other', 'matched', 'bestIsOwn', 'claim', 'ownWork', 'section', 'named', 'topic']),
  logisticRule(`logistic, ${FULL.length} features`, FULL),
  logisticRule(`logistic, ${FULL.length} features, λ 10`, FULL, 10),
  logisticRule(`logistic, ${FULL.length} features, λ 30`, FULL, 30),
  logisticRule(`logistic, ${FULL.length} features, λ 100`, FULL, 100),
  logisticRule('logistic, 9 features, λ 10', ['own', 'other', 'matched', 'bestIsOwn', 'claim', 'ownWork', 'section', 'named', 'topic'], 10),
  // Issue 22's fourth pass: rules that should transfer to papers not fitted on.
  logisticRule(`logistic, ${FULL.length} features, λ 300`, FULL, 300),
  logisticRule(`logistic, ${FULL.length} features, λ 1000`, FULL, 1000),
  logisticRule('logistic, 5 features, λ 30', FEW, 30),
  logisticRule('logistic, 5 features, λ 100', FEW, 100),
  logisticRule(`logistic, ${FULL.length}, closeness per paper (z), λ 30`, FULL, { lambda: 30, calibrate: CLOSENESS }),
  logisticRule(`logistic, ${FULL.length}, all per paper (z), λ 30`, FULL, { lambda: 30, calibrate: FULL.filter((f) => f !== 'topic') }),
  logisticRule(`logistic, ${FULL.length}, score z within paper, λ 30`, FULL, { lambda: 30, docZ: true }),
  logisticRule(`logistic, ${FULL.length}, macro, λ 30`, FULL, { lambda: 30, macro: true }),
  logisticRule(`logistic, ${FULL.length}, macro, λ 100`, FULL, { lambda: 100, macro: true }),
  logisticRule(`logistic, ${FULL.length}, macro, closeness z, λ 30`, FULL, { lambda: 30, macro: true, calibrate: CLOSENESS }),
  logisticRule(`logistic, ${FULL.length}, macro, score z, λ 30`, FULL, { lambda: 30, macro: true, docZ: true }),
  logisticRule('logistic, 5, macro, closeness z, λ 30', FEW, { lambda: 30, macro: true, calibrate: CLOSENESS }),
  // Issue 22's fifth pass: cues of a citable claim, and a per-paper ceiling on hints.
  logisticRule(`logistic, ${FULL.length} + citable, λ 30`, [...FULL, 'citable'], 30),
  logisticRule(`logistic, ${FULL.length} + titled, λ 30`, [...FULL, 'titled'], 30),
  logisticRule(`logistic, ${FULL.length} + both, λ 30`, [...FULL, 'citable', 'titled'], 30),
  logisticRule(`logistic, ${FULL.length} + both, λ 100`, [...FULL, 'citable', 'titled'], 100),
  logisticRule(`logistic, ${FULL.length} + both, λ 10`, [...FULL, 'citable', 'titled'], 10),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, titled keys first`, [...FULL, 'citable', 'titled'], { lambda: 30, titledFirst: true }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, floor`, [...FULL, 'citable', 'titled'], { lambda: 30, floor: [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15] }),
  logisticRule(`logistic, ${FULL.length}, λ 30, quota`, FULL, { lambda: 30, quota: QUOTAS }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, quota`, [...FULL, 'citable', 'titled'], { lambda: 30, quota: QUOTAS }),
  logisticRule('logistic, 8 (simple + titled, citable), λ 30', SIMPLE, 30),
  logisticRule('logistic, 8 (simple + titled, citable), λ 30, quota', SIMPLE, { lambda: 30, quota: QUOTAS }),
  // Issue 22's sixth pass: 26 more tune papers (--extra); stronger λ, fewer features, and a recall margin in the fitted threshold.
  logisticRule(`logistic, ${FULL.length} + both, λ 300`, [...FULL, 'citable', 'titled'], 300),
  logisticRule('logistic, 8 (simple + titled, citable), λ 100', SIMPLE, 100),
  logisticRule('logistic, 8 (simple + titled, citable), λ 300', SIMPLE, 300),
  logisticRule(`logistic, ${FULL.length} + both, λ 10, fit at recall 0.3`, [...FULL, 'citable', 'titled'], { lambda: 10, recallTarget: 0.3 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 100, fit at recall 0.3`, [...FULL, 'citable', 'titled'], { lambda: 100, recallTarget: 0.3 }),
  logisticRule('logistic, 8 (simple + titled, citable), λ 30, fit at recall 0.3', SIMPLE, { lambda: 30, recallTarget: 0.3 }),
  logisticRule('logistic, 8 (simple + titled, citable), λ 100, fit at recall 0.3', SIMPLE, { lambda: 100, recallTarget: 0.3 }),
  logisticRule('logistic, 8 (simple + titled, citable), λ 100, fit at recall 0.28', SIMPLE, { lambda: 100, recallTarget: 0.28 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 100, fit at recall 0.28`, [...FULL, 'citable', 'titled'], { lambda: 100, recallTarget: 0.28 }),
  // Issue 22, long documents: a length-aware threshold (ln of the paper's candidate sentences as a feature).
  logisticRule(`logistic, ${FULL.length} + both + length, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'length'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`logistic, ${FULL.length} + both + length, λ 30`, [...FULL, 'citable', 'titled', 'length'], 30),
  // Issue 22, long documents: more than one hint in a long paragraph.
  logisticRule(`logistic, ${FULL.length} + both, λ 30, fit at recall 0.3, 2 per paragraph`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, perParagraph: () => 2 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, fit at recall 0.3, 2 in ≥ 5 sentences`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, perParagraph: (n) => (n >= 5 ? 2 : 1) }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, fit at recall 0.3, 3 per paragraph`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, perParagraph: () => 3 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, fit at recall 0.3, any per paragraph`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, perParagraph: () => Infinity }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, 2 per paragraph`, [...FULL, 'citable', 'titled'], { lambda: 30, perParagraph: () => 2 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 100, fit at recall 0.3, 2 per paragraph`, [...FULL, 'citable', 'titled'], { lambda: 100, recallTarget: 0.3, perParagraph: () => 2 }),
  logisticRule(`logistic, ${FULL.length} + both, λ 30, fit at recall 0.3, 1 per 4 sentences`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, perParagraph: (n) => Math.max(1, Math.floor(n / 4)) }),
  // Issue 22, eighth pass (long documents in the tune set): a per-document null, less dilution, the library's size.
  logisticRule(`L8 titled 1/sqrt(n), λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titledSqrt'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + overDoc rank, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'overDocRank'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 overDoc → rank, λ 30, fit at recall 0.3`, [...FULL.filter((f) => f !== 'overDoc'), 'citable', 'titled', 'overDocRank'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + library size, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'libSize'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + rank + library size, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'overDocRank', 'libSize'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + rank + length, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'overDocRank', 'length'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + rank, sqrt titled, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titledSqrt', 'overDocRank'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + rank, λ 30, fit at recall 0.3, 2 in ≥ 5 sentences`, [...FULL, 'citable', 'titled', 'overDocRank'], { lambda: 30, recallTarget: 0.3, perParagraph: (n) => (n >= 5 ? 2 : 1) }),
  logisticRule(`L8 + rank, λ 30, fit at recall 0.3, macro`, [...FULL, 'citable', 'titled', 'overDocRank'], { lambda: 30, recallTarget: 0.3, macro: true }),
  logisticRule(`L8 + rank, λ 100, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'overDocRank'], { lambda: 100, recallTarget: 0.3 }),
  logisticRule(`L8 score z in paper, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, docZ: true }),
  logisticRule(`L8 closeness z, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, calibrate: CLOSENESS }),
  logisticRule(`L8 own z, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled'], { lambda: 30, recallTarget: 0.3, calibrate: ['own'] }),
  logisticRule(`L8 + own×ln n, overDoc×ln n, λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'length', 'ownLen', 'overDocLen'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + cue×ln n (claim, matched, named), λ 30, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'length', 'claimLen', 'matchedLen', 'namedLen'], { lambda: 30, recallTarget: 0.3 }),
  logisticRule(`L8 + all closeness×ln n, λ 100, fit at recall 0.3`, [...FULL, 'citable', 'titled', 'length', 'ownLen', 'otherLen', 'overDocLen', 'matchedLen'], { lambda: 100, recallTarget: 0.3 }),
];

async function main(argv: string[]): Promise<number> {
  const log = (m: string) => process.stderr.write(`eval:uncited:cv: ${m}\n`);
  const corpus = !argv.includes('--no-corpus');
  const positional = argv.filter((a, i) => !a.startsWith('--') && !['--rows', '--only', '--extra'].includes(argv[i - 1] ?? ''));
  const root = positional[0] ? path.resolve(positional[0]) : defaultDir().dir;
  if (!root || !fs.existsSync(root)) {
    log('the real papers are not there; pass the folder: npm run eval:uncited:cv -- DIR');
    return 2;
  }
  const all = findPapers(root, log);
  const extraDir = argv.includes('--extra') ? argv[argv.indexOf('--extra') + 1] : undefined;
  if (argv.includes('--extra') && (!extraDir || !fs.existsSync(extraDir))) {
    log(`--extra needs a folder of papers (${extraDir ?? 'none given'}): npm run eval:uncited:cv -- --extra DIR`);
    return 2;
  }
  const extra = extraDir ? extraPapers(extraDir, all, log) : [];
  const tune = [...all.filter((p) => p.half === 'tune'), ...extra]; // never the test half
  let rows: Row[] = [];
  let citing: number[] = [];
  // --rows FILE: the tune rows read from FILE when it exists, else computed and written there (to try rules quickly).
  const rowsFile = argv.includes('--rows') ? argv[argv.indexOf('--rows') + 1] : undefined;
  if (rowsFile && fs.existsSync(rowsFile)) {
    const saved = JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as { rows: (Omit<Row, 'byOther'> & { byOther: [number, { keys: string[]; score: number; matched: number }][] })[]; citing: number[] };
    rows = saved.rows.map((r) => ({ ...r, byOther: new Map(r.byOther) }));
    citing = saved.citing;
  } else {
    for (const [k, paper] of tune.entries()) {
      const run = await runPaper(paper, paper.extra ? all : all.filter((o) => o !== paper), corpus, false);
      rows.push(...rowsOf(run.hints, k));
      citing.push(run.hints.citing);
      log(`${paper.name}: ${rows.filter((r) => r.paper === k).length} candidate sentences`);
    }
    if (rowsFile) fs.writeFileSync(rowsFile, JSON.stringify({ rows: rows.map((r) => ({ ...r, byOther: [...r.byOther] })), citing }));
  }
  citingOfPaper = citing;
  candidatesOfPaper = citing.map((_, k) => rows.filter((r) => r.paper === k).length);
  sharedPapers = tune.length - extra.length;
  console.log(`leave-one-paper-out on the tune half${extra.length ? ` + ${extra.length} extra papers` : ''} (${tune.length} papers, ${rows.length} candidate sentences, ${citing.reduce((a, c) => a + c, 0)} citing)`);
  console.log('rule                                        | at fitted thresholds: precision recall top-3 hints | P@R.25 (recall, top-3) | macro precision recall at fitted thresholds');
  const only = argv.includes('--only') ? new RegExp(argv[argv.indexOf('--only') + 1]!) : null;
  const rules = RULES.filter((r) => !only || only.test(r.name));
  const curves: CvResult[] = [];
  for (const rule of rules) {
    const r = crossValidate(rule, rows, citing);
    curves.push(r);
    const a = r.atThreshold;
    const b = r.atRecall;
    console.log(`${r.name.padEnd(43)} | ${a.precision.toFixed(3)} ${a.recall.toFixed(3)} ${a.top3.toFixed(3)} ${String(a.hints).padStart(4)} | ${b.precision.toFixed(3)} (${b.recall.toFixed(3)}, ${b.top3.toFixed(3)}) | macro ${r.macro.precision.toFixed(3)} ${r.macro.recall.toFixed(3)}${extra.length ? ` | shared ${r.shared.precision.toFixed(3)} (${r.shared.top3.toFixed(2)}) extra ${r.extra.precision.toFixed(3)} (${r.extra.top3.toFixed(2)})` : ''} | long ${r.long.precision.toFixed(3)} (${r.long.recall.toFixed(2)}) short ${r.short.precision.toFixed(3)} (${r.short.recall.toFixed(2)})`);
    if (argv.includes('--folds')) for (const [k, f] of r.folds.entries()) console.log(`    without ${tune[k]!.name}: ${f}`);
    if (argv.includes('--papers')) console.log(paperTable(r, rows, citing, tune.map((p) => p.name)));
  }
  const levels = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4];
  console.log(`\nheld-out precision-recall curves: the best pooled precision at recall ≥ ${levels.join(', ')} (top-3 there); wrong hints at the fitted thresholds whose paragraph had a citing candidate`);
  for (const r of curves) {
    const at = (level: number) => r.points.filter((p) => p.recall >= level).reduce<Point | null>((a, b) => (!a || b.precision > a.precision ? b : a), null);
    console.log(`${r.name.padEnd(43)} | ${levels.map((l) => { const p = at(l); return p ? `${p.precision.toFixed(3)} (${p.top3.toFixed(2)})` : '  -  '; }).join(' ')} | misplaced ${r.misplaced}`);
  }
  console.log(`\nfitted on all ${tune.length} tune papers (what the chosen rule becomes):`);
  const total = citing.reduce((a, c) => a + c, 0);
  for (const rule of rules) {
    const f = rule.fit(rows, total);
    const p = [...curve(picks(rows, f.score(rows), f.keys ?? keysAt(f.ow), f.perParagraph), total)].reverse().find((x) => x.threshold >= 0);
    console.log(`  ${rule.name}: ${f.describe}\n    in sample: ${p ? `${p.precision.toFixed(3)} ${p.recall.toFixed(3)} ${p.top3.toFixed(3)} ${p.hints}` : 'no hint'}`);
  }
  return 0;
}

if (require.main === module) main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`eval:uncited:cv: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
