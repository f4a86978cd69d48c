// The index that stores and iterates: the library's segments (segment.ts) in one document
// numbering, which documents are shadowed or hidden, the scope of a query, global statistics
// (idf), and the buffers the rankings (context.ts, typed.ts, related.ts) accumulate into.
//
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
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Paper, PaperList } from '../library/paper';
import { DEFAULT_CHUNK_PAPERS, Segment, buildSegment, chunkBounds, completePapers, hashPapers } from './segment';
import { docFreq, findTerm, type Postings, type Vocabulary } from './postings';
import { shadowedDocs } from './shadow';
import { FORMAT_VERSION, SourceManifest, decodeSegment, encodeSegment, readManifest, readSegment, writeSegments } from './persist';
import { isCorpus, type CollectionStatistics, type EncodedSource, type OtherStatistics, type IndexSource, type LoadReport, type Part } from './types';

/** The keys of a segment's papers held as objects (Segments.holds), made once per segment. */
const heldKeys = new WeakMap<object, Set<string>>();

export class Segments {
  parts: Part[] = [];
  total = 0;
  /** 1 for a document shadowed by an earlier source with the same key (or a repeat within one). */
  dead = new Uint8Array(0);
  hidden = new Set<string>();
  // Per-document buffers the rankings accumulate into, cleared after each query (one per document).
  acc = new Float32Array(0);
  final = new Float32Array(0);
  tokAcc = new Float32Array(0);
  cover = new Uint8Array(0);
  termHits = new Uint8Array(0);
  /** Set for the duration of a query `within` some sources: 1 for each part searched. */
  scope: Uint8Array | null = null;
  scopeTotal = 0;
  touched = new Uint32Array(0);
  tokTouched = new Uint32Array(0);
  /** Context and related queries use these instead of the index's own (setStatistics). */
  statistics: CollectionStatistics | null = null;
  /** Set for the duration of a query ranked with other sources' statistics too (withOthers). */
  others: OtherStatistics | null = null;
  /** Changes whenever the papers, their layout or the statistics change: what is kept across queries is of one generation. */
  generation = 0;
  /** Tells this index from others (ownStatistics' key). */
  private readonly instance = ++madeIndexes;

  /** Sources of more papers are split into chunks (IndexOptions.chunkPapers). */
  readonly chunkPapers: number;

  constructor(chunkPapers = DEFAULT_CHUNK_PAPERS) {
    this.chunkPapers = Math.max(64, chunkPapers);
  }

  /** Adds sources after those held; earlier sources win duplicate keys. */
  addSources(sources: readonly IndexSource[]): void {
    for (const s of sources) {
      const hash = s.hash ?? hashPapers(completePapers(s.papers));
      const built = this.chunked(s, hash, null);
      this.parts.push(...built);
    }
    this.relayout();
  }

