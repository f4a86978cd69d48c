// LitLens search: rank the library for what is being written.
//
//   const index = SearchIndex.build(papers);                        // or fromSources / load
//   index.context(sentence, { limit: 10 })                          // BM25F over stemmed words
//   index.typed('vaswan attent', { limit: 20 })                     // prefix + fuzzy, key/title/authors/year
//   index.search('muzero', { limit: 20 })                           // the search box: typed, else context
//   index.completion(typedAfterCite, sentence, { limit: 20 })       // typed narrows, context ranks
//   index.related(paragraph, { limit: 5, threshold: 0.3 })          // [] when nothing is about it
//   await index.save(dir); await SearchIndex.load(dir, sources)     // versioned, per source hash
//   index.setSource({ id, papers, hash }) / index.removeSource(id)  // incremental, one source at a time
//
// Why not MiniSearch: at 100k papers MiniSearch took p95 309 ms for a sentence and 583 MB of heap
// (notes/performance.md), and even over key/title/authors/year alone p95 55.6 ms for typed
// queries and 1.9 s to load its JSON (bench/minisearch-typed.ts). This index keeps postings in
// typed arrays with one-byte impacts: at 100k, typed p95 3.7 ms, sentence p95 7.3 ms, load
// 0.46 s, 124 MB (npm run bench).
//
// The parts: segments.ts stores and iterates (segment.ts, postings.ts, persist.ts below it);
// context.ts, typed.ts and related.ts rank, with the parameters of scoring.ts, bm25f.ts and
// gate.ts; this file puts them behind one object and blends typed and context for completion.
//
// Non-goals: phrase or boolean queries, field syntax (author:x), highlighting positions inside
// abstracts (Hit.matched says which query words a paper holds), semantic matching (server/src/search/semantic),
// sharing a saved index between processes writing at the same time (last writer wins; a torn
// file is detected by its checksum and rebuilt).
import type { Paper, PaperList } from '../library/paper';
import { ContextRanking } from './context';
import { RelatedRanking } from './related';
import { Segments } from './segments';
import { TypedRanking } from './typed';
import type { ContextOptions, Hit, IndexOptions, IndexSource, LoadReport, OtherStatistics, QueryOptions, QueryTerm, RelatedOptions, SearchMode } from './types';
import { DEFAULT_LIMIT } from './types';

export { fold, tokenize, stem } from './text';
export { DEFAULT_CHUNK_PAPERS } from './segment';
export { MAX_CONTEXT_TERMS } from './scoring';
export { DEFAULT_RELATED_RELATIVE, DEFAULT_RELATED_THRESHOLD } from './related';
export type { CollectionStatistics, ContextOptions, EncodedSource, Hit, IndexOptions, IndexSource, LoadReport, OtherStatistics, QueryOptions, RelatedOptions, SearchMode } from './types';

/** The library's segments (Segments, which stores and iterates) with the rankings over them. */
export class SearchIndex extends Segments {
  /** What the last `load` reused and rebuilt. */
  lastLoad: LoadReport = { loaded: [], built: [] };
  /** Typed text most papers match, newest last (completionOfMany). */
  private readonly commonPrefixes = new Map<string, CommonPrefix>();
  private readonly contextRanking: ContextRanking;
  private readonly typedRanking: TypedRanking;
  private readonly relatedRanking: RelatedRanking;

  private constructor(options: IndexOptions) {
    super(options.chunkPapers);
    this.contextRanking = new ContextRanking(this, options.exhaustive ?? process.env.LITLENS_EXHAUSTIVE === '1');
    this.typedRanking = new TypedRanking(this);
    this.relatedRanking = new RelatedRanking(this, this.contextRanking);
  }

  /** An index over one list of papers (one source named "default"). */
  static build(papers: readonly Paper[], options: IndexOptions = {}): SearchIndex {
    return SearchIndex.fromSources([{ id: 'default', papers }], options);
  }

