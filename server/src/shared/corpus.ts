// A lab's shared corpus as a source of rankings: PostgreSQL finds candidates with full-text search
// over LitLens' own terms (schema.ts), and LitLens ranks them with its own BM25F and related gate
// using the corpus's global statistics (litlens.terms), so a shared corpus ranks as the same
// corpus embedded would.
//
//   const shared = new SharedCorpus(url, { onChange, log });
//   await shared.open();                                   // false: unreachable, retried with backoff
//   await shared.related(paragraph, { limit, threshold })  // Hit[]; throws SharedUnavailable when down
//   await shared.completion(typed, sentence, limit)
//   shared.get(key) / await shared.fullEntry(key)          // papers it has answered with / any by key
//
// Candidates: the query's terms, rarest first, while their document frequencies sum to at most
// CANDIDATE_POSTINGS (common words would make PostgreSQL read most of the table), OR-ed into one
// tsquery; the CANDIDATES best by ts_rank are fetched and ranked here, with (schema 3) the
// CANDIDATES best of the commoner terms' lists of their best papers by impact (litlens.top). Typed text after
// \cite{ asks for papers holding every typed word as a prefix (word or stem).
//
// Never in the way: a query fails fast while the server is known to be down (SharedUnavailable);
// the first failure logs one line, sets the state (the status bar shows it) and schedules
// reconnection attempts 1 s, 2 s, 4 s … up to RETRY_MAX_MS apart.
import type pg from 'pg';
import type { Paper, PaperList } from '../library/paper';
import { FIELD_MIN_CITES, FIELD_SAMPLE, fieldBar, inField as inFieldOf } from '../search/gate';
import { MAX_CONTEXT_TERMS, SearchIndex, type CollectionStatistics, type Hit, type OtherStatistics, type RelatedOptions, type SearchMode } from '../search/index';
import { segmentBuilder, type StoredTerms } from '../search/segment';
import { STOPWORDS, contentTerms, fold, stem, tokenize } from '../search/text';
import { NoPassword, checkUrl, connect, describeError, displayUrl, readMeta, topDf, unreadable, type SharedMeta } from './schema';

/**
 * Papers fetched from PostgreSQL per query and ranked here. At 100k papers (bench/pg-overlap.ts)
 * 100 kept 0.75 of the embedded top 10 for context queries, 200 kept 0.83-0.87.
 */
export const CANDIDATES = 200;
/** Candidate terms are taken rarest first while their document frequencies sum to at most this. */
export const CANDIDATE_POSTINGS = 4000;
/**
 * A context query's single terms and pairs (schema 3: only terms without a list go alone), while
 * their postings and the pairs' expected intersections sum to at most this. At 1M, 200 abstract
 * sentences (bench/pg-overlap.ts, seed 1): top-10 overlap 0.898 at 4,000, 0.896 at 3,000, 0.894 at
 * 2,500, 0.877 at 2,000; GIN rows a related query reads (100 other sentences) mean 5,682 -> 5,027.
 * The eval's citing sentences and paragraphs (both halves, seen while choosing): 0.814, 0.808,
 * 0.784, 0.764.
 */
const CONTEXT_POSTINGS = 3000;
/**
 * At most this many rows matching typed words are ranked in PostgreSQL (the first the GIN bitmap
 * gives): words as common as "deep learn" match a fifth of a corpus, and must not cost a scan of
 * it. Context queries stay within their postings budget; twice it caps a bad estimate of pairs.
 */
const MAX_TYPED_ROWS = 3000;
const MAX_CONTEXT_ROWS = 2 * CANDIDATE_POSTINGS;
/** Papers holding some of the typed words (the search box): the first this many in file order are ranked. */
const MAX_ANY_TYPED_ROWS = 1000;
/** Common terms beyond the budget are asked for in pairs, among this many of them. */
const PAIR_TERMS = 6;
/**
 * Candidates are ordered by this many of the query's rarest terms (each costs a ts_rank per row):
 * as many as LitLens scores (MAX_CONTEXT_TERMS). With 8 the eval's paragraphs kept 0.55 of the
 * embedded top 10 at 20k papers, with all of them 0.84.
 */
const ORDER_TERMS = MAX_CONTEXT_TERMS;
/**
 * ts_rank's weights of the labels {D venue and key, C abstract, B authors, A title} when context
 * candidates are ordered (the 200 of up to MAX_CONTEXT_ROWS): closer to the impacts' field weights
 * than PostgreSQL's default {0.1, 0.2, 0.4, 1.0}, which ranked abstract words too low. At 1M, 200
 * abstract sentences (bench/pg-overlap.ts, seed 1): top-10 overlap 0.776 with the default,
 * {0.33, 0.33, 0.67, 1} 0.833, {0.1, 0.5, 0.5, 1} 0.848, {0.1, 0.7, 0.7, 1} 0.842, {0.1, 1, 0.5, 1} 0.745.
 */
const CONTEXT_LABEL_WEIGHTS = '{0.1,0.5,0.5,1.0}';
/**
 * Candidates are ordered by idf classes this wide (one ts_rank call a class, not a term: 32 calls a
 * row cost a quarter of the query). At 1M, 100 abstract sentences and the eval's 116 citing sentences
 * and paragraphs (bench/pg-overlap.ts --only context, seed 1): top-10 overlap 0.844 / 0.678 each term
 * apart, 0.842 / 0.678 in classes of 1; the candidate query 0.90 of its time (bench, 16 sentences x 3).
 */
const IDF_CLASS = 1;
/**
 * Costs in µs of finding rows holding typed words at 1M (PostgreSQL 15, the table cached; EXPLAIN
 * ANALYZE at load ~4): a posting the GIN index collects, a heap row it rechecks, a row a scan reads.
 */
