// One source's part of the search index: two inverted lists over its papers.
//   ctx — stemmed content words of title, abstract, venue, author surnames and the key split into
//         words, BM25F impacts (context queries)
//   typ — folded words of key, title, authors and year, unstemmed, field weights (typed queries)
// A segment knows nothing of other sources; SearchIndex combines segments with global statistics.
import { createHash, type Hash } from 'node:crypto';
import { keyAt, type Paper, type PaperList } from '../library/paper';
import { MAX_DOCS_16, Postings, PostingsBuilder, type Vocabulary } from './postings';
import { CONTEXT_FIELDS, K1, TITLE_SHARE } from './scoring';
import { STEM_CACHE, STOPWORDS, fold, indexWords, stem, tokenize } from './text';

export { CONTEXT_FIELDS, K1, TITLE_SHARE } from './scoring';

/** Weights of typed-query fields (a match in the key counts most). */
export const TYPED_FIELDS = { keyWhole: 4, keyPart: 2, title: 2, author: 2.5, given: 1, year: 2 } as const;
const TYPED_MAX = 8; // impacts are divided by this before quantising

export interface Segment {
  /** Content hash of the source the segment was built from. */
  hash: string;
  /** The papers, by document number: an array, or a view of a packed store (library/store.ts). */
  papers: PaperList;
  /** Packed when loaded (only looked up); strings when built here. */
  ctx: Postings<Vocabulary>;
  typ: Postings;
  /** Average field lengths used for the impacts (kept for information). */
  avg: { title: number; abstract: number };
  /** Already on disk (loaded from or written to a saved index). */
  saved?: boolean;
}

/** A list's papers as an array: only complete papers (not a store's compact ones) are indexed from a list. */
export function completePapers(papers: PaperList): readonly Paper[] {
  if (Array.isArray(papers)) return papers as readonly Paper[];
  throw new Error('a paper store is indexed where it is read (search/corpus.ts), then given with setEncodedSource');
}

/** Text of a paper's fields as indexed. Titles may still carry LaTeX from some sources. */
export function familyNames(p: Pick<IndexedPaper, 'authors'>): string[] {
  return p.authors.map((a) => (a.includes(',') ? a.slice(0, a.indexOf(',')) : a.split(/\s+/).at(-1) ?? a));
}
function givenNames(p: IndexedPaper): string[] {
  return p.authors.map((a) => (a.includes(',') ? a.slice(a.indexOf(',') + 1) : a.split(/\s+/).slice(0, -1).join(' ')));
}

/** Folded word -> stem, null for stopwords; shared by every build (bounded). */
const stemOfWord = new Map<string, string | null>();

function stemOrNull(word: string): string | null {
  let s = stemOfWord.get(word);
  if (s === undefined) {
    s = STOPWORDS.has(word) ? null : stem(word);
    if (stemOfWord.size > STEM_CACHE) stemOfWord.clear();
    stemOfWord.set(word, s);
  }
  return s;
}

function contentStems(text: string | undefined): string[] {
  const out: string[] = [];
  if (text) {
    indexWords(text, (w) => {
      const s = stemOrNull(w);
      if (s !== null) out.push(s);
    });
  }
  return out;
}

/** Average title/abstract lengths, estimated on an even sample (exact for small sources). */
export function averageLengths(papers: readonly IndexedPaper[]): { title: number; abstract: number } {
  const step = Math.max(1, Math.floor(papers.length / AVERAGE_SAMPLE));
  let n = 0;
  let title = 0;
  let abstract = 0;
  for (let i = 0; i < papers.length; i += step) {
    title += contentStems(papers[i].title).length;
    abstract += contentStems(papers[i].abstract).length;
    n++;
  }
  return { title: Math.max(1, title / Math.max(1, n)), abstract: Math.max(1, abstract / Math.max(1, n)) };
}

/**
 * Per-document term accumulator over term numbers (no per-document maps). Sized small and grown:
 * a shared corpus builds one for every request's few hundred candidates (with the two
 * PostingsBuilders, 1.7 MB of zeroed arrays a request when sized for a whole corpus).
 */
