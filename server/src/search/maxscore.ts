// Exact dynamic pruning of the context ranking: MaxScore (Turtle and Flood 1995) over the
// segments' per-term maximum impacts. A term can add at most its weight x its largest impact in
// the segment (Postings.maxImpact) to a paper's score, and the coordination factor of a paper
// holding h terms is at most factor[h] <= 1; so once the k-th best score so far (the threshold)
// exceeds what a segment's weakest terms could give a paper holding only them, those terms are
// non-essential: their postings are not scanned, only looked up (forward galloping cursors) for
// the papers the essential terms bring, and only while such a paper can still reach the
// threshold. A segment is read in windows of WINDOW documents, so the threshold rises within the
// 65,536-paper segments of a corpus. A common word of a citing sentence ("model", in most
// papers) is scanned in the first windows, until the threshold rises, and looked up after that.
//
// Exact: a paper that survives is scored as the exhaustive loop scores it (the same terms in the
// same order, float32 sums), so the top k, their scores and their order are the exhaustive
// ones (test/unit/search/maxscore.test.ts compares them on random queries).
import { impactOf, type Postings, type Vocabulary } from './postings';

/** What MaxScore reads of the index: its parts in document order. */
export interface ScoredPart {
  /** First global document number of the part. */
  base: number;
  ctx: Postings<Vocabulary>;
  /** Documents in the part. */
  size: number;
}

/** A query term: its weight per impact unit, and its term number in each part (-1 when absent or not searched). */
export interface ScoredTerm {
  weight: number;
  ids: Int32Array;
}

/** Buffers of the index the exhaustive loop also fills: sums, terms held, and the documents touched. */
export interface Accumulators {
  acc: Float32Array;
  termHits: Uint8Array;
  touched: Uint32Array;
}

/**
 * Completion's blend (index.ts): a document's score is not its coordinated sum but
 * score(doc, sum) = sum x scale + bonus(doc) (its typed score, known before; at most maxBonus),
 * and only documents `allowed` (nonzero: the typed candidates) are ranked. A document holding
 * none of the terms is never offered: its score is bonus(doc) alone, which the caller knows.
 */
export interface Blend {
  /** Nonzero for a document ranked. */
  allowed: ArrayLike<number>;
  scale: number;
  /** Per document, times bonusScale (float32: the bounds allow for its rounding); none: 0. */
  bonus?: ArrayLike<number>;
  bonusScale?: number;
  maxBonus: number;
  score: (doc: number, sum: number) => number;
}

/**
 * Float rounding slack on the bounds: a float32 sum of at most 32 terms and one product differ
 * from the exact sum by far less than this share; the bound is widened by it so that no paper
 * whose float32 score ties or beats the threshold is ever skipped.
 */
const SLACK = 1e-4;

/** Documents of a segment scored together: the threshold rises between windows. */
const WINDOW = 2048;

/**
 * The documents that can be among the top `limit` by float32(sum x factor[terms held]) (ties: the
 * earlier document), with acc and termHits set for them as the exhaustive loop sets them; returns
 * how many, in accumulators.touched. `factor` (the coordination) must not decrease with the terms
 * held and be at most 1: a paper holding few terms is bounded by few terms' factor.
 */
export function maxScoreTop(parts: readonly ScoredPart[], terms: readonly ScoredTerm[], dead: Uint8Array, limit: number, factor: ArrayLike<number>, into: Accumulators, blend?: Blend): number {
  const heap = new TopK(limit);
  scoreParts(parts, 0, parts.length, terms, dead, heap, factor, blend);
  return heap.drain(into);
}

/**
 * maxScoreTop one part at a time: it yields after each part but the last (the caller may answer
 * requests in between: at a million papers a long passage's query takes 100-300 ms, a part of it
 * a seventeenth of that), and returns what maxScoreTop returns. The same answer: the parts are
 * scored in the same order into one heap, which is all that is carried from part to part; the
 * accumulators are written only at the end, so queries run in between (which use them) are not
 * disturbed. The index must not change meanwhile (Ranker: a ranker replaced stops).
 */