const COST = { posting: 0.5, heapRow: 10, scanRow: 3 };
/** Connections to the server (queries at once) and queries waiting for one before the oldest is dropped. */
const CONNECTIONS = 2;
const MAX_QUEUED = 2;
/** Reconnection attempts back off to this. */
export const RETRY_MAX_MS = 60_000;
/** Papers kept after they were answered with (cards, Copy BibTeX, the .bib writer look them up by key). */
const PAPER_CACHE = 1024;
const TERM_CACHE = 100_000;
const ANSWER_CACHE = 2000;
/**
 * Search-box answers kept: each holds its statistics (SharedSearch), which read the candidates'
 * index, so they are few (the 2000 of ANSWER_CACHE held 0.3-0.7 MB each: at 1M, 100 searches
 * raised the server's RSS from 162 to 191-230 MB). A search asked again after these is asked again.
 */
const SEARCH_CACHE = 16;

/** Documents whose field judgement is kept (open documents). */
const FIELD_DOCUMENTS = 16;

/** What the field rule reads of a document: its id and the titles (and keys) of the library entries it cites. */
export interface FieldDocument {
  id: string;
  cites?: readonly string[];
  citeKeys?: readonly string[];
}

export type SharedState = 'connecting' | 'ready' | 'unreachable' | 'error';

/** Thrown by a query while the server cannot be reached: the caller answers from the local tiers. */
export class SharedUnavailable extends Error {}

export interface SharedOptions {
  /** The state changed (status bar). */
  onChange?: (corpus: SharedCorpus) => void;
  /** One line per state change (the output channel). */
  log?: (message: string) => void;
  connectMs?: number;
  /** Longest a query may run on the server. */
  statementMs?: number;
}

/** The search box's answer (SharedCorpus.searchWith): the hits, and what the library's ranking counts with them. */
export interface SharedSearch {
  hits: Hit[];
  statistics: OtherStatistics;
  /** The ranking asked for, or 'typed' when a candidate matches every typed word (SearchIndex.searchModeOf). */
  mode: SearchMode | undefined;
}

export class SharedCorpus {
  state: SharedState = 'connecting';
  message: string | undefined;
  private pool: pg.Pool | null = null;
  private meta: SharedMeta | null = null;
  private readonly terms = new Map<string, { df: number; maxImpact: number } | null>();
  private readonly papers = new Map<string, Paper>();
  /** The typed column's most common lexemes and the share of papers holding each (ANALYZE's, from pg_stats). */
  private typedCommon: [string, number][] = [];
  private retryMs = 1000;
  private retry: NodeJS.Timeout | null = null;
  private opening: Promise<boolean> | null = null;
  private disposed = false;

  constructor(
    readonly url: string,
    private readonly options: SharedOptions = {},
  ) {}

  /** The URL without a password, as settings and messages show it. */
  get name(): string {
    return displayUrl(this.url);
  }

  /** Papers in the corpus (0 until connected). */
  get size(): number {
    return this.meta?.papers ?? 0;
  }

  /** Connects and reads the corpus's metadata; false when it cannot (a retry is scheduled when the server may come back). */
  open(): Promise<boolean> {
    this.opening ??= this.connectNow().finally(() => (this.opening = null));
    return this.opening;
  }

  private async connectNow(): Promise<boolean> {
    const wrong = checkUrl(this.url);
    if (wrong) {
      this.setState('error', wrong);
      return false;
    }
    this.pool ??= connect(this.url, { max: CONNECTIONS, connectMs: this.options.connectMs, statementMs: this.options.statementMs ?? 10_000 });
    try {
      const meta = await readMeta(this.pool);
      if (typeof meta === 'string') {
        this.setState('error', `${this.name}: ${meta}`);
        this.scheduleRetry(); // an import may be running
        return false;
      }
      const denied = await unreadable(this.pool, meta, this.url);
      if (denied) {
        this.setState('error', denied);
        this.scheduleRetry(RETRY_MAX_MS); // until the lab grants it
        return false;
      }
      if (this.meta && this.meta.papers !== meta.papers) this.terms.clear(); // re-imported: new statistics
      this.meta = meta;
      this.typedCommon = await readTypedCommon(this.pool);
      this.retryMs = 1000;
      this.setState('ready', undefined);
      return true;
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  private setState(state: SharedState, message: string | undefined): void {
    if (this.state === state && this.message === message) return;
    this.state = state;
    this.message = message;
    this.options.log?.(state === 'ready' ? `${this.name}: connected, ${this.size.toLocaleString('en')} papers` : `${this.name}: ${state}${message ? `: ${message}` : ''}`);
    this.options.onChange?.(this);
  }

  private fail(err: unknown): void {
    const message = describeError(err, this.url);
    const code = (err as { code?: string }).code;
    // Wrong credentials, a missing database or a missing grant stay wrong until someone changes something: retry slowly.
    const permanent = code === '28P01' || code === '28000' || code === '3D000' || code === '42501' || err instanceof NoPassword;
    this.setState(permanent ? 'error' : 'unreachable', message);
    this.scheduleRetry(permanent ? RETRY_MAX_MS : undefined);
  }

  private scheduleRetry(ms?: number): void {
    if (this.disposed || this.retry) return;
    const wait = ms ?? this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.open();
    }, wait);
    this.retry.unref();
  }

