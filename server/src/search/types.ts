// The search index's public types (index.ts re-exports them) and the ones its parts share.
import type { Paper, PaperList } from '../library/paper';
import type { Segment } from './segment';

export interface Hit {
  paper: Paper;
  score: number;
  /** Query words found in the paper (as written in the query), for highlighting and "why". */
  matched: string[];
}

/** One library source as the index sees it. `hash` identifies its content (e.g. sha1 of the file). */
export interface IndexSource {
  id: string;
  /**
   * An array of complete papers, or a packed store (library/store.ts): a store's segments are
   * built where it is read (search/corpus.ts) and given with setEncodedSource, never built here.
   */
  papers: PaperList;
  hash?: string;
  /** The corpus loses duplicate keys to workspace sources; default: from the papers' origin. */
  kind?: 'corpus' | 'workspace';
}

export function isCorpus(s: IndexSource): boolean {
  return s.kind ? s.kind === 'corpus' : s.papers.at(0)?.origin.kind === 'corpus';
}

export interface IndexOptions {
  /**
   * Sources with more papers than this are split into content-defined chunks of at least this
   * many papers, each a segment: an edit re-indexes one chunk. Smaller chunks make edits cheaper
   * and typed queries slower (each chunk has its own vocabulary). Default DEFAULT_CHUNK_PAPERS.
   */
  chunkPapers?: number;
  /**
   * Score every posting of a context query instead of pruning with MaxScore (maxscore.ts). The
   * rankings are the same either way; for tests and evals. Default: true when the environment
   * variable LITLENS_EXHAUSTIVE is 1.
   */
  exhaustive?: boolean;
}

/** Typed words (key, title, authors, year) or a passage (context ranking). */
export type SearchMode = 'typed' | 'context';

export interface QueryOptions {
  /** How many hits at most (default 20). */
  limit?: number;
  /**
   * Only papers of these sources (IndexSource ids), with statistics (idf) over them alone: a
   * document's own bibliography ranked as a collection of its own, not diluted by the corpus.
   */
  within?: ReadonlySet<string>;
}

export interface ContextOptions extends QueryOptions {
  /** Scale by the share of query terms a paper holds (default true: COORD); false: plain BM25F; a number: the exponent. */
  coordination?: boolean | number;
  /** Keep this many of a long query's most informative terms (default MAX_CONTEXT_TERMS). */
  maxTerms?: number;
}
export interface RelatedOptions extends QueryOptions {
  /** 0..1, the normalised score a paper needs (default DEFAULT_RELATED_THRESHOLD); 0: a ranking, nothing is cut. */
  threshold?: number;
  /** What the top paper of a passage of the same length scores by chance (gate.ts ChanceBar); absent: the gate's absolute rule. */
  chance?: number;
  /** The score the top paper must reach: what passages of the document's words score by chance (gate.ts ChanceBar). */
  standOut?: number;
  /**
   * The strict gate only: own-library papers are not listed when it is closed (gate.ts ownOpens),
   * unless they pass the gate against the library null alone (gate.ts ownPassesStrict). Completion asks
   * so: its rows from elsewhere displace the document's own entries.
   */
  strict?: boolean;
  /**
   * Papers left out before the gate is asked (those the passage's paragraph cites): the passage
   * must be about something else in the library for a list to appear.
   */
  exclude?: ReadonlySet<string>;
  /**
   * The title of the passage's document: its words say what the whole document is about ("SymPy",
   * "Python" in a paper on SymPy), not what one passage of it is, so they are no evidence that an
   * own-library paper is about the passage (RelatedRanking.ownEvidence).
   */
  subject?: string;
  /**
   * 0..1, the share of the top paper's score every other paper needs (default
   * DEFAULT_RELATED_RELATIVE); 0 keeps every paper that reaches the threshold.
   */
  relative?: number;
}

/**
 * Statistics of a collection larger than the papers this index holds: a shared corpus
 * (server/src/shared) indexes only the candidates PostgreSQL found, and ranks them with the
 * document frequencies and best impacts of the whole corpus, as the embedded index would.
 */
export interface CollectionStatistics {
  papers: number;
  /** Documents holding the stem, and its highest impact (1..255) in any of them; undefined when none does. */
  term(stem: string): { df: number; maxImpact: number } | undefined;
}

/**
 * What the other sources a list is merged with hold (Ranker.search: the library and the shared
 * corpora): counted with this index's own statistics, so each ranks with the union's N and document
 * frequencies and their scores compare as one index's would (bench/pg-merge.ts).
 */
export interface OtherStatistics {
  /** Names these statistics: an answer kept for them is not an answer for others. */
  key: string;
  papers: number;
  /** Papers holding the stem (the context ranking's terms). */
  df(stem: string): number;
  /** Papers holding the folded word (the typed ranking's terms). */
  typedDf(word: string): number;
}

export interface LoadReport {
  /** Sources whose saved segment was used. */
  loaded: string[];
  /** Sources indexed now, with why (no saved segment, stale, corrupt…). */
  built: { id: string; reason: string }[];
}

/** One source's segments in the saved format (persist.ts): built in one thread, used in another. */
export interface EncodedSource {
  id: string;
  hash: string;
  chunks: { hash: string; papers: number; bytes: Uint8Array }[];
  /** The chunks' checksums and their papers' keys were checked where they were read (persist.ts verifySegment). */
  verified?: boolean;
  /** The chunks decoded ahead (segments.ts decodeInTurns), for setEncodedSource to use as they are. */
  decoded?: Segment[];
}

/** One segment of the index: a whole source, or one chunk of a large one. */
export interface Part {
  /** The source this part (the whole source, or one chunk of it) belongs to. */
  id: string;
  sourceHash: string;
  corpus: boolean;
  seg: Segment;
  /** First global document number of this segment. */
  base: number;
}

/** A word of a context query: its stem, as written, frequencies, weight, and term number in each segment. */
export interface QueryTerm {
  stem: string;
  surface: string;
  qtf: number;
  df: number;
  weight: number;
  /** Term number in each segment's ctx vocabulary, -1 when absent. */
  ids: Int32Array;
}

/** Hits a query returns when no limit is asked. */
export const DEFAULT_LIMIT = 20;