  /** An index over several sources; earlier sources win duplicate keys. */
  static fromSources(sources: readonly IndexSource[], options: IndexOptions = {}): SearchIndex {
    const index = new SearchIndex(options);
    index.addSources(sources);
    return index;
  }

  /**
   * Loads the segments saved in `dir` for these sources; a source (or a chunk of a large source)
   * whose saved segment is missing, stale (other hash or format version) or corrupt is indexed
   * now. Never throws for a bad file.
   */
  static async load(dir: string, sources: readonly IndexSource[], options: IndexOptions = {}): Promise<SearchIndex> {
    const index = new SearchIndex(options);
    index.lastLoad = await index.addSaved(dir, sources);
    return index;
  }

  /** Papers ranked for a sentence, paragraph or section (BM25F, stemmed, stopwords out). */
  context(text: string, options: ContextOptions = {}): Hit[] {
    return this.contextRanking.context(text, options);
  }

  /** Papers for a few typed letters: prefix + fuzzy over key, title, authors and year. */
  typed(text: string, options: QueryOptions = {}): Hit[] {
    return this.typedRanking.typed(text, options);
  }

  /**
   * Papers the text is about, best first (related.ts); [] when the gate (gate.ts) finds nothing
   * in the library about the text; threshold 0 returns a plain ranking.
   */
  related(text: string, options: RelatedOptions = {}): Hit[] {
    return this.relatedRanking.related(text, options);
  }

  /** related() in steps (RelatedRanking.relatedSteps): background work answers requests between them; the index must not change meanwhile. */
  relatedSteps(text: string, options: RelatedOptions = {}): Generator<void, Hit[]> {
    return this.relatedRanking.relatedSteps(text, options);
  }

  /**
   * The search box: up to 4 words are typed text (key, title, authors, year), unless no paper
   * matches all of them, then the words are looked up in abstracts too (context ranking); more
   * words are a context query. `mode` forces one kind.
   */
  search(text: string, options: QueryOptions & { mode?: SearchMode } = {}): Hit[] {
    return this.searchBox(text, options).hits;
  }

  /**
   * As search(), also saying which ranking answered (a context answer may be fused with meaning).
   * `others`: the statistics of the sources the answer is merged with, counted with this index's (withOthers).
   */
  searchBox(text: string, options: QueryOptions & { mode?: SearchMode; others?: OtherStatistics } = {}): { hits: Hit[]; mode: SearchMode } {
    return this.withOthers(options.others, () => this.searchBoxNow(text, options));
  }

  /**
   * The search box's ranking for this text when this index decides it alone: 'context' for more
   * than 4 words, 'typed' when a paper matches every typed word; undefined when none does (searchBox
   * then looks in abstracts, unless a source its answer is merged with has such a paper: Ranker.search).
   */
  searchModeOf(text: string): SearchMode | undefined {
    if (text.trim().split(/\s+/).filter(Boolean).length > 4) return 'context';
    return this.typedRanking.typedWithCoverage(text, 1).full > 0 ? 'typed' : undefined;
  }

  private searchBoxNow(text: string, options: QueryOptions & { mode?: SearchMode }): { hits: Hit[]; mode: SearchMode } {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const words = text.trim().split(/\s+/).filter(Boolean).length;
    const mode = options.mode ?? (words > 4 ? 'context' : undefined);
    if (mode === 'context') return { hits: this.context(text, { limit }), mode };
    const { hits, full } = this.typedRanking.typedWithCoverage(text, limit);
    if (mode === 'typed' || full > 0) return { hits, mode: 'typed' };
    const context = this.context(text, { limit });
    return context.length > 0 ? { hits: context, mode: 'context' } : { hits, mode: 'typed' };
  }

  /**
   * Citation completion: the typed text picks the candidates, the surrounding text ranks them
   * (typed score as a smaller part of the blend). Empty typed text: context ranking; empty
   * context: typed ranking.
   */
  completion(typed: string, contextText: string, options: QueryOptions = {}): Hit[] {
    return this.scoped(options.within, () => this.completionNow(typed, contextText, options.limit ?? DEFAULT_LIMIT));
  }