  /** Runs a query while connected; SharedUnavailable (fast) while not. */
  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.state !== 'ready' || !this.pool) throw new SharedUnavailable(this.message ?? `${this.name}: ${this.state}`);
    await this.turn();
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      // A query's own fault (a timeout on one statement) is not the server being down.
      if (code === '57014') throw new SharedUnavailable(`${this.name}: the query took too long`);
      this.fail(err);
      throw new SharedUnavailable(this.message);
    } finally {
      this.done();
    }
  }

  private running = 0;
  private readonly waiting: { go: () => void; drop: (err: Error) => void }[] = [];

  /**
   * Waits for one of the CONNECTIONS. A slow server: at most MAX_QUEUED queries wait, and a new one
   * pushes out the oldest waiting (its caller answers without it: the newest request is what the
   * writer is looking at), so stale work never piles up until taking a connection times out and
   * the server looks down.
   */
  private async turn(): Promise<void> {
    if (this.running < CONNECTIONS) {
      this.running++;
      return;
    }
    if (this.waiting.length >= MAX_QUEUED) this.waiting.shift()!.drop(new SharedUnavailable(`${this.name}: busy`));
    await new Promise<void>((go, drop) => this.waiting.push({ go, drop }));
  }

  /** Hands the connection to the next query waiting (it keeps the running count). */
  private done(): void {
    const next = this.waiting.shift();
    if (next) next.go();
    else this.running--;
  }

  /** Global statistics of these stems (cached; a re-import clears the cache at the next connect). */
  private async statistics(stems: readonly string[]): Promise<CollectionStatistics> {
    const missing = [...new Set(stems)].filter((s) => !this.terms.has(s));
    if (missing.length > 0) {
      const { rows } = await this.query<{ stem: string; df: number; max_impact: number }>('SELECT stem, df, max_impact FROM litlens.terms WHERE stem = ANY($1)', [missing]);
      if (this.terms.size > TERM_CACHE) this.terms.clear();
      for (const s of missing) this.terms.set(s, null);
      for (const r of rows) this.terms.set(r.stem, { df: r.df, maxImpact: r.max_impact });
    }
    return { papers: this.size, term: (s) => this.terms.get(s) ?? undefined };
  }

  /**
   * The papers holding the query's rare terms (rarest first, while their document frequencies
   * sum to at most CANDIDATE_POSTINGS; schema 3: only terms without a list), or two of its more
   * common ones (pairs while their expected intersections fit the same budget: PostgreSQL
   * intersects them in the GIN index, so only those rows are read), best CANDIDATES by ts_rank;
   * and (schema 3) the best CANDIDATES of the commoner terms' lists (topCandidates). At 1M, 200
   * queries: context overlap with the embedded ranking 0.641 -> 0.776, related 0.630 -> 0.764 (the
   * lists instead of pairs: 0.669; docs/postgresql.md).
   */
  private async contextCandidates(text: string, stats: CollectionStatistics, entry: Entry = 'none'): Promise<Candidate[]> {
    const terms = termsOf(text, stats);
    const parts: string[] = [];
    let postings = 0;
    let i = 0;
    // Schema 3: a term with a list (held by more than topDf papers) is asked for in pairs and
    // through its list, never alone: alone, its holders filled the GIN query's rows in file order
    // (a sentence's rarest term held by 5,000-80,000 papers at 1M) and its df the postings budget
    // the pairs needed. At 1M, 200 sentences (with CONTEXT_POSTINGS): context overlap 0.845 -> 0.896,
    // related 0.843 -> 0.893, the eval's citing sentences and paragraphs 0.678 -> 0.808 (docs/postgresql.md).
    const lists = (this.meta?.schema ?? 1) >= 3;
    const alone = (t: { df: number }) => !lists || t.df <= topDf(stats.papers);
    const budget = lists ? CONTEXT_POSTINGS : CANDIDATE_POSTINGS;
    for (; i < terms.length && alone(terms[i]) && (parts.length === 0 || postings + terms[i].df <= budget); i++) {
      parts.push(quote(terms[i].s));
      postings += terms[i].df;
    }
    const rest = terms.slice(i, i + PAIR_TERMS);
    const n = Math.max(1, stats.papers);
    const pairs: { q: string; expect: number }[] = [];
    for (let a = 0; a < rest.length; a++) for (let b = a + 1; b < rest.length; b++) pairs.push({ q: `(${quote(rest[a].s)} & ${quote(rest[b].s)})`, expect: (rest[a].df * rest[b].df) / n });
    for (const p of pairs.sort((x, y) => x.expect - y.expect)) {
      if (postings + p.expect > budget) break;
      parts.push(p.q);
      postings += p.expect;
    }
    // Schema 3: and, in parallel, the best papers of the other terms' lists by impact (litlens.top).
    const listed = lists ? terms.slice(i).filter((t) => t.df > topDf(stats.papers)) : [];
    if (parts.length === 0 && listed.length === 0) return [];
    const [held, best] = await Promise.all([parts.length ? this.fetch('tsv', parts.join(' | '), weightsOf(text, stats), MAX_CONTEXT_ROWS, text, 'tsv', entry) : [], this.topCandidates(listed, stats, text, entry)]);
    return [...held, ...best];
  }

  /**
   * The CANDIDATES papers with the best sums of the terms' impacts in their lists (litlens.top: each
   * common term's best papers, so a sum is the paper's score over the lists it is in), with their
   * stored impacts of the stems of `text` as fetch gives them.
   */
  private async topCandidates(terms: readonly { s: string; df: number }[], stats: CollectionStatistics, text: string, entry: Entry): Promise<Candidate[]> {
    if (terms.length === 0) return [];
    const n = Math.max(1, stats.papers);
    const stems = [...new Set(contentTerms(text).map((t) => t.stem))];
    return this.candidateRows(
      `SELECT u.id FROM litlens.top t JOIN unnest($1::text[], $2::float8[]) q(stem, w) ON q.stem = t.stem, unnest(t.ids, t.impacts) u(id, impact)
       GROUP BY u.id ORDER BY sum(u.impact * q.w) DESC LIMIT $4`,
      [terms.map((t) => t.s), terms.map((t) => Math.log(1 + n / (t.df + 0.5))), stems, CANDIDATES],
      entry,
    );
  }

  /**
   * Papers holding every typed word as the prefix of a word or of its stem in a field typed text
   * is matched in (title, authors, venue and key: lexemes labelled A, B or D; the embedded index's
   * typed postings hold no abstract words), so the MAX_TYPED_ROWS cap cuts among those; with a
   * sentence around the citation, the best by its terms (completion ranks them by it), else by the
   * typed words. At 100k, 200 queries: search box overlap 0.785 -> 0.797, completion 0.83 -> 0.947.
   */
  private async typedCandidates(typed: string, context = '', stats?: CollectionStatistics, any = false, rare = false, entry: Entry = 'short'): Promise<Candidate[]> {
    let words = tokenize(typed, true).map((t) => t.term).filter((w) => !STOPWORDS.has(w)).slice(0, 8);
    if (words.length === 0) return [];
    // `rare`: only the rarer words (rarest first while their document frequencies fit
    // CANDIDATE_POSTINGS), whose partial matches rank highest (the search box: searchNow).
    if (rare && stats) words = rarestWithin(words, (w) => stats.term(stem(w))?.df ?? 0, CANDIDATE_POSTINGS);
    const each = words.map((w) => `${quote(w)}:*ABD | ${quote(stem(w))}:*ABD`);
    // Without a sentence, ordered by each typed word's ts_rank (its best field's weight: title first),
    // summed: ts_rank of the AND query would read the stored positions (impacts) as word distances.
    const n = Math.max(1, stats?.papers ?? 1);
    const byWords = each.map((q, i) => ({ q, w: stats ? Math.log(1 + n / ((stats.term(stem(words[i]))?.df ?? 0) + 0.5)) : 1 }));
    // Schema 2 keeps those fields' lexemes in their own column and GIN index: the index answers the
    // labels, where version 1's recheck read every row holding the words anywhere (1.2-1.5 s at 1M).
    // Ranked by the typed words alone, `typed` holds all they read (the same lexemes and labels).
    const column = (this.meta?.schema ?? 1) >= 2 ? 'typed' : 'tsv';
    const byContext = stats !== undefined && context !== '';
    const maxRows = any ? MAX_ANY_TYPED_ROWS : MAX_TYPED_ROWS;
    const query = `(${each.join(any ? ') | (' : ') & (')})`;
    const plan = column === 'typed' ? this.planTyped(words, each, any, maxRows) : { scan: 0, index: query };
    return this.fetch(column, query, byContext ? weightsOf(context, stats) : byWords, maxRows, `${typed} ${context}`, byContext ? 'tsv' : column, entry, plan);
  }

  /**
   * How fetch finds the rows holding typed words (`each`, one tsquery part a word): a scan of up to
   * `scan` rows in order, else the GIN index asked for `index` (the rows rechecked for all words).
   * PostgreSQL collects every posting of a prefix (`'learn':*`) before intersecting: a common word
   * costs its whole list. Each word's share of papers is the sum of the typed column's common
   * lexemes' (pg_stats) it is a prefix of (word or stem; a rare word: half the least common's).
   * The cheapest by a cost model in µs at 1M (COST): the index asked for the rarest k words (their
   * postings, then a heap row rechecked for each paper holding them until maxRows hold all), or
   * a scan of maxRows / (share of matches) rows, shares taken as independent (an underestimate for
   * a title's words, so the scan is bounded at twice that: the index answers when it finds fewer).
   */
  private planTyped(words: readonly string[], each: readonly string[], any: boolean, maxRows: number): { scan: number; index: string } {
    const all = `(${each.join(any ? ') | (' : ') & (')})`;
    const n = this.size;
    if (this.typedCommon.length === 0 || n === 0 || process.env.LITLENS_PG_INDEX_ONLY) return { scan: 0, index: all };
    const least = this.typedCommon.reduce((m, [, f]) => Math.min(m, f), 1) / 2;
    const byShare = words
      .map((w, i) => {
        const prefixes = [fold(w), stem(w)];
        const share = this.typedCommon.reduce((sum, [lexeme, f]) => (prefixes.some((p) => lexeme.startsWith(p)) ? sum + f : sum), 0);
        return { part: each[i], share: Math.min(1, share || least) };
      })
      .sort((a, b) => a.share - b.share);
    const matching = any ? 1 - byShare.reduce((p, w) => p * (1 - w.share), 1) : byShare.reduce((p, w) => p * w.share, 1);
    const rows = Math.min(n, maxRows / matching);
    let best = { cost: COST.scanRow * rows, scan: Math.ceil(Math.min(n, 2 * rows)), index: all };
    if (any) {
      const cost = COST.posting * n * byShare.reduce((a, w) => a + w.share, 0) + COST.heapRow * Math.min(n * matching, maxRows);
      if (cost < best.cost) best = { cost, scan: 0, index: all };
    } else {
      let postings = 0;
      let held = 1;
      byShare.forEach((w, k) => {
        postings += w.share * n;
        held *= w.share;
        const cost = COST.posting * postings + COST.heapRow * Math.min(n * held, (maxRows * held) / matching);
        if (cost < best.cost) best = { cost, scan: 0, index: k === byShare.length - 1 ? all : `(${byShare.slice(0, k + 1).map((x) => x.part).join(') & (')})` };
      });
    }
    return { scan: best.scan, index: best.index };
  }

  /**
   * The CANDIDATES best rows whose `column` matches `tsquery` (of the first maxRows), each with its stored
   * impacts of the stems of `text`: the candidates are indexed from those (the only terms their
   * ranking reads), not tokenized again.
   */
  private async fetch(column: 'tsv' | 'typed', tsquery: string, weighted: { q: string; w: number }[], maxRows: number, text: string, rankOn: 'tsv' | 'typed' = 'tsv', entry: Entry = 'short', plan = { scan: 0, index: tsquery }): Promise<Candidate[]> {
    const labels = column === 'tsv' ? `'${CONTEXT_LABEL_WEIGHTS}'::float4[], ` : '';
    const order = weighted.length ? weighted.map((t, i) => `ts_rank(${labels}t, $${i + 4}::tsquery) * ${t.w.toFixed(4)}`).join(' + ') : 'ts_rank(t, $1::tsquery)';
    const stems = [...new Set(contentTerms(text).map((t) => t.stem))];
    // `tsv || ''` detoasts each row's tsvector once: every ts_rank on the stored column would read
    // it from TOAST again (at 100k papers 158k buffer reads for 4k rows instead of 17k; 3x faster).
    // The entries are joined to the best CANDIDATES only: carried through the sort, every matching
    // row's entry was read from TOAST (schema 2 keeps them out of line; 100k papers: 25k buffers
    // for 2k rows, against 2k for the scan itself). Ties are broken by line before file: comparing
    // the file names of tied rows first cost ~16 buffer reads a row (PostgreSQL 15, seen not explained).
    // The stored impacts come from the joined row's tsv (the rows are ranked on `rankOn`). The
    // entries (Entry): only the papers an answer shows are fetched whole (wholeHits), so a request
    // no longer parses 200 abstracts (garbage the server's heap grew for).
    if (entry === 'none' && rankOn === 'tsv' && column === 'tsv') {
      const { rows } = await this.query<{ id: string; line: number; terms: string }>(
        `SELECT id, line, ${STORED('t')} AS terms
         FROM (SELECT id, line, t FROM (SELECT id, source, line, tsv || ''::tsvector AS t FROM litlens.papers WHERE tsv @@ $1::tsquery LIMIT ${maxRows}) c
               ORDER BY ${order} DESC, line, source LIMIT $2) best`,
        [tsquery, CANDIDATES, stems, ...weighted.map((t) => t.q)],
      );
      return rows.map((r) => ({ paper: this.candidatePaper(r.id, null, r.line, entry), stored: storedTerms(r.terms) }));
    }
    // `scan`: common typed words. The GIN bitmap of every paper holding them (145k rows for "language
    // models" at 1M: 270 ms merging postings) is built whole before LIMIT; the table read in order
    // until maxRows match finds the same rows (the first in physical order, as the bitmap heap scan
    // gives them; synchronized scans are off: connect) in a few thousand rows. Bounded to `scan`
    // rows: when fewer match there, the index query runs instead (a one-time filter, same round trip).
    // The index asked for the rare words alone (planTyped) gives the same rows: each is rechecked.
    const where = plan.index === tsquery ? `${column} @@ $1::tsquery` : `${column} @@ $${weighted.length + 4}::tsquery AND ts_match_vq(${column}, $1::tsquery)`;
    const indexed = `(SELECT id, source, line, ${rankOn} || ''::tsvector AS t FROM litlens.papers WHERE ${where} LIMIT ${maxRows})`;
    const matching = plan.scan > 0
      ? `(WITH s AS MATERIALIZED (SELECT id, source, line, t FROM (SELECT id, source, line, ${column} AS m, ${rankOn} AS t FROM litlens.papers LIMIT ${plan.scan}) f
                                   WHERE ts_match_vq(m, $1::tsquery) LIMIT ${maxRows})
          SELECT id, source, line, t || ''::tsvector AS t FROM s WHERE (SELECT count(*) FROM s) >= ${maxRows}
          UNION ALL
          SELECT * FROM ${indexed} i WHERE (SELECT count(*) FROM s) < ${maxRows})`
      : indexed;
    return this.candidateRows(
      `SELECT id FROM ${matching} c ORDER BY ${order} DESC, line, source LIMIT $2`,
      [tsquery, CANDIDATES, stems, ...weighted.map((t) => t.q), ...(plan.index === tsquery ? [] : [plan.index])],
      entry,
    );
  }

  /**
   * The candidates whose ids the query `best` selects ($3: the stems of the text they are ranked
   * for), each with its entry as `entry` asks and its stored impacts of those stems.
   */
  private async candidateRows(best: string, params: unknown[], entry: Entry): Promise<Candidate[]> {
    const { rows } = await this.query<{ id: string; entry: Paper | null; line: number; terms: string }>(
      `SELECT p.id, ${entryColumn(entry)}, p.line, ${STORED('p.tsv')} AS terms FROM (${best}) best JOIN litlens.papers p ON p.id = best.id`,
      params,
    );
    return rows.map((r) => ({ paper: this.candidatePaper(r.id, r.entry, r.line, entry), stored: storedTerms(r.terms) }));
  }

  /** A candidate's paper: whole (and kept), else as known or as much as was fetched. */
  private candidatePaper(id: string, entry: Paper | null, line: number, kind: Entry): Paper {
    if (kind === 'whole') return this.paperOf(id, entry!, line);
    return this.papers.get(id) ?? this.paperFrom(id, entry ?? ({ title: '', authors: [] } as unknown as Paper), line);
  }

  /** The hits with their papers whole (fetched once for those not kept: their candidates came without abstracts). */
  private async wholeHits(hits: Hit[]): Promise<Hit[]> {
    const missing = hits.map((h) => h.paper.key).filter((key) => !this.papers.has(key));
    const fetched = new Map<string, Paper>();
    if (missing.length > 0) {
      const { rows } = await this.query<{ id: string; entry: Paper; line: number }>('SELECT id, entry, line FROM litlens.papers WHERE id = ANY($1)', [missing]);
      for (const r of rows) fetched.set(r.id, this.paperOf(r.id, r.entry, r.line));
    }
    return hits.map((h) => ({ ...h, paper: fetched.get(h.paper.key) ?? this.papers.get(h.paper.key) ?? h.paper }));
  }

  private paperFrom(id: string, entry: Paper, line: number): Paper {
    return { ...entry, key: id, origin: { file: this.name, line, kind: id.startsWith('arXiv:') ? 'arxiv' : 'csl-json' } };
  }

  /** A whole paper, kept (cards, Copy BibTeX and the .bib writer look it up by key). */
  private paperOf(id: string, entry: Paper, line: number): Paper {
    const paper = this.paperFrom(id, entry, line);
    this.papers.delete(id);
    this.papers.set(id, paper);
    if (this.papers.size > PAPER_CACHE) this.papers.delete(this.papers.keys().next().value!);
    return paper;
  }

  /** An index over the candidates, ranking with the corpus's statistics. */
  private indexOf(candidates: Candidate[], stats: CollectionStatistics): SearchIndex {
    // In file order, as the embedded index numbers them: equal scores then rank alike (earlier first).
    const sorted = [...new Map(candidates.map((c) => [c.paper.key, c])).values()].sort((a, b) => a.paper.origin.line - b.paper.origin.line);
    const unique = new CandidateList(sorted.map((c) => c.paper));
    const builder = segmentBuilder(this.meta!.averages);
    for (const c of sorted) builder.add(c.paper, c.stored);
    const seg = builder.finish('candidates', unique);
    const index = SearchIndex.fromSources([]);
    const source = { id: this.name, papers: unique, hash: 'candidates', kind: 'corpus' as const };
    // The segment as built (`decoded`): no bytes encoded to be decoded again.
    index.setEncodedSource(source, { id: this.name, hash: 'candidates', chunks: [{ hash: 'candidates', papers: unique.length, bytes: new Uint8Array(0) }], verified: true, decoded: [seg] });
    index.setStatistics(stats);
    return index;
  }

  private async contextIndex(text: string): Promise<SearchIndex> {
    const stats = await this.statistics(contentTerms(text).map((t) => t.stem));
    return this.indexOf(await this.contextCandidates(text, stats), stats);
  }

  /** Papers ranked for a passage (SearchIndex.context). */
  async context(text: string, limit: number): Promise<Hit[]> {
    return this.wholeHits((await this.contextIndex(text)).context(text, { limit }));
  }

  /**
   * Papers the text is about (SearchIndex.related), judged with the corpus's statistics. The answer
   * is kept: one that came after the caller stopped waiting (rank.ts's deadline) is there at once
   * for the next request (a hover asked again).
   */
  related(text: string, options: RelatedOptions): Promise<Hit[]> {
    return this.answer(relatedKey(text, options), () => this.rankRelated(text, options));
  }

  private async rankRelated(text: string, options: RelatedOptions): Promise<Hit[]> {
    return this.wholeHits((await this.contextIndex(text)).related(text, options));
  }

  /** Citation completion (SearchIndex.completion): the typed words pick the candidates, the sentence ranks them. */
  async completion(typed: string, context: string, limit: number): Promise<Hit[]> {
    if (!typed.trim()) return this.context(context, limit);
    const stats = await this.statistics(contentTerms(context).map((t) => t.stem));
    return this.indexOf(await this.typedCandidates(typed, context, stats, false, false, 'whole'), stats).completion(typed, context, { limit });
  }

  /** The search box (SearchIndex.search): typed words and, for longer queries, the passage's terms (kept as related's are). */
  async search(query: string, limit: number): Promise<Hit[]> {
    return (await this.searchWith(query, limit)).hits;
  }

  /**
   * The search box ranked with `others`' statistics counted with this corpus's (the library its
   * hits are merged with: Ranker.search), and the statistics this corpus ranked with, for the
   * library to count in turn: its papers, its terms' document frequencies, and its typed words'
   * among the candidates (as its own typed ranking counts them). `mode`: the ranking the search box
   * answers with (SearchIndex.searchBox; the library's paper matching every typed word makes it typed).
   */
  searchWith(query: string, limit: number, others?: OtherStatistics, mode?: SearchMode): Promise<SharedSearch> {
    return this.answer(JSON.stringify(['search', query, limit, others?.key, mode]), () => this.searchNow(query, limit, others, mode), this.searches, SEARCH_CACHE);
  }

  private async searchNow(query: string, limit: number, others: OtherStatistics | undefined, mode: SearchMode | undefined): Promise<SharedSearch> {
    const stats = await this.statistics(contentTerms(query).map((t) => t.stem));
    const words = query.trim().split(/\s+/).filter(Boolean).length;
    // The search box ranks papers holding some of the typed words too (below those holding all):
    // those holding any, the first MAX_TYPED_ROWS in file order (the embedded index's order among
    // equals). At 100k, 200 queries: overlap 0.793 -> 0.869 (completion 0.947 and related 0.880 unchanged).
    if (words > 4 || mode === 'context') return this.searchHits(this.indexOf(await this.contextCandidates(query, stats, 'short'), stats), query, limit, others, mode);
    // Up to 4 words, the index ranks typed fields unless no paper holds every word (SearchIndex.searchBox):
    // the context candidates (any field: a heap scan of up to MAX_CONTEXT_ROWS rows, most of the
    // request's time at 1M) only then, else papers holding the rarer typed words in typed fields.
    // At 100k, 200 queries: overlap 0.875 -> 0.838 (0.810 without the rarer words); at 1M
    // in-process, load ~7: p50 151-159 -> 103-132 ms, p95 311-347 -> 210-266 ms.
    // Schema 3: and the best papers of the typed words' lists (litlens.top), which the first rows in
    // file order of common words miss.
    const listed = (this.meta?.schema ?? 1) >= 3 ? termsOf(query, stats).filter((t) => t.df > topDf(stats.papers)) : [];
    const [all, some, rare, best] = await Promise.all([this.typedCandidates(query, '', stats), this.typedCandidates(query, '', stats, true), this.typedCandidates(query, '', stats, true, true), this.topCandidates(listed, stats, query, 'short')]);
    const context = all.length === 0 && mode !== 'typed' ? await this.contextCandidates(query, stats, 'short') : rare;
    return this.searchHits(this.indexOf([...all, ...some, ...context, ...best], stats), query, limit, others, mode);
  }

  private async searchHits(index: SearchIndex, query: string, limit: number, others: OtherStatistics | undefined, asked: SearchMode | undefined): Promise<SharedSearch> {
    const mode = asked ?? index.searchModeOf(query);
    return { hits: await this.wholeHits(index.searchBox(query, { limit, others, mode }).hits), statistics: index.ownStatistics(), mode };
  }

  // ------------------------------------------------------------ answers that never wait

  /** Answers by key: hits. */
  private readonly answers = new Map<string, unknown>();
  /** The search box's answers, with the statistics they were ranked with (searchWith). */
  private readonly searches = new Map<string, unknown>();
  private readonly pending = new Map<string, Promise<unknown>>();
  /** The last typed completion's candidates: a longer typed text narrows them without asking again. */
  private lastTyped: { typed: string; context: string; index: SearchIndex; truncated: boolean } | null = null;
  /** Called when an answer asked for with a *Now method arrives (lenses refresh, completion re-asks). */
  onAnswer: (() => void) | null = null;

  /** The answer known for this key, or the one being computed, or `compute`'s (then kept in `kept`, at most `most`). */
  private answer<T>(key: string, compute: () => Promise<T>, kept = this.answers, most = ANSWER_CACHE): Promise<T> {
    const known = kept.get(key) as T | undefined;
    if (known) return Promise.resolve(known);
    let pending = this.pending.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = compute().then((hits) => {
        if (kept.size >= most) kept.delete(kept.keys().next().value!);
        kept.set(key, hits);
        return hits;
      });
      this.pending.set(key, pending);
      const done = () => this.pending.delete(key);
      pending.then(done, done);
    }
    return pending;
  }

  /** The answer already known for this key, else undefined and `compute` starts in the background (onAnswer when it is in). */
  private now(key: string, compute: () => Promise<Hit[]>): Hit[] | undefined {
    const known = this.answers.get(key) as Hit[] | undefined;
    if (known || this.state !== 'ready') return known;
    if (!this.pending.has(key)) this.answer(key, compute).then(() => this.onAnswer?.(), () => {});
    return undefined;
  }

  /** Related papers when already known (lenses, completion with nothing typed); undefined: being fetched. */
  relatedNow(text: string, options: RelatedOptions): Hit[] | undefined {
    return this.now(relatedKey(text, options), () => this.rankRelated(text, options));
  }

  /**
   * Completion without waiting: the answer known for this text, or one ranked from the candidates
   * of a shorter typed text (every paper holding the longer prefixes is among them unless they
   * were cut at CANDIDATES); undefined while the first answer is fetched.
   */
  completionNow(typed: string, context: string, limit: number): Hit[] | undefined {
    const last = this.lastTyped;
    if (typed.trim() && last && last.context === context && !last.truncated && fold(typed).startsWith(fold(last.typed))) return last.index.completion(typed, context, { limit });
    return this.now(JSON.stringify(['completion', typed, context, limit]), async () => {
      if (!typed.trim()) return this.context(context, limit);
      const stats = await this.statistics(contentTerms(context).map((t) => t.stem));
      const candidates = await this.typedCandidates(typed, context, stats, false, false, 'whole');
      const index = this.indexOf(candidates, stats);
      this.lastTyped = { typed, context, index, truncated: candidates.length >= CANDIDATES };
      return index.completion(typed, context, { limit });
    });
  }

  // ------------------------------------------------------------ the field rule (gate.ts, docs/related.md)

  private bar: Promise<number> | null = null;
  private readonly fields = new Map<string, Promise<boolean>>();
  private readonly fieldsKnown = new Map<string, boolean>();

  /**
   * The score a document's cited titles must reach to be within this corpus's field (gate.ts
   * fieldBar over FIELD_SAMPLE of its own titles, each ranked against the rest): stored by the
   * import, else drawn here once.
   */
  fieldBar(): Promise<number> {
    if (this.meta?.fieldBar !== undefined) return Promise.resolve(this.meta.fieldBar);
    this.bar ??= this.drawFieldBar().catch((err) => {
      this.bar = null;
      throw err;
    });
    return this.bar;
  }

  /** The field bar from a sample of this corpus's titles (the importer stores it: storeFieldBar). */
  async drawFieldBar(): Promise<number> {
    const tops: number[] = [];
    for (const p of await this.sample(FIELD_SAMPLE)) tops.push((await this.related(p.title, { limit: 1, threshold: 0, exclude: new Set([p.key]) }))[0]?.score ?? 0);
    return fieldBar(tops);
  }

  /**
   * n papers with titles, chosen by a hash of their ids: the same ones for the same papers whatever
   * the table's layout (a page sample drew 0.552 and 0.571 from one 100k corpus in two layouts).
   * An index-only scan of the ids (1M: ~2 s), then n entries.
   */
  private async sample(n: number): Promise<{ key: string; title: string }[]> {
    const { rows } = await this.query<{ id: string; title: string }>(
      `SELECT id, entry->>'title' AS title FROM (SELECT id FROM litlens.papers ORDER BY md5(id) LIMIT $1) s JOIN litlens.papers USING (id)
       WHERE entry->>'title' <> '' ORDER BY md5(id) LIMIT $2`,
      [2 * n, n],
    );
    return rows.map((r) => ({ key: r.id, title: r.title }));
  }

  /**
   * Is the document within this corpus's field (gate.ts inField)? Its cited titles' top scores
   * here (a cited paper this corpus holds counts as a full match) against fieldBar(). A document
   * citing fewer than FIELD_MIN_CITES entries is not judged. Once per document and cites.
   */
  inField(document: FieldDocument): Promise<boolean> {
    const cites = document.cites ?? [];
    if (cites.length < FIELD_MIN_CITES) return Promise.resolve(true);
    const key = `${document.id}\u0001${cites.length}`;
    let known = this.fields.get(key);
    if (!known) {
      known = this.judgeField(document, cites);
      known.then(
        (inside) => this.fieldsKnown.set(key, inside),
        () => this.fields.delete(key),
      );
      if (this.fields.size >= FIELD_DOCUMENTS) {
        const oldest = this.fields.keys().next().value!;
        this.fields.delete(oldest);
        this.fieldsKnown.delete(oldest);
      }
      this.fields.set(key, known);
    }
    return known;
  }

  /** inField() when already judged; undefined while it is being judged (onAnswer when it is). */
  inFieldNow(document: FieldDocument): boolean | undefined {
    const cites = document.cites ?? [];
    if (cites.length < FIELD_MIN_CITES) return true;
    const key = `${document.id}\u0001${cites.length}`;
    if (this.fieldsKnown.has(key)) return this.fieldsKnown.get(key);
    if (this.state === 'ready' && !this.fields.has(key)) this.inField(document).then(() => this.onAnswer?.(), () => {});
    return undefined;
  }

  private async judgeField(document: FieldDocument, cites: readonly string[]): Promise<boolean> {
    const step = Math.max(1, cites.length / FIELD_SAMPLE);
    const picked = Array.from({ length: Math.min(FIELD_SAMPLE, cites.length) }, (_, i) => Math.floor(i * step));
    const keys = picked.map((i) => document.citeKeys?.[i]).filter((k): k is string => k !== undefined);
    const held = new Set(keys.length ? (await this.query<{ id: string }>('SELECT id FROM litlens.papers WHERE id = ANY($1)', [keys])).rows.map((r) => r.id) : []);
    const tops: number[] = [];
    for (const i of picked) {
      const key = document.citeKeys?.[i];
      tops.push(key !== undefined && held.has(key) ? 1 : ((await this.related(cites[i], { limit: 1, threshold: 0 }))[0]?.score ?? 0));
    }
    return inFieldOf(tops, await this.fieldBar());
  }

  /** A paper this corpus answered with lately (its whole entry). */
  get(key: string): Paper | undefined {
    return this.papers.get(key);
  }

  /** The whole entry of `key`, from the cache or the database; undefined when absent or unreachable. */
  async fullEntry(key: string): Promise<Paper | undefined> {
    const known = this.papers.get(key);
    if (known) return known;
    try {
      const { rows } = await this.query<{ id: string; entry: Paper; line: number }>('SELECT id, entry, line FROM litlens.papers WHERE id = $1', [key]);
      return rows[0] ? this.paperOf(rows[0].id, rows[0].entry, rows[0].line) : undefined;
    } catch (err) {
      if (err instanceof SharedUnavailable) return undefined;
      throw err;
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.pool?.end().catch(() => {});
    this.pool = null;
  }
}