  /**
   * Adds the segments saved in `dir` for these sources; a source (or a chunk of a large source)
   * whose saved segment is missing, stale (other hash or format version) or corrupt is indexed
   * now. Never throws for a bad file.
   */
  async addSaved(dir: string, sources: readonly IndexSource[]): Promise<LoadReport> {
    const report: LoadReport = { loaded: [], built: [] };
    for (const s of sources) {
      const hash = s.hash ?? hashPapers(completePapers(s.papers));
      const manifest = await readManifest(dir, hash);
      const sizes = manifest?.chunks.map((c) => c.papers);
      const fits = sizes !== undefined && sizes.reduce((a, b) => a + b, 0) === s.papers.length;
      const chunks = fits ? manifest!.chunks : this.chunksOf(s.papers, hash);
      const reasons: string[] = [];
      let start = 0;
      for (const [i, c] of chunks.entries()) {
        const slice = chunks.length === 1 ? s.papers : s.papers.slice(start, start + c.papers);
        start += c.papers;
        const read = await readSegment(dir, c.hash, slice);
        if (!read.segment) reasons.push(chunks.length === 1 ? read.reason : `chunk ${i + 1}/${chunks.length}: ${read.reason}`);
        const seg = read.segment ?? buildSegment(completePapers(slice), c.hash);
        this.parts.push({ id: s.id, sourceHash: hash, corpus: isCorpus(s), seg, base: 0 });
      }
      if (reasons.length === 0) report.loaded.push(s.id);
      else report.built.push({ id: s.id, reason: reasons.join('; ') });
    }
    this.relayout();
    return report;
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
    const slices = chunkSlices(source, encoded);
    const parts = slices.map(({ chunk: c, papers: slice }, i): Part => {
      const old = reuse.get(c.hash);
      const ahead = encoded.decoded?.[i];
      const seg = old && old.papers.length === slice.length ? old : ahead && ahead.hash === c.hash ? ahead : decodeChunk(c, slice, encoded.verified);
      if (typeof seg === 'string') throw new Error(`${source.id}: ${seg}`);
      seg.papers = slice;
      return { id: source.id, sourceHash: encoded.hash, corpus: isCorpus(source), seg, base: 0 };
    });
    const at = this.parts.findIndex((p) => p.id === source.id);
    this.parts = this.parts.filter((p) => p.id !== source.id);
    this.parts.splice(at >= 0 ? at : this.parts.length, 0, ...parts);
    this.relayout();
  }

  /** How a source splits into chunks, with each chunk's content hash (the source's when one). */
  chunksOf(papers: PaperList, hash: string): { hash: string; papers: number }[] {
    const ends = chunkBounds(papers, this.chunkPapers);
    if (ends.length === 1) return [{ hash, papers: papers.length }];
    return ends.map((end, i) => {
      const start = i === 0 ? 0 : ends[i - 1];
      return { hash: hashPapers(completePapers(papers.slice(start, end))), papers: end - start };
    });
  }

