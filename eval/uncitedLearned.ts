// Issue 22's ninth pass, an experiment: does a citation-worthiness classifier LEARNED from the
// candidate sentence's own words beat the hand-picked cue lists of the hint rule? Tune half and
// --extra papers only (never the test half), leave-one-paper-out as eval/uncitedCv.ts.
//
//   node --import tsx eval/uncitedLearned.ts [DIR] --extra DIR2 --rows FILE [--train FILE[,FILE…]] [--samples] [--epochs N] [--l2 X] [--unigrams] [--seed N] [--min-papers N] [--weights] [--only REGEX] [--oracle AUC[,AUC…]]
//
// --train FILE[,FILE…] (issue 22's tenth pass): the classifier is trained once on labelled sentences
// of text we wrote (JSON lines {"id","field","kind","section","cite":true|false,"text"}), none of the
// tune papers' text, and read as is on every tune row (nothing to cross-fit: no row is in its
// training set); printed too: how much of the rows' words those sentences hold, the classifier's AUC
// trained on 25%, 50% and 100% of them (a learning curve; without --train, the in-fold classifier's
// on 25% and 50% of the other papers), and the cue lists' AUC with the classifier beside them.
// --only REGEX: only the rules whose name matches. --oracle A[,A…]: main's rule beside a synthetic
// classifier of AUC A whose errors are independent of every other feature (an optimistic bound).
//
// FILE: the tune rows eval:uncited:cv keeps (`npm run eval:uncited:cv -- --extra DIR2 --rows FILE`
// first; under /tmp: it holds the papers' sentences). The classifier: logistic regression by SGD
// on the sentence's lowercased unigrams and bigrams (stopwords kept; numbers as <num>, years as
// <year>), hashed to 2^18, L2, 10 epochs. Inside each outer fold it is trained on the 44 training papers and
// scores the held-out one; the training papers' own values are cross-fitted (5 groups of papers),
// so the rule stacked on it sees honest, out-of-sample numbers. Rules: (a) the classifier alone,
// (b) main's rule (17 + citable + titled, λ 30, fit at recall 0.3) with it beside the cue
// features, (b') with it in place of the text cue lists. The removed citation must never leak: a
// bigram counts only when its two words are adjacent in the ORIGINAL sentence too (cutting
// `from \cite{x} could` leaves "from could"), punctuation ("()", "(,)") is no token.
// --samples prints 20 random candidate sentences of each class as the classifier reads them;
// --weights the n-grams weighing most each way (a leak would show there: a key, "cite", a bracket).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HINT_GATE } from '../server/src/features/hintGate';
import { citableCues, claimSentences, words } from '../server/src/features/uncitedClaims';
import { defaultDir, extraPapers, findPapers, type RealPaper } from './real';
import { citationSpans, cut } from './uncited';
import { crossValidate, FULL, logistic, logisticRule, setTunePapers, type CvResult, type Row, type Rule } from './uncitedCv';

const BITS = 18;
const DIM = 1 << BITS;
/** The classifier's settings (--epochs N, --l2 X, --unigrams: no bigrams, --seed N: the shuffles', --min-papers N: only n-grams of N training papers or more, with --train of N fields). */
const opts = { epochs: 10, l2: 1e-5, bigrams: true, seed: 12345, minPapers: 1 };
const INNER_GROUPS = 5;

/** Lowercased word tokens; numbers as <num>, years as <year>; "e.g." and "i.e." kept whole. */
export function tokens(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]\.(?:[a-z]\.)+|\p{L}+(?:['’-]\p{L}+)*|\d+(?:[.,]\d+)?/gu) ?? []).map((t) => (/^(?:1[89]|20)\d\d$/.test(t) ? '<year>' : /^\d/.test(t) ? '<num>' : t));
}

/** The sentence's features: its unigrams, and the bigrams adjacent in `original` too (no bigram across a removed citation). */
export function features(text: string, original: string): string[] {
  const t = tokens(text);
  const o = tokens(original);
  const allowed = new Set(o.slice(1).map((w, i) => `${o[i]} ${w}`));
  const out = t.map((w) => `u:${w}`);
  if (opts.bigrams) for (let i = 1; i < t.length; i++) if (allowed.has(`${t[i - 1]} ${t[i]}`)) out.push(`b:${t[i - 1]} ${t[i]}`);
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) & (DIM - 1);
}