/**
 * The candidates as the index sees an embedded corpus's papers: a list that is not an array, so
 * related() orders them by the index's own impact scores as it does an embedded corpus (a
 * library's papers, held whole, are rescored with plain BM25F: search/index.ts plainScorer).
 */
class CandidateList implements PaperList {
  constructor(private readonly papers: readonly Paper[]) {}
  get length(): number {
    return this.papers.length;
  }
  at(index: number): Paper | undefined {
    return this.papers[index];
  }
  slice(start?: number, end?: number): CandidateList {
    return new CandidateList(this.papers.slice(start, end));
  }
}

/**
 * What a candidate query returns of each entry: 'whole'; 'short', without the abstract (the typed
 * ranking reads titles, authors, keys); 'none', the key alone (context and related rankings read
 * only the stored impacts: no entry is read from TOAST for them).
 */
type Entry = 'whole' | 'short' | 'none';

/** The entry column of a candidate query (its papers joined as `p`). */
function entryColumn(entry: Entry): string {
  return entry === 'whole' ? 'p.entry' : entry === 'short' ? "p.entry - 'abstract' AS entry" : 'NULL AS entry';
}

/** A paper PostgreSQL found, with its stored context terms (the tsvector's lexemes and their impacts). */
interface Candidate {
  paper: Paper;
  stored: StoredTerms;
}

