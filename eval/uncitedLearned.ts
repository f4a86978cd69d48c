// Issue 22's ninth pass, an experiment: does a citation-worthiness classifier LEARNED from the
// candidate sentence's own words beat the hand-picked cue lists of the hint rule? Tune half and
// --extra papers only (never the test half), leave-one-paper-out as eval/uncitedCv.ts.
//
//   node --import tsx eval/uncitedLearned.ts [DIR] --extra DIR2 --rows FILE [--samples] [--epochs N] [--l2 X] [--unigrams] [--seed N] [--min-papers N] [--weights]
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
/** The classifier's settings (--epochs N, --l2 X, --unigrams: no bigrams, --seed N: the shuffles', --min-papers N: only n-grams of N training papers or more). */
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
  ) {
    rows.forEach((r, i) => this.byPaper.set(r.paper, [...(this.byPaper.get(r.paper) ?? []), i]));
  }

  private fitOn(papers: readonly number[]): Model {
    const idx = papers.flatMap((p) => this.byPaper.get(p) ?? []);
    let xs = idx.map((i) => this.vecs[i]!);
    if (opts.minPapers > 1) {
      // Only n-grams of at least minPapers training papers: a word one paper repeats says what that paper is about.
      const seen = new Uint16Array(DIM);
      for (const p of papers) for (const h of new Set((this.byPaper.get(p) ?? []).flatMap((i) => [...this.vecs[i]!.idx]))) seen[h]!++;
      xs = xs.map((x) => {
        const keep = [...x.idx].filter((h) => seen[h]! >= opts.minPapers);
        return { idx: Int32Array.from(keep), val: new Float64Array(keep.length).fill(1 / Math.sqrt(keep.length || 1)) };
      });
    }
    return train(xs, idx.map((i) => (this.rows[i]!.truth.length ? 1 : 0)));
  }

  /** Trained on `papers`: the model, and each of their rows' value from a model not trained on its paper (INNER_GROUPS groups). */
  fold(papers: readonly number[]): { model: Model; crossFit: Map<number, number> } {
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

const MAIN = [...FULL, 'citable', 'titled'];
/** The hand-picked text cue lists (claim words, prior work, e.g./et al., names, numbers, own work, document references, citable verbs). */
const TEXT_CUES = ['claim', 'priorWork', 'etAl', 'names', 'numbers', 'ownWork', 'docRefs', 'citable'];

async function main(argv: string[]): Promise<number> {
  const log = (m: string) => process.stderr.write(`eval:uncited:learned: ${m}\n`);
  const positional = argv.filter((a, i) => !a.startsWith('--') && !['--rows', '--extra', '--epochs', '--l2', '--seed', '--min-papers'].includes(argv[i - 1] ?? ''));
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
  console.log(`classifier: ${opts.bigrams ? 'unigrams + bigrams' : 'unigrams'}, 2^${BITS} hashed, ${opts.epochs} epochs of SGD, L2 ${opts.l2}, shuffle seed ${opts.seed}${opts.minPapers > 1 ? `, n-grams of ≥ ${opts.minPapers} training papers` : ''}`);
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

  const learned = new Learned(rows, vecs);
  if (argv.includes('--weights')) {
    // The n-grams the classifier trained on all tune papers weighs most, each way (hash collisions aside).
    const m = train(vecs, rows.map((r) => (r.truth.length ? 1 : 0)));
    const seen = new Map<string, number>();
    for (const f of feats) for (const x of f) seen.set(x, (seen.get(x) ?? 0) + 1);
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
  const sub = (keep: (i: number) => boolean) => auc(oof.filter((_, i) => keep(i)), ys.filter((_, i) => keep(i)));
  console.log(`classifier alone, leave-one-paper-out ROC AUC over all candidate sentences: ${sub(() => true).toFixed(3)} (long papers ${sub(isLong).toFixed(3)}, short ${sub((i) => !isLong(i)).toFixed(3)})`);
  // The hand cue lists together, the same way out of fold: a logistic regression on them (λ 30) per held-out paper.
  const cueOof = rows.map(() => 0);
  const cueX = rows.map((r) => TEXT_CUES.map((f) => (f === 'citable' ? citableCues(r.text) : r.x[f]!)));
  for (const k of papers) {
    const tr = rows.map((_, i) => i).filter((i) => rows[i]!.paper !== k);
    const m = logistic(tr.map((i) => cueX[i]!), tr.map((i) => ys[i]!), 30);
    rows.forEach((r, i) => r.paper === k && (cueOof[i] = cueX[i]!.reduce((a, v, j) => a + (m.w[j + 1]! * (v - m.mean[j]!)) / m.sd[j]!, m.w[0]!)));
  }
  const cueSub = (keep: (i: number) => boolean) => auc(cueOof.filter((_, i) => keep(i)), ys.filter((_, i) => keep(i)));
  console.log(`the eight hand cue lists in one logistic regression, the same way: ${cueSub(() => true).toFixed(3)} (long ${cueSub(isLong).toFixed(3)}, short ${cueSub((i) => !isLong(i)).toFixed(3)})`);
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
  console.log(`\nrule (held out, ${tune.length} folds)                      | P@R.25 | long  | short | at the fitted thresholds: precision recall top-3 hints`);
  const results: CvResult[] = [];
  for (const rule of rules) {
    const r = crossValidate(rule, rows, citing);
    results.push(r);
    const a = r.atThreshold;
    console.log(`${rule.name.padEnd(55)} | ${r.atRecall.precision.toFixed(3)}  | ${r.long.precision.toFixed(3)} | ${r.short.precision.toFixed(3)} | ${a.precision.toFixed(3)} ${a.recall.toFixed(3)} ${a.top3.toFixed(3)} ${a.hints}`);
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