  private completionNow(typed: string, contextText: string, limit: number): Hit[] {
    if (!typed.trim()) return this.context(contextText, { limit });
    const terms = this.contextRanking.contextTerms(contextText);
    if (!terms.some((t) => t.df > 0)) return this.typedRanking.typedWithCoverage(typed, limit).hits;
    const kept = this.commonPrefix(typed);
    if (kept) return this.completionOfMany(kept, terms, limit);
    const tok = this.tokAcc;
    const cover = this.cover;
    const tt = this.tokTouched;
    const acc = this.acc;
    const final = this.final;
    // Only the papers that can match every typed word are scored past the first word ("lear" after
    // "deep" is looked at in the papers "deep" matched; not when exhaustive) ...
    let typedMatch = this.typedRanking.accumulateTyped(typed, false, !this.contextRanking.exhaustive);
    const { words } = typedMatch;
    const need = Math.max(1, typedMatch.need);
    const anyFull = (n: number) => {
      for (let i = 0; i < n; i++) if (cover[tt[i]] >= need && !this.dead[tt[i]]) return true;
      return false;
    };
    let full = anyFull(typedMatch.n);
    // ... unless none does: then every typed match is a candidate, scored for all its words.
    if (!full && typedMatch.restricted && need > 1) {
      for (let i = 0; i < typedMatch.n; i++) {
        tok[tt[i]] = 0;
        cover[tt[i]] = 0;
      }
      typedMatch = this.typedRanking.accumulateTyped(typed);
      full = anyFull(typedMatch.n);
    }
    const nt = typedMatch.n;
    // Candidates: the documents matching every typed word, or, when none does, all typed matches;
    // their typed scores with the coverage penalty in tok, moved to the front of tt. `cover` becomes
    // 1 for a candidate; the others are cleared here.
    let count = 0;
    let maxTyped = 0;
    for (let i = 0; i < nt; i++) {
      const d = tt[i];
      if (full && cover[d] < need) {
        tok[d] = 0;
        cover[d] = 0;
        continue;
      }
      const c = Math.min(1, cover[d] / need);
      tok[d] *= c * c * c;
      if (tok[d] > maxTyped) maxTyped = tok[d];
      cover[d] = 1;
      tt[count++] = d;
    }
    const candidates = tt.subarray(0, count);
    // The blend: context sum over the best candidate's, plus a quarter of the typed score over the best.
    const bonus = (d: number) => (0.25 * tok[d]) / (maxTyped || 1);
    let maxCtx = 0;
    let nc = this.contextRanking.accumulateOf(terms, candidates);
    // Typed text many papers match: its matches are kept for the next context (completionOfMany).
    if (!this.scope && (nt > this.total / KEEP_SHARE || (nc === null && candidates.length > this.total / KEEP_SHARE))) this.keepCommonPrefix(typed, { candidates, tok, maxTyped, words });
    // Over a quarter of the papers ("mo" at a million: 40%): the restriction skips too little for
    // two pruned passes and the loops over the candidates to beat one scan of every posting
    // (measured at 1M, docs/benchmarks.md); the kept matches leave only the passes.
    if (nc === null && candidates.length > this.total / 4) nc = this.contextRanking.accumulate(terms);
    if (nc !== null) {
      for (const d of candidates) if (acc[d] > maxCtx) maxCtx = acc[d];
    } else {
      // Too many candidates to look up one by one, too few to score every posting (a title word
      // typed at a million papers): MaxScore restricted to them, once for the best sum (the
      // blend's scale; dead papers count, as above), then for the top `limit` by the blend. The
      // candidates it skips keep acc 0 below: exact for those holding no term, an underestimate
      // for those that cannot reach the top.
      const best = this.contextRanking.accumulateBlend(terms, 1, { allowed: cover, scale: 1, maxBonus: 0, score: (_d, sum) => sum }, NONE_DEAD);
      if (best > 0) maxCtx = acc[this.touched[0]];
      this.contextRanking.clearAcc(best);
      const scale = maxCtx > 0 ? 1 / maxCtx : 0;
      // Exactly as below (an evicted paper keeps acc 0 there).
      const score = (d: number, sum: number) => Math.fround((maxCtx > 0 ? sum / maxCtx : 0) + bonus(d));
      for (const d of candidates) final[d] = bonus(d); // overwritten below
      nc = this.contextRanking.accumulateBlend(terms, limit, { allowed: cover, scale, bonus: final, maxBonus: 0.25, score }, this.dead);
    }
    for (const d of candidates) final[d] = (maxCtx > 0 ? acc[d] / maxCtx : 0) + bonus(d);
    const docs = this.top(final, candidates, count, limit);
    const hits = this.completionHits(docs, words, terms);
    for (const d of candidates) {
      final[d] = 0;
      tok[d] = 0;
      cover[d] = 0;
    }
    this.contextRanking.clearAcc(nc);
    return hits;
  }

