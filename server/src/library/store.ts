// Papers off the heap. For a source of a million papers, what the keystroke path needs of each
// (key, title, the first authors, year) is packed into one UTF-8 buffer with typed-array
// bounds, beside the byte offset and length of its record in the source file; abstracts and full
// entries are read from the file on demand, through a small cache. The store is a handful of
// buffers: it saves, loads and moves between threads without per-paper work, and costs the V8
// heap nothing (at 1M papers ~160 MB of buffers instead of ~1.3 GB of Paper objects).
//
//   const builder = new PaperStoreBuilder(file, 'arxiv');
//   builder.add(paper, offset, length);                 // in file order; a repeated key is refused
//   const store = builder.finish();
//   store.get('arXiv:2101.00001')                       // compact Paper: key, title, authors, year
//   await store.fullEntry('arXiv:2101.00001')           // the whole record, read from the file
//   encodeStore(store, meta) / decodeStore(bytes, file) // the saved form (one Buffer)
//   store.relocated(places, masked)                     // the same papers in a rewritten file, some left out
//
// Non-goals: editing in place (a store is rebuilt from its source; `relocated` makes a new one over
// the same columns that leaves out the papers whose entries changed), more than 2^32 bytes of packed text,
// noticing a changed source by itself (the caller compares fingerprints; a read whose record no
// longer has its key returns undefined and marks the store stale).
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import type { KeyIndex, Origin, Paper, PaperList } from './paper';
import { loadBibtexParser } from './bibtex';
import { paperOfRecord, type StreamFormat } from './stream';

/** What a Library holds for a source kept off the heap; also the index's list of its papers. */
export interface PaperStore extends PaperList, KeyIndex {
  /** The file the records are read from. */
  readonly file: string;
  readonly format: StreamFormat;
  /** Number of papers; doc numbers are 0..size-1, in file order. */
  readonly size: number;
  /** The compact paper of `doc`: key, title, the first MAX_AUTHORS authors, year, origin (no abstract). */
  paperAt(doc: number): Paper;
  keyAt(doc: number): string;
  /** The doc number of `key`, -1 when absent. */
  docOf(key: string): number;
  /** The compact paper of `key`. */
  get(key: string): Paper | undefined;
  /** The abstract, read from the source file. */
  abstractOf(key: string): Promise<string | undefined>;
  /** The complete entry as the source has it (every author, venue, DOI, e-print…), read from the file. */
  fullEntry(key: string): Promise<Paper | undefined>;
  /** For each title, the docs with the same title (titleIdentity), in one pass. */
  docsWithTitles(titles: readonly string[], firstOnly?: boolean): number[][];
  /** A read found the file no longer holding the record where the store says: the source changed. */
  readonly stale: boolean;
  /** The earliest and latest year of its papers; null when none has one. */
  years(): { min: number; max: number } | null;
  /** Closes the file the entries are read from (it reopens on the next read). */
  close(): Promise<void>;
  /**
   * False for a doc left out since the store was built (its entry changed or went: see
   * PackedPaperStore.relocated): `docOf` does not find it and the index counts it dead. Absent: all are.
   */
  isLive?(doc: number): boolean;
  /** Papers not left out (size when none is). */
  readonly live?: number;
}

/** Authors kept per paper in the compact record (lists show "A, B, C et al."; the index has them all). */
export const MAX_AUTHORS = 3;
/** Full entries kept after a read (a hover card, the completion item being resolved…). */
export const ENTRY_CACHE = 256;
const FIELDS = 3; // key, title, authors
const SEP = '\u001f';