export function* maxScoreSteps(parts: readonly ScoredPart[], terms: readonly ScoredTerm[], dead: Uint8Array, limit: number, factor: ArrayLike<number>, into: Accumulators): Generator<void, number> {
  const heap = new TopK(limit);
  for (let s = 0; s < parts.length; s++) {
    if (s > 0) yield;
    scoreParts(parts, s, s + 1, terms, dead, heap, factor);
  }
  return heap.drain(into);
}

/** MaxScore over parts [first, stop) into `heap` (maxScoreTop). */
function scoreParts(parts: readonly ScoredPart[], first: number, stop: number, terms: readonly ScoredTerm[], dead: Uint8Array, heap: TopK, factor: ArrayLike<number>, blend?: Blend): void {
  const nTerms = terms.length;
  // Without a blend: sum x 1 + 0, every document allowed.
  const scale = blend?.scale ?? 1;
  const maxBonus = blend?.maxBonus ?? 0;
  const allowed = blend?.allowed;
  const bonuses = blend?.bonus;
  const bonusScale = blend?.bonusScale ?? 1;
  // Window-local, by document: the essential terms' summed contributions (while some term is
  // non-essential) and how many it holds.
  const partial = new Float64Array(WINDOW);
  // Float32 sums in query order, as the exhaustive loop keeps them: while no term is non-essential.
  const exact = new Float32Array(WINDOW);
  const count = new Uint8Array(WINDOW);
  // The non-essential terms' impacts in the paper being looked up, by query term.
  const looked = new Uint8Array(nTerms);
  // Each essential term's first posting in the window: the few papers scored whole look their
  // essential terms up between it and the term's cursor (a binary search).
  const from = new Uint32Array(nTerms);
  // Which window documents the essential terms brought (a bit each): visited in document order
  // without walking every slot of the window.
  const marks = new Int32Array(WINDOW >> 5);
  const present: number[] = [];
  const byQuery: number[] = [];
  const essential = new Uint8Array(nTerms);
  const bound = new Float64Array(nTerms);
  const cursor = new Uint32Array(nTerms);
  // The part's term numbers and the weights, by query term; the factors as one array type.
  const tid = new Int32Array(nTerms);
  const weight = Float64Array.from(terms, (q) => q.weight);
  const coord = Float64Array.from(factor);
  for (let s = first; s < stop; s++) {
    const part = parts[s];
    const ctx = part.ctx;
    const docs = ctx.docs;
    const impacts = ctx.impacts;
    present.length = 0;
    for (let j = 0; j < nTerms; j++) {
      const t = terms[j].ids[s];
      tid[j] = t;
      if (t < 0) continue;
      present.push(j);
      bound[j] = terms[j].weight * ctx.maxImpact[t];
      cursor[j] = ctx.offsets[t];
      essential[j] = 1;
    }
    byQuery.length = 0;
    byQuery.push(...present);
    // Weakest terms first: the longest prefix that cannot lift a paper holding only them into
    // the top k is non-essential; the threshold only rises, so the prefix only grows.
    present.sort((a, b) => bound[a] - bound[b] || a - b);
    let ne = 0;
    let neSum = 0;
    for (let lo = 0; lo < part.size; lo += WINDOW) {
      const hi = Math.min(part.size, lo + WINDOW);
      // The threshold changes only when a paper is offered.
      let theta = heap.threshold();
      while (ne < present.length && ((neSum + bound[present[ne]]) * factor[ne + 1] * scale + maxBonus) * (1 + SLACK) < theta) {
        essential[present[ne]] = 0;
        neSum += bound[present[ne++]];
      }
      if (ne === present.length) break; // nothing further in this part can reach the top k
      // The essential terms' postings in this window, in query order: with no term left out, the
      // float32 sums (exact) are the exhaustive loop's; otherwise only the bound's (partial) is read.
      const sums = ne === 0 ? exact : partial;
      for (const j of byQuery) {
        if (!essential[j]) continue;
        const end = ctx.offsets[terms[j].ids[s] + 1];
        const w = terms[j].weight;
        let i = cursor[j];
        from[j] = i;
        for (; i < end; i++) {
          const d = docs[i] - lo;
          if (d >= WINDOW) break;
          if (allowed && !allowed[part.base + lo + d]) continue;
          sums[d] += w * impacts[i];
          if (count[d]++ === 0) marks[d >> 5] |= 1 << (d & 31);
        }
        cursor[j] = i;
      }
      if (ne === 0) {
        for (let m = 0; m < marks.length; m++) {
          for (let bits = marks[m]; bits !== 0; bits &= bits - 1) {
            const d = (m << 5) | (31 - Math.clz32(bits & -bits));
            const n = count[d];
            const sum = exact[d];
            count[d] = 0;
            exact[d] = 0;
            const doc = part.base + lo + d;
            if (dead[doc]) continue;
            const value = blend ? blend.score(doc, sum) : Math.fround(sum * factor[n]);
            if (value > 0) heap.offer(doc, value, sum, n);
          }
          marks[m] = 0;
        }
        continue;
      }
      // Candidates in document order, so the non-essential terms' cursors only move forward.
      for (let m = 0; m < marks.length; m++) {
        const bitsOfWord = marks[m];
        marks[m] = 0;
        for (let bits = bitsOfWord; bits !== 0; bits &= bits - 1) {
          const d = (m << 5) | (31 - Math.clz32(bits & -bits));
          let ub = partial[d] + neSum;
          let most = count[d] + ne;
          partial[d] = 0;
          count[d] = 0;
          const doc = part.base + lo + d;
          const bonus = bonuses ? bonuses[doc] * bonusScale : 0;
          let open = !dead[doc] && (ub * coord[most] * scale + bonus) * (1 + SLACK) >= theta;
          // Look the non-essential terms up, strongest first, while the paper can still make it.
          for (let e = ne - 1; e >= 0 && open; e--) {
            const j = present[e];
            const impact = advance(ctx, tid[j], cursor, j, lo + d);
            looked[j] = impact;
            ub += weight[j] * impact - bound[j];
            if (impact === 0) most--;
            open = (ub * coord[most] * scale + bonus) * (1 + SLACK) >= theta;
          }
          if (open) {
            // Scored as the exhaustive loop scores it: terms in query order, float32 sums.
            let sum = 0;
            let n = 0;
            for (let j = 0; j < nTerms; j++) {
              if (tid[j] < 0) continue;
              const impact = essential[j] ? impactBetween(ctx, from[j], cursor[j], lo + d) : looked[j];
              if (impact === 0) continue;
              sum = Math.fround(sum + weight[j] * impact);
              n++;
            }
            const value = blend ? blend.score(doc, sum) : Math.fround(sum * coord[n]);
            if (value > 0) {
              heap.offer(doc, value, sum, n);
              theta = heap.threshold();
            }
          }
        }
      }
    }
  }
}

