// A big library file held in a paper store, re-read by what changed. The store and its index
// segments stay as the whole read made them; a rewrite is scanned (library/stream.ts
// rereadBibtex), the entries whose bytes match none of the store's are parsed and held as objects
// beside it (`changed`, indexed as one more small chunk of the same source), and the store's
// papers whose entries changed or went are left out (PackedPaperStore.relocated). The next whole
// read (a later load, or the fold the workspace runs once the file is quiet) starts again from
// the file alone.
import type { LoadIssue, Paper, PaperList } from '../library/paper';
import type { PackedPaperStore } from '../library/store';
import type { Reread, StreamedPaper } from '../library/stream';
import { SearchIndex, type EncodedSource, type IndexSource } from '../search';
import type { Corpus } from '../search/corpus';

/** What the workspace holds for a big library file: the whole read it started from, and what changed since. */
export interface StoredFile {
  /** The whole read (its store holds every paper it had, at the places the file had them then). */
  corpus: Corpus;
  /** corpus.store at the file's places now, the papers whose entries changed or went left out. */
  store: PackedPaperStore;
  /** The entries read since that are none of the store's, in file order. */
  changed: StreamedPaper[];
  /** The file's problems now. */
  issues: LoadIssue[];
  /** sha1 of the bytes this state was read from. */
  contentHash?: string;
}

/** A whole read, nothing changed since. */
export function storedFile(corpus: Corpus): StoredFile {
  return { corpus, store: corpus.store, changed: [], issues: corpus.issues, ...(corpus.contentHash ? { contentHash: corpus.contentHash } : {}) };
}

/** Can this state be re-read by what changed? (BibTeX read with entry hashes.) */
export function rereadable(state: StoredFile): boolean {
  const base = state.corpus.store;
  return base.format === 'bibtex' && (base.size === 0 || base.entryHashAt(0) !== 0);
}

/** The entry hashes a re-read matches the file's entries with: the whole read's docs, then the changed entries. */
export function knownEntries(state: StoredFile): { hashes: Float64Array; strings: string } {
  const base = state.corpus.store;
  const hashes = new Float64Array(base.size + state.changed.length);
  hashes.set(base.columns().entryHashes);
  state.changed.forEach((c, j) => (hashes[base.size + j] = c.hash ?? 0));
  return { hashes, strings: base.strings };
}

/**
 * The state after `reread` (the file read again against knownEntries(state)): the store
 * relocated, the changed entries still there moved, the fresh ones added, the issues at the
 * file's lines now. An entry whose key the store still holds, or an earlier one of them holds, is
 * a duplicate: warned and left out (the store's copy stays), as a whole read leaves out a repeated key.
 */
export function applyReread(state: StoredFile, reread: Reread): StoredFile {
  const base = state.corpus.store;
  const n = base.size;
  const masked = new Uint8Array(n);
  const offsets = new Float64Array(n);
  const lengths = new Uint32Array(n);
  const lines = new Uint32Array(n);
  for (let doc = 0; doc < n; doc++) {
    const here = reread.offsets[doc] >= 0;
    const was = base.recordOf(doc);
    masked[doc] = here ? 0 : 1;
    offsets[doc] = here ? reread.offsets[doc] : was.offset;
    lengths[doc] = here ? reread.lengths[doc] : was.length;
    lines[doc] = here ? reread.lines[doc] : was.line;
  }
  const store = base.relocated({ offsets, lengths, lines }, masked);
  // The changed entries still in the file (not parsed again), at their places now, with the fresh ones in file order.
  const moved = state.changed.flatMap((c, j): StreamedPaper[] => {
    const k = n + j;
    if (reread.offsets[k] < 0) return [];
    return [{ ...c, paper: { ...c.paper, origin: { ...c.paper.origin, line: reread.lines[k] } }, offset: reread.offsets[k], length: reread.lengths[k] }];
  });
  const candidates = [...moved, ...reread.fresh].sort((a, b) => a.offset - b.offset);
  const changed: StreamedPaper[] = [];
  const duplicates: LoadIssue[] = [];
  const lineOf = new Map<string, number>();
  for (const entry of candidates) {
    const { key, origin } = entry.paper;
    const doc = store.docOf(key);
    const first = doc >= 0 ? lines[doc] : lineOf.get(key);
    if (first !== undefined) {
      duplicates.push({ file: origin.file, line: origin.line, severity: 'warning', message: `duplicate key "${key}", also at line ${first}; skipped` });
      continue;
    }
    lineOf.set(key, origin.line);
    changed.push(entry);
  }
  const baseLines = Array.from({ length: n }, (_, doc) => base.recordOf(doc).line);
  const changedLines = state.changed.map((c) => c.paper.origin.line);
  const issues = [
    ...movedIssues(state.corpus.issues, baseLines, 0, reread), // the whole read's, of entries still there
    ...movedIssues(state.issues, changedLines, n, reread), // the changed entries', of those still there
    ...reread.issues,
    ...duplicates,
  ];
  return { corpus: state.corpus, store, changed, issues: issues.sort((a, b) => a.line - b.line), contentHash: reread.hash };
}