class DocTerms {
  tf = new Float64Array(1 << 10);
  title = new Float64Array(1 << 10);
  ids = new Uint32Array(1 << 8);
  weights = new Float64Array(1 << 8);
  count = 0;
  add(id: number, w: number, inTitle: number): void {
    if (id >= this.tf.length) {
      const size = Math.max(id + 1, this.tf.length * 2);
      const tf = new Float64Array(size);
      tf.set(this.tf);
      this.tf = tf;
      const title = new Float64Array(size);
      title.set(this.title);
      this.title = title;
    }
    if (this.tf[id] === 0) {
      if (this.count === this.ids.length) {
        const ids = new Uint32Array(this.ids.length * 2);
        ids.set(this.ids);
        this.ids = ids;
        this.weights = new Float64Array(this.ids.length);
      }
      this.ids[this.count++] = id;
    }
    this.tf[id] += w;
    this.title[id] += inTitle;
  }
  /** Turns the accumulated pseudo-frequencies into impacts and resets for the next document. */
  flush(into: PostingsBuilder): void {
    for (let i = 0; i < this.count; i++) {
      const id = this.ids[i];
      const f = this.tf[id];
      const t = this.title[id];
      this.weights[i] = (1 - TITLE_SHARE) * (f / (K1 + f)) + TITLE_SHARE * Math.min(1, (t / (K1 + t)) * (1 + K1));
      this.tf[id] = 0;
      this.title[id] = 0;
    }
    into.addDocIds(this.ids, this.weights, this.count);
    this.count = 0;
  }
}

export function buildSegment(papers: readonly Paper[], hash = hashPapers(papers)): Segment {
  const builder = segmentBuilder(averageLengths(papers));
  for (const p of papers) builder.add(p);
  return builder.finish(hash, papers);
}

/**
 * A paper's context terms with their impacts (1..255) as this builder computed them once (a shared
 * corpus stores them in PostgreSQL): given to add(), they are taken as they are, not read again.
 */
export interface StoredTerms {
  terms: readonly string[];
  impacts: ArrayLike<number>;
}

/** The fields of a paper the index reads (all a worker or a streamed source gives it). */
export type IndexedPaper = Pick<Paper, 'key' | 'title' | 'abstract' | 'authors' | 'year' | 'venue'>;

/**
 * buildSegment one paper at a time, for sources read as a stream: only the postings are held,
 * never the papers. `avg`: the field lengths impacts are normalised by (buildSegment estimates
 * them on an even sample of the papers; a stream, on its first AVERAGE_SAMPLE papers).
 */
export function segmentBuilder(avg: { title: number; abstract: number }): { add(p: IndexedPaper, stored?: StoredTerms): void; finish(hash: string, papers: PaperList): Segment } {
  const ctx = new PostingsBuilder();
  const typ = new PostingsBuilder();
  const doc = new DocTerms();
  const tw = new Map<string, number>();
  const ids: number[] = [];
  // Folded word -> ctx term number (-1: stopword): one map lookup per word of the source.
  const wordId = new Map<string, number>();
  // One field into the document's BM25F pseudo-frequencies; `titleNorm` > 0 for the title.
  const addField = (text: string | undefined, weight: number, b: number, avgLen: number, titleNorm: boolean) => {
    ids.length = 0;
    if (text) {
      indexWords(text, (w) => {
        let id = wordId.get(w);
        if (id === undefined) {
          const s = stemOrNull(w);
          id = s === null ? -1 : ctx.id(s);
          wordId.set(w, id);
        }
        if (id >= 0) ids.push(id);
      });
    }
    if (ids.length === 0) return;
    const lengthNorm = 1 - b + (b * ids.length) / avgLen;
    const norm = weight / lengthNorm;
    const t = titleNorm ? 1 / lengthNorm : 0;
    for (const id of ids) doc.add(id, norm, t);
  };
  const addTyped = (term: string, w: number) => {
    if (term) tw.set(term, Math.max(tw.get(term) ?? 0, w));
  };
  const add = (p: IndexedPaper, stored?: StoredTerms) => {
    if (stored) {
      const n = stored.terms.length;
      const termIds = new Uint32Array(n);
      const weights = new Float64Array(n);
      for (let i = 0; i < n; i++) ((termIds[i] = ctx.id(stored.terms[i])), (weights[i] = stored.impacts[i] / 255));
      ctx.addDocIds(termIds, weights, n);
    } else {
      addField(p.title, CONTEXT_FIELDS.title.weight, CONTEXT_FIELDS.title.b, avg.title, true);
      addField(p.abstract, CONTEXT_FIELDS.abstract.weight, CONTEXT_FIELDS.abstract.b, avg.abstract, false);
      addField(familyNames(p).join(' '), CONTEXT_FIELDS.authors.weight, 0, 1, false);
      addField(p.venue, CONTEXT_FIELDS.venue.weight, 0, 1, false);
      // Keys name tools and authors ("pedregosa2011scikit", "vanderWalt2011"): split at digits and case.
      addField(keyWords(p.key), CONTEXT_FIELDS.key.weight, 0, 1, false);
      doc.flush(ctx);
    }

    tw.clear();
    const titleTokens: string[] = [];
    indexWords(p.title, (w) => titleTokens.push(w));
    // Shorter titles are more specific: a match in a 5-word title beats one in a 20-word title.
    const titleW = TYPED_FIELDS.title * Math.min(1, 1.6 / Math.sqrt(Math.max(1, titleTokens.length) / 4));
    for (const t of titleTokens) addTyped(t, titleW);
    for (const name of familyNames(p)) indexWords(name, (t) => addTyped(t, TYPED_FIELDS.author));
    for (const name of givenNames(p)) indexWords(name, (t) => addTyped(t, TYPED_FIELDS.given));
    if (p.year !== undefined) addTyped(String(p.year), TYPED_FIELDS.year);
    for (const t of keyParts(p.key)) addTyped(t, TYPED_FIELDS.keyPart);
    addTyped(fold(p.key), TYPED_FIELDS.keyWhole);
    for (const [t, w] of tw) tw.set(t, Math.min(1, w / TYPED_MAX));
    typ.addDoc(tw);
  };
  return { add, finish: (hash, papers) => ({ hash, papers, ctx: ctx.finish(), typ: typ.finish(), avg }) };
}