  private completionHits(docs: number[], words: string[], terms: QueryTerm[]): Hit[] {
    return docs.map((d) => {
      const paper = this.paper(d);
      const matched = [...new Set([...this.typedRanking.matchedTyped(words, paper), ...this.contextRanking.matchedContext(terms, d)])];
      return { paper, score: this.final[d], matched };
    });
  }

  /**
   * Typed text matched by many papers ("mo" at a million: 40%), kept from its first
   * completion (keepCommonPrefix), so a new context costs the two MaxScore passes restricted to
   * the candidates (as in completionNow) and not a scan of every posting of its common words.
   * Exact: the same candidates, typed scores and blend as completionNow, in the same float32
   * steps; a candidate the passes do not score is ranked by its typed score alone there, so
   * only the first `limit` of those in `best` (ranked by that score) are looked at here.
   */
  private completionOfMany(kept: CommonPrefix, terms: QueryTerm[], limit: number): Hit[] {
    const { tok, maxTyped, best } = kept;
    const acc = this.acc;
    const final = this.final;
    const touched = this.touched;
    const list = this.tokTouched;
    const bonus = (d: number) => (0.25 * tok[d]) / (maxTyped || 1);
    // Few candidates: their terms looked up, as in completionNow.
    let nc = this.contextRanking.accumulateOf(terms, kept.candidates);
    let maxCtx = 0;
    if (nc !== null) {
      for (let i = 0; i < nc; i++) if (acc[touched[i]] > maxCtx) maxCtx = acc[touched[i]];
    } else {
      const first = this.contextRanking.accumulateBlend(terms, 1, { allowed: tok, scale: 1, maxBonus: 0, score: (_d, sum) => sum }, NONE_DEAD);
      maxCtx = first > 0 ? acc[touched[0]] : 0;
      this.contextRanking.clearAcc(first);
      const score = (d: number, sum: number) => Math.fround((maxCtx > 0 ? sum / maxCtx : 0) + bonus(d));
      nc = this.contextRanking.accumulateBlend(terms, limit, { allowed: tok, scale: maxCtx > 0 ? 1 / maxCtx : 0, bonus: tok, bonusScale: 0.25 / (maxTyped || 1), maxBonus: 0.25, score }, this.dead);
    }
    let n = 0;
    for (let i = 0; i < nc; i++) {
      const d = touched[i];
      final[d] = (maxCtx > 0 ? acc[d] / maxCtx : 0) + bonus(d);
      list[n++] = d;
    }
    // The others: the first `limit` of `best` the passes did not score (best is in the order top()
    // ranks them by that value), unless `best` runs out first.
    let found = 0;
    for (let i = 0; i < best.length && found < limit; i++) {
      const d = best[i];
      if (final[d] !== 0) continue;
      final[d] = bonus(d);
      list[n++] = d;
      found++;
    }
    if (found < limit && best.length < kept.candidates.length) {
      // Not enough among the best typed: all of them (as completionNow does).
      for (const d of kept.candidates) {
        if (final[d] !== 0) continue;
        final[d] = bonus(d);
        list[n++] = d;
      }
    }
    const docs = this.top(final, list, n, limit);
    const hits = this.completionHits(docs, kept.words, terms);
    for (let j = 0; j < n; j++) final[list[j]] = 0;
    this.contextRanking.clearAcc(nc);
    return hits;
  }

