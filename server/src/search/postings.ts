// Compact inverted lists: a sorted vocabulary and, per term, the documents holding it with a
// one-byte impact (how strongly the term belongs to the document, 1..255). Typed arrays only,
// so a segment is a handful of buffers that save and load without per-posting work.

/**
 * A sorted vocabulary kept as the UTF-8 bytes it was saved in, without a string per term: a
 * loaded segment's context vocabulary, which is only ever looked up (findTerm). At a million
 * papers the vocabularies of all chunks are ~4.8M terms; as strings they were a quarter of the
 * server's memory.
 */
export class PackedTerms {
  constructor(
    /** The terms, "\n"-joined (the saved section as it is). */
    readonly bytes: Uint8Array,
    /** Byte offset of each term; starts[length] is bytes.length + 1 (as if a "\n" ended the last). */
    readonly starts: Uint32Array,
  ) {}

  get length(): number {
    return this.starts.length - 1;
  }

  at(i: number): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength).toString('utf8', this.starts[i], this.starts[i + 1] - 1);
  }

  /** Negative, zero or positive as term i sorts before, as or after `s` (UTF-16 code unit order, as strings sort). */
  compare(i: number, s: string): number {
    const bytes = this.bytes;
    let j = this.starts[i];
    const end = this.starts[i + 1] - 1;
    let k = 0;
    for (; j < end && k < s.length; j++, k++) {
      const b = bytes[j];
      const c = s.charCodeAt(k);
      // Past ASCII, UTF-8 byte order and UTF-16 order can differ: compare the strings.
      if (b >= 0x80 || c >= 0x80) {
        const t = this.at(i);
        return t < s ? -1 : t > s ? 1 : 0;
      }
      if (b !== c) return b - c;
    }
    return j < end ? 1 : k < s.length ? -1 : 0;
  }
}

/** A sorted vocabulary: strings, or packed bytes (a loaded segment's context terms). */
export type Vocabulary = readonly string[] | PackedTerms;

export interface Postings<V extends Vocabulary = string[]> {
  /** Sorted (UTF-16 code unit order), unique. */
  terms: V;
  /** offsets[t]..offsets[t+1] is term t's slice of docs/impacts; length terms.length + 1. */
  offsets: Uint32Array;
  /**
   * Document numbers (local to the segment), increasing within a term: 16-bit when the segment
   * has at most 65,536 documents (every chunk of a chunked source), which halves the largest array.
   */
  docs: Uint32Array | Uint16Array;
  impacts: Uint8Array;
  /** Largest impact of each term, for upper bounds. */
  maxImpact: Uint8Array;
}

/** Segments of at most this many documents store document numbers in 16 bits. */
export const MAX_DOCS_16 = 65_536;

/** Index of `term` in the sorted vocabulary, or -1. */
export function findTerm(p: Postings<Vocabulary>, term: string): number {
  const terms = p.terms;
  if (terms instanceof PackedTerms) {
    let lo = 0;
    let hi = terms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = terms.compare(mid, term);
      if (c < 0) lo = mid + 1;
      else if (c > 0) hi = mid - 1;
      else return mid;
    }
    return -1;
  }
  let lo = 0;
  let hi = terms.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = terms[mid];
    if (t < term) lo = mid + 1;
    else if (t > term) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** First index whose term is >= `term`. */
export function lowerBound(terms: readonly string[], term: string, lo = 0): number {
  let hi = terms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (terms[mid] < term) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** [first, end) range of terms starting with `prefix`. */
export function prefixRange(terms: readonly string[], prefix: string): [number, number] {
  const first = lowerBound(terms, prefix);
  const end = lowerBound(terms, prefix + '\uffff', first);
  return [first, end];
}

export function docFreq(p: Postings<Vocabulary>, t: number): number {
  return p.offsets[t + 1] - p.offsets[t];
}

/** Impact of term `t` in document `doc`, 0 when absent (binary search in the term's list). */
export function impactOf(p: Postings<Vocabulary>, t: number, doc: number): number {
  let lo = p.offsets[t];
  let hi = p.offsets[t + 1] - 1;
  const docs = p.docs;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const d = docs[mid];
    if (d < doc) lo = mid + 1;
    else if (d > doc) hi = mid - 1;
    else return p.impacts[mid];
  }
  return 0;
}

/** Growable typed arrays for building. */
class Grow<T extends Uint32Array | Uint8Array> {
  length = 0;
  constructor(public data: T, private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Collects (term, impact) pairs document by document, in document order. */
export class PostingsBuilder {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  // Small at first, grown by doubling (a shared corpus's request builds postings of a few hundred papers).
  private readonly termOf = new Grow(new Uint32Array(1 << 12), (n) => new Uint32Array(n));
  private readonly impactOf = new Grow(new Uint8Array(1 << 12), (n) => new Uint8Array(n));
  private readonly docStart: number[] = [];

  /** Number of `term`, created on first use. */
  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(term, id);
      this.names.push(term);
    }
    return id;
  }

  /** Adds the next document as term numbers (from `id`) and impacts 0..1. */
  addDocIds(ids: ArrayLike<number>, weights: ArrayLike<number>, count: number): void {
    this.docStart.push(this.termOf.length);
    for (let i = 0; i < count; i++) {
      this.termOf.push(ids[i]);
      this.impactOf.push(Math.max(1, Math.min(255, Math.round(weights[i] * 255))));
    }
  }

  /** Adds the next document; impacts are 0..1 and stored quantised (at least 1). */
  addDoc(terms: Map<string, number>): void {
    this.docStart.push(this.termOf.length);
    for (const [term, w] of terms) {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = this.names.length;
        this.ids.set(term, id);
        this.names.push(term);
      }
      this.termOf.push(id);
      this.impactOf.push(Math.max(1, Math.min(255, Math.round(w * 255))));
    }
  }

  finish(): Postings {
    const nTerms = this.names.length;
    const order = Array.from({ length: nTerms }, (_, i) => i).sort((a, b) => (this.names[a] < this.names[b] ? -1 : 1));
    const rank = new Uint32Array(nTerms);
    for (let i = 0; i < nTerms; i++) rank[order[i]] = i;
    const total = this.termOf.length;
    const termOf = this.termOf.data;
    const counts = new Uint32Array(nTerms + 1);
    for (let i = 0; i < total; i++) counts[rank[termOf[i]] + 1]++;
    for (let t = 0; t < nTerms; t++) counts[t + 1] += counts[t];
    const offsets = counts.slice();
    const fill = counts.slice(0, nTerms);
    const docs = this.docStart.length <= MAX_DOCS_16 ? new Uint16Array(total) : new Uint32Array(total);
    const impacts = new Uint8Array(total);
    const maxImpact = new Uint8Array(nTerms);
    const src = this.impactOf.data;
    const starts = this.docStart;
    for (let d = 0; d < starts.length; d++) {
      const end = d + 1 < starts.length ? starts[d + 1] : total;
      for (let i = starts[d]; i < end; i++) {
        const t = rank[termOf[i]];
        const at = fill[t]++;
        docs[at] = d;
        impacts[at] = src[i];
        if (src[i] > maxImpact[t]) maxImpact[t] = src[i];
      }
    }
    return { terms: order.map((i) => this.names[i]), offsets, docs, impacts, maxImpact };
  }
}
