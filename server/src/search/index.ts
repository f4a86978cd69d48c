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
// Context queries (sentences, paragraphs): English stopwords out, Porter stems, BM25F with the
// title weighted 3x the abstract (authors 2x, key 1x), no fuzzy or prefix expansion. Long queries
// keep their MAX_CONTEXT_TERMS most informative terms (idf x query frequency).
// Typed queries (after \cite{, in the search box): accent- and case-folded words matched exactly,
// as prefixes (words of 2+ letters) and fuzzily (1 edit from 4 letters, 2 from 8, transpositions
// count 1); the whole query is also matched as a key prefix ("smith20" finds smith2021deep).
// Documents matching more of the typed words always rank above those matching fewer; when none
// matches every word, the last one (still being typed) may be two edits away ("difusion planer").
// Related (lenses, hovers, Show Related Papers, completion tiers 2-3, the panel, the CLI): the
// index picks candidates (RELATED_CANDIDATES by its own scores), plain BM25F (bm25f.ts) orders them
// (it measured best on every tune half: docs/related.md), and the gate (gate.ts) says whether the
// passage is about anything in the library at all: a paper must reach the normalised threshold
// with enough of the passage's topical words, be other than the papers the paragraph cites
// (`exclude`), and, given the passage's document, stand out from what random passages of the
// document's own words score (`standOut`, computed by rank.ts with gate.ts ChanceBar). Once it
// passes, the ranking is listed, best first, up to the limit; `score` is
// the BM25F score over the passage's ideal (sum of its words' idf), square-rooted, in list order.
// Threshold 0 asks for a ranking (the panel's "similar papers"): no gate, no cut.
// Sources: each source (a .bib, a CSL-JSON file, the corpus) is a segment; statistics (idf) are
// global. When two sources hold the same key, workspace sources beat the corpus and otherwise
// the first source given wins, as in Library.
//
// Persistence (persist.ts): `save(dir)` writes one binary file per source, named by the source's
// content hash (IndexSource.hash, e.g. sha1 of the file; computed from the papers when absent),
// holding a format version, the paper count, a hash of the keys and a payload checksum.
// `load(dir, sources)` uses a file only when all of these match and re-indexes any other source
// (reported in `lastLoad`); `save` removes files of hashes no longer used. `setSource` re-indexes
// one source (a no-op when its hash is unchanged), `removeSource` drops one. A source of more
// than IndexOptions.chunkPapers papers is split into content-defined chunks, each its own
// segment and file (plus a manifest per source): one edited entry in a .bib re-indexes its chunk
// (2-6k papers) instead of the whole file.
//
// Why not MiniSearch: at 100k papers MiniSearch took p95 309 ms for a sentence and 583 MB of heap
// (notes/performance.md), and even over key/title/authors/year alone p95 55.6 ms for typed
// queries and 1.9 s to load its JSON (bench/minisearch-typed.ts). This index keeps postings in
// typed arrays with one-byte impacts: at 100k, typed p95 3.7 ms, sentence p95 7.3 ms, load
// 0.46 s, 124 MB (npm run bench).
//
// Non-goals: phrase or boolean queries, field syntax (author:x), highlighting positions inside
// abstracts (Hit.matched says which query words a paper holds), semantic matching (server/src/search/semantic),
// sharing a saved index between processes writing at the same time (last writer wins; a torn
// file is detected by its checksum and rebuilt).
import type { Paper, PaperList } from '../library/paper';
import { defaultSettings } from '../protocol';
import { fuzzyTerms } from './fuzzy';
import { Postings, docFreq, findTerm, impactOf, prefixRange } from './postings';
import { DEFAULT_CHUNK_PAPERS, Segment, buildSegment, chunkBounds, completePapers, hashPapers } from './segment';
import { GENERIC_STEMS, SCIENTIFIC_STEMS } from './generic';
import { type CollectionStats, type FieldCounts, bm25Idf, bm25fScore, fieldCounts } from './bm25f';
import { COORD, MAX_CONTEXT_TERMS, RELATED_CANDIDATES, RELATED_COORD } from './scoring';
import { INFORMATIVE_IDF, normalisedScore, opensGate, type PaperFacts, type PassageFacts } from './gate';
import { maxScoreTop, scoreDocuments } from './maxscore';
import { shadowedDocs } from './shadow';
import { contentTerms, fold, tokenize, type Token } from './text';
import { FORMAT_VERSION, SourceManifest, decodeSegment, encodeSegment, readManifest, readSegment, writeSegments } from './persist';

export { fold, tokenize, stem } from './text';
export { DEFAULT_CHUNK_PAPERS } from './segment';

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

