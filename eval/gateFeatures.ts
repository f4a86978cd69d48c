// The related gate's candidate features side by side (issue 17): does any query-performance
// predictor separate the weakest real text (citing sentence or paragraph) from the off-topic text
// closest to passing better than the gate's own product (gate.ts overChance)?
//
//   node --import tsx eval/gateFeatures.ts [--rows] [--quantile Q]
//
// Tune half only (eval/queries/*.tune.jsonl, bundled corpus); there is no option for the test half.
// Each feature is computed from the related ranking's list for the text (index.related, threshold 0:
// plain BM25F, scores 0..1 as the list shows them) and printed twice: as it is, and over its library
// null (the CHANCE_QUANTILE of the same feature over the NULL_SAMPLES random passages of the
// library's titles that the gate's library null ranks for a passage of that length; `--quantile`
// takes another quantile, e.g. 0.5, the median). "Room" is the
// weakest real text's value over the strongest off-topic text's: above 1, some bar separates them.
// The second table asks whether a feature helps as a second dimension, product x feature^a (a on a
// grid; "spread-free" is the gap in log units over the spread of all texts' log values, so that a
// does not inflate it), and checks the choice inside the tune half: a and the bar (the geometric
// middle) chosen on the texts that existed when OVER_CHANCE was first chosen (ct01-ct29, the
// paragraphs, ot01-ot36), applied to the 102 citing sentences and 39 off-topic texts added later
// (ct30-, ot37-, and issue 17's blind set cy*, oy*).
// `--rows` prints every text's features. Results and what they mean: docs/related.md, "Query-
// performance features".
//
// The probe reads the gate's inputs from the index's internals (the evidence a paper shares, the
// library null's passages); it is a measurement, not an API.
import { loadCorpus } from '../server/src/library/corpus';
import type { Paper } from '../server/src/library/paper';
import { SearchIndex } from '../server/src/search';
import { fieldCounts } from '../server/src/search/bm25f';
import { CHANCE_QUANTILE, ChanceBar, INFORMATIVE_IDF, MIN_SHARED, evidenceNeeded } from '../server/src/search/gate';
import { GENERIC_STEMS, SCIENTIFIC_STEMS } from '../server/src/search/generic';
import { Ranker } from '../server/src/search/rank';
import { contentTerms, type Token } from '../server/src/search/text';
import type { Hit, QueryTerm } from '../server/src/search/types';
import { type Kind, readQueries } from './queries';

/** The internals the probe reads (private in the index and the ranker). */
interface Internals {
  relatedRanking: { evidence(informative: QueryTerm[], doc: number, tokens: { stem: string; token: Token }[]): number };
  contextRanking: { contextTerms(text: string): QueryTerm[] };
}
interface NullInternals {
  libraryNull(within: undefined): ChanceBar;
}
interface BarInternals {
  passages(bucket: number): string[];
}

type Features = Record<string, number>;

/** What each feature is (printed under the table). */
const MEANING: Record<string, string> = {
  product: "the gate's own: best paper's (evidence / needed) x (score / chance), gate.ts overChance",
  score: "top paper's score over chance's (the product's second factor)",
  evidence: "top paper's topical evidence over the evidence needed (the product's first factor)",
  bestEvidence: 'the most topical evidence over need any listed paper sharing two words holds',
  share: "share of the passage's specific words (topical mass) the top paper holds",
  idfShare: "the same, each word weighed by its idf",
  cover3: 'share of the specific words the top 3 papers hold together',
  known: 'share of the passage\'s content words the library knows at all',
  stand: 'top score over the mean of the top 10 (list scores)',
  top1top2: 'top score over the second (BM25F over the ideal)',
  nqc: 'std of the top-10 scores (NQC; the corpus score is the ideal, 1)',
  nqcRel: 'std of the top-10 scores over their mean',
  wig: 'mean of the top-10 scores (WIG, over the ideal)',
  clarity: "KL of the top-10 papers' language model (score-weighted) vs the library's (clarity)",
  robust: "share of 3 sub-passages (a third left out) whose top paper is the whole's (query drift)",
  maxIdf: 'highest idf of a word the top paper shares, over ln N',
  central: 'the product with evidence counted only for words the paper is about (title, or twice in its abstract)',
};