  /** The parts of a source, reusing segments of the same content from `reuse`. */
  chunked(s: IndexSource, hash: string, reuse: Map<string, Segment> | null): Part[] {
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
  get sources(): { id: string; hash: string; papers: number; chunks: number; corpus: boolean }[] {
    const out: { id: string; hash: string; papers: number; chunks: number; corpus: boolean }[] = [];
    for (const p of this.parts) {
      const last = out[out.length - 1];
      if (last && last.id === p.id) {
        last.papers += p.seg.papers.length;
        last.chunks++;
      } else out.push({ id: p.id, hash: p.sourceHash, papers: p.seg.papers.length, chunks: 1, corpus: p.corpus });
    }
    return out;
  }

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

  /** The papers of these sources, in source order, without those another source's copy stands for (as rankings leave them out). */
  papersOf(ids: ReadonlySet<string>): Paper[] {
    const out: Paper[] = [];
    for (const p of this.parts) {
      if (!ids.has(p.id)) continue;
      for (let i = 0; i < p.seg.papers.length; i++) if (!this.dead[p.base + i]) out.push(p.seg.papers.at(i)!);
    }
    return out;
  }

  /** Up to `n` of a source's papers (key and title), spread evenly over it: the field rule's sample (gate.ts inField). */
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

  hideStandIns(): void {
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
    this.generation++;
  }

  /** Number of distinct papers searchable. */
  get size(): number {
    let n = 0;
    for (let i = 0; i < this.total; i++) if (!this.dead[i]) n++;
    return n;
  }

  relayout(): void {
    // Workspace sources before the corpus (stable otherwise): the first holder of a key wins.
    // Chunks of one source stay together and in order.
    this.parts = [...this.parts.filter((p) => !p.corpus), ...this.parts.filter((p) => p.corpus)];
    let base = 0;
    for (const p of this.parts) {
      p.base = base;
      base += p.seg.papers.length;
    }
    this.total = base;
    this.generation++;
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

  paper(doc: number): Paper {
    const part = this.partOf(doc);
    return part.seg.papers.at(doc - part.base)!;
  }

  partOf(doc: number): Part {
    return this.parts[this.partIndexOf(doc)];
  }

  /** Index in `parts` of the part holding global document `doc`. */
  partIndexOf(doc: number): number {
    const parts = this.parts;
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (parts[mid].base <= doc) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Never zero: in an ML library "model" is everywhere, yet a title holding it is still a better match. */
  idf(df: number): number {
    return Math.log(1 + ((this.scope ? this.scopeTotal : (this.statistics?.papers ?? this.total)) + (this.others?.papers ?? 0)) / (df + 0.5));
  }

  /** Runs `query` ranked with `others`' papers and document frequencies added to this index's own (OtherStatistics). */
  withOthers<T>(others: OtherStatistics | undefined, query: () => T): T {
    if (!others) return query();
    this.others = others;
    try {
      return query();
    } finally {
      this.others = null;
    }
  }

  /** This index's own statistics, for the sources it is merged with to rank with (Ranker.search). */
  ownStatistics(): OtherStatistics {
    const parts = this.parts;
    const statistics = this.statistics;
    const sum = (postings: (p: Part) => Postings<Vocabulary>, term: string) =>
      parts.reduce((n, p) => {
        const t = findTerm(postings(p), term);
        return t < 0 ? n : n + docFreq(postings(p), t);
      }, 0);
    return {
      key: `${this.instance}:${this.generation}`,
      papers: statistics?.papers ?? this.total,
      df: (stem) => (statistics ? (statistics.term(stem)?.df ?? 0) : sum((p) => p.seg.ctx, stem)),
      typedDf: (word) => sum((p) => p.seg.typ, word),
    };
  }

  /** Runs `query` over the parts of the `within` sources only (all parts when absent). */
  scoped<T>(within: ReadonlySet<string> | undefined, query: () => T): T {
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
  searched(i: number): boolean {
    return !this.scope || this.scope[i] === 1;
  }

  /** Top `limit` documents among the touched ones, best first (ties: earlier document first). */
  top(scores: Float32Array, touched: Uint32Array, n: number, limit: number): number[] {
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
}

/** Indexes made so far (Segments.instance). */
let madeIndexes = 0;

type EncodedChunk = EncodedSource['chunks'][number];

/** Each chunk of `encoded` with its papers of `source`. Throws when the chunks do not add up to the source. */
function chunkSlices(source: IndexSource, encoded: EncodedSource): { chunk: EncodedChunk; papers: PaperList }[] {
  let start = 0;
  const out = encoded.chunks.map((chunk) => {
    const papers = encoded.chunks.length === 1 ? source.papers : source.papers.slice(start, start + chunk.papers);
    start += chunk.papers;
    return { chunk, papers };
  });
  if (start !== source.papers.length) throw new Error(`${source.id}: segments for ${start} papers, the source has ${source.papers.length}`);
  return out;
}

const decodeChunk = (c: EncodedChunk, papers: PaperList, verified?: boolean): Segment | string => decodeSegment(Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength), c.hash, papers, verified);

/**
 * Decodes the chunks of `encoded` ahead of setEncodedSource, one per turn of the event loop
 * (requests waiting are answered in between), into `encoded.decoded`. A corpus of a million
 * papers has 16 chunks; decoding them all at once held the server's thread ~1 s. A chunk that
 * does not decode is left to setEncodedSource, which says why.
 */
export async function decodeInTurns(source: IndexSource, encoded: EncodedSource): Promise<void> {
  const decoded: Segment[] = [];
  for (const [i, { chunk, papers }] of chunkSlices(source, encoded).entries()) {
    const ahead = encoded.decoded?.[i];
    if (ahead?.hash === chunk.hash) {
      decoded.push(ahead); // decoded as it arrived from the worker (worker.ts openCorpusInWorker)
      continue;
    }
    await nextTurn();
    const seg = decodeChunk(chunk, papers, encoded.verified);
    if (typeof seg === 'string') break;
    decoded.push(seg);
  }
  encoded.decoded = decoded;
}
