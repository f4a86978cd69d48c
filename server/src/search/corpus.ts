// A streamed corpus source (an arXiv metadata snapshot, JSON lines of CSL items, a CSL-JSON
// array) indexed in one pass with its papers off the heap:
//
//   const corpus = (await openCorpus(file, dir, options)) ?? (await buildCorpus(file, dir, options));
//   index.setEncodedSource(corpusSource(corpus), corpus.encoded);   // search it with the rest
//   corpus.store.get(key) / await corpus.store.fullEntry(key)         // compact paper / whole entry
//
// buildCorpus reads the file as a stream (library/stream.ts); each paper goes into the packed
// store (library/store.ts) and into the current chunk, and a chunk full by the content-defined
// rule (segment.ts chunkEnder) is indexed, encoded in the saved segment format (persist.ts) and
// dropped: at most one chunk of complete papers is in memory. Run it in the indexing worker
// (worker.ts buildCorpusInWorker): the main thread then holds only the store and the segments.
//
// Saved under <dir>/<corpus id>/ (store.rec and one .seg file per chunk), where the id is a hash
// of the file's fingerprint (size, mtime, first and last 64 KB), the category filter and the
// formats: openCorpus finds it without reading the source, so an unchanged 4.5 GB snapshot costs
// nothing at start. store.rec is written last, so a build cut short is never used. An updated
// snapshot of the same file is indexed again whole (monthly, revised papers touch nearly every
// chunk, so reusing unchanged chunks would save little), and the previous build's folder is
// removed once the new one is saved. One folder per corpus, not per workspace: every window on
// the same snapshot shares it.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, readdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadIssue, Paper, PaperList } from '../library/paper';
import { PackedPaperStore, PaperStoreBuilder, STORE_FORMAT, decodeStore, encodeStore, fingerprint, storeHeader, type Fingerprint } from '../library/store';
import { STREAM_FORMATS, detectFormat, streamPapers, type StreamFormat, type StreamProgress } from '../library/stream';
import type { EncodedSource, IndexSource } from './index';
import { FORMAT_VERSION, encodeSegment, segmentFile, verifySegment } from './persist';
import { AVERAGE_SAMPLE, averageLengths, chunkEnder, hashKeys, hashPaper, segmentBuilder } from './segment';

/**
 * A corpus is cut into chunks of this many papers: larger than a .bib's (a corpus is never
 * edited one entry at a time, and every chunk has its own vocabulary that typed queries look
 * through), and no larger, so document numbers fit 16 bits.
 */
export const CORPUS_CHUNK_PAPERS = 65_536;
/** Bump when what the reader makes of a record changes (keys, fields, LaTeX decoding…). */
export const READER_VERSION = 1;
const STORE_FILE = 'store.rec';
/** Segment files openCorpus reads at once, ahead of the one being checked (a million papers: 16 files of ~35 MB). */
const READ_AHEAD = 3;

export interface CorpusOptions {
  /** Default: detected from the file. */
  format?: StreamFormat;
  /** arXiv categories to keep ("cs.LG", "cs" for the archive); empty: all. */
  categories?: readonly string[];
  /** Default CORPUS_CHUNK_PAPERS. */
  chunkPapers?: number;
  onProgress?: (progress: CorpusProgress) => void;
  signal?: AbortSignal;
}

export interface CorpusProgress extends StreamProgress {
  /** Chunks indexed so far. */
  chunks: number;
}

/** What store.rec's header says besides the store itself. */
export interface CorpusMeta {
  fingerprint: Fingerprint;
  categories: string[];
  segmentFormat: number;
  readerVersion: number;
  chunks: { hash: string; papers: number }[];
  issues: LoadIssue[];
  progress: CorpusProgress;
  /** sha1 of the file's bytes, when the reader gives it (BibTeX). */
  contentHash?: string;
  /** BibTeX: the @string definitions (PackedPaperStore.strings). */
  strings?: string;
}