/**
 * SQL: the lexemes of the tsvector `tsv` among the stems $3, as a tsvector (its text: `'stem':impact`
 * and the label). ts_delete twice (what is not a stem, from the vector) runs in C: unnesting every
 * lexeme to compare it took 46 µs a row, this 17.5 (100k papers, 4,000 rows, load ~6).
 */
const STORED = (tsv: string) => `ts_delete(${tsv}, tsvector_to_array(ts_delete(${tsv}, $3::text[])))::text`;

/** A stored tsvector's text (`'stem':impact[label] …`, quotes and backslashes doubled) as terms and impacts. */
export function storedTerms(vector: string): StoredTerms {
  const terms: string[] = [];
  const impacts: number[] = [];
  for (const m of vector.matchAll(/'((?:[^'\\]|''|\\.)*)':(\d+)/g)) {
    terms.push(m[1].replace(/''/g, "'").replace(/\\(.)/g, '$1'));
    impacts.push(Number(m[2]));
  }
  return { terms, impacts };
}

/** What a related answer is kept under. */
function relatedKey(text: string, options: RelatedOptions): string {
  return JSON.stringify(['related', text, options.limit, options.threshold, options.relative, options.exclude ? [...options.exclude].sort() : []]);
}

/** The text's terms as ordering weights: idf times each one's ts_rank (field weights), BM25F without term frequencies; one ts_rank per idf class. */
function weightsOf(text: string, stats: CollectionStatistics): { q: string; w: number }[] {
  const n = Math.max(1, stats.papers);
  const each = termsOf(text, stats)
    .slice(0, ORDER_TERMS)
    .map((t) => ({ q: quote(t.s), w: Math.log(1 + n / (t.df + 0.5)) }));
  // ts_rank of an OR query is its terms' ranks summed over their count: the terms of one idf class
  // (rounded to IDF_CLASS) go in one call, its weight the class times their number.
  const classes = new Map<number, string[]>();
  for (const t of each) {
    const w = Math.max(IDF_CLASS, Math.round(t.w / IDF_CLASS) * IDF_CLASS);
    classes.set(w, [...(classes.get(w) ?? []), t.q]);
  }
  return [...classes].map(([w, qs]) => ({ q: qs.join(' | '), w: w * qs.length }));
}

