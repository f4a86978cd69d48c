// The context ranking: a sentence, paragraph or section against the library (completion, the
// search box, the related ranking's candidates), scored from the one-byte impacts with the
// parameters of scoring.ts, pruned exactly with MaxScore (maxscore.ts).
//
// Context queries (sentences, paragraphs): English stopwords out, Porter stems, BM25F with the
// title weighted 3x the abstract (authors 2x, key 1x), no fuzzy or prefix expansion. Long queries
// keep their MAX_CONTEXT_TERMS most informative terms (idf x query frequency).
import type { Paper } from '../library/paper';
import { docFreq, findTerm, impactOf } from './postings';
import { COORD, MAX_CONTEXT_TERMS } from './scoring';
import { maxScoreSteps, maxScoreTop, scoreDocuments, type Blend } from './maxscore';
import type { Segments } from './segments';
import { contentTerms } from './text';
import { DEFAULT_LIMIT, type ContextOptions, type Hit, type QueryTerm } from './types';

export class ContextRanking {
  /** Terms the last query scored (its coordination's denominator). */
  keptTerms = 0;

  constructor(
    private readonly segments: Segments,
    /** Score every posting (IndexOptions.exhaustive). */
    readonly exhaustive: boolean,
  ) {}

  contextTerms(text: string): QueryTerm[] {
    const byStem = new Map<string, QueryTerm>();
    for (const { stem: s, token } of contentTerms(text)) {
      const q = byStem.get(s);
      if (q) q.qtf++;
      else byStem.set(s, { stem: s, surface: text.slice(token.start, token.end), qtf: 1, df: 0, weight: 0, ids: new Int32Array(0) });
    }
    const terms = [...byStem.values()];
    for (const q of terms) {
      q.ids = new Int32Array(this.segments.parts.length);
      for (let i = 0; i < this.segments.parts.length; i++) {
        const t = this.segments.searched(i) ? findTerm(this.segments.parts[i].seg.ctx, q.stem) : -1;
        q.ids[i] = t;
        if (t >= 0) q.df += docFreq(this.segments.parts[i].seg.ctx, t);
      }
      if (this.segments.statistics) q.df = this.segments.statistics.term(q.stem)?.df ?? 0;
      if (this.segments.others) q.df += this.segments.others.df(q.stem);
      // Repeated words count, with diminishing returns.
      q.weight = this.segments.idf(q.df) * ((2.2 * q.qtf) / (1.2 + q.qtf));
    }
    return terms;
  }

  /** The highest impact (0..1) the term has in any paper; unseen words count as fully matchable. */
  bestImpact(q: QueryTerm): number {
    if (this.segments.statistics) return q.df > 0 ? (this.segments.statistics.term(q.stem)?.maxImpact ?? 255) / 255 : 1;
    let best = 0;
    for (let s = 0; s < this.segments.parts.length; s++) if (q.ids[s] >= 0) best = Math.max(best, this.segments.parts[s].seg.ctx.maxImpact[q.ids[s]]);
    return q.df > 0 ? best / 255 : 1;
  }

  /** The terms a context query scores: its most informative `maxTerms` known ones, strongest first. */
  kept(terms: QueryTerm[], maxTerms: number): QueryTerm[] {
    return terms.filter((t) => t.df > 0).sort((a, b) => b.weight - a.weight).slice(0, maxTerms);
  }

  /**
   * As accumulate, for the documents that can be among the top `limit` by their sum x
   * `factor(terms kept)[terms held]` only (every touched document when the index is exhaustive):
   * MaxScore, maxscore.ts. The factor must not decrease with the terms held nor exceed 1.
   */
  accumulateTop(terms: QueryTerm[], limit: number, factor: (kept: number) => ArrayLike<number>, maxTerms = MAX_CONTEXT_TERMS): number {
    if (this.exhaustive || limit <= 0) return this.accumulate(terms, maxTerms);
    return this.pruned(terms, limit, factor, maxTerms, this.segments.dead);
  }

  /** accumulateTop in steps (maxscore.ts maxScoreSteps): it yields between the index's parts. */
  *accumulateTopSteps(terms: QueryTerm[], limit: number, factor: (kept: number) => ArrayLike<number>, maxTerms = MAX_CONTEXT_TERMS): Generator<void, number> {
    if (this.exhaustive || limit <= 0) return this.accumulate(terms, maxTerms);
    const kept = this.kept(terms, maxTerms);
    const parts = this.segments.parts.map((p) => ({ base: p.base, ctx: p.seg.ctx, size: p.seg.papers.length }));
    const scored = kept.map((q) => ({ weight: q.weight / 255, ids: q.ids }));
    const n = yield* maxScoreSteps(parts, scored, this.segments.dead, limit, factor(Math.max(1, kept.length)), { acc: this.segments.acc, termHits: this.segments.termHits, touched: this.segments.touched });
    this.keptTerms = kept.length; // after the last step: queries in between set it for themselves
    return n;
  }

  /**
   * Completion over many typed candidates (index.ts): MaxScore restricted to `blend.allowed`,
   * ranked by the blend of context sum (no coordination) and typed score (maxscore.ts Blend).
   * `dead`: documents never ranked (none when only the best sum is wanted).
   */
  accumulateBlend(terms: QueryTerm[], limit: number, blend: Blend, dead: Uint8Array): number {
    return this.pruned(terms, limit, ones, MAX_CONTEXT_TERMS, dead, blend);
  }