export interface Corpus {
  /** The saved folder's name: changes with the file's content, the filter and the formats. */
  id: string;
  file: string;
  store: PackedPaperStore;
  /** Its segments in the saved format, for SearchIndex.setEncodedSource. */
  encoded: EncodedSource;
  issues: LoadIssue[];
  progress: CorpusProgress;
  /** True when it came from the saved folder (the source was not read). */
  loaded: boolean;
  /** Why the file cannot be streamed (stream.ts StreamResult.fallback): read it whole instead; nothing was saved. */
  fallback?: string;
  /** sha1 of the file's bytes, when the reader gives it (BibTeX): a rewrite with the same bytes need not be read. */
  contentHash?: string;
}

/** The corpus as a source of a SearchIndex: it loses shared keys to workspace sources, as the bundled corpus does. */
export function corpusSource(corpus: Corpus): IndexSource {
  return { id: corpus.file, papers: corpus.store, hash: corpus.id, kind: 'corpus' };
}

function corpusId(fp: Fingerprint, format: StreamFormat, categories: readonly string[], chunkPapers: number): string {
  const what = [STORE_FORMAT, FORMAT_VERSION, READER_VERSION, format, fp.size, fp.mtimeMs, fp.sample, [...categories].sort(), chunkPapers];
  return createHash('sha1').update(JSON.stringify(what)).digest('hex').slice(0, 24);
}

const filterOf = (options: CorpusOptions): string[] => [...new Set((options.categories ?? []).map((c) => c.trim()).filter(Boolean))].sort();