  /** The kept matches of this typed text, when they are of this index's generation and no query scope is set. */
  private commonPrefix(typed: string): CommonPrefix | null {
    const kept = this.commonPrefixes.get(typed);
    if (!kept || kept.generation !== this.generation || this.scope || this.others || this.contextRanking.exhaustive) return null;
    // Newest last (a bounded map, oldest evicted first).
    this.commonPrefixes.delete(typed);
    this.commonPrefixes.set(typed, kept);
    return kept;
  }

  private keepCommonPrefix(typed: string, matches: { candidates: Uint32Array; tok: Float32Array; maxTyped: number; words: string[] }): void {
    // A candidate with no typed score (a hyphenated word's joined form alone) is not told apart from the others here.
    if (this.contextRanking.exhaustive || matches.candidates.some((d) => matches.tok[d] === 0)) return;
    const candidates = Uint32Array.from(matches.candidates);
    const tok = new Float32Array(this.total);
    for (const d of candidates) tok[d] = matches.tok[d];
    // Ordered by the value completionOfMany gives an unscored candidate (float32 rounding ties typed
    // scores that differ; top() then puts the earlier paper first).
    const maxTyped = matches.maxTyped || 1;
    const value = new Float32Array(this.total);
    for (const d of candidates) value[d] = (0.25 * tok[d]) / maxTyped;
    const best = Uint32Array.from(this.top(value, candidates, candidates.length, KEPT_BEST_TYPED));
    this.commonPrefixes.set(typed, { generation: this.generation, candidates, tok, maxTyped: matches.maxTyped, words: matches.words, best });
    for (const key of this.commonPrefixes.keys()) {
      if (this.commonPrefixes.size <= KEPT_COMMON_PREFIXES) break;
      this.commonPrefixes.delete(key);
    }
  }
}

/** The matches of typed text many papers hold (completionOfMany): 4 bytes per paper and 4 per candidate. */
interface CommonPrefix {
  generation: number;
  /** Every candidate (document numbers). */
  candidates: Uint32Array;
  /** Typed score with the coverage penalty per document; 0 for all but the candidates (Blend.allowed too). */
  tok: Float32Array;
  maxTyped: number;
  words: string[];
  /** The KEPT_BEST_TYPED best candidates by the blend's typed part (float32, ties: earlier paper first; dead ones left out), best first. */
  best: Uint32Array;
}

/** Typed texts whose matches are kept: the common prefixes a user is typing (4-5.6 MB each at a million papers). */
const KEPT_COMMON_PREFIXES = 8;
/** Typed text whose candidates are over 1/KEEP_SHARE of the papers has its matches kept: the loops over them cost more than the passes. */
const KEEP_SHARE = 16;
/** Candidates kept in typed order: completion asks for tens (the passes score at most `limit`; 2 x limit <= this is never short). */
const KEPT_BEST_TYPED = 512;

/** No paper left out: the best context sum among the candidates counts dead ones too. */
const NONE_DEAD = new Uint8Array(0);

/**
 * A Library's sources in the order the index wants them: workspace files first (they win a
 * shared key), then the corpus.
 */
export function sourcesOf(library: { sources: { id: string; papers: PaperList; kind: string }[] }): IndexSource[] {
  const rank = (kind: string) => (kind === 'corpus' ? 1 : 0);
  return [...library.sources]
    .sort((a, b) => rank(a.kind) - rank(b.kind))
    .map((s) => ({ id: s.id, papers: s.papers, kind: s.kind === 'corpus' ? ('corpus' as const) : ('workspace' as const) }));
}