/** A title as the same paper's title is written everywhere: lowercase, no accents, only letters and digits. */
export function titleIdentity(title: string): string {
  return title.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function fnvString(s: string): number {
  const bytes = Buffer.from(s, 'utf8');
  return fnv(bytes, 0, bytes.length);
}

/** FNV-1a over bytes [from, to). */
function fnv(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** The columns of a packed store (they cross threads as transferred buffers). */
export interface StoreColumns {
  text: Uint8Array;
  /** FIELDS * size + 1 field starts into `text`. */
  bounds: Uint32Array;
  years: Uint16Array;
  authorCounts: Uint16Array;
  offsets: Float64Array;
  lengths: Uint32Array;
  lines: Uint32Array;
  /** FNV-1a of each title's identity (titleIdentity), to find papers by title without decoding titles. */
  titleHashes: Uint32Array;
  /** Open addressing: doc + 1 at the slot of the key's hash (0: empty); length a power of two. */
  table: Int32Array;
  /**
   * A hash of each record's text as the reader found it (entryHash), 0 when not known: a changed
   * file's entries are matched with these, so only the ones whose bytes changed are parsed again.
   */
  entryHashes: Float64Array;
}

export class PackedPaperStore implements PaperStore {
  readonly size: number;
  private handle: Promise<FileHandle> | null = null;
  private readonly cache = new Map<number, Paper>();
  private readonly pending = new Map<number, Promise<Paper | undefined>>();
  private readonly kind: Origin['kind'];
  stale = false;
  /** BibTeX: the file's @string definitions, read before an entry read again alone (stream.ts paperOfRecord). */
  strings = '';

  /** 1 for a doc left out (relocated); null when none is. */
  private readonly masked: Uint8Array | null;
  readonly live: number;

  constructor(
    readonly file: string,
    readonly format: StreamFormat,
    private readonly c: StoreColumns,
    masked: Uint8Array | null = null,
  ) {
    this.size = c.years.length;
    this.kind = format === 'arxiv' ? 'arxiv' : format === 'bibtex' ? 'bibtex' : format === 'zotero' ? 'zotero' : 'csl-json';
    this.masked = masked && masked.includes(1) ? masked : null;
    this.live = this.size - (this.masked ? this.masked.reduce((n, m) => n + m, 0) : 0);
  }

  isLive(doc: number): boolean {
    return !this.masked || this.masked[doc] === 0;
  }

  /** The docs left out (relocated), in order: the index counts them dead (search/shadow.ts). */
  maskedDocs(): number[] {
    const out: number[] = [];
    if (this.masked) for (let d = 0; d < this.size; d++) if (this.masked[d]) out.push(d);
    return out;
  }

  /** The record's entryHash (0: not known). */
  entryHashAt(doc: number): number {
    return this.c.entryHashes[doc] ?? 0;
  }

  /**
   * The same papers at new places in a rewritten file, the docs with `masked[doc] = 1` left out
   * (their entries changed or went): a new store over the same packed columns, numbered as this
   * one, so the index's segments over this store still fit it. `masked` docs keep their old place.
   */
  relocated(places: { offsets: Float64Array; lengths: Uint32Array; lines: Uint32Array }, masked: Uint8Array): PackedPaperStore {
    const { offsets, lengths, lines } = places;
    if ([offsets, lengths, lines, masked].some((a) => a.length !== this.size)) throw new RangeError(`relocated: ${this.size} places expected`);
    const table = rehash(this.c.table.length, this.size, this.c.text, this.c.bounds, masked);
    const store = new PackedPaperStore(this.file, this.format, { ...this.c, offsets, lengths, lines, table }, masked);
    store.strings = this.strings;
    return store;
  }

  get length(): number {
    return this.size;
  }

  /** Bytes held (all of it outside the V8 heap). */
  get byteLength(): number {
    return Object.values(this.c).reduce((n: number, a: ArrayBufferView) => n + a.byteLength, 0);
  }

  private str(doc: number, field: number): string {
    const at = doc * FIELDS + field;
    const b = this.c.bounds;
    const t = this.c.text;
    return Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('utf8', b[at], b[at + 1]);
  }

  keyAt(doc: number): string {
    return this.str(doc, 0);
  }

  paperAt(doc: number): Paper {
    if (!(doc >= 0 && doc < this.size)) throw new RangeError(`no paper ${doc} in a store of ${this.size}`);
    const authors = this.str(doc, 2);
    const paper: Paper = {
      key: this.keyAt(doc),
      title: this.str(doc, 1),
      authors: authors ? authors.split(SEP) : [],
      origin: { file: this.file, line: this.c.lines[doc], kind: this.kind },
    };
    if (this.c.years[doc]) paper.year = this.c.years[doc];
    return paper;
  }

  at(index: number): Paper | undefined {
    return index >= 0 && index < this.size ? this.paperAt(index) : undefined;
  }

  slice(start = 0, end = this.size): PaperList {
    return new StoreView(this, clamp(start, this.size), clamp(end, this.size));
  }

  /** How many authors the record has (the compact paper lists at most MAX_AUTHORS). */
  authorCount(doc: number): number {
    return this.c.authorCounts[doc];
  }

  get keyIndex(): KeyIndex {
    return this;
  }

  get keyIndexStart(): number {
    return 0;
  }

  /** -1 for a doc left out (relocated) too. */
  docOf(key: string): number {
    const { table, bounds, text } = this.c;
    const mask = table.length - 1;
    // ASCII keys (nearly all) are hashed and compared as they are, without encoding them.
    if (isAscii(key)) {
      let h = 0x811c9dc5;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      for (let slot = (h >>> 0) & mask; ; slot = (slot + 1) & mask) {
        const v = table[slot];
        if (v === 0) return -1;
        const from = bounds[(v - 1) * FIELDS];
        if (bounds[(v - 1) * FIELDS + 1] - from === key.length && equalAscii(text, from, key)) return v - 1;
      }
    }
    const want = Buffer.from(key, 'utf8');
    for (let slot = fnv(want, 0, want.length) & mask; ; slot = (slot + 1) & mask) {
      const v = table[slot];
      if (v === 0) return -1;
      const doc = v - 1;
      const from = bounds[doc * FIELDS];
      const to = bounds[doc * FIELDS + 1];
      if (to - from === want.length && equalBytes(text, from, want)) return doc;
    }
  }

  has(key: string): boolean {
    return this.docOf(key) >= 0;
  }

  keyBytes(start: number, end: number): Uint8Array {
    const { bounds, text } = this.c;
    let n = 0;
    for (let d = start; d < end; d++) n += bounds[d * FIELDS + 1] - bounds[d * FIELDS] + 1;
    const out = new Uint8Array(n);
    let at = 0;
    // Byte by byte: a key is a few bytes, and a view per key (subarray) cost more than the copy.
    for (let d = start; d < end; d++) {
      const to = bounds[d * FIELDS + 1];
      for (let i = bounds[d * FIELDS]; i < to; i++) out[at++] = text[i];
      at++; // the NUL after each key is already 0
    }
    return out;
  }

  get(key: string): Paper | undefined {
    const doc = this.docOf(key);
    return doc >= 0 ? this.paperAt(doc) : undefined;
  }

  /**
   * For each title, the docs whose title is the same (titleIdentity: case, accents, spaces and
   * punctuation aside), in one pass over the store: how the bundled corpus finds its papers' arXiv
   * records. `firstOnly`: the first such doc only (a generated million repeats each bundled title
   * ~340 times: comparing them all held the server's thread 0.3-0.5 s).
   */
  docsWithTitles(titles: readonly string[], firstOnly = false): number[][] {
    const wanted = new Map<number, number[]>();
    const ids = titles.map(titleIdentity);
    ids.forEach((id, i) => {
      const h = fnvString(id);
      const list = wanted.get(h);
      if (list) list.push(i);
      else wanted.set(h, [i]);
    });
    const out: number[][] = titles.map(() => []);
    const hashes = this.c.titleHashes;
    // A bit per low 16 bits of the wanted hashes: a million docs are checked against it, and only
    // the few it lets through against the Map (a Map lookup per doc held the server's thread ~0.3 s).
    const bits = new Uint32Array(2048);
    for (const h of wanted.keys()) bits[(h >>> 5) & 2047] |= 1 << (h & 31);
    for (let doc = 0; doc < hashes.length; doc++) {
      const h = hashes[doc];
      if ((bits[(h >>> 5) & 2047] & (1 << (h & 31))) === 0) continue;
      const hit = wanted.get(h);
      if (!hit || (firstOnly && hit.every((i) => out[i].length > 0))) continue;
      if (!this.isLive(doc)) continue;
      const id = titleIdentity(this.str(doc, 1));
      for (const i of hit) if (ids[i] === id) out[i].push(doc);
    }
    return out;
  }

  years(): { min: number; max: number } | null {
    let min = Infinity;
    let max = -Infinity;
    for (const [doc, y] of this.c.years.entries()) {
      if (!y || !this.isLive(doc)) continue;
      if (y < min) min = y;
      if (y > max) max = y;
    }
    return max >= min ? { min, max } : null;
  }

  /** Where doc's record is in the source file. */
  recordOf(doc: number): { offset: number; length: number; line: number } {
    return { offset: this.c.offsets[doc], length: this.c.lengths[doc], line: this.c.lines[doc] };
  }

  async abstractOf(key: string): Promise<string | undefined> {
    return (await this.fullEntry(key))?.abstract;
  }

  async fullEntry(key: string): Promise<Paper | undefined> {
    const doc = this.docOf(key);
    return doc < 0 ? undefined : this.entryAt(doc);
  }

  /** The complete paper of `doc`, from the cache or the file; undefined when the file no longer has it there. */
  entryAt(doc: number): Promise<Paper | undefined> {
    const cached = this.cache.get(doc);
    if (cached) {
      this.cache.delete(doc); // most recently used goes last
      this.cache.set(doc, cached);
      return Promise.resolve(cached);
    }
    let read = this.pending.get(doc);
    if (!read) {
      read = this.read(doc).finally(() => this.pending.delete(doc));
      this.pending.set(doc, read);
    }
    return read;
  }

  private async read(doc: number): Promise<Paper | undefined> {
    const { offset, length, line } = this.recordOf(doc);
    let bytes: Buffer;
    try {
      this.handle ??= open(this.file, 'r');
      const handle = await this.handle;
      bytes = Buffer.alloc(length);
      const { bytesRead } = await handle.read(bytes, 0, length, offset);
      if (bytesRead !== length) throw new Error('short read');
    } catch {
      this.handle = null;
      this.stale = true;
      return undefined;
    }
    if (this.format === 'bibtex') await loadBibtexParser();
    const read = paperOfRecord(this.format, this.file, bytes.toString('utf8'), line, this.strings);
    if (typeof read === 'string' || read.paper.key !== this.keyAt(doc)) {
      this.stale = true;
      return undefined;
    }
    this.cache.set(doc, read.paper);
    if (this.cache.size > ENTRY_CACHE) this.cache.delete(this.cache.keys().next().value as number);
    return read.paper;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) await (await handle.catch(() => null))?.close();
  }

  /** The columns, for encodeStore. */
  columns(): Readonly<StoreColumns> {
    return this.c;
  }
}

/** A range of a store's papers, for one chunk's segment. */
class StoreView implements PaperList {
  constructor(
    private readonly store: PackedPaperStore,
    private readonly start: number,
    private readonly end: number,
  ) {}
  get length(): number {
    return this.end - this.start;
  }
  at(i: number): Paper | undefined {
    return i >= 0 && i < this.length ? this.store.paperAt(this.start + i) : undefined;
  }
  keyAt(i: number): string {
    return this.store.keyAt(this.start + i);
  }
  get keyIndex(): KeyIndex {
    return this.store;
  }
  get keyIndexStart(): number {
    return this.start;
  }
  slice(start = 0, end = this.length): PaperList {
    return new StoreView(this.store, this.start + clamp(start, this.length), this.start + clamp(end, this.length));
  }
}

const clamp = (i: number, n: number): number => Math.max(0, Math.min(n, i < 0 ? n + i : i));

// eslint-disable-next-line no-control-regex
const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

function equalAscii(text: Uint8Array, from: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (text[from + i] !== s.charCodeAt(i)) return false;
  return true;
}

function equalBytes(text: Uint8Array, from: number, want: Uint8Array): boolean {
  for (let i = 0; i < want.length; i++) if (text[from + i] !== want[i]) return false;
  return true;
}

/** Growable typed array. */
class Column<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = this.make(Math.max(this.length + extra, Math.ceil(this.data.length * 1.5)));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** Collects papers in file order into a PackedPaperStore. */
export class PaperStoreBuilder {
  private readonly text = new Column(new Uint8Array(1 << 16), (n) => new Uint8Array(n));
  private readonly bounds = new Column(new Uint32Array(1 << 12), (n) => new Uint32Array(n));
  private readonly years = new Column(new Uint16Array(1 << 10), (n) => new Uint16Array(n));
  private readonly authorCounts = new Column(new Uint16Array(1 << 10), (n) => new Uint16Array(n));
  private readonly offsets = new Column(new Float64Array(1 << 10), (n) => new Float64Array(n));
  private readonly lengths = new Column(new Uint32Array(1 << 10), (n) => new Uint32Array(n));
  private readonly lines = new Column(new Uint32Array(1 << 10), (n) => new Uint32Array(n));
  private readonly titleHashes = new Column(new Uint32Array(1 << 10), (n) => new Uint32Array(n));
  private readonly entryHashes = new Column(new Float64Array(1 << 10), (n) => new Float64Array(n));
  private table: Int32Array = new Int32Array(1 << 11);
  private count = 0;

  constructor(
    readonly file: string,
    readonly format: StreamFormat,
  ) {
    this.bounds.push(0);
  }

  get size(): number {
    return this.count;
  }

  /** The line of doc's record (for "also at line N"). */
  lineOf(doc: number): number {
    return this.lines.data[doc];
  }

  private write(s: string): void {
    const t = this.text;
    t.reserve(s.length * 3);
    t.length += Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).write(s, t.length, 'utf8');
    if (t.length > 0xffffffff) throw new RangeError(`${this.file}: over 4 GB of titles and names; not supported`);
    this.bounds.push(t.length);
  }

  /**
   * Adds the next paper with its record's place in the file (and the record's entryHash, when
   * known); returns its doc number, or the doc number of the paper that already has its key (the
   * paper is then not added).
   */
  add(paper: Paper, offset: number, length: number, entryHash = 0): { doc: number; duplicate: boolean } {
    const keyStart = this.text.length;
    this.write(paper.key);
    const keyEnd = this.text.length;
    const existing = this.lookup(keyStart, keyEnd);
    if (existing >= 0) {
      this.text.length = keyStart;
      this.bounds.length--;
      return { doc: existing, duplicate: true };
    }
    this.write(paper.title);
    this.write(paper.authors.slice(0, MAX_AUTHORS).join(SEP));
    this.years.push(paper.year && paper.year > 0 && paper.year < 65536 ? paper.year : 0);
    this.authorCounts.push(Math.min(65535, paper.authors.length));
    this.offsets.push(offset);
    this.lengths.push(length);
    this.lines.push(paper.origin.line);
    this.titleHashes.push(fnvString(titleIdentity(paper.title)));
    this.entryHashes.push(entryHash);
    const doc = this.count++;
    this.insert(doc, keyStart, keyEnd);
    return { doc, duplicate: false };
  }

  /** Doc with the key at text[from, to), or -1. */
  private lookup(from: number, to: number): number {
    const text = this.text.data;
    const mask = this.table.length - 1;
    const b = this.bounds.data;
    for (let slot = fnv(text, from, to) & mask; ; slot = (slot + 1) & mask) {
      const v = this.table[slot];
      if (v === 0) return -1;
      const doc = v - 1;
      const s = b[doc * FIELDS];
      const e = b[doc * FIELDS + 1];
      if (e - s === to - from && equalBytes(text, s, text.subarray(from, to))) return doc;
    }
  }

  private insert(doc: number, from: number, to: number): void {
    if ((this.count + 1) * 2 > this.table.length) {
      this.table = rehash(this.table.length * 2, this.count - 1, this.text.data, this.bounds.data);
    }
    place(this.table, doc, fnv(this.text.data, from, to));
  }

  finish(): PackedPaperStore {
    const text = this.text.done();
    const bounds = this.bounds.done();
    return new PackedPaperStore(this.file, this.format, {
      text,
      bounds,
      years: this.years.done(),
      authorCounts: this.authorCounts.done(),
      offsets: this.offsets.done(),
      lengths: this.lengths.done(),
      lines: this.lines.done(),
      titleHashes: this.titleHashes.done(),
      entryHashes: this.entryHashes.done(),
      table: rehash(Math.max(2, this.table.length), this.count, text, bounds),
    });
  }
}

