// The index's scoring parameters, apart from the index that stores and iterates postings
// (index.ts, segment.ts, postings.ts), as Lucene keeps BM25Similarity apart from its index. The
// plain BM25F that ranks related papers is bm25f.ts; the related gate's constants are gate.ts's.
// Each tuned constant says which eval and which half it was chosen on; eval and bench import them
// from here.

/**
 * Context-field weights and length normalisation baked into the index's one-byte impacts
 * (segment.ts): the context ranking of completion and the search box, and the candidates of the
 * related ranking. Changing them changes the saved format (persist.ts FORMAT_VERSION). Chosen with
 * the first eval set (npm run eval, tune half); completion's tier 1 was tuned on top of them on
 * npm run eval:real's tune half.
 */
export const CONTEXT_FIELDS = {
  title: { weight: 3, b: 0.5 },
  abstract: { weight: 1, b: 0.75 },
  authors: { weight: 2, b: 0 },
  venue: { weight: 1, b: 0 },
  key: { weight: 1, b: 0 },
} as const;
/** Term-frequency saturation of the impacts (Robertson's usual value, not tuned). */
export const K1 = 1.2;
/**
 * Share of a term's impact that comes from the title alone: a paper whose title holds the
 * query's words is about them, however often other abstracts repeat them.
 */
export const TITLE_SHARE = 0.4;

/** Long context queries keep this many terms, the most informative (idf x query frequency). */
export const MAX_CONTEXT_TERMS = 32;
/**
 * Exponent of the coordination factor (share of the query's terms a paper holds) in the context
 * ranking; 0 is none. On npm run eval's tune half (citing R@1 / paragraph nDCG@10 of the top 10):
 * 0 gave 0.828 / 0.831, 0.5 0.966 / 0.831, 0.75 0.966 / 0.824, 1 0.966 / 0.833.
 */
export const COORD = 0.75;
/**
 * The same exponent where the index picks the related ranking's candidates without a plain
 * BM25F to rescore them (papers kept off the heap: a corpus store), and for the candidate order.
 * Tuned on npm run eval's tune half, related-list nDCG@10 of paragraphs / citing R@1: 0.5 gave
 * 0.832 / 0.931, 0.75 0.825 / 0.966, 1 0.834 / 0.966, 1.25 0.817 / 0.966 (plain BM25F 0.835 / 0.966).
 */
export const RELATED_COORD = 1;
/**
 * Papers the related ranking scores with plain BM25F first: the index's best by its own scores
 * (uncoordinated). Their BM25F scores set the bar BM25F's upper bounds then add every paper that
 * can pass (related.ts exactCandidates), so the list is BM25F's whatever this is; a larger seed
 * sets a higher bar and adds fewer papers.
 */
export const RELATED_CANDIDATES = 200;