async function main(argv: string[]): Promise<number> {
  const corpus = await loadCorpus();
  const index = SearchIndex.build(corpus.papers);
  const inner = index as unknown as Internals;
  const docOf = new Map<Paper, number>();
  for (let d = 0; d < index.total; d++) docOf.set(index.paper(d), d);
  const N = index.total;

  // The library's language model, for clarity.
  const cf = new Map<string, number>();
  let cfTotal = 0;
  for (const p of corpus.papers) {
    const c = fieldCounts(p);
    for (const m of [c.title, c.abstract]) for (const [w, n] of m) (cf.set(w, (cf.get(w) ?? 0) + n), (cfTotal += n));
  }
  function clarity(hits: Hit[]): number {
    const top = hits.slice(0, 10);
    const z = top.reduce((a, h) => a + h.score, 0);
    if (z <= 0) return 0;
    const pq = new Map<string, number>();
    for (const h of top) {
      const c = fieldCounts(h.paper);
      const len = c.titleLength + c.abstractLength || 1;
      for (const m of [c.title, c.abstract]) for (const [w, n] of m) pq.set(w, (pq.get(w) ?? 0) + ((h.score / z) * n) / len);
    }
    let kl = 0;
    for (const [w, p] of pq) {
      const pc = (cf.get(w) ?? 0) / cfTotal;
      const ps = 0.6 * p + 0.4 * pc; // Jelinek-Mercer smoothing
      if (pc > 0) kl += ps * Math.log2(ps / pc);
    }
    return kl;
  }

  const topKey = (text: string) => index.related(text, { limit: 1, threshold: 0 })[0]?.paper.key;

  function features(text: string, chance: number): Features {
    const hits = index.related(text, { limit: 20, threshold: 0 });
    const terms = inner.contextRanking.contextTerms(text);
    const informative = terms.filter((q) => index.idf(q.df) >= INFORMATIVE_IDF && !GENERIC_STEMS.has(q.stem));
    const weight = (q: QueryTerm) => (SCIENTIFIC_STEMS.has(q.stem) ? 0.5 : 1);
    const tokens = contentTerms(text);
    const mass = informative.reduce((s, q) => s + weight(q), 0);
    const needed = evidenceNeeded({ words: terms.length, mass });
    const evidence = hits.map((h) => inner.relatedRanking.evidence(informative, docOf.get(h.paper)!, tokens));
    // Evidence from words the paper is about: in its title, or at least twice in its abstract.
    const central = hits.map((h) => {
      const c = fieldCounts(h.paper);
      return informative.reduce((s, q) => s + weight(q) * Math.min(1, (2 * (c.title.get(q.stem) ?? 0) + (c.abstract.get(q.stem) ?? 0)) / 2), 0);
    });
    const over = (ev: number[]) =>
      Math.max(0, ...hits.map((h, i) => (h.matched.length >= Math.min(MIN_SHARED, terms.length) ? (needed > 0 ? ev[i] / needed : 1) * (h.score / chance) : 0)));
    const s = hits.map((h) => h.score ** 2); // BM25F over the ideal
    const k = Math.min(10, hits.length);
    const mean = s.slice(0, k).reduce((a, b) => a + b, 0) / Math.max(1, k);
    const std = Math.sqrt(s.slice(0, k).reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, k));
    const listMean = hits.slice(0, k).reduce((a, h) => a + h.score, 0) / Math.max(1, k);
    const words = text.split(/\s+/);
    const third = Math.max(1, Math.round(words.length / 3));
    let same = 0;
    for (let i = 0; i < 3; i++) if (topKey([...words.slice(0, i * third), ...words.slice((i + 1) * third)].join(' ')) === hits[0]?.paper.key) same++;
    const held = (h: Hit | undefined) => new Set((h?.matched ?? []).map((m) => m.toLowerCase()));
    const top = held(hits[0]);
    const top3 = new Set(hits.slice(0, 3).flatMap((h) => [...held(h)]));
    const surface = (q: QueryTerm) => q.surface.toLowerCase();
    const idfMass = informative.reduce((a, q) => a + index.idf(q.df), 0);
    return {
      product: over(evidence),
      score: (hits[0]?.score ?? 0) / chance,
      evidence: needed > 0 ? (evidence[0] ?? 0) / needed : 0,
      bestEvidence: needed > 0 ? Math.max(0, ...hits.map((h, i) => (h.matched.length >= Math.min(MIN_SHARED, terms.length) ? evidence[i] : 0))) / needed : 0,
      share: mass > 0 ? (evidence[0] ?? 0) / mass : 0,
      idfShare: idfMass > 0 ? informative.filter((q) => top.has(surface(q))).reduce((a, q) => a + index.idf(q.df), 0) / idfMass : 0,
      cover3: informative.length ? informative.filter((q) => top3.has(surface(q))).length / informative.length : 0,
      known: terms.length ? terms.filter((q) => q.df > 0).length / terms.length : 0,
      stand: listMean > 0 ? hits[0].score / listMean : 0,
      top1top2: s.length > 1 && s[1] > 0 ? s[0] / s[1] : 0,
      nqc: std,
      nqcRel: mean > 0 ? std / mean : 0,
      wig: mean,
      clarity: clarity(hits),
      robust: same / 3,
      maxIdf: Math.max(0, ...terms.filter((q) => top.has(surface(q))).map((q) => index.idf(q.df))) / Math.log(N),
      central: over(central),
    };
  }

  // The library null of each feature: the gate's own random title passages for that length.
  const qi = argv.indexOf('--quantile');
  const nullQuantile = qi >= 0 ? Number(argv[qi + 1]) : CHANCE_QUANTILE;
  if (!(nullQuantile >= 0 && nullQuantile <= 1)) {
    process.stderr.write('gateFeatures: --quantile must be a number from 0 to 1\n');
    return 2;
  }
  const ranker = new Ranker(index);
  const libraryNull = (ranker as unknown as NullInternals).libraryNull(undefined);
  const nulls = new Map<number, Features>();
  const nullOf = (length: number, chance: number): Features => {
    const bucket = Math.round(Math.log(length) / Math.log(1.25)); // gate.ts bucketOf
    let q = nulls.get(bucket);
    if (!q) {
      const drawn = (libraryNull as unknown as BarInternals).passages(bucket).map((p) => features(p, chance));
      q = Object.fromEntries(Object.keys(drawn[0]).map((name) => [name, quantile(drawn.map((f) => f[name]), nullQuantile)]));
      nulls.set(bucket, q);
    }
    return q;
  };

  interface Row {
    id: string;
    real: boolean;
    first: boolean;
    raw: Features;
    normal: Features;
  }
  const rows: Row[] = [];
  const firstWritten = (kind: Kind, id: string) => kind === 'paragraphs' || (/^[co]t/.test(id) && Number(id.slice(2)) <= (kind === 'citing' ? 29 : 36));
  for (const kind of ['citing', 'paragraphs', 'offtopic'] as const) {
    for (const q of readQueries(kind, 'tune')) {
      const length = q.query.match(/[\p{L}][\p{L}\p{N}'-]*/gu)?.length ?? 0;
      const chance = libraryNull.bar(length);
      const raw = features(q.query, chance);
      const n = nullOf(length, chance);
      const normal = Object.fromEntries(Object.entries(raw).map(([name, x]) => [name, n[name] > 0 ? x / n[name] : x > 0 ? Infinity : 0]));
      rows.push({ id: q.id, real: kind !== 'offtopic', first: firstWritten(kind, q.id), raw, normal });
    }
  }
  const names = Object.keys(rows[0].raw);
  const real = rows.filter((r) => r.real);
  const off = rows.filter((r) => !r.real);
  const weakest = (xs: Row[], v: (r: Row) => number) => xs.reduce((a, b) => (v(b) < v(a) ? b : a));
  const strongest = (xs: Row[], v: (r: Row) => number) => xs.reduce((a, b) => (v(b) > v(a) ? b : a));
  const show = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'inf');
  const room = (a: number, b: number) => (b > 0 ? `x${(a / b).toFixed(2)}` : '-');

  console.log(`Related gate features, tune half: ${real.length} real texts (citing sentences, paragraphs) vs ${off.length} off-topic texts, ${N} papers`);
  console.log(`feature      | as it is: weakest real   strongest off-topic   room | over its library null (quantile ${nullQuantile}): weakest real   strongest off-topic   room`);
  for (const name of names) {
    const cells = (v: (r: Row) => number) => {
      const [w, s] = [weakest(real, v), strongest(off, v)];
      return `${show(v(w)).padStart(6)} (${w.id})   ${show(v(s)).padStart(6)} (${s.id})   ${room(v(w), v(s)).padStart(6)}`;
    };
    console.log(`${name.padEnd(12)} | ${cells((r) => r.raw[name])} | ${cells((r) => r.normal[name])}`);
  }

  console.log('\nproduct x feature^a (a in -1..2 by 0.25; feature as it is)');
  console.log('feature      | whole tune half: best a  room  spread-free | chosen on the first-written texts: a  bar   -> later texts: real closed, off-topic opened');
  const ln = (x: number) => Math.log(Math.max(x, 1e-9));
  const fit = (xs: Row[], name: string) => {
    let best = { a: 0, gap: -Infinity, bar: 0, room: 0 };
    for (let a = name === 'product' ? 0 : -1; a <= (name === 'product' ? 0 : 2); a += 0.25) {
      const v = (r: Row) => ln(r.raw.product) + (name === 'product' ? 0 : a * ln(r.raw[name]));
      const R = xs.filter((r) => r.real).map(v);
      const O = xs.filter((r) => !r.real).map(v);
      const all = [...R, ...O];
      const mu = all.reduce((p, q) => p + q, 0) / all.length;
      const spread = Math.sqrt(all.reduce((p, q) => p + (q - mu) ** 2, 0) / all.length);
      const gap = (Math.min(...R) - Math.max(...O)) / spread;
      if (gap > best.gap) best = { a, gap, bar: (Math.min(...R) + Math.max(...O)) / 2, room: Math.exp(Math.min(...R) - Math.max(...O)) };
    }
    return best;
  };
  for (const name of names.filter((n) => n !== 'central')) {
    const whole = fit(rows, name);
    const early = fit(rows.filter((r) => r.first), name);
    const v = (r: Row) => ln(r.raw.product) + (name === 'product' ? 0 : early.a * ln(r.raw[name]));
    const later = rows.filter((r) => !r.first);
    const closed = later.filter((r) => r.real && v(r) < early.bar).map((r) => r.id);
    const opened = later.filter((r) => !r.real && v(r) >= early.bar).map((r) => r.id);
    console.log(
      `${name.padEnd(12)} | ${whole.a.toFixed(2).padStart(5)}  x${whole.room.toFixed(2)}  ${whole.gap.toFixed(3).padStart(6)}      | ${early.a.toFixed(2).padStart(5)}  ${Math.exp(early.bar).toFixed(3)} -> ${closed.join(' ') || 'none'}; ${opened.join(' ') || 'none'}`,
    );
  }
  console.log('');
  for (const name of names) console.log(`  ${name.padEnd(9)} ${MEANING[name]}`);
  if (argv.includes('--rows')) for (const r of rows) console.log(r.id, JSON.stringify({ ...Object.fromEntries(names.map((n) => [n, +r.raw[n].toFixed(3)])), ...Object.fromEntries(names.map((n) => [`${n}N`, +r.normal[n].toFixed(3)])) }));
  return 0;
}

/** The q-quantile of xs, as the gate's null takes it (gate.ts chanceOf). */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`gateFeatures: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