interface Vec {
  idx: Int32Array;
  val: Float64Array;
}

function vectorOf(feats: readonly string[]): Vec {
  const m = new Map<number, number>();
  for (const f of feats) m.set(hash(f), 1);
  const norm = Math.sqrt(m.size) || 1;
  return { idx: Int32Array.from(m.keys()), val: Float64Array.from([...m.keys()].map(() => 1 / norm)) };
}

interface Model {
  w: Float64Array;
  b: number;
}

function dot(m: Model, x: Vec): number {
  let s = m.b;
  for (let j = 0; j < x.idx.length; j++) s += m.w[x.idx[j]!]! * x.val[j]!;
  return s;
}

/** Only the n-grams of at least opts.minPapers groups (training papers; with --train the written sentences' fields): a word one paper or field repeats says what it is about. */
function common(xs: readonly Vec[], groups: readonly (number | string)[]): Vec[] {
  if (opts.minPapers <= 1) return [...xs];
  const by = new Map<number | string, Set<number>>();
  xs.forEach((x, i) => {
    const s = by.get(groups[i]!) ?? new Set<number>();
    x.idx.forEach((h) => s.add(h));
    by.set(groups[i]!, s);
  });
  const seen = new Uint16Array(DIM);
  for (const s of by.values()) for (const h of s) seen[h]!++;
  return xs.map((x) => {
    const keep = [...x.idx].filter((h) => seen[h]! >= opts.minPapers);
    return { idx: Int32Array.from(keep), val: new Float64Array(keep.length).fill(1 / Math.sqrt(keep.length || 1)) };
  });
}

/** Logistic regression by SGD (seeded shuffles, step 0.5 / (1 + epoch), L2 by a running scale). */
function train(xs: readonly Vec[], ys: readonly number[]): Model {
  const w = new Float64Array(DIM);
  let scale = 1;
  let b = 0;
  let seed = opts.seed;
  const order = xs.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const j = seed % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const eta = 0.5 / (1 + epoch);
    for (const n of order) {
      const x = xs[n]!;
      let s = 0;
      for (let j = 0; j < x.idx.length; j++) s += w[x.idx[j]!]! * x.val[j]!;
      const z = scale * s + b;
      const g = 1 / (1 + Math.exp(-z)) - ys[n]!;
      scale *= 1 - eta * opts.l2;
      for (let j = 0; j < x.idx.length; j++) w[x.idx[j]!] -= (eta * g * x.val[j]!) / scale;
      b -= eta * g;
    }
  }
  for (let j = 0; j < DIM; j++) w[j] *= scale;
  return { w, b };
}

/** The classifier's out-of-sample logits: per outer fold (a set of training papers), cached. */
class Learned {
  private readonly byPaper = new Map<number, number[]>();
  private readonly cache = new Map<string, { model: Model; crossFit: Map<number, number> }>();
  constructor(
    private readonly rows: readonly Row[],
    private readonly vecs: readonly Vec[],
    /** Trained on other text (--train): every fold reads this one model. */
    private readonly fixed?: Model,
  ) {
    rows.forEach((r, i) => this.byPaper.set(r.paper, [...(this.byPaper.get(r.paper) ?? []), i]));
  }

  fitOn(papers: readonly number[]): Model {
    const idx = papers.flatMap((p) => this.byPaper.get(p) ?? []);
    return train(common(idx.map((i) => this.vecs[i]!), idx.map((i) => this.rows[i]!.paper)), idx.map((i) => (this.rows[i]!.truth.length ? 1 : 0)));
  }

  /** Trained on `papers`: the model, and each of their rows' value from a model not trained on its paper (INNER_GROUPS groups). */
  fold(papers: readonly number[]): { model: Model; crossFit: Map<number, number> } {
    if (this.fixed) return { model: this.fixed, crossFit: new Map() };
    const id = [...papers].sort((a, b) => a - b).join(',');
    let f = this.cache.get(id);
    if (f) return f;
    const crossFit = new Map<number, number>();
    for (let g = 0; g < INNER_GROUPS; g++) {
      const inner = papers.filter((_, i) => i % INNER_GROUPS !== g);
      const m = this.fitOn(inner);
      for (const p of papers.filter((_, i) => i % INNER_GROUPS === g)) for (const i of this.byPaper.get(p) ?? []) crossFit.set(i, dot(m, this.vecs[i]!));
    }
    f = { model: this.fitOn(papers), crossFit };
    this.cache.set(id, f);
    return f;
  }

