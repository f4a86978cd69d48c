// Exact dynamic pruning of the context ranking: MaxScore (Turtle and Flood 1995) with each
// segment as a block, as block-max WAND/MaxScore do (Ding and Suel 2011). A term can add at most
// its weight x its largest impact in the segment (Postings.maxImpact) to a paper's score, and the
// coordination factor is at most 1; so once the k-th best score so far (the threshold) exceeds the
// summed bounds of a segment's weakest terms, a paper holding only those cannot enter the top k.
// Their postings are not scanned: they are only looked up (binary search) for the papers the
// other, "essential", terms bring, and only while such a paper can still reach the threshold.
// A common word of a citing sentence ("model", in most papers) is scanned in the first segments,
// until the threshold rises, and looked up for a few candidates after that.
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
 * Float rounding slack on the bounds: a float32 sum of at most 32 terms and one product differ
 * from the exact sum by far less than this share; the bound is widened by it so that no paper
 * whose float32 score ties or beats the threshold is ever skipped.
 */
const SLACK = 1e-4;

/**
 * The documents that can be among the top `limit` by `score(sum, termsHeld)` (a float32 value
 * at most `sum`, as the caller ranks them; ties: the earlier document), with acc and termHits
 * set for them as the exhaustive loop sets them. Returns how many, in accumulators.touched.
 */
export function maxScoreTop(parts: readonly ScoredPart[], terms: readonly ScoredTerm[], dead: Uint8Array, limit: number, score: (sum: number, held: number) => number, into: Accumulators): number {
  const heap = new TopK(limit);
  let partial = new Float64Array(0);
  let seen = new Uint8Array(0);
  const cands: number[] = [];
  const present: number[] = [];
  const bound: number[] = [];
  for (let s = 0; s < parts.length; s++) {
    const part = parts[s];
    const ctx = part.ctx;
    present.length = 0;
    for (let j = 0; j < terms.length; j++) if (terms[j].ids[s] >= 0) present.push(j);
    if (present.length === 0) continue;
    const theta = heap.threshold();
    // Weakest terms first: the longest prefix whose bounds sum below the threshold is non-essential.
    for (const j of present) bound[j] = terms[j].weight * ctx.maxImpact[terms[j].ids[s]];
    present.sort((a, b) => bound[a] - bound[b] || a - b);
    let ne = 0;
    let neSum = 0;
    while (ne < present.length && (neSum + bound[present[ne]]) * (1 + SLACK) < theta) neSum += bound[present[ne++]];
    if (ne === present.length) continue; // nothing in this part can reach the top k
    if (partial.length < part.size) {
      partial = new Float64Array(part.size);
      seen = new Uint8Array(part.size);
    }
    cands.length = 0;
    for (let e = ne; e < present.length; e++) {
      const j = present[e];
      const t = terms[j].ids[s];
      const w = terms[j].weight;
      const docs = ctx.docs;
      const impacts = ctx.impacts;
      for (let i = ctx.offsets[t], end = ctx.offsets[t + 1]; i < end; i++) {
        const d = docs[i];
        if (seen[d] === 0) {
          seen[d] = 1;
          cands.push(d);
        }
        partial[d] += w * impacts[i];
      }
    }
    for (const d of cands) {
      let ub = partial[d] + neSum;
      partial[d] = 0;
      seen[d] = 0;
      const doc = part.base + d;
      if (dead[doc]) continue;
      // Look the non-essential terms up, strongest first, while the paper can still make it.
      for (let e = ne - 1; e >= 0 && ub * (1 + SLACK) >= heap.threshold(); e--) {
        const j = present[e];
        ub += terms[j].weight * impactOf(ctx, terms[j].ids[s], d) - bound[j];
      }
      if (ub * (1 + SLACK) < heap.threshold()) continue;
      const sum = exactSum(terms, s, ctx, d);
      const value = score(sum, exactHeld);
      if (value <= 0) continue;
      heap.offer(doc, value, sum, exactHeld);
    }
  }
  return heap.drain(into);
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
export function scoreDocuments(parts: readonly ScoredPart[], terms: readonly ScoredTerm[], docs: ArrayLike<number>, count: number, into: Accumulators): number | null {
  let postings = 0;
  for (const q of terms) for (let s = 0; s < parts.length; s++) if (q.ids[s] >= 0) postings += parts[s].ctx.offsets[q.ids[s] + 1] - parts[s].ctx.offsets[q.ids[s]];
  // A lookup is a binary search, ~16 steps; a posting one step.
  if (count * terms.length * 16 >= postings) return null;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[i];
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (parts[mid].base <= doc) lo = mid;
      else hi = mid - 1;
    }
    const sum = exactSum(terms, lo, parts[lo].ctx, doc - parts[lo].base);
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