/** Impact of the posting of `doc` among postings [lo, end) (0 when none): a binary search. */
function impactBetween(p: Postings<Vocabulary>, lo: number, end: number, doc: number): number {
  const docs = p.docs;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < doc) lo = mid + 1;
    else hi = mid;
  }
  return lo < end && docs[lo] === doc ? p.impacts[lo] : 0;
}

/**
 * Impact of term `t` in document `doc` (0 when absent), moving the term's cursor (cursor[j]) to
 * its first posting at or after `doc`: galloping, then a binary search.
 */
function advance(p: Postings<Vocabulary>, t: number, cursor: Uint32Array, j: number, doc: number): number {
  const docs = p.docs;
  const end = p.offsets[t + 1];
  let lo = cursor[j];
  if (lo >= end || docs[lo] >= doc) return lo < end && docs[lo] === doc ? p.impacts[lo] : 0;
  // docs[lo] < doc: gallop to a posting at or after doc, then search between.
  let step = 1;
  let hi = lo + 1;
  while (hi < end && docs[hi] < doc) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > end) hi = end;
  // docs[lo] < doc, and docs[hi] >= doc or hi === end.
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < doc) lo = mid;
    else hi = mid;
  }
  cursor[j] = hi;
  return hi < end && docs[hi] === doc ? p.impacts[hi] : 0;
}