function isCorpus(s: IndexSource): boolean {
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
  /** The score the top paper must reach: what passages of the same length score by chance (gate.ts ChanceBar). */
  standOut?: number;
  /**
   * Papers left out before the gate is asked (those the passage's paragraph cites): the passage
   * must be about something else in the library for a list to appear.
   */
  exclude?: ReadonlySet<string>;
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

export interface LoadReport {
  /** Sources whose saved segment was used. */
  loaded: string[];
  /** Sources indexed now, with why (no saved segment, stale, corrupt…). */
  built: { id: string; reason: string }[];
}

/** The litlens.relatedThreshold default (tuned on eval/queries/*.tune.jsonl, see the header). */
export const DEFAULT_RELATED_THRESHOLD = defaultSettings.relatedThreshold;
/**
 * A related paper needs this share of the top related paper's score. Scores are square-rooted,
 * so 0.75 is 0.56 of the top paper's unrooted score. Tuned on eval/queries/*.tune.jsonl
 * (`npm run eval -- --sweep`): lists fall from 9.3 to 2.1 papers per citing sentence and from
 * 11.8 to 5.8 per graded paragraph, precision (grade >= 1) from 0.195 to 0.695 and 0.679 to 0.829;
 * 0.775 scored a little higher but sits just before 0.8, where paragraph recall drops from 0.46 to 0.35.
 * With the informative-word rule and the larger tune set (29 citing, 36 off-topic): 1.83 and 5.2
 * papers, precision 0.714 and 0.893, paragraph recall 0.472; threshold 0.3 sits on a plateau
 * (0.25-0.325) of 97.2% off-topic rejection with every paraphrase accepted.
 */
export const DEFAULT_RELATED_RELATIVE = 0.75;
export { MAX_CONTEXT_TERMS } from './scoring';
const DEFAULT_LIMIT = 20;
const MAX_PREFIX_EXPANSIONS = 48;
const MAX_FUZZY_EXPANSIONS = 24;

interface Part {
  /** The source this part (the whole source, or one chunk of it) belongs to. */
  id: string;
  sourceHash: string;
  corpus: boolean;
  seg: Segment;
  /** First global document number of this segment. */
  base: number;
}

interface QueryTerm {
  stem: string;
  surface: string;
  qtf: number;
  df: number;
  weight: number;
  /** Term number in each segment's ctx vocabulary, -1 when absent. */
  ids: Int32Array;
}

/** One source's segments in the saved format (persist.ts): built in one thread, used in another. */
export interface EncodedSource {
  id: string;
  hash: string;
  chunks: { hash: string; papers: number; bytes: Uint8Array }[];
  /** The chunks' checksums were checked where they were read (persist.ts verifySegment). */
  verified?: boolean;
}

export class SearchIndex {
  private parts: Part[] = [];
  private total = 0;
  /** 1 for a document shadowed by an earlier source with the same key (or a repeat within one). */
  private dead = new Uint8Array(0);
  private hidden = new Set<string>();
  private acc = new Float32Array(0);
  private final = new Float32Array(0);
  private tokAcc = new Float32Array(0);
  private cover = new Uint8Array(0);
  private termHits = new Uint8Array(0);
  private keptTerms = 0;
  /** Set for the duration of a query `within` some sources: 1 for each part searched. */
  private scope: Uint8Array | null = null;
  private scopeTotal = 0;
  private touched = new Uint32Array(0);
  private tokTouched = new Uint32Array(0);
  /** What the last `load` reused and rebuilt. */
  lastLoad: LoadReport = { loaded: [], built: [] };
  /** Context and related queries use these instead of the index's own (setStatistics). */
  private statistics: CollectionStatistics | null = null;

  private readonly chunkPapers: number;
  private readonly exhaustive: boolean;

  private constructor(options: IndexOptions) {
    this.chunkPapers = Math.max(64, options.chunkPapers ?? DEFAULT_CHUNK_PAPERS);
    this.exhaustive = options.exhaustive ?? process.env.LITLENS_EXHAUSTIVE === '1';
  }

  /** An index over one list of papers (one source named "default"). */
  static build(papers: readonly Paper[], options: IndexOptions = {}): SearchIndex {
    return SearchIndex.fromSources([{ id: 'default', papers }], options);
  }

  /** An index over several sources; earlier sources win duplicate keys. */
  static fromSources(sources: readonly IndexSource[], options: IndexOptions = {}): SearchIndex {
    const index = new SearchIndex(options);
    for (const s of sources) {
      const hash = s.hash ?? hashPapers(completePapers(s.papers));
      const built = index.chunked(s, hash, null);
      index.parts.push(...built);
    }
    index.relayout();
    return index;
  }

  /**
   * Loads the segments saved in `dir` for these sources; a source (or a chunk of a large source)
   * whose saved segment is missing, stale (other hash or format version) or corrupt is indexed
   * now. Never throws for a bad file.
   */
  static async load(dir: string, sources: readonly IndexSource[], options: IndexOptions = {}): Promise<SearchIndex> {
    const index = new SearchIndex(options);
    const report: LoadReport = { loaded: [], built: [] };
    for (const s of sources) {
      const hash = s.hash ?? hashPapers(completePapers(s.papers));
      const manifest = await readManifest(dir, hash);
      const sizes = manifest?.chunks.map((c) => c.papers);
      const fits = sizes !== undefined && sizes.reduce((a, b) => a + b, 0) === s.papers.length;
      const chunks = fits ? manifest!.chunks : index.chunksOf(s.papers, hash);
      const reasons: string[] = [];
      let start = 0;
      for (const [i, c] of chunks.entries()) {
        const slice = chunks.length === 1 ? s.papers : s.papers.slice(start, start + c.papers);
        start += c.papers;
        const read = await readSegment(dir, c.hash, slice);
        if (!read.segment) reasons.push(chunks.length === 1 ? read.reason : `chunk ${i + 1}/${chunks.length}: ${read.reason}`);
        const seg = read.segment ?? buildSegment(completePapers(slice), c.hash);
        index.parts.push({ id: s.id, sourceHash: hash, corpus: isCorpus(s), seg, base: 0 });
      }
      if (reasons.length === 0) report.loaded.push(s.id);
      else report.built.push({ id: s.id, reason: reasons.join('; ') });
    }
    index.relayout();
    index.lastLoad = report;
    return index;
  }

  /** Saves every segment under `dir` (created if needed); files of other hashes are removed. */
  async save(dir: string): Promise<void> {
    const manifests: SourceManifest[] = [];
    for (const id of new Set(this.parts.map((p) => p.id))) {
      const parts = this.parts.filter((p) => p.id === id);
      if (parts.length > 1) {
        manifests.push({ format: FORMAT_VERSION, hash: parts[0].sourceHash, chunks: parts.map((p) => ({ hash: p.seg.hash, papers: p.seg.papers.length })) });
      }
    }
    await writeSegments(
      dir,
      this.parts.map((p) => p.seg),
      manifests,
    );
  }

  /**
   * Adds or replaces one source. Only it is re-indexed, and of a large source only the chunks
   * whose papers changed (an edited entry re-indexes its 2-6k-paper chunk, not 100k papers).
   */
  setSource(source: IndexSource): void {
    const hash = source.hash ?? hashPapers(completePapers(source.papers));
    const old = this.parts.filter((p) => p.id === source.id);
    const at = this.parts.findIndex((p) => p.id === source.id);
    const total = old.reduce((n, p) => n + p.seg.papers.length, 0);
    if (old.length > 0 && old[0].sourceHash === hash && total === source.papers.length) {
      // Same content: only the Paper objects are new.
      let start = 0;
      for (const p of old) {
        p.seg.papers = old.length === 1 ? source.papers : source.papers.slice(start, start + p.seg.papers.length);
        start += p.seg.papers.length;
      }
      this.relayout();
      return;
    }
    const reuse = new Map(old.map((p) => [p.seg.hash, p.seg] as const));
    const parts = this.chunked(source, hash, reuse);
    this.parts = this.parts.filter((p) => p.id !== source.id);
    this.parts.splice(at >= 0 ? at : this.parts.length, 0, ...parts);
    this.relayout();
  }

  /**
   * How `source` splits into chunks now, each with its papers and whether this index holds its
   * segment already (the same content hash and size); `unchanged`: the whole source is as indexed.
   */
  chunkPlan(source: IndexSource): { hash: string; unchanged: boolean; chunks: { hash: string; papers: readonly Paper[]; held: boolean }[] } {
    const papers = completePapers(source.papers);
    const hash = source.hash ?? hashPapers(papers);
    const old = this.parts.filter((p) => p.id === source.id);
    const held = new Map(old.map((p) => [p.seg.hash, p.seg.papers.length] as const));
    let start = 0;
    const chunks = this.chunksOf(papers, hash).map((c) => {
      const slice = papers.slice(start, start + c.papers);
      start += c.papers;
      return { hash: c.hash, papers: slice, held: held.get(c.hash) === c.papers };
    });
    return { hash, unchanged: old.length > 0 && old[0].sourceHash === hash, chunks };
  }

  /** A source's segments in the saved format (for another thread's `setEncodedSource`); null when absent. */
  encodeSource(id: string): EncodedSource | null {
    const parts = this.parts.filter((p) => p.id === id);
    if (parts.length === 0) return null;
    return { id, hash: parts[0].sourceHash, chunks: parts.map((p) => ({ hash: p.seg.hash, papers: p.seg.papers.length, bytes: encodeSegment(p.seg) })) };
  }

  /**
   * Adds or replaces a source with segments another index built over the same papers
   * (`encodeSource`, e.g. in a worker); chunks this index already holds are kept, not decoded.
   * Throws when a segment does not fit the papers.
   */
  setEncodedSource(source: IndexSource, encoded: EncodedSource): void {
    const reuse = new Map(this.parts.filter((p) => p.id === source.id).map((p) => [p.seg.hash, p.seg] as const));
    let start = 0;
    const parts = encoded.chunks.map((c): Part => {
      const slice = encoded.chunks.length === 1 ? source.papers : source.papers.slice(start, start + c.papers);
      start += c.papers;
      const old = reuse.get(c.hash);
      const seg = old && old.papers.length === slice.length ? old : decodeSegment(Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength), c.hash, slice, encoded.verified);
      if (typeof seg === 'string') throw new Error(`${source.id}: ${seg}`);
      seg.papers = slice;
      return { id: source.id, sourceHash: encoded.hash, corpus: isCorpus(source), seg, base: 0 };
    });
    if (start !== source.papers.length) throw new Error(`${source.id}: segments for ${start} papers, the source has ${source.papers.length}`);
    const at = this.parts.findIndex((p) => p.id === source.id);
    this.parts = this.parts.filter((p) => p.id !== source.id);
    this.parts.splice(at >= 0 ? at : this.parts.length, 0, ...parts);
    this.relayout();
  }

  /** How a source splits into chunks, with each chunk's content hash (the source's when one). */
  private chunksOf(papers: PaperList, hash: string): { hash: string; papers: number }[] {
    const ends = chunkBounds(papers, this.chunkPapers);
    if (ends.length === 1) return [{ hash, papers: papers.length }];
    return ends.map((end, i) => {
      const start = i === 0 ? 0 : ends[i - 1];
      return { hash: hashPapers(completePapers(papers.slice(start, end))), papers: end - start };
    });
  }

  /** The parts of a source, reusing segments of the same content from `reuse`. */
  private chunked(s: IndexSource, hash: string, reuse: Map<string, Segment> | null): Part[] {
    const chunks = this.chunksOf(s.papers, hash);
    const parts: Part[] = [];
    let start = 0;
    for (const c of chunks) {
      const slice = chunks.length === 1 ? s.papers : s.papers.slice(start, start + c.papers);
      start += c.papers;
      const old = reuse?.get(c.hash);
      let seg: Segment;
      if (old && old.papers.length === slice.length) {
        old.papers = slice;
        seg = old;
      } else seg = buildSegment(completePapers(slice), c.hash);
      parts.push({ id: s.id, sourceHash: hash, corpus: isCorpus(s), seg, base: 0 });
    }
    return parts;
  }

  removeSource(id: string): void {
    const before = this.parts.length;
    this.parts = this.parts.filter((p) => p.id !== id);
    if (this.parts.length !== before) this.relayout();
  }

  /** Source ids in precedence order, with their content hashes and sizes. */
  get sources(): { id: string; hash: string; papers: number; chunks: number }[] {
    const out: { id: string; hash: string; papers: number; chunks: number }[] = [];
    for (const p of this.parts) {
      const last = out[out.length - 1];
      if (last && last.id === p.id) {
        last.papers += p.seg.papers.length;
        last.chunks++;
      } else out.push({ id: p.id, hash: p.sourceHash, papers: p.seg.papers.length, chunks: 1 });
    }
    return out;
  }

  /** Up to `n` of a source's papers (key and title), spread evenly over it: the field rule's sample (gate.ts inField). */
  /** True when source `id` holds a paper of this key, whether or not another source's copy stands for it. */
  holds(id: string, key: string): boolean {
    for (const p of this.parts) {
      if (p.id !== id) continue;
      const { keyIndex, keyIndexStart, length } = p.seg.papers;
      if (keyIndex && keyIndexStart !== undefined) {
        const d = keyIndex.docOf(key);
        if (d >= keyIndexStart && d < keyIndexStart + length) return true;
        continue;
      }
      let keys = heldKeys.get(p.seg);
      if (!keys) {
        keys = new Set<string>();
        for (let i = 0; i < p.seg.papers.length; i++) keys.add(p.seg.papers.at(i)!.key);
        heldKeys.set(p.seg, keys);
      }
      if (keys.has(key)) return true;
    }
    return false;
  }

  sample(id: string, n: number): { key: string; title: string }[] {
    const parts = this.parts.filter((p) => p.id === id);
    const total = parts.reduce((sum, p) => sum + p.seg.papers.length, 0);
    const out: { key: string; title: string }[] = [];
    for (let k = 0; k < Math.min(n, total); k++) {
      let i = Math.floor((k * total) / Math.min(n, total));
      const part = parts.find((p) => i < p.seg.papers.length || ((i -= p.seg.papers.length), false))!;
      const paper = part.seg.papers.at(i)!;
      if (paper.title) out.push({ key: paper.key, title: paper.title });
    }
    return out;
  }

  /**
   * Keys of store papers that another paper stands for (a bundled corpus paper joined with its
   * snapshot record of the same title): left out of every ranking, so a paper is listed once; the
   * library still answers for them (a hover on a cited arXiv key).
   */
  hideKeys(keys: Iterable<string>): void {
    this.hidden = new Set(keys);
    this.relayout();
  }

  private hideStandIns(): void {
    if (this.hidden.size === 0) return;
    for (const p of this.parts) {
      const { keyIndex, keyIndexStart, length } = p.seg.papers;
      if (!keyIndex || keyIndexStart === undefined) continue;
      for (const key of this.hidden) {
        const d = keyIndex.docOf(key);
        if (d >= keyIndexStart && d < keyIndexStart + length) this.dead[p.base + d - keyIndexStart] = 1;
      }
    }
  }

  /** Rank context and related queries with a larger collection's statistics (null: the index's own). */
  setStatistics(statistics: CollectionStatistics | null): void {
    this.statistics = statistics;
  }

  /** Number of distinct papers searchable. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.total; i++) if (!this.dead[i]) n++;
    return n;
  }

  private relayout(): void {
    // Workspace sources before the corpus (stable otherwise): the first holder of a key wins.
    // Chunks of one source stay together and in order.
    this.parts = [...this.parts.filter((p) => !p.corpus), ...this.parts.filter((p) => p.corpus)];
    let base = 0;
    for (const p of this.parts) {
      p.base = base;
      base += p.seg.papers.length;
    }
    this.total = base;
    this.dead = shadowedDocs(
      this.parts.map((p) => ({ papers: p.seg.papers, base: p.base })),
      base,
    );
    this.hideStandIns();
    this.acc = new Float32Array(base);
    this.final = new Float32Array(base);
    this.tokAcc = new Float32Array(base);
    this.cover = new Uint8Array(base);
    this.termHits = new Uint8Array(base);
    this.touched = new Uint32Array(base);
    this.tokTouched = new Uint32Array(base);
  }

  private paper(doc: number): Paper {
    const part = this.partOf(doc);
    return part.seg.papers.at(doc - part.base)!;
  }

  private partOf(doc: number): Part {
    const parts = this.parts;
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (parts[mid].base <= doc) lo = mid;
      else hi = mid - 1;
    }
    return parts[lo];
  }

  /** Never zero: in an ML library "model" is everywhere, yet a title holding it is still a better match. */
  private idf(df: number): number {
    return Math.log(1 + (this.scope ? this.scopeTotal : (this.statistics?.papers ?? this.total)) / (df + 0.5));
  }

  /** Runs `query` over the parts of the `within` sources only (all parts when absent). */
  private scoped<T>(within: ReadonlySet<string> | undefined, query: () => T): T {
    if (!within) return query();
    this.scope = new Uint8Array(this.parts.length);
    this.scopeTotal = 0;
    for (const [i, part] of this.parts.entries()) {
      if (!within.has(part.id)) continue;
      this.scope[i] = 1;
      this.scopeTotal += part.seg.papers.length;
    }
    try {
      return query();
    } finally {
      this.scope = null;
    }
  }

  /** True when part `i` takes part in the current query. */
  private searched(i: number): boolean {
    return !this.scope || this.scope[i] === 1;
  }

  // ---------------------------------------------------------------- context queries

  private contextTerms(text: string): QueryTerm[] {
    const byStem = new Map<string, QueryTerm>();
    for (const { stem: s, token } of contentTerms(text)) {
      const q = byStem.get(s);
      if (q) q.qtf++;
      else byStem.set(s, { stem: s, surface: text.slice(token.start, token.end), qtf: 1, df: 0, weight: 0, ids: new Int32Array(0) });
    }
    const terms = [...byStem.values()];
    for (const q of terms) {
      q.ids = new Int32Array(this.parts.length);
      for (let i = 0; i < this.parts.length; i++) {
        const t = this.searched(i) ? findTerm(this.parts[i].seg.ctx, q.stem) : -1;
        q.ids[i] = t;
        if (t >= 0) q.df += docFreq(this.parts[i].seg.ctx, t);
      }
      if (this.statistics) q.df = this.statistics.term(q.stem)?.df ?? 0;
      // Repeated words count, with diminishing returns.
      q.weight = this.idf(q.df) * ((2.2 * q.qtf) / (1.2 + q.qtf));
    }
    return terms;
  }

  /** The highest impact (0..1) the term has in any paper; unseen words count as fully matchable. */
  private bestImpact(q: QueryTerm): number {
    if (this.statistics) return q.df > 0 ? (this.statistics.term(q.stem)?.maxImpact ?? 255) / 255 : 1;
    let best = 0;
    for (let s = 0; s < this.parts.length; s++) if (q.ids[s] >= 0) best = Math.max(best, this.parts[s].seg.ctx.maxImpact[q.ids[s]]);
    return q.df > 0 ? best / 255 : 1;
  }

  /** The terms a context query scores: its most informative `maxTerms` known ones, strongest first. */
  private kept(terms: QueryTerm[], maxTerms: number): QueryTerm[] {
    return terms.filter((t) => t.df > 0).sort((a, b) => b.weight - a.weight).slice(0, maxTerms);
  }

  /**
   * As accumulate, for the documents that can be among the top `limit` by `rank(terms kept)(sum,
   * terms held)` only (every touched document when the index is exhaustive): MaxScore, maxscore.ts.
   */
  private accumulateTop(terms: QueryTerm[], limit: number, rank: (kept: number) => (sum: number, held: number) => number, maxTerms = MAX_CONTEXT_TERMS): number {
    if (this.exhaustive || limit <= 0) return this.accumulate(terms, maxTerms);
    const kept = this.kept(terms, maxTerms);
    this.keptTerms = kept.length;
    const parts = this.parts.map((p) => ({ base: p.base, ctx: p.seg.ctx, size: p.seg.papers.length }));
    const scored = kept.map((q) => ({ weight: q.weight / 255, ids: q.ids }));
    return maxScoreTop(parts, scored, this.dead, limit, rank(Math.max(1, kept.length)), { acc: this.acc, termHits: this.termHits, touched: this.touched });
  }

  /**
   * As accumulate, for these documents only, when looking their terms up costs less than
   * scanning the postings (maxscore.ts scoreDocuments).
   */
  private accumulateOf(terms: QueryTerm[], docs: readonly number[]): number {
    if (this.exhaustive) return this.accumulate(terms);
    const kept = this.kept(terms, MAX_CONTEXT_TERMS);
    const parts = this.parts.map((p) => ({ base: p.base, ctx: p.seg.ctx, size: p.seg.papers.length }));
    const scored = kept.map((q) => ({ weight: q.weight / 255, ids: q.ids }));
    const n = scoreDocuments(parts, scored, docs, docs.length, { acc: this.acc, termHits: this.termHits, touched: this.touched });
    if (n === null) return this.accumulate(terms);
    this.keptTerms = kept.length;
    return n;
  }

  /** Accumulates context scores into this.acc; returns the number of touched documents. */
  private accumulate(terms: QueryTerm[], maxTerms = MAX_CONTEXT_TERMS): number {
    const acc = this.acc;
    const touched = this.touched;
    let n = 0;
    const kept = this.kept(terms, maxTerms);
    for (const q of kept) {
      const w = q.weight / 255;
      for (let s = 0; s < this.parts.length; s++) {
        const t = q.ids[s];
        if (t < 0) continue;
        const part = this.parts[s];
        const p = part.seg.ctx;
        const docs = p.docs;
        const impacts = p.impacts;
        const base = part.base;
        const termHits = this.termHits;
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
  private coordinate(n: number, exponent = COORD): void {
    const factor = coordinationFactors(Math.max(1, this.keptTerms), exponent);
    const acc = this.acc;
    const termHits = this.termHits;
    const touched = this.touched;
    for (let i = 0; i < n; i++) {
      const d = touched[i];
      acc[d] *= factor[termHits[d]];
      termHits[d] = 0;
    }
  }

  private clearAcc(n: number): void {
    for (let i = 0; i < n; i++) {
      this.acc[this.touched[i]] = 0;
      this.termHits[this.touched[i]] = 0;
    }
  }

  /** Top `limit` documents among the touched ones, best first (ties: earlier document first). */
  private top(scores: Float32Array, touched: Uint32Array, n: number, limit: number): number[] {
    const heap: number[] = []; // min-heap of documents by score
    const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
    for (let i = 0; i < n; i++) {
      const d = touched[i];
      if (this.dead[d] || scores[d] <= 0) continue;
      if (heap.length < limit) {
        heap.push(d);
        let c = heap.length - 1;
        while (c > 0) {
          const parent = (c - 1) >> 1;
          if (!worse(heap[c], heap[parent])) break;
          [heap[c], heap[parent]] = [heap[parent], heap[c]];
          c = parent;
        }
      } else if (worse(heap[0], d)) {
        heap[0] = d;
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          const r = l + 1;
          let m = c;
          if (l < heap.length && worse(heap[l], heap[m])) m = l;
          if (r < heap.length && worse(heap[r], heap[m])) m = r;
          if (m === c) break;
          [heap[c], heap[m]] = [heap[m], heap[c]];
          c = m;
        }
      }
    }
    return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  private matchedContext(terms: QueryTerm[], doc: number): string[] {
    const partIndex = this.parts.indexOf(this.partOf(doc));
    const part = this.parts[partIndex];
    const out: string[] = [];
    for (const q of terms) {
      const t = q.ids[partIndex];
      if (t >= 0 && impactOf(part.seg.ctx, t, doc - part.base) > 0) out.push(q.surface);
    }
    return out;
  }

  /** Papers ranked for a sentence, paragraph or section (BM25F, stemmed, stopwords out). */
  context(text: string, options: ContextOptions = {}): Hit[] {
    return this.scoped(options.within, () => {
      const limit = options.limit ?? DEFAULT_LIMIT;
      const terms = this.contextTerms(text);
      const coordination = options.coordination ?? true;
      const exponent = coordination === true ? COORD : coordination;
      const n = this.accumulateTop(terms, limit, (k) => coordinated(k, exponent), options.maxTerms);
      if (exponent !== false) this.coordinate(n, exponent);
      const docs = this.top(this.acc, this.touched, n, limit);
      const hits = docs.map((d) => ({ paper: this.paper(d), score: this.acc[d], matched: this.matchedContext(terms, d) }));
      this.clearAcc(n);
      return hits;
    });
  }

  /**
   * The topical evidence paper `doc` shares with the passage: the passage's informative words it
   * holds, a hyphenated compound and its parts counting once ("post-hoc", "post", "hoc"), general
   * scientific words half.
   */
  private evidence(informative: QueryTerm[], doc: number, tokens: { stem: string; token: Token }[]): number {
    const partIndex = this.parts.indexOf(this.partOf(doc));
    const part = this.parts[partIndex];
    const held = new Set<string>();
    for (const q of informative) {
      const t = q.ids[partIndex];
      if (t >= 0 && impactOf(part.seg.ctx, t, doc - part.base) > 0) held.add(q.stem);
    }
    if (held.size === 0) return 0;
    // Words of one compound share a group: the joined form spans its parts.
    const group = new Map<string, string>([...held].map((h) => [h, h]));
    let outer: { stem: string; token: Token } | null = null;
    for (const t of tokens) {
      if (!held.has(t.stem)) continue;
      if (outer && t.token.start < outer.token.end) {
        group.set(t.stem, group.get(outer.stem)!);
        if (t.token.end > outer.token.end) outer = { stem: outer.stem, token: { term: outer.token.term, start: outer.token.start, end: t.token.end } };
      } else outer = t;
    }
    const value = new Map<string, number>();
    for (const h of held) value.set(group.get(h)!, Math.max(value.get(group.get(h)!) ?? 0, wordEvidence(h)));
    let sum = 0;
    for (const v of value.values()) sum += v;
    return sum;
  }

  /**
   * Plain BM25F (bm25f.ts) over the searched parts' statistics: df from the index, field lengths
   * from the segments. Null when a part keeps its papers off the heap (a corpus store holds no
   * abstracts in memory): the index's own scores rank there.
   */
  private plainScorer(terms: QueryTerm[]): { score(paper: Paper): number; ideal: number } | null {
    let papers = 0;
    let title = 0;
    let abstract = 0;
    for (const [i, part] of this.parts.entries()) {
      if (!this.searched(i)) continue;
      if (!Array.isArray(part.seg.papers)) return null;
      const m = part.seg.papers.length;
      papers += m;
      title += part.seg.avg.title * m;
      abstract += part.seg.avg.abstract * m;
    }
    if (papers === 0) return null;
    const df = new Map(terms.map((q) => [q.stem, q.df]));
    const stats: CollectionStats = { papers, df: (s) => df.get(s) ?? 0, avgTitle: title / papers, avgAbstract: abstract / papers };
    const stems = terms.map((q) => q.stem);
    const ideal = stems.reduce((sum, s) => sum + bm25Idf(stats.df(s), papers), 0);
    return { score: (paper) => bm25fScore(stems, fieldCountsOf(paper), stats), ideal };
  }

  /**
   * Papers the text is about, best first, each with the ranking's score over the passage's ideal
   * (0..1, in list order) as `score`; [] when the gate (gate.ts) finds nothing in the library about
   * the text. Once it passes, every paper past the per-paper bar is listed up to the limit (see
   * RelatedOptions.relative for a cut near the best); threshold 0 returns a plain ranking.
   */
  related(text: string, options: RelatedOptions = {}): Hit[] {
    return this.scoped(options.within, () => this.relatedIn(text, options));
  }

  private relatedIn(text: string, options: RelatedOptions): Hit[] {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const threshold = options.threshold ?? DEFAULT_RELATED_THRESHOLD;
    const ranking = threshold <= 0;
    const relative = ranking ? 0 : (options.relative ?? DEFAULT_RELATED_RELATIVE);
    const terms = this.contextTerms(text);
    // Informative: rare in the library and not a word every field's prose uses (generic.ts).
    const informativeTerms = terms.filter((q) => this.idf(q.df) >= INFORMATIVE_IDF && !GENERIC_STEMS.has(q.stem));
    const tokens = contentTerms(text);
    const passage: PassageFacts = { words: terms.length, mass: informativeTerms.reduce((sum, q) => sum + wordEvidence(q.stem), 0) };
    // The ideal is over the query's most informative terms (unknown words first), as many as a
    // context query scores: a section is judged by its key words, not diluted by all of them.
    const idealTerms = [...terms].sort((a, b) => b.weight - a.weight).slice(0, MAX_CONTEXT_TERMS);
    const ideal = idealTerms.reduce((sum, q) => sum + q.weight * this.bestImpact(q), 0);
    if (ideal <= 0) return [];
    const wanted = Math.max(limit, DEFAULT_LIMIT) * 2;
    const plain = this.plainScorer(terms);
    // Candidates by the index's scores; the order is plain BM25F's over them (bm25f.ts), the ranking
    // that measured best on the tune halves (docs/related.md), where every paper is held whole.
    const n = plain
      ? this.accumulateTop(terms, Math.max(wanted, RELATED_CANDIDATES), () => (sum) => sum)
      : this.accumulateTop(terms, wanted, (k) => (sum, held) => Math.fround(sum * Math.pow(held / k, RELATED_COORD)));
    const rank = this.final;
    const k = Math.max(1, this.keptTerms);
    for (let i = 0; i < n; i++) {
      const d = this.touched[i];
      rank[d] = this.acc[d] * Math.pow(this.termHits[d] / k, RELATED_COORD);
    }
    const docs = plain ? this.top(this.acc, this.touched, n, Math.max(wanted, RELATED_CANDIDATES)) : this.top(rank, this.touched, n, wanted);
    let top = 0;
    if (plain) {
      for (const d of docs) rank[d] = plain.score(this.paper(d));
      docs.sort((a, b) => rank[b] - rank[a] || a - b);
      docs.length = Math.min(docs.length, wanted);
      top = plain.ideal;
    } else top = ideal;
    const hits: (Hit & { open: boolean })[] = [];
    for (const d of docs) {
      const matched = this.matchedContext(terms, d);
      const facts: PaperFacts = {
        score: normalisedScore(this.acc[d], ideal, this.matchedContext(idealTerms, d).length, idealTerms.length),
        shared: matched.length,
        evidence: ranking ? 0 : this.evidence(informativeTerms, d, tokens),
      };
      const paper = this.paper(d);
      if (options.exclude?.has(paper.key)) continue;
      hits.push({ paper, score: Math.sqrt(Math.min(1, rank[d] / top)), matched, open: ranking || opensGate(passage, facts, threshold) });
    }
    for (let i = 0; i < n; i++) rank[this.touched[i]] = 0;
    this.clearAcc(n);
    if (!hits.some((h) => h.open)) return [];
    // The document null (gate.ts ChanceBar): the top paper must stand out from chance.
    if (!ranking && options.standOut !== undefined && (hits[0]?.score ?? 0) < options.standOut) return [];
    const best = hits[0]?.score ?? 0;
    return hits
      .filter((h) => h.score >= best * relative)
      .slice(0, limit)
      .map(({ paper, score, matched }) => ({ paper, score, matched }));
  }

  // ---------------------------------------------------------------- typed queries

  /**
   * Scores typed text into this.tokAcc (sum over words of each word's best match) and
   * this.cover (how many query words each document matched). `need`: the words a document must
   * match to cover the query (the joined form of "self-supervised" is a bonus, not a need).
   * `looseLast`: the last word may be two edits away whatever its length.
   */
  private accumulateTyped(text: string, looseLast = false): { n: number; words: string[]; need: number } {
    // At most 32 words: `cover` counts them in a byte, and nobody types more after \cite{.
    const tokens = tokenize(text, true).slice(0, 32);
    const words = tokens.map((t) => t.term);
    const compact = fold(text.trim());
    const acc = this.tokAcc;
    const cover = this.cover;
    const touched = this.tokTouched;
    const best = this.acc; // per-word best match, cleared after each word
    const bestTouched = this.touched;
    let n = 0;
    const queries = tokens.map((t) => ({ word: t.term, keyOnly: false, joined: text.slice(t.start, t.end).includes('-') }));
    const need = queries.filter((q) => !q.joined).length;
    // The whole query as a key prefix: "smith2021" or "mastering-atari".
    if (compact && !/\s/.test(compact) && !(words.length === 1 && words[0] === compact)) queries.push({ word: compact, keyOnly: true, joined: false });
    for (let qi = 0; qi < queries.length; qi++) {
      const { word, keyOnly, joined } = queries[qi];
      let m = 0;
      const expansions = this.expand(word, keyOnly, qi === words.length - 1, looseLast && qi === words.length - 1);
      // Term numbers per segment, and document frequencies over all segments (global idf).
      const ids = [...expansions.keys()].map((term) => this.parts.map((part, s) => (this.searched(s) ? findTerm(part.seg.typ, term) : -1)));
      const dfs = ids.map((perPart) => perPart.reduce((sum, t, s) => sum + (t >= 0 ? docFreq(this.parts[s].seg.typ, t) : 0), 0));
      const qualities = [...expansions.values()];
      for (let s = 0; s < this.parts.length; s++) {
        const part = this.parts[s];
        const p = part.seg.typ;
        for (let e = 0; e < ids.length; e++) {
          const t = ids[e][s];
          if (t < 0) continue;
          const w = (qualities[e] * this.idf(dfs[e])) / 255;
          for (let i = p.offsets[t], end = p.offsets[t + 1]; i < end; i++) {
            const d = part.base + p.docs[i];
            const v = w * p.impacts[i];
            if (best[d] === 0) bestTouched[m++] = d;
            if (v > best[d]) best[d] = v;
          }
        }
      }
      for (let i = 0; i < m; i++) {
        const d = bestTouched[i];
        if (acc[d] === 0 && cover[d] === 0) touched[n++] = d;
        acc[d] += best[d];
        // A key-prefix match of the whole query covers every word.
        if (keyOnly) cover[d] = Math.max(cover[d], need);
        else if (!joined) cover[d]++;
        best[d] = 0;
      }
    }
    return { n, words, need };
  }

  /**
   * The vocabulary words a typed word stands for, with a match quality (exact 1 > prefix >
   * fuzzy), over all segments. Fuzzy matching runs only for a word no segment knows (as typed,
   * or for the last word as the start of a word), once, in the largest vocabulary.
   */
  private expand(word: string, keyOnly: boolean, last: boolean, loose = false): Map<string, number> {
    const out = new Map<string, number>();
    const add = (t: string, q: number) => {
      if (q > (out.get(t) ?? 0)) out.set(t, q);
    };
    let known = false;
    let largest: Postings | null = null;
    for (const [s, part] of this.parts.entries()) {
      if (!this.searched(s)) continue;
      const p = part.seg.typ;
      if (!largest || p.terms.length > largest.terms.length) largest = p;
      const exact = findTerm(p, word);
      if (exact >= 0) add(word, 1);
      let completions = 0;
      if (word.length >= 2 || keyOnly) {
        const [from, to] = prefixRange(p.terms, word);
        completions = to - from - (exact >= 0 ? 1 : 0);
        // A longer completion of the word is a weaker match; the last word is the one being typed.
        for (const t of this.mostFrequent(p, from, to, MAX_PREFIX_EXPANSIONS, exact)) {
          add(p.terms[t], (last || keyOnly ? 0.9 : 0.6) * (0.5 + (0.5 * word.length) / p.terms[t].length));
        }
      }
      if (exact >= 0 || (last && completions > 0)) known = true;
    }
    if (largest && !keyOnly && !known && word.length >= 4 && /^\p{L}+$/u.test(word)) {
      const p = largest;
      const maxD = word.length >= 8 || loose ? 2 : 1;
      // Most typos keep the first letter: look there first, everywhere only if that finds nothing.
      const [from, to] = prefixRange(p.terms, word[0]);
      let found = fuzzyTerms(p.terms, word, maxD, last, MAX_FUZZY_EXPANSIONS, from, to);
      if (found.length === 0) found = fuzzyTerms(p.terms, word, maxD, last, MAX_FUZZY_EXPANSIONS);
      let budget = MAX_FUZZY_EXPANSIONS;
      for (const f of found) {
        const quality = (f.prefix ? 0.4 : 0.55) * (1 - 0.15 * (f.distance - 1));
        const terms = f.end - f.term > 1 ? this.mostFrequent(p, f.term, f.end, Math.max(1, budget >> 1), -1) : [f.term];
        for (const t of terms) add(p.terms[t], quality);
        budget -= terms.length;
        if (budget <= 0) break;
      }
    }
    return out;
  }

  /** Up to `k` terms of [from, to) with the most documents (all of them when few). */
  private mostFrequent(p: Postings, from: number, to: number, k: number, skip: number): number[] {
    const range: number[] = [];
    for (let t = from; t < to && range.length < 5000; t++) if (t !== skip) range.push(t);
    if (range.length <= k) return range;
    return range.sort((a, b) => docFreq(p, b) - docFreq(p, a)).slice(0, k);
  }

  private typedHits(text: string, limit: number, looseLast = false): { docs: number[]; scores: Map<number, number>; full: Set<number>; words: string[] } {
    const { n, words, need: required } = this.accumulateTyped(text, looseLast);
    const acc = this.tokAcc;
    const cover = this.cover;
    const need = Math.max(1, required);
    const scores = new Map<number, number>();
    const final = this.acc; // reused as scratch: typed scores with the coverage penalty
    for (let i = 0; i < n; i++) {
      const d = this.tokTouched[i];
      const c = Math.min(1, cover[d] / need);
      // Documents that miss a typed word rank below all that match every word.
      final[d] = acc[d] * c * c * c + (cover[d] >= need ? 1000 : 0);
    }
    const docs = this.top(final, this.tokTouched, n, limit);
    const full = new Set<number>();
    for (const d of docs) {
      if (final[d] >= 1000) full.add(d);
      scores.set(d, final[d] >= 1000 ? final[d] - 1000 : final[d]);
    }
    for (let i = 0; i < n; i++) {
      const d = this.tokTouched[i];
      final[d] = 0;
      acc[d] = 0;
      cover[d] = 0;
    }
    return { docs, scores, full, words };
  }

  private matchedTyped(words: string[], paper: Paper): string[] {
    const hay = new Set<string>();
    for (const t of tokenize(`${paper.key} ${paper.title} ${paper.authors.join(' ')} ${paper.year ?? ''}`, true)) hay.add(t.term);
    const haystack = [...hay];
    return words.filter((w) => hay.has(w) || haystack.some((h) => h.startsWith(w) || (w.length >= 4 && nearlyEqual(w, h))));
  }

  /** Papers for a few typed letters: prefix + fuzzy over key, title, authors and year. */
  typed(text: string, options: QueryOptions = {}): Hit[] {
    return this.scoped(options.within, () => this.typedWithCoverage(text, options.limit ?? DEFAULT_LIMIT).hits);
  }

  private typedWithCoverage(text: string, limit: number): { hits: Hit[]; full: number } {
    if (!text.trim()) return { hits: [], full: 0 };
    let found = this.typedHits(text, limit);
    // No paper matches every word: the last one, still being typed, may hold a second typo
    // ("difusion planer"), so papers matching the others and it loosely beat those matching fewer.
    if (found.full.size === 0 && found.words.length >= 2) {
      const loose = this.typedHits(text, limit, true);
      if (loose.full.size > 0) found = loose;
    }
    const { docs, scores, full, words } = found;
    const hits = docs.map((d) => {
      const paper = this.paper(d);
      return { paper, score: scores.get(d) ?? 0, matched: this.matchedTyped(words, paper) };
    });
    return { hits, full: full.size };
  }

  /**
   * The search box: up to 4 words are typed text (key, title, authors, year), unless no paper
   * matches all of them, then the words are looked up in abstracts too (context ranking); more
   * words are a context query. `mode` forces one kind.
   */
  search(text: string, options: QueryOptions & { mode?: SearchMode } = {}): Hit[] {
    return this.searchBox(text, options).hits;
  }

  /** As search(), also saying which ranking answered (a context answer may be fused with meaning). */
  searchBox(text: string, options: QueryOptions & { mode?: SearchMode } = {}): { hits: Hit[]; mode: SearchMode } {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const words = text.trim().split(/\s+/).filter(Boolean).length;
    const mode = options.mode ?? (words > 4 ? 'context' : undefined);
    if (mode === 'context') return { hits: this.context(text, { limit }), mode };
    const { hits, full } = this.typedWithCoverage(text, limit);
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
    const terms = this.contextTerms(contextText);
    if (!terms.some((t) => t.df > 0)) return this.typedWithCoverage(typed, limit).hits;
    const { n: nt, words, need: required } = this.accumulateTyped(typed);
    const need = Math.max(1, required);
    const tok = this.tokAcc;
    const cover = this.cover;
    const tt = this.tokTouched;
    // Candidates: the documents matching every typed word, or, when none does, all typed matches.
    let anyFull = false;
    for (let i = 0; i < nt && !anyFull; i++) if (cover[tt[i]] >= need && !this.dead[tt[i]]) anyFull = true;
    const candidates: number[] = [];
    for (let i = 0; i < nt; i++) if (!anyFull || cover[tt[i]] >= need) candidates.push(tt[i]);
    const nc = this.accumulateOf(terms, candidates);
    const acc = this.acc;
    const final = this.final;
    let maxCtx = 0;
    let maxTyped = 0;
    for (let i = 0; i < nt; i++) {
      const d = tt[i];
      if (anyFull && cover[d] < need) continue;
      const c = Math.min(1, cover[d] / need);
      tok[d] *= c * c * c;
      if (acc[d] > maxCtx) maxCtx = acc[d];
      if (tok[d] > maxTyped) maxTyped = tok[d];
    }
    for (let i = 0; i < nt; i++) {
      const d = tt[i];
      if (anyFull && cover[d] < need) continue;
      final[d] = (maxCtx > 0 ? acc[d] / maxCtx : 0) + (0.25 * tok[d]) / (maxTyped || 1);
    }
    const docs = this.top(final, tt, nt, limit);
    const hits = docs.map((d) => {
      const paper = this.paper(d);
      const matched = [...new Set([...this.matchedTyped(words, paper), ...this.matchedContext(terms, d)])];
      return { paper, score: final[d], matched };
    });
    for (let i = 0; i < nt; i++) {
      const d = tt[i];
      final[d] = 0;
      tok[d] = 0;
      cover[d] = 0;
    }
    this.clearAcc(nc);
    return hits;
  }
}

/**
 * A paper's words per field, counted once per Paper object: counting 200 candidates afresh costs
 * ~25 ms, a warm related query ~2 ms (bundled corpus). Bounded: at most COUNTED_PAPERS papers
 * (a few kB each), dropped all at once when full.
 */
const COUNTED_PAPERS = 4096;
const countsOf = new Map<Paper, FieldCounts>();
/** The keys of a segment's papers held as objects (SearchIndex.holds), made once per segment. */
const heldKeys = new WeakMap<object, Set<string>>();

function fieldCountsOf(paper: Paper): FieldCounts {
  let c = countsOf.get(paper);
  if (!c) {
    if (countsOf.size >= COUNTED_PAPERS) countsOf.clear();
    countsOf.set(paper, (c = fieldCounts(paper)));
  }
  return c;
}

/** The coordination factor (terms held / k)^exponent for 0..k terms held, as float32 (the scores' precision). */
function coordinationFactors(k: number, exponent: number): Float32Array {
  const factor = new Float32Array(k + 1);
  for (let h = 0; h <= k; h++) factor[h] = Math.pow(h / k, exponent);
  return factor;
}

/** The context score of a document, as coordinate() leaves it: float32, coordinated unless `exponent` is false. */
function coordinated(k: number, exponent: number | false): (sum: number, held: number) => number {
  if (exponent === false) return (sum) => sum;
  const factor = coordinationFactors(k, exponent);
  return (sum, held) => Math.fround(sum * factor[held]);
}

/** What one shared informative word is worth as evidence of a shared topic: general scientific words half. */
function wordEvidence(stem: string): number {
  return SCIENTIFIC_STEMS.has(stem) ? 0.5 : 1;
}

/** Optimal string alignment distance <= 2 (for "why" on fuzzy typed matches). */
function nearlyEqual(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n] <= (a.length >= 8 ? 2 : 1);
}

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