/** How many papers a stream's average field lengths are estimated on (averageLengths' sample size). */
export const AVERAGE_SAMPLE = 2000;

/** "smith2021deep" -> smith, 2021, deep; "mastering-atari-go" -> mastering, atari, go. */
export function keyParts(key: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(fold(key).replace(/(\d+)/g, ' $1 '), true)) out.push(t.term);
  return out;
}

/** A key as words for the context field: "pedregosa2011scikit" -> "pedregosa 2011 scikit", "vanderWalt" -> "vander Walt". */
export function keyWords(key: string): string {
  return key
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2')
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
}

/**
 * Content hash of a source from the fields the index reads. Callers that know a cheaper hash
 * (of the file's bytes) pass it instead.
 */
export function hashPapers(papers: readonly Paper[]): string {
  const h = createHash('sha1');
  for (const p of papers) hashPaper(h, p);
  return h.digest('hex');
}

/** One paper's part of hashPapers (for sources hashed as they stream). */
export function hashPaper(h: Hash, p: Paper): void {
  h.update(`${p.key}\u0000${p.title}\u0000${p.abstract ?? ''}\u0000${p.authors.join('\u0001')}\u0000${p.year ?? ''}\u0000${p.venue ?? ''}\u0002`);
}

/** Hash of the keys in order: a saved segment must describe exactly these papers. */
export function hashKeys(papers: PaperList): string {
  const h = createHash('sha1');
  // A store view hashes the bytes of its keys as they are packed: the same digest, no strings made.
  if (papers.keyIndex && papers.keyIndexStart !== undefined) return h.update(papers.keyIndex.keyBytes(papers.keyIndexStart, papers.keyIndexStart + papers.length)).digest('hex').slice(0, 16);
  const chunk: string[] = [];
  for (let i = 0; i < papers.length; i++) {
    chunk.push(keyAt(papers, i));
    if (chunk.length === 4096) h.update(chunk.splice(0).join('\u0000') + '\u0000');
  }
  h.update(chunk.join('\u0000') + (chunk.length ? '\u0000' : ''));
  return h.digest('hex').slice(0, 16);
}

/** Content-defined chunking: a source of more than `min` papers is split into segments. */
export const DEFAULT_CHUNK_PAPERS = 2048;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The chunking rule, one paper at a time (for sources read as a stream): does a chunk that has
 * reached `length` papers with this paper, whose key is `key`, end after it?
 */
export function chunkEnder(min = DEFAULT_CHUNK_PAPERS): (length: number, key: string) => boolean {
  let mask = 1;
  while (mask < min / 3) mask <<= 1;
  mask -= 1;
  // A chunk ends at 3 x min papers, and at 65,536 when min allows it, so its document numbers fit 16 bits.
  const max = Math.max(min, Math.min(3 * min, MAX_DOCS_16));
  return (length, key) => (length >= min && (fnv1a(key) & mask) === 0) || length >= max;
}

/**
 * End index of each chunk of `papers`. Once a chunk has `min` papers it ends after the next
 * paper whose key hash has its low bits zero (about min/3 papers later), or at 3 x min papers
 * (65,536 when that is at least min);
 * so boundaries depend on the keys around them, not on positions: inserting or editing one entry
 * changes one chunk, not every chunk after it.
 */
export function chunkBounds(papers: PaperList, min = DEFAULT_CHUNK_PAPERS): number[] {
  const ends: number[] = [];
  const endsAfter = chunkEnder(min);
  let start = 0;
  for (let i = 0; i < papers.length; i++) {
    if (endsAfter(i + 1 - start, keyAt(papers, i))) {
      ends.push(i + 1);
      start = i + 1;
    }
  }
  if (start < papers.length || ends.length === 0) ends.push(papers.length);
  // A short tail joins the chunk before it.
  if (ends.length > 1 && ends[ends.length - 1] - ends[ends.length - 2] < min / 4) ends.splice(ends.length - 2, 1);
  return ends;
}