/** Terms held by the document exactSum scored last. */
let exactHeld = 0;

/** A document's sum, scored as the exhaustive loop scores it: terms in query order, float32 sums. */
function exactSum(terms: readonly ScoredTerm[], s: number, ctx: Postings<Vocabulary>, d: number): number {
  let sum = 0;
  exactHeld = 0;
  for (let j = 0; j < terms.length; j++) {
    const t = terms[j].ids[s];
    if (t < 0) continue;
    const impact = impactOf(ctx, t, d);
    if (impact === 0) continue;
    sum = Math.fround(sum + terms[j].weight * impact);
    exactHeld++;
  }
  return sum;
}

/**
 * acc and termHits of `count` given documents only (completion's typed matches), as the
 * exhaustive loop sets them; null when looking each term up in each document would cost more
 * than scanning the terms' postings. Returns how many documents hold a term, in touched.
 */
export function scoreDocuments(parts: readonly ScoredPart[], terms: readonly ScoredTerm[], docs: ArrayLike<number>, count: number, partOf: (doc: number) => number, into: Accumulators): number | null {
  let postings = 0;
  for (const q of terms) for (let s = 0; s < parts.length; s++) if (q.ids[s] >= 0) postings += parts[s].ctx.offsets[q.ids[s] + 1] - parts[s].ctx.offsets[q.ids[s]];
  // A lookup is a binary search, ~16 steps; a posting one step.
  if (count * terms.length * 16 >= postings) return null;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i];
    const s = partOf(doc);
    const sum = exactSum(terms, s, parts[s].ctx, doc - parts[s].base);
    if (exactHeld === 0 || into.acc[doc] !== 0) continue;
    into.acc[doc] = sum;
    into.termHits[doc] = exactHeld;
    into.touched[n++] = doc;
  }
  return n;
}

/** The best `limit` documents so far by (score, earlier document), a min-heap. */
class TopK {
  private readonly docs: number[] = [];
  private readonly scores: number[] = [];
  private readonly sums = new Map<number, { sum: number; held: number }>();
  constructor(private readonly limit: number) {}

  /** The score a document must beat (or tie, being earlier) to enter; -Infinity while not full. */
  threshold(): number {
    return this.docs.length < this.limit ? -Infinity : this.scores[0];
  }

  private worse(a: number, b: number): boolean {
    return this.scores[a] < this.scores[b] || (this.scores[a] === this.scores[b] && this.docs[a] > this.docs[b]);
  }

  private swap(a: number, b: number): void {
    [this.docs[a], this.docs[b]] = [this.docs[b], this.docs[a]];
    [this.scores[a], this.scores[b]] = [this.scores[b], this.scores[a]];
  }

  /** Offers a document: kept when it beats the worst of the k. */
  offer(doc: number, score: number, sum: number, held: number): void {
    if (this.limit <= 0) return;
    if (this.docs.length < this.limit) {
      this.docs.push(doc);
      this.scores.push(score);
      let c = this.docs.length - 1;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!this.worse(c, parent)) break;
        this.swap(c, parent);
        c = parent;
      }
    } else {
      if (score < this.scores[0] || (score === this.scores[0] && doc > this.docs[0])) return;
      this.sums.delete(this.docs[0]);
      this.docs[0] = doc;
      this.scores[0] = score;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < this.docs.length && this.worse(l, m)) m = l;
        if (r < this.docs.length && this.worse(r, m)) m = r;
        if (m === c) break;
        this.swap(c, m);
        c = m;
      }
    }
    this.sums.set(doc, { sum, held });
  }

  /** Writes the kept documents' sums and terms held into the accumulators; returns how many. */
  drain(into: Accumulators): number {
    let n = 0;
    for (const [doc, { sum, held }] of this.sums) {
      into.acc[doc] = sum;
      into.termHits[doc] = held;
      into.touched[n++] = doc;
    }
    return n;
  }
}