function place(table: Int32Array, doc: number, hash: number): void {
  const mask = table.length - 1;
  let slot = hash & mask;
  while (table[slot] !== 0) slot = (slot + 1) & mask;
  table[slot] = doc + 1;
}

/** A table of `size` slots holding docs 0..count-1 (`count` may be one less while adding), but the `masked` ones. */
function rehash(size: number, count: number, text: Uint8Array, bounds: Uint32Array, masked?: Uint8Array): Int32Array {
  const table = new Int32Array(size);
  for (let d = 0; d < count; d++) if (!masked?.[d]) place(table, d, fnv(text, bounds[d * FIELDS], bounds[d * FIELDS + 1]));
  return table;
}

// ---------------------------------------------------------------- saved form
//
//   bytes 0..7   "LLSTORE\0"
//   bytes 8..11  header length (uint32 LE), then the header as JSON:
//                { format, file, readerFormat, papers, meta, checksum, sections: [{ name, offset, length }] }
//   then the columns, 8-byte aligned (offsets relative to the payload start), little-endian.

/** Bump when the layout or what a column means changes. */
export const STORE_FORMAT = 2;
const MAGIC = Buffer.from('LLSTORE\0', 'latin1');
const COLUMNS = ['text', 'bounds', 'years', 'authorCounts', 'offsets', 'lengths', 'lines', 'titleHashes', 'table', 'entryHashes'] as const;
const ARRAY_OF: Record<(typeof COLUMNS)[number], { BYTES_PER_ELEMENT: number; new (b: ArrayBuffer, o: number, n: number): ArrayBufferView }> = {
  text: Uint8Array,
  bounds: Uint32Array,
  years: Uint16Array,
  authorCounts: Uint16Array,
  offsets: Float64Array,
  lengths: Uint32Array,
  lines: Uint32Array,
  titleHashes: Uint32Array,
  table: Int32Array,
  entryHashes: Float64Array,
};