  value(i: number, f: { model: Model; crossFit: Map<number, number> }): number {
    return f.crossFit.get(i) ?? dot(f.model, this.vecs[i]!);
  }
}

/** `inner` (a logistic rule reading x.learned) with x.learned set out of sample: cross-fitted on the training papers, the fold's model on the others. */
function withLearned(name: string, inner: Rule, learned: Learned, index: Map<Row, number>): Rule {
  return {
    name,
    fit: (trainRows, citing) => {
      const f = learned.fold([...new Set(trainRows.map((r) => r.paper))]);
      const set = (rows: readonly Row[]) => rows.forEach((r) => (r.x.learned = learned.value(index.get(r)!, f)));
      set(trainRows);
      const fitted = inner.fit(trainRows, citing);
      return { ...fitted, score: (rows) => (set(rows), fitted.score(rows)) };
    },
  };
}

/** The standard normal quantile of p (0 < p < 1): bisection on the normal CDF (erf by Abramowitz-Stegun 7.1.26). */
function probit(p: number): number {
  const cdf = (x: number) => {
    const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
    const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(x * x) / 2);
    return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
  };
  let lo = -8;
  let hi = 8;
  for (let n = 0; n < 60; n++) (cdf((lo + hi) / 2) < p ? (lo = (lo + hi) / 2) : (hi = (lo + hi) / 2));
  return (lo + hi) / 2;
}

/** Area under the ROC curve of scores against labels. */
function auc(scores: readonly number[], ys: readonly number[]): number {
  const order = scores.map((s, i) => [s, ys[i]!] as const).sort((a, b) => a[0] - b[0]);
  let pos = 0;
  let rankSum = 0;
  order.forEach(([, y], i) => y && ((pos++), (rankSum += i + 1)));
  const neg = order.length - pos;
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : 0.5;
}

/** The original (uncut) text of each candidate sentence of the rows' papers, in row order. */
function originals(tune: readonly RealPaper[], rows: readonly Row[]): string[] {
  const out: string[] = [];
  for (const [k, paper] of tune.entries()) {
    const text = fs.readFileSync(path.join(paper.dir, paper.document), 'utf8');
    const copy = cut(text, citationSpans(text, paper.syntax));
    const cands = claimSentences(copy.text, paper.syntax, { ...HINT_GATE, minWords: 1 }).filter((c) => words(c.text) >= HINT_GATE.minWords);
    const mine = rows.filter((r) => r.paper === k);
    if (cands.length !== mine.length || cands.some((c, i) => c.text !== mine[i]!.text)) throw new Error(`${paper.name}: the rows file does not match its candidate sentences (${mine.length} rows, ${cands.length} sentences); compute it again`);
    for (const c of cands) out.push(text.slice(copy.original(c.start), copy.original(Math.max(c.start, c.end - 1)) + 1));
  }
  return out;
}

/** One labelled sentence of a --train file: text we wrote, with whether an author would cite there. */
export interface Labelled {
  id: string;
  cite: boolean;
  text: string;
  field?: string;
  kind?: string;
}