async function identify(file: string, options: CorpusOptions): Promise<{ id: string; fp: Fingerprint; format: StreamFormat } | string> {
  let fp: Fingerprint;
  try {
    fp = await fingerprint(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read the file: ${(err as Error).message}`;
  }
  const detected = options.format ?? (await detectFormat(file));
  if (!STREAM_FORMATS.includes(detected)) return detected;
  const format = detected as StreamFormat;
  return { id: corpusId(fp, format, filterOf(options), options.chunkPapers ?? CORPUS_CHUNK_PAPERS), fp, format };
}

/** The id a build of `file` with these options has now (null: the file cannot be read as a corpus): equal to a loaded corpus's id while the file is unchanged. */
export async function corpusIdOf(file: string, options: CorpusOptions = {}): Promise<string | null> {
  const who = await identify(file, options);
  return typeof who === 'string' ? null : who.id;
}

/** openCorpus's options: `verify`, and what is read as soon as it is (the worker sends each part on at once). */
export interface OpenOptions extends CorpusOptions {
  /** Check the segments' checksums and keys here (the worker does, so the main thread need not). */
  verify?: boolean;
  /** The store, read and checked, before any segment is read. */
  onStore?: (store: PackedPaperStore, chunks: CorpusMeta['chunks']) => void;
  /** Each segment file (chunk `index` of the store's chunks), read and checked (when `verify`). */
  onChunk?: (index: number, bytes: Buffer) => void;
}

/**
 * The corpus saved in `dir` for this file, filter and formats, without reading the source; a
 * string says why there is none (never saved, the file changed, a file missing or corrupt).
 * `verify`: check the segments' checksums here (the worker does, so the main thread need not);
 * otherwise SearchIndex.setEncodedSource checks them.
 */
export async function openCorpus(file: string, dir: string, options: OpenOptions = {}): Promise<Corpus | string> {
  const verify = options.verify ?? false;
  const who = await identify(file, options);
  if (typeof who === 'string') return `${file}: ${who}`;
  const folder = join(dir, who.id);
  // The segments named in store.rec's header are read (READ_AHEAD at a time) while the store itself
  // is read, checked and its keys hashed: at a million papers the files are 0.7 GB, and reading
  // them after the store added its ~1 s to the time to searchable.
  const head = readHead(join(folder, STORE_FILE));
  const header = head && storeHeader<CorpusMeta>(head);
  const named = header && typeof header !== 'string' && Array.isArray(header.meta?.chunks) ? header.meta.chunks : [];
  const reads = new Map<string, Promise<Buffer | null>>();
  const read = (hash: string) => {
    const bytes = reads.get(hash) ?? readFile(segmentFile(folder, hash)).catch(() => null);
    reads.delete(hash);
    return bytes;
  };
  const readAhead = (from: number) => {
    for (const c of named.slice(from, from + READ_AHEAD)) if (!reads.has(c.hash)) reads.set(c.hash, readFile(segmentFile(folder, c.hash)).catch(() => null));
  };
  readAhead(0);
  let bytes: Buffer;
  try {
    bytes = await readFile(join(folder, STORE_FILE));
  } catch {
    return 'no saved index';
  }
  const decoded = decodeStore<CorpusMeta>(bytes, file);
  if (typeof decoded === 'string') return `${join(folder, STORE_FILE)}: ${decoded}`;
  const { store, meta } = decoded;
  store.strings = meta.strings ?? '';
  if (meta.segmentFormat !== FORMAT_VERSION || meta.readerVersion !== READER_VERSION) return 'saved in another format';
  // Each chunk's keys as its segment must have been saved for, taken before the store may leave this thread (onStore).
  let start = 0;
  const expected = meta.chunks.map((c) => {
    const papers = meta.chunks.length === 1 ? store : store.slice(start, start + c.papers);
    start += c.papers;
    return verify ? { papers: papers.length, keys: hashKeys(papers) } : undefined;
  });
  options.onStore?.(store, meta.chunks);
  const chunks: EncodedSource['chunks'] = [];
  for (const [i, c] of meta.chunks.entries()) {
    const bytes = await read(c.hash);
    readAhead(i + 1);
    if (!bytes) return `${segmentFile(folder, c.hash)}: missing`;
    // The keys too: the main thread then only decodes (persist.ts decodeSegment `verified`).
    const wrong = verify ? verifySegment(bytes, expected[i]) : null;
    if (wrong) return `${segmentFile(folder, c.hash)}: ${wrong}`;
    chunks.push({ hash: c.hash, papers: c.papers, bytes });
    options.onChunk?.(i, bytes);
  }
  return { id: who.id, file, store, encoded: { id: file, hash: who.id, chunks, verified: verify }, issues: meta.issues, progress: meta.progress, loaded: true, ...(meta.contentHash ? { contentHash: meta.contentHash } : {}) };
}

/** Folders of earlier builds of the same file (an older snapshot, another filter): removed after a build. */
function previousBuilds(dir: string, file: string, id: string): string[] {
  const folders: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return folders;
  }
  for (const name of names) {
    const head = name === id ? null : readHead(join(dir, name, STORE_FILE));
    const header = head && storeHeader<CorpusMeta>(head);
    if (header && typeof header !== 'string' && header.file === file) folders.push(join(dir, name));
  }
  return folders;
}

/** The first bytes of a store file: its header, not its columns. */
function readHead(file: string): Buffer | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const start = Buffer.alloc(12);
    if (readSync(fd, start, 0, 12, 0) < 12) return null;
    const head = Buffer.alloc(12 + start.readUInt32LE(8));
    readSync(fd, head, 0, head.length, 0);
    return head;
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Reads `file` as a stream and indexes it; saves the result under `dir` when given (the caller
 * decides where: the extension's global storage, so windows share it). Problems with records
 * are issues; only I/O on `dir` and an abort throw.
 */
export async function buildCorpus(file: string, dir: string | null, options: CorpusOptions = {}): Promise<Corpus> {
  const who = await identify(file, options);
  if (typeof who === 'string') {
    const issue: LoadIssue = { file, line: 0, severity: 'error', message: who };
    const store = new PaperStoreBuilder(file, 'csl-jsonl').finish();
    const progress: CorpusProgress = { bytes: 0, totalBytes: 0, records: 0, papers: 0, filtered: 0, issues: 1, chunks: 0 };
    return { id: '', file, store, encoded: { id: file, hash: '', chunks: [] }, issues: [issue], progress, loaded: false };
  }
  const { id, fp, format } = who;
  const folder = dir ? join(dir, id) : null;
  const previous = dir ? previousBuilds(dir, file, id) : [];
  if (folder) {
    await rm(folder, { recursive: true, force: true }); // what a build cut short left
    await mkdir(folder, { recursive: true });
  }
  const builder = new PaperStoreBuilder(file, format);
  const endsAfter = chunkEnder(Math.max(64, options.chunkPapers ?? CORPUS_CHUNK_PAPERS));
  const chunks: EncodedSource['chunks'] = [];
  const writes: Promise<void>[] = [];
  const extra: LoadIssue[] = [];
  // The current chunk: its keys and content hash, and its segment built paper by paper once
  // AVERAGE_SAMPLE papers have fixed the average field lengths (until then they wait in `first`).
  let keys: string[] = [];
  let first: Paper[] = [];
  let segment: ReturnType<typeof segmentBuilder> | null = null;
  let hash = createHash('sha1');
  let latest: StreamProgress | null = null;
  const progress = (): CorpusProgress => ({ ...(latest ?? { bytes: 0, totalBytes: 0, records: 0, papers: 0, filtered: 0, issues: 0 }), chunks: chunks.length });
  const start = (): ReturnType<typeof segmentBuilder> => {
    const b = segmentBuilder(averageLengths(first));
    for (const p of first) b.add(p);
    first = [];
    return b;
  };
  const flush = () => {
    if (keys.length === 0) return;
    const chunkHash = hash.digest('hex');
    const bytes = encodeSegment((segment ?? start()).finish(chunkHash, keyList(keys)));
    chunks.push({ hash: chunkHash, papers: keys.length, bytes });
    if (folder) writes.push(writeDurably(segmentFile(folder, chunkHash), bytes));
    keys = [];
    segment = null;
    hash = createHash('sha1');
    options.onProgress?.(progress());
  };
  const read = await streamPapers(
    file,
    ({ paper, offset, length, hash: entry }) => {
      const added = builder.add(paper, offset, length, entry);
      if (added.duplicate) {
        extra.push({ file, line: paper.origin.line, severity: 'warning', message: `duplicate key "${paper.key}", also at line ${builder.lineOf(added.doc)}; skipped` });
        return;
      }
      keys.push(paper.key);
      hashPaper(hash, paper);
      if (segment) segment.add(paper);
      else {
        first.push(paper);
        if (first.length === AVERAGE_SAMPLE) segment = start();
      }
      if (endsAfter(keys.length, paper.key)) flush();
    },
    {
      format,
      categories: options.categories,
      signal: options.signal,
      onProgress: (p) => {
        latest = p;
        options.onProgress?.(progress());
      },
    },
  );
  latest = read.progress;
  if (read.fallback) {
    if (folder) await rm(folder, { recursive: true, force: true });
    return { id, file, store: new PaperStoreBuilder(file, format).finish(), encoded: { id: file, hash: id, chunks: [] }, issues: [], progress: progress(), loaded: false, fallback: read.fallback };
  }
  flush();
  const store = builder.finish();
  store.strings = read.strings ?? '';
  const issues = [...read.issues, ...extra.slice(0, 100)];
  if (extra.length > 100) issues.push({ file, line: 0, severity: 'warning', message: `${extra.length - 100} more duplicate keys not listed` });
  const done = progress();
  const contentHash = read.hash ? { contentHash: read.hash } : {};
  const corpus: Corpus = { id, file, store, encoded: { id: file, hash: id, chunks }, issues, progress: done, loaded: false, ...contentHash };
  if (folder) {
    await Promise.all(writes);
    const meta: CorpusMeta = { fingerprint: fp, categories: filterOf(options), segmentFormat: FORMAT_VERSION, readerVersion: READER_VERSION, chunks: chunks.map(({ hash: h, papers }) => ({ hash: h, papers })), issues, progress: done, ...contentHash, ...(store.strings ? { strings: store.strings } : {}) };
    // The segments are on disk before store.rec says the build is complete.
    const tmp = join(folder, `${STORE_FILE}.${process.pid}.tmp`);
    await writeDurably(tmp, encodeStore(store, meta));
    await rename(tmp, join(folder, STORE_FILE));
    for (const old of previous) await rm(old, { recursive: true, force: true });
  }
  return corpus;
}

/** A chunk's keys as the list its segment is encoded with (encodeSegment reads only the keys). */
function keyList(keys: string[]): PaperList {
  return {
    length: keys.length,
    keyAt: (i) => keys[i],
    at: () => {
      throw new Error('a chunk being encoded has only its keys');
    },
    slice: (a, b) => keyList(keys.slice(a, b)),
  };
}

/** Writes and fsyncs `file`. */
async function writeDurably(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