/** The text's known stems with their document frequencies, rarest first. */
function termsOf(text: string, stats: CollectionStatistics): { s: string; df: number }[] {
  return [...new Set(contentTerms(text).map((t) => t.stem))]
    .map((s) => ({ s, df: stats.term(s)?.df ?? 0 }))
    .filter((t) => t.df > 0)
    .sort((a, b) => a.df - b.df);
}

/** The typed column's most common lexemes with their shares of papers (none before ANALYZE, or without access). */
async function readTypedCommon(db: pg.Pool): Promise<[string, number][]> {
  try {
    const { rows } = await db.query<{ e: string; f: number }>(
      `SELECT e, f FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) AS u(e, f)
       WHERE schemaname = 'litlens' AND tablename = 'papers' AND attname = 'typed' AND e IS NOT NULL`,
    );
    return rows.map((r) => [r.e, Number(r.f)]);
  } catch {
    return [];
  }
}

/** `words` rarest first while their document frequencies sum to at most `budget` (the rarest always). */
function rarestWithin(words: readonly string[], df: (word: string) => number, budget: number): string[] {
  const sorted = [...words].sort((a, b) => df(a) - df(b));
  let sum = 0;
  return sorted.filter((w, i) => (sum += df(w)) <= budget || i === 0);
}

/** A tsquery operand: LitLens' folded words and stems, quoted. */
function quote(term: string): string {
  return `'${fold(term).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