/**
 * The issues that belong to an entry still in the file (entry `from + i` of the re-read starts at
 * `starts[i]`, in order), at its line now; the others (their entries changed, went, or never made
 * a paper) were parsed again with the fresh entries.
 */
function movedIssues(issues: readonly LoadIssue[], starts: readonly number[], from: number, reread: Reread): LoadIssue[] {
  const out: LoadIssue[] = [];
  if (starts.length === 0) return out;
  for (const issue of issues) {
    if (issue.line === 0) continue;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= issue.line) lo = mid;
      else hi = mid - 1;
    }
    const k = from + lo;
    const was = starts[lo];
    if (reread.offsets[k] < 0 || issue.line < was || issue.line > was + reread.lineCounts[k]) continue;
    const shift = (line: number) => line - was + reread.lines[k];
    out.push({ ...issue, line: shift(issue.line), message: issue.message.replace(/\bline (\d+)/g, (_, l) => `line ${shift(Number(l))}`) });
  }
  return out;
}

/** Papers of the state: the store's (left-out ones included: the index counts them dead), then the changed ones. */
export function papersOf(state: StoredFile): PaperList {
  if (state.changed.length === 0) return state.store;
  return new WithChanged(
    state.store,
    state.changed.map((c) => c.paper),
  );
}

/**
 * The state as one index source: the whole read's chunks (the index holds their segments: none
 * is sent or decoded again), then one chunk of the changed papers, indexed here (they are few).
 */
export function indexedState(file: string, state: StoredFile): { source: IndexSource; encoded: EncodedSource } {
  const source: IndexSource = { id: file, papers: papersOf(state), hash: state.corpus.id, kind: 'workspace' };
  const chunks: EncodedSource['chunks'] = state.corpus.encoded.chunks.map((c) => ({ hash: c.hash, papers: c.papers, bytes: new Uint8Array(0) }));
  if (state.changed.length) {
    const papers = state.changed.map((c) => c.paper);
    chunks.push(...SearchIndex.fromSources([{ id: file, papers, kind: 'workspace' }]).encodeSource(file)!.chunks);
  }
  return { source, encoded: { id: file, hash: state.corpus.id, chunks } };
}

/** A store's papers followed by some papers held as objects (slices within either part keep its kind). */
class WithChanged implements PaperList {
  constructor(
    private readonly store: PackedPaperStore,
    private readonly changed: Paper[],
  ) {}
  get length(): number {
    return this.store.size + this.changed.length;
  }
  at(i: number): Paper | undefined {
    return i < this.store.size ? this.store.at(i) : this.changed[i - this.store.size];
  }
  slice(start = 0, end = this.length): PaperList {
    const n = this.store.size;
    [start, end] = [clamp(start, this.length), clamp(end, this.length)];
    if (end <= n) return this.store.slice(start, end);
    if (start >= n) return this.changed.slice(start - n, end - n);
    return Array.from({ length: Math.max(0, end - start) }, (_, i) => this.at(start + i)!);
  }
}

const clamp = (i: number, n: number): number => Math.max(0, Math.min(n, i < 0 ? n + i : i));