interface StoreHeader<M> {
  format: number;
  file: string;
  readerFormat: StreamFormat;
  papers: number;
  meta: M;
  checksum: string;
  sections: { name: string; offset: number; length: number }[];
}

const zcrc = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
function checksum(payload: Uint8Array): string {
  return zcrc ? `crc32:${zcrc(payload).toString(16)}` : `sha1:${createHash('sha1').update(payload).digest('hex')}`;
}

/** The store as one Buffer, with `meta` (any JSON: the source's fingerprint, its chunks…) in the header. */
export function encodeStore<M>(store: PackedPaperStore, meta: M): Buffer {
  const c = store.columns();
  const sections: StoreHeader<M>['sections'] = [];
  let offset = 0;
  for (const name of COLUMNS) {
    sections.push({ name, offset, length: c[name].byteLength });
    offset = (offset + c[name].byteLength + 7) & ~7;
  }
  const payload = Buffer.alloc(offset);
  COLUMNS.forEach((name, i) => payload.set(new Uint8Array(c[name].buffer, c[name].byteOffset, c[name].byteLength), sections[i].offset));
  const header: StoreHeader<M> = { format: STORE_FORMAT, file: store.file, readerFormat: store.format, papers: store.size, meta, checksum: checksum(payload), sections };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc((12 + json.length + 7) & ~7, 0x20);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, 8);
  json.copy(head, 12);
  return Buffer.concat([head, payload]);
}