/** The --train files' sentences, in order; a bad line or a repeated text is skipped with a one-line message naming file and line. */
export function readLabelled(files: readonly string[], log: (m: string) => void): Labelled[] {
  const out: Labelled[] = [];
  const ids = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const file of files) {
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${file}:${i + 1}`;
      let r: Partial<Labelled>;
      try {
        r = JSON.parse(line) as Partial<Labelled>;
      } catch {
        return log(`${where}: not a JSON object, skipped`);
      }
      if (typeof r.id !== 'string' || typeof r.cite !== 'boolean' || typeof r.text !== 'string' || !r.text.trim()) return log(`${where}: needs "id", "cite": true|false and "text", skipped`);
      const norm = r.text.toLowerCase().replace(/\s+/g, ' ').trim();
      if (texts.has(norm)) return log(`${where}: the same text as ${texts.get(norm)}, skipped`);
      if (ids.has(r.id)) log(`${where}: id ${r.id} also at ${ids.get(r.id)} (kept: its text differs)`);
      ids.set(r.id, where);
      texts.set(norm, where);
      out.push({ id: r.id, cite: r.cite, text: r.text, field: r.field, kind: r.kind });
    });
  }
  return out;
}

/** Seeded Fisher-Yates order of 0..n-1 (the same linear congruence as train's shuffles). */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

const MAIN = [...FULL, 'citable', 'titled'];
/** The hand-picked text cue lists (claim words, prior work, e.g./et al., names, numbers, own work, document references, citable verbs). */
const TEXT_CUES = ['claim', 'priorWork', 'etAl', 'names', 'numbers', 'ownWork', 'docRefs', 'citable'];

async function main(argv: string[]): Promise<number> {
  const log = (m: string) => process.stderr.write(`eval:uncited:learned: ${m}\n`);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !['--rows', '--extra', '--epochs', '--l2', '--seed', '--min-papers', '--train', '--only', '--oracle'].includes(argv[i - 1] ?? ''));
  const root = positional[0] ? path.resolve(positional[0]) : defaultDir().dir;
  const rowsFile = argv.includes('--rows') ? argv[argv.indexOf('--rows') + 1] : undefined;
  const extraDir = argv.includes('--extra') ? argv[argv.indexOf('--extra') + 1] : undefined;
  if (!root || !fs.existsSync(root) || !rowsFile || !fs.existsSync(rowsFile)) {
    log('needs the real papers and a rows file: npm run eval:uncited:cv -- --extra DIR2 --rows FILE, then node --import tsx eval/uncitedLearned.ts --extra DIR2 --rows FILE');
    return 2;
  }
  if (argv.includes('--epochs')) opts.epochs = Number(argv[argv.indexOf('--epochs') + 1]);
  if (argv.includes('--l2')) opts.l2 = Number(argv[argv.indexOf('--l2') + 1]);
  if (argv.includes('--unigrams')) opts.bigrams = false;
  if (argv.includes('--min-papers')) opts.minPapers = Number(argv[argv.indexOf('--min-papers') + 1]);
  if (argv.includes('--seed')) opts.seed = Number(argv[argv.indexOf('--seed') + 1]);
  console.log(`classifier: ${opts.bigrams ? 'unigrams + bigrams' : 'unigrams'}, 2^${BITS} hashed, ${opts.epochs} epochs of SGD, L2 ${opts.l2}, shuffle seed ${opts.seed}${opts.minPapers > 1 ? `, n-grams of ≥ ${opts.minPapers} training ${argv.includes('--train') ? 'fields' : 'papers'}` : ''}`);
  const all = findPapers(root, log);
  const extra = extraDir ? extraPapers(extraDir, all, log) : [];
  const tune = [...all.filter((p) => p.half === 'tune'), ...extra]; // never the test half
  const saved = JSON.parse(fs.readFileSync(rowsFile, 'utf8')) as { rows: (Omit<Row, 'byOther'> & { byOther: [number, Row['byOther'] extends Map<number, infer V> ? V : never][] })[]; citing: number[] };
  const rows: Row[] = saved.rows.map((r) => ({ ...r, byOther: new Map(r.byOther) }));
  const citing = saved.citing;
  if (citing.length !== tune.length) throw new Error(`${rowsFile}: ${citing.length} papers, the tune set has ${tune.length}`);
  const candidates = citing.map((_, k) => rows.filter((r) => r.paper === k).length);
  setTunePapers(citing, candidates, tune.length - extra.length);
  const orig = originals(tune, rows);
  const feats = rows.map((r, i) => features(r.text, orig[i]!));
  const vecs = feats.map(vectorOf);
  const index = new Map(rows.map((r, i) => [r, i]));
  console.log(`${tune.length} tune papers, ${rows.length} candidate sentences, ${rows.filter((r) => r.truth.length).length} originally citing; ${feats.reduce((a, f) => a + f.filter((x) => x.startsWith('b:')).length, 0)} bigrams kept, ${feats.reduce((a, f, i) => a + Math.max(0, tokens(rows[i]!.text).length - 1 - f.filter((x) => x.startsWith('b:')).length), 0)} dropped (not adjacent in the original sentence, or across LaTeX markup)`);

  if (argv.includes('--samples')) {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const cls of [true, false]) {
      const xs = rows.map((_, i) => i).filter((i) => rows[i]!.truth.length > 0 === cls);
      console.log(`\n20 random ${cls ? 'citing' : 'not citing'} candidate sentences as the classifier reads them (unigrams; bigrams kept):`);
      for (let n = 0; n < 20; n++) {
        const i = xs[Math.floor(rnd() * xs.length)]!;
        console.log(`- ${tokens(rows[i]!.text).join(' ')}\n    bigrams: ${feats[i]!.filter((f) => f.startsWith('b:')).map((f) => f.slice(2)).join(' | ')}`);
      }
    }
  }

  // --train: one model from text we wrote, none of the tune papers'.
  const trainFiles = argv.includes('--train') ? (argv[argv.indexOf('--train') + 1] ?? '').split(',').filter(Boolean) : [];
  const missing = trainFiles.filter((f) => !fs.existsSync(f));
  if (argv.includes('--train') && (!trainFiles.length || missing.length)) {
    log(`--train needs labelled sentence files (JSON lines): ${missing.join(', ') || 'none given'}`);
    return 2;
  }
  const written = readLabelled(trainFiles, log);
  const writtenVecs = written.map((w) => vectorOf(features(w.text, w.text)));
  const writtenYs = written.map((w) => (w.cite ? 1 : 0));
  let fixed: Model | undefined;
  if (trainFiles.length) {
    fixed = train(common(writtenVecs, written.map((w) => w.field ?? w.id)), writtenYs);
    const count = (key: 'field' | 'kind') => new Set(written.map((w) => w[key] ?? '?')).size;
    console.log(`trained once on ${written.length} written sentences (${trainFiles.map((f) => path.basename(f)).join(', ')}; ${writtenYs.filter(Boolean).length} to cite, ${count('field')} fields, kinds ${[...new Set(written.map((w) => w.kind ?? '?'))].join('/')}); no tune paper's text`);
    // Do both sides read the same kind of text? Words per sentence, LaTeX command names in the rows, and how many of the rows' n-grams the written sentences hold.
    const seen = new Set(written.flatMap((w) => features(w.text, w.text)));
    const occurrences = (kind: string) => feats.flatMap((f) => f.filter((x) => x.startsWith(kind)));
    const covered = (kind: string) => {
      const xs = occurrences(kind);
      return xs.filter((x) => seen.has(x)).length / (xs.length || 1);
    };
    const commands = rows.reduce((a, r) => a + (r.text.match(/\\[a-zA-Z]+/g)?.length ?? 0), 0);
    const mean = (xs: readonly string[]) => xs.reduce((a, t) => a + tokens(t).length, 0) / (xs.length || 1);
    console.log(`tokens per sentence: written ${mean(written.map((w) => w.text)).toFixed(1)}, tune rows ${mean(rows.map((r) => r.text)).toFixed(1)}; LaTeX command names in the rows ${commands} (${(commands / rows.length).toFixed(2)} a sentence), in the written ${written.reduce((a, w) => a + (w.text.match(/\\[a-zA-Z]+/g)?.length ?? 0), 0)}; the rows' unigram occurrences the written sentences hold ${(100 * covered('u:')).toFixed(1)}%, bigram occurrences ${(100 * covered('b:')).toFixed(1)}%`);
  }
  const learned = new Learned(rows, vecs, fixed);
  if (argv.includes('--weights')) {
    // The n-grams the classifier (trained on all tune papers, or on the written sentences with --train) weighs most, each way (hash collisions aside).
    const m = fixed ?? train(vecs, rows.map((r) => (r.truth.length ? 1 : 0)));
    const seen = new Map<string, number>();
    for (const f of fixed ? written.map((w) => features(w.text, w.text)) : feats) for (const x of f) seen.set(x, (seen.get(x) ?? 0) + 1);
    const ranked = [...seen].filter(([, n]) => n >= 5).map(([x]) => [x, m.w[hash(x)]!] as const).sort((a, b) => b[1] - a[1]);
    console.log(`most for a citation: ${ranked.slice(0, 40).map(([x, w]) => `${x.slice(2)} ${w.toFixed(2)}`).join(', ')}`);
    console.log(`most against: ${ranked.slice(-25).reverse().map(([x, w]) => `${x.slice(2)} ${w.toFixed(2)}`).join(', ')}`);
  }
  // The classifier alone, out of fold over every candidate sentence (with or without a paper to name).
  const papers = citing.map((_, k) => k);
  const oof = rows.map(() => 0);
  for (const k of papers) {
    const f = learned.fold(papers.filter((p) => p !== k));
    rows.forEach((r, i) => r.paper === k && (oof[i] = dot(f.model, vecs[i]!)));
  }
  const ys = rows.map((r) => (r.truth.length ? 1 : 0));
  const isLong = (i: number) => candidates[rows[i]!.paper]! >= 100;
  const isShared = (i: number) => rows[i]!.paper < tune.length - extra.length;
  const sub = (keep: (i: number) => boolean) => auc(oof.filter((_, i) => keep(i)), ys.filter((_, i) => keep(i)));
  console.log(`classifier alone, ${fixed ? 'trained on the written sentences' : 'leave-one-paper-out'}, ROC AUC over all candidate sentences: ${sub(() => true).toFixed(3)} (long papers ${sub(isLong).toFixed(3)}, short ${sub((i) => !isLong(i)).toFixed(3)}, the shared tune papers ${sub(isShared).toFixed(3)})`);
  if (!fixed) {
    // A learning curve: each held-out paper scored by a model trained on a part of the other papers (a seeded draw per fold).
    for (const part of [0.25, 0.5]) {
      const s = rows.map(() => 0);
      let sentences = 0;
      for (const k of papers) {
        const others = papers.filter((p) => p !== k);
        const take = shuffled(others.length, 7919 * (k + 1)).slice(0, Math.round(part * others.length)).map((i) => others[i]!);
        sentences += rows.filter((r) => take.includes(r.paper)).length;
        const m = learned.fitOn(take);
        rows.forEach((r, i) => r.paper === k && (s[i] = dot(m, vecs[i]!)));
      }
      const at = (keep: (i: number) => boolean) => auc(s.filter((_, i) => keep(i)), ys.filter((_, i) => keep(i))).toFixed(3);
      console.log(`  trained on ${Math.round(part * 100)}% of the other papers (${Math.round(sentences / papers.length)} sentences on average): AUC ${at(() => true)} (long ${at(isLong)}, short ${at((i) => !isLong(i))}, shared ${at(isShared)})`);
    }
  } else {
    // A learning curve: the same classifier trained on a part of the written sentences (three draws each).
    for (const part of [0.25, 0.5, 1]) {
      const draws = (part < 1 ? [1, 2, 3] : [0]).map((d) => {
        const take = d ? shuffled(written.length, 7919 * d).slice(0, Math.round(part * written.length)) : written.map((_, i) => i);
        const m = train(common(take.map((i) => writtenVecs[i]!), take.map((i) => written[i]!.field ?? written[i]!.id)), take.map((i) => writtenYs[i]!));
        const s = rows.map((_, i) => dot(m, vecs[i]!));
        const at = (keep: (i: number) => boolean) => auc(s.filter((_, i) => keep(i)), ys.filter((_, i) => keep(i))).toFixed(3);
        return `${at(() => true)} (long ${at(isLong)}, short ${at((i) => !isLong(i))}, shared ${at(isShared)})`;
      });
      console.log(`  trained on ${Math.round(part * 100)}% (${Math.round(part * written.length)} sentences): AUC ${draws.join('; ')}`);
    }
  }
  // The hand cue lists together, the same way out of fold: a logistic regression on them (λ 30) per held-out paper; then with the classifier beside them (its training papers' values cross-fitted).
  const cueX = rows.map((r) => TEXT_CUES.map((f) => (f === 'citable' ? citableCues(r.text) : r.x[f]!)));
  const stacked = (withClassifier: boolean) => {
    const out = rows.map(() => 0);
    for (const k of papers) {
      const f = withClassifier ? learned.fold(papers.filter((p) => p !== k)) : null;
      const x = (i: number) => (f ? [...cueX[i]!, rows[i]!.paper === k ? dot(f.model, vecs[i]!) : learned.value(i, f)] : cueX[i]!);
      const tr = rows.map((_, i) => i).filter((i) => rows[i]!.paper !== k);
      const m = logistic(tr.map(x), tr.map((i) => ys[i]!), 30);
      rows.forEach((r, i) => r.paper === k && (out[i] = x(i).reduce((a, v, j) => a + (m.w[j + 1]! * (v - m.mean[j]!)) / m.sd[j]!, m.w[0]!)));
    }
    const at = (keep: (i: number) => boolean) => auc(out.filter((_, i) => keep(i)), ys.filter((_, i) => keep(i))).toFixed(3);
    return `${at(() => true)} (long ${at(isLong)}, short ${at((i) => !isLong(i))}, shared ${at(isShared)})`;
  };
  console.log(`the eight hand cue lists in one logistic regression, the same way: ${stacked(false)}; with the classifier beside them: ${stacked(true)}`);
  const cue = (name: string) => rows.map((r) => r.x[name] ?? 0);
  console.log(`  for comparison, one hand cue's AUC: claim ${auc(cue('claim'), ys).toFixed(3)}, priorWork ${auc(cue('priorWork'), ys).toFixed(3)}, named ${auc(cue('named'), ys).toFixed(3)}`);

  const rules: Rule[] = [
    logisticRule("main's rule (17 + citable + titled, λ 30, fit at recall 0.3)", MAIN, { lambda: 30, recallTarget: 0.3 }),
    withLearned('(a) learned alone, fit at recall 0.3', logisticRule('', ['learned'], { lambda: 30, recallTarget: 0.3 }), learned, index),
    withLearned('(a) learned + topic penalty', logisticRule('', ['learned', 'topic'], { lambda: 30, recallTarget: 0.3 }), learned, index),
    withLearned('(b) main + learned', logisticRule('', [...MAIN, 'learned'], { lambda: 30, recallTarget: 0.3 }), learned, index),
    withLearned("(b') main, learned in place of text cues", logisticRule('', [...MAIN.filter((f) => !TEXT_CUES.includes(f)), 'learned'], { lambda: 30, recallTarget: 0.3 }), learned, index),
    withLearned('(b) main + learned, λ 100', logisticRule('', [...MAIN, 'learned'], { lambda: 100, recallTarget: 0.3 }), learned, index),
  ];
  // --oracle A[,A…]: what a classifier of ROC AUC A would add, were its errors independent of every other feature (optimistic: a real one's errors overlap the cues'):
  // y·d + N(0, 1) has AUC Φ(d/√2) (seeded Box-Muller).
  const oracles = argv.includes('--oracle') ? (argv[argv.indexOf('--oracle') + 1] ?? '').split(',').map(Number) : [];
  let gauss = opts.seed;
  const uniform = () => ((gauss = (gauss * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  for (const a of oracles) {
    const d = Math.SQRT2 * probit(a);
    rows.forEach((r, i) => (r.x[`oracle${a}`] = ys[i]! * d + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
    console.log(`a classifier of AUC ${a} (independent errors): measured AUC ${auc(rows.map((r) => r.x[`oracle${a}`]!), ys).toFixed(3)}`);
    rules.push(logisticRule(`(b) main + a classifier of AUC ${a}`, [...MAIN, `oracle${a}`], { lambda: 30, recallTarget: 0.3 }));
  }
  console.log(`\nrule (held out, ${tune.length} folds)                      | P@R.25 | long  | short | shared | at the fitted thresholds: precision recall top-3 hints`);
  const results: CvResult[] = [];
  const only = argv.includes('--only') ? new RegExp(argv[argv.indexOf('--only') + 1]!) : null;
  for (const rule of rules.filter((r) => !only || only.test(r.name))) {
    const r = crossValidate(rule, rows, citing);
    results.push(r);
    const a = r.atThreshold;
    console.log(`${rule.name.padEnd(55)} | ${r.atRecall.precision.toFixed(3)}  | ${r.long.precision.toFixed(3)} | ${r.short.precision.toFixed(3)} | ${r.shared.precision.toFixed(3)}  | ${a.precision.toFixed(3)} ${a.recall.toFixed(3)} ${a.top3.toFixed(3)} ${a.hints}`);
  }
  return 0;
}

if (require.main === module) main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`eval:uncited:learned: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  },
);