  private pruned(terms: QueryTerm[], limit: number, factor: (kept: number) => ArrayLike<number>, maxTerms: number, dead: Uint8Array, blend?: Blend): number {
    const kept = this.kept(terms, maxTerms);
    this.keptTerms = kept.length;
    const parts = this.segments.parts.map((p) => ({ base: p.base, ctx: p.seg.ctx, size: p.seg.papers.length }));
    const scored = kept.map((q) => ({ weight: q.weight / 255, ids: q.ids }));
    return maxScoreTop(parts, scored, dead, limit, factor(Math.max(1, kept.length)), { acc: this.segments.acc, termHits: this.segments.termHits, touched: this.segments.touched }, blend);
  }

  /**
   * As accumulate, for these documents only, when looking their terms up costs less than
   * scanning the postings (maxscore.ts scoreDocuments), or when the index is exhaustive; null
   * otherwise (accumulateBlend then ranks them).
   */
  accumulateOf(terms: QueryTerm[], docs: ArrayLike<number>): number | null {
    if (this.exhaustive) return this.accumulate(terms);
    const kept = this.kept(terms, MAX_CONTEXT_TERMS);
    const parts = this.segments.parts.map((p) => ({ base: p.base, ctx: p.seg.ctx, size: p.seg.papers.length }));
    const scored = kept.map((q) => ({ weight: q.weight / 255, ids: q.ids }));
    const n = scoreDocuments(parts, scored, docs, docs.length, (doc) => this.segments.partIndexOf(doc), { acc: this.segments.acc, termHits: this.segments.termHits, touched: this.segments.touched });
    if (n !== null) this.keptTerms = kept.length;
    return n;
  }

  /** Accumulates context scores into this.segments.acc; returns the number of touched documents. */
  accumulate(terms: QueryTerm[], maxTerms = MAX_CONTEXT_TERMS): number {
    const acc = this.segments.acc;
    const touched = this.segments.touched;
    let n = 0;
    const kept = this.kept(terms, maxTerms);
    for (const q of kept) {
      const w = q.weight / 255;
      for (let s = 0; s < this.segments.parts.length; s++) {
        const t = q.ids[s];
        if (t < 0) continue;
        const part = this.segments.parts[s];
        const p = part.seg.ctx;
        const docs = p.docs;
        const impacts = p.impacts;
        const base = part.base;
        const termHits = this.segments.termHits;
        for (let i = p.offsets[t], end = p.offsets[t + 1]; i < end; i++) {
          const d = base + docs[i];
          if (acc[d] === 0) touched[n++] = d;
          acc[d] += w * impacts[i];
          termHits[d]++;
        }
      }
    }
    this.keptTerms = kept.length;
    return n;
  }

  /**
   * Coordination: scales each touched document by (query terms it holds / terms scored)^COORD,
   * so a paper holding every word of a short query beats one holding a single word in its title.
   */
  coordinate(n: number, exponent = COORD): void {
    const factor = coordinationFactors(Math.max(1, this.keptTerms), exponent);
    const acc = this.segments.acc;
    const termHits = this.segments.termHits;
    const touched = this.segments.touched;
    for (let i = 0; i < n; i++) {
      const d = touched[i];
      acc[d] *= factor[termHits[d]];
      termHits[d] = 0;
    }
  }

  clearAcc(n: number): void {
    for (let i = 0; i < n; i++) {
      this.segments.acc[this.segments.touched[i]] = 0;
      this.segments.termHits[this.segments.touched[i]] = 0;
    }
  }

  matchedContext(terms: QueryTerm[], doc: number): string[] {
    const partIndex = this.segments.parts.indexOf(this.segments.partOf(doc));
    const part = this.segments.parts[partIndex];
    const out: string[] = [];
    for (const q of terms) {
      const t = q.ids[partIndex];
      if (t >= 0 && impactOf(part.seg.ctx, t, doc - part.base) > 0) out.push(q.surface);
    }
    return out;
  }

  /** Papers ranked for a sentence, paragraph or section (BM25F, stemmed, stopwords out). */
  context(text: string, options: ContextOptions = {}): Hit[] {
    return this.segments.scoped(options.within, () => {
      const limit = options.limit ?? DEFAULT_LIMIT;
      const terms = this.contextTerms(text);
      const coordination = options.coordination ?? true;
      const exponent = coordination === true ? COORD : coordination;
      const n = this.accumulateTop(terms, limit, (k) => (exponent === false ? ones(k) : coordinationFactors(k, exponent)), options.maxTerms);
      if (exponent !== false) this.coordinate(n, exponent);
      const docs = this.segments.top(this.segments.acc, this.segments.touched, n, limit);
      const hits = docs.map((d) => ({ paper: this.segments.paper(d), score: this.segments.acc[d], matched: this.matchedContext(terms, d) }));
      this.clearAcc(n);
      return hits;
    });
  }
}

/** The coordination factor (terms held / k)^exponent for 0..k terms held, as float32 (the scores' precision). */
function coordinationFactors(k: number, exponent: number): Float32Array {
  const factor = new Float32Array(k + 1);
  for (let h = 0; h <= k; h++) factor[h] = Math.pow(h / k, exponent);
  return factor;
}

/** No coordination: a factor of 1 whatever the terms held. */
export function ones(k: number): Float64Array {
  return new Float64Array(k + 1).fill(1);
}