/** The header of a saved store (cheap: the columns are not checked), or why it is not one. */
export function storeHeader<M>(bytes: Buffer): StoreHeader<M> | string {
  if (bytes.length < 12 || !bytes.subarray(0, 8).equals(MAGIC)) return 'not a LitLens paper store';
  const len = bytes.readUInt32LE(8);
  if (12 + len > bytes.length) return 'truncated header';
  let header: StoreHeader<M>;
  try {
    header = JSON.parse(bytes.subarray(12, 12 + len).toString('utf8')) as StoreHeader<M>;
  } catch {
    return 'unreadable header';
  }
  if (header.format !== STORE_FORMAT) return `store format ${header.format}, expected ${STORE_FORMAT}`;
  return header;
}

/**
 * The store saved in `bytes` (its columns are views of `bytes`: nothing is copied when it is
 * aligned), reading entries from `file`; or why it cannot be used.
 */
export function decodeStore<M>(bytes: Buffer, file: string): { store: PackedPaperStore; meta: M } | string {
  const header = storeHeader<M>(bytes);
  if (typeof header === 'string') return header;
  let payload = bytes.subarray((12 + bytes.readUInt32LE(8) + 7) & ~7);
  if (payload.byteOffset % 8 !== 0) payload = Buffer.from(payload); // typed-array views need aligned memory
  if (checksum(payload) !== header.checksum) return 'checksum mismatch (corrupt file)';
  const columns = {} as Record<string, ArrayBufferView>;
  for (const name of COLUMNS) {
    const s = header.sections.find((x) => x.name === name);
    const Type = ARRAY_OF[name];
    if (!s || s.offset < 0 || s.offset + s.length > payload.length || s.length % Type.BYTES_PER_ELEMENT !== 0) return `column ${name} missing or out of bounds`;
    columns[name] = new Type(payload.buffer as ArrayBuffer, payload.byteOffset + s.offset, s.length / Type.BYTES_PER_ELEMENT);
  }
  const c = columns as unknown as StoreColumns;
  const n = header.papers;
  const sizes = [c.years, c.authorCounts, c.offsets, c.lengths, c.lines, c.titleHashes, c.entryHashes].every((a) => a.length === n);
  if (!sizes || c.bounds.length !== n * FIELDS + 1 || c.bounds[n * FIELDS] !== c.text.length || (c.table.length & (c.table.length - 1)) !== 0 || c.table.length < n) {
    return 'columns inconsistent';
  }
  return { store: new PackedPaperStore(file, header.readerFormat, c), meta: header.meta };
}

// ---------------------------------------------------------------- the source's identity

/** What identifies a source file's content without reading it all: size, mtime, and its first and last 64 KB. */
export interface Fingerprint {
  size: number;
  mtimeMs: number;
  sample: string;
}

/**
 * The file's fingerprint: cheap at any size (two 64 KB reads), so an unchanged 4.5 GB snapshot
 * costs nothing at start. A change that keeps size and mtime and misses both ends goes unseen;
 * replacing a snapshot changes all three, and a store's reads check each record's key anyway.
 */
export async function fingerprint(file: string): Promise<Fingerprint> {
  const s = await stat(file);
  const handle = await open(file, 'r');
  try {
    const h = createHash('sha1');
    const n = Math.min(1 << 16, s.size);
    const buf = Buffer.alloc(n);
    await handle.read(buf, 0, n, 0);
    h.update(buf);
    await handle.read(buf, 0, n, Math.max(0, s.size - n));
    h.update(buf);
    return { size: s.size, mtimeMs: s.mtimeMs, sample: h.digest('hex') };
  } finally {
    await handle.close();
  }
}

export const sameFingerprint = (a: Fingerprint, b: Fingerprint): boolean => a.size === b.size && a.mtimeMs === b.mtimeMs && a.sample === b.sample;
