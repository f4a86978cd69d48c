// A streamed corpus source: the papers of an arXiv metadata snapshot, of JSON lines of CSL items
// or of a CSL-JSON array, one at a time, each with where its record is in the file (byte offset
// and length), so nothing but the current record is ever in memory and any entry can be read
// again on its own. Problems are `file:line:` issues; a bad record never stops the others.
import { createHash, type Hash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { arxivCategories, arxivPaper, categoriesInLine, categoryFilter, type ArxivRecord } from './arxiv';
import { loadBibtexParser, parseBibtex, scanBibtex } from './bibtex';
import { parseCslJson } from './csljson';
import { scanRecords, type Layout } from './jsonl';
import { withLfLineEnds, type LoadIssue, type Paper } from './paper';

/**
 * arXiv's snapshot (JSON lines), CSL items one per line, one CSL-JSON array, a BibTeX file, or
 * LitLens papers one per line as the Zotero reader writes them (library/zotero/saved.ts; never detected).
 */
export type StreamFormat = 'arxiv' | 'csl-jsonl' | 'csl-json' | 'bibtex' | 'zotero';

export const STREAM_FORMATS: readonly string[] = ['arxiv', 'csl-jsonl', 'csl-json', 'bibtex', 'zotero'];

export interface StreamedPaper {
  /** Complete, abstract included (the index reads it; a store keeps only the compact part). */
  paper: Paper;
  /** Where its record is in the file, in bytes. */
  offset: number;
  length: number;
  /** BibTeX: entryHash of the record's text, to match it in the file rewritten (rereadBibtex). */
  hash?: number;
}

/** A record's identity, for matching a rewritten file's entries with a store's: 53 bits of the sha1 of its text (never 0). */
export function entryHash(text: string): number {
  const d = createHash('sha1').update(text).digest();
  return d.readUInt32BE(0) * 2 ** 21 + (d.readUInt32BE(4) >>> 11) || 1;
}

export interface StreamProgress {
  bytes: number;
  totalBytes: number;
  /** Records read, papers passed on, records left out by the category filter, problems found. */
  records: number;
  papers: number;
  filtered: number;
  issues: number;
}

export interface StreamOptions {
  /** Default: detected from the file's first bytes (detectFormat). */
  format?: StreamFormat;
  /** arXiv categories to keep ("cs.LG", or "cs" for the whole archive); empty: all. Other formats ignore it. */
  categories?: readonly string[];
  onProgress?: (progress: StreamProgress) => void;
  /** At most one progress call per this many ms (default 200), and one at the end. */
  progressMs?: number;
  signal?: AbortSignal;
  /** Issues reported one by one (default 100); the rest are counted in one last issue. */
  maxIssues?: number;
  /** BibTeX: bytes read and parsed at a time (default BIBTEX_BLOCK). */
  blockBytes?: number;
}

export interface StreamResult {
  /** Null when the file could not be read as any of the formats (the issues say why). */
  format: StreamFormat | null;
  /**
   * Why the file must be read whole instead (BibTeX with crossref, not UTF-8): the papers passed
   * on so far are not the file's. The object path (library/files.ts readLibraryFile) reads it.
   */
  fallback?: string;
  issues: LoadIssue[];
  progress: StreamProgress;
  /** sha1 of the file's bytes (BibTeX: read whole, so the hash costs nothing more). */
  hash?: string;
  /** BibTeX: the file's @string definitions, which an entry read again alone needs (paperOfRecord). */
  strings?: string;
}

const layoutOf = (format: StreamFormat): Layout => (format === 'csl-json' ? 'array' : 'lines');

/**
 * The format of `file` from its first record: an array is CSL-JSON; JSON lines are arXiv's when
 * the first object has arXiv's fields (id with versions, authors_parsed or categories), CSL
 * items otherwise. A string says why it is none of them. BibTeX is never detected: a caller that
 * wants a .bib streamed says so (the workspace's big library files).
 */
export async function detectFormat(file: string): Promise<StreamFormat | string> {
  let head: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      if (buf.subarray(0, bytesRead).includes(0)) return 'binary file (NUL bytes), not a corpus';
      head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\ufeff/, '');
    } finally {
      await handle.close();
    }
  } catch (err) {
    return `cannot read the file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`;
  }
  const body = head.trimStart();
  if (body.startsWith('[')) return 'csl-json';
  if (!body.startsWith('{')) return body ? 'neither JSON lines nor a JSON array' : 'empty file';
  const firstLine = body.slice(0, body.indexOf('\n') >>> 0);
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    return firstLine.length >= head.length - 1 ? 'the first record is longer than 64 KB or not JSON' : 'the first line is not a JSON object: expected JSON lines (one record per line)';
  }
  const r = first as Record<string, unknown>;
  if (typeof r?.id === 'string' && ('versions' in r || 'authors_parsed' in r || ('categories' in r && 'abstract' in r))) return 'arxiv';
  return 'csl-jsonl';
}

/**
 * The Paper of one record's text (`line`: where it starts), or why it is none. The same reading
 * as streamPapers', for an entry read again from its offset.
 */
export function paperOfRecord(format: StreamFormat, file: string, text: string, line: number, strings = ''): { paper: Paper; warnings: LoadIssue[] } | string {
  if (format === 'bibtex') return paperOfEntry(file, text, line, strings);
  const value = parseJson(text);
  return typeof value === 'string' ? value : paperOfValue(format, file, value.json, text, line);
}

/** Why a record was not read, saying it was skipped (once: some reasons say so already). */
export function skipping(why: string): string {
  return why.endsWith('skipped') ? why : `${why}; skipped`;
}

function parseJson(text: string): { json: unknown } | string {
  try {
    return { json: JSON.parse(text) };
  } catch (err) {
    return `invalid JSON: ${(err as Error).message.replace(/\s*in JSON at position \d+.*$/, '')}`;
  }
}

function paperOfValue(format: StreamFormat, file: string, value: unknown, text: string, line: number): { paper: Paper; warnings: LoadIssue[] } | string {
  if (format === 'arxiv') {
    const paper = arxivPaper(value as ArxivRecord, file, line);
    return typeof paper === 'string' ? paper : { paper, warnings: [] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object (a CSL item)';
  if (format === 'zotero') return zoteroPaper(value as Partial<Paper>, file, line);
  // One item through the CSL-JSON reader (it parses the text again), so both formats read items alike.
  const result = parseCslJson(file, `[${text}]`, 'csl-json');
  const at = (issue: LoadIssue): LoadIssue => ({ ...issue, line, message: issue.message.replace(/^item 1 /, 'the item ') });
  const error = result.issues.find((i) => i.severity === 'error');
  if (error || result.papers.length === 0) return at(error ?? { file, line, severity: 'error', message: 'not a CSL item' }).message;
  const paper = result.papers[0];
  paper.origin = { ...paper.origin, line };
  return { paper, warnings: result.issues.map(at) };
}

/** A paper as LitLens wrote it from Zotero's library (written by LitLens: only its shape is checked). */
function zoteroPaper(value: Partial<Paper>, file: string, line: number): { paper: Paper; warnings: LoadIssue[] } | string {
  if (typeof value.key !== 'string' || typeof value.title !== 'string' || !Array.isArray(value.authors)) return 'not a paper (key, title, authors)';
  return { paper: { ...value, origin: { file, line, kind: 'zotero' } } as Paper, warnings: [] };
}

/**
 * Reads `file` as a stream and calls `each` for every paper that passes the category filter, in
 * file order. Never throws for the file's content; throws for an abort.
 */
export async function streamPapers(file: string, each: (paper: StreamedPaper) => void, options: StreamOptions = {}): Promise<StreamResult> {
  const issues: LoadIssue[] = [];
  const maxIssues = options.maxIssues ?? 100;
  let hidden = 0;
  const progress: StreamProgress = { bytes: 0, totalBytes: 0, records: 0, papers: 0, filtered: 0, issues: 0 };
  const report = (issue: LoadIssue) => {
    progress.issues++;
    if (issues.length < maxIssues) issues.push(issue);
    else hidden++;
  };
  const detected = options.format ?? (await detectFormat(file));
  if (detected === 'bibtex') return streamBibtex(file, each, options);
  if (!STREAM_FORMATS.includes(detected)) {
    return { format: null, issues: [{ file, line: 0, severity: 'error', message: detected }], progress };
  }
  const format = detected as StreamFormat;
  try {
    progress.totalBytes = (await stat(file)).size;
  } catch {
    // scanRecords reports what is wrong with the file
  }
  const filter = format === 'arxiv' ? categoryFilter(options.categories ?? []) : null;
  const every = options.progressMs ?? 200;
  let lastReport = performance.now();
  const tick = () => {
    const now = performance.now();
    if (options.onProgress && now - lastReport >= every) {
      lastReport = now;
      options.onProgress({ ...progress });
    }
  };
  const scan = await scanRecords(
    file,
    (record) => {
      progress.records++;
      if (filter) {
        // Most of a snapshot is filtered out: decide from the raw line when it says its categories plainly.
        const quick = categoriesInLine(record.text);
        if (quick && !filter(quick)) {
          progress.filtered++;
          return;
        }
      }
      const value = parseJson(record.text);
      if (typeof value === 'string') {
        report({ file, line: record.line, severity: 'error', message: record.final ? 'the file ends in the middle of a record (truncated?); skipped' : `${value}; skipped` });
        return;
      }
      if (filter && !filter(arxivCategories((value.json ?? {}) as ArxivRecord))) {
        progress.filtered++;
        return;
      }
      const read = paperOfValue(format, file, value.json, record.text, record.line);
      if (typeof read === 'string') {
        report({ file, line: record.line, severity: 'error', message: skipping(read) });
        return;
      }
      for (const w of read.warnings) report(w);
      if (record.invalidUtf8) report({ file, line: record.line, severity: 'warning', message: 'not valid UTF-8; the bad bytes were replaced' });
      progress.papers++;
      each({ paper: read.paper, offset: record.offset, length: record.length });
    },
    { layout: layoutOf(format), signal: options.signal, onBytes: (b) => ((progress.bytes = b), tick()) },
  ).catch((err: unknown): null => {
    if (options.signal?.aborted) throw err;
    report({ file, line: 0, severity: 'error', message: `cannot read the file: ${(err as Error).message}` });
    return null;
  });
  for (const issue of scan?.issues ?? []) report(issue);
  if (hidden > 0) issues.push({ file, line: 0, severity: 'error', message: `${hidden} more problems not listed` });
  options.onProgress?.({ ...progress });
  return { format, issues, progress };
}

/**
 * One BibTeX entry read again from its offset (PackedPaperStore.fullEntry), after the file's
 * @string definitions (`strings`, as streamBibtex kept them; crossref files are never streamed).
 * Needs `await loadBibtexParser()` first (the store does it).
 */
function paperOfEntry(file: string, text: string, line: number, strings: string): { paper: Paper; warnings: LoadIssue[] } | string {
  const first = count(strings) + 1; // the entry's first line in what is parsed
  const read = parseBibtex(file, strings + text);
  const error = read.issues.find((i) => i.severity === 'error' && i.line >= first); // not a broken @string's: the whole read reported it
  if (error || read.papers.length !== 1) return error?.message ?? 'not one BibTeX entry';
  const paper = read.papers[0];
  paper.origin = { ...paper.origin, line };
  return { paper, warnings: [] };
}

/** BibTeX is read in blocks of about this many bytes: each block's entries are parsed together. */
const BIBTEX_BLOCK = 4 << 20;

/**
 * Reads a BibTeX file a block at a time: the scanner finds the block's complete entries (the last,
 * perhaps cut, waits for the next block), the whole-file reader (bibtex.ts parseBibtex) parses them
 * after the @string definitions read so far, so lines, messages and @string handling are the ones
 * a whole read gives. A file with crossref (a child may come before its parent) or that is not
 * UTF-8 is not streamed: the result says so in `fallback`.
 */
async function streamBibtex(file: string, each: (paper: StreamedPaper) => void, options: StreamOptions): Promise<StreamResult> {
  const issues: LoadIssue[] = [];
  const maxIssues = options.maxIssues ?? 100;
  const progress: StreamProgress = { bytes: 0, totalBytes: 0, records: 0, papers: 0, filtered: 0, issues: 0 };
  const hash = createHash('sha1');
  let strings = ''; // the @string definitions read so far, each parse's prefix
  const result = (fallback?: string): StreamResult => {
    if (progress.issues > issues.length) issues.push({ file, line: 0, severity: 'error', message: `${progress.issues - issues.length} more problems not listed` });
    options.onProgress?.({ ...progress });
    return { format: 'bibtex', issues, progress, ...(fallback ? { fallback } : { hash: hash.digest('hex'), strings }) };
  };
  await loadBibtexParser();
  const handle = await openBibtex(file, progress, issues);
  if (!handle) return result();
  const every = options.progressMs ?? 200;
  let lastReport = performance.now();
  try {
    for await (const block of bibtexBlocks(handle, options.blockBytes ?? BIBTEX_BLOCK, hash, options.signal)) {
      if (typeof block === 'string') return result(block);
      if (/\bcrossref\s*=/i.test(block.text)) return result('crossref');
      // The block parsed after the @strings so far (each on lines of its own); lines moved to the file's.
      const firstLine = count(strings) + 1;
      const shift = (l: number): number => l - firstLine + block.line;
      const read = parseBibtex(file, strings + block.text);
      for (const issue of read.issues) {
        if (issue.line !== 0 && issue.line < firstLine) continue; // an @string's problem, reported with its own block
        progress.issues++;
        if (issues.length < maxIssues) issues.push(movedIssue(issue, shift));
      }
      // Each paper's entry: the scanner's chunk on its line (papers come in file order).
      const entries = new Map<number, ScannedChunk[]>();
      for (const chunk of block.chunks) {
        if (chunk.type === 'string') strings += chunk.text + '\n';
        else if (chunk.type !== 'comment' && chunk.type !== 'preamble') entries.set(chunk.line, [...(entries.get(chunk.line) ?? []), chunk]);
        progress.records++;
      }
      for (const paper of read.papers) {
        paper.origin.line = shift(paper.origin.line);
        const entry = entries.get(paper.origin.line)?.shift();
        if (!entry) continue;
        progress.papers++;
        each({ paper, offset: entry.offset, length: entry.length, hash: entryHash(entry.text) });
      }
      progress.bytes = Math.min(progress.totalBytes, block.end);
      const now = performance.now();
      if (options.onProgress && now - lastReport >= every) {
        lastReport = now;
        options.onProgress({ ...progress });
      }
    }
    return result();
  } finally {
    await handle.close();
  }
}

/** `file` opened for reading, its size in `progress`; null (and why in `issues`) when it cannot be. */
async function openBibtex(file: string, progress: StreamProgress, issues: LoadIssue[]): Promise<FileHandle | null> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    progress.totalBytes = (await handle.stat()).size;
    return handle;
  } catch (err) {
    await handle?.close();
    issues.push({ file, line: 0, severity: 'error', message: `cannot read the file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` });
    progress.issues++;
    return null;
  }
}

/** An issue of a parse whose line 1 is not the file's, at the file's line (`shift`), in its place and its message. */
function movedIssue(issue: LoadIssue, shift: (line: number) => number): LoadIssue {
  return issue.line ? { ...issue, line: shift(issue.line), message: issue.message.replace(/\bline (\d+)/g, (_, n) => `line ${shift(Number(n))}`) } : issue;
}

/** One entry, @string, @comment or @preamble of a BibTeX file, with its place in the file. */
interface ScannedChunk {
  type: string;
  text: string;
  offset: number;
  length: number;
  line: number;
}

/** A block of complete chunks: `text` (the chunks and what lies between them) starts at `line`; `end`: the byte after it. */
interface ScannedBlock {
  text: string;
  line: number;
  end: number;
  chunks: ScannedChunk[];
}

/**
 * A BibTeX file a block at a time (`hash` gets every byte): the scanner finds the block's complete
 * chunks, an entry cut by the block's end waits for the next block. CR line ends become LF (the
 * same length, so offsets hold); a BOM's 3 bytes come before the first chunk. Yields a string (and
 * stops) when the file is not UTF-8.
 */
async function* bibtexBlocks(handle: FileHandle, blockBytes: number, hash: Hash, signal?: AbortSignal): AsyncGenerator<ScannedBlock | string> {
  const decoder = new StringDecoder('utf8');
  const buffer = Buffer.alloc(blockBytes);
  let carry = ''; // text read but not scanned into chunks yet (an entry cut by the block's end)
  let carryByte = 0; // its byte offset in the file
  let carryLine = 1; // its line
  for (let first = true; ; first = false) {
    signal?.throwIfAborted();
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    const final = bytesRead === 0;
    hash.update(buffer.subarray(0, bytesRead));
    let text = carry + (final ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead)));
    if (first && text.startsWith('\ufeff')) [text, carryByte] = [text.slice(1), 3]; // a BOM: its 3 bytes come before the first entry
    if (text.includes('\ufffd')) return yield 'not UTF-8';
    text = withLfLineEnds(text); // a lone CR becomes LF: same length, so offsets hold
    const { chunks } = scanBibtex(text);
    const complete = final ? chunks.length : chunks.length - 1;
    if (complete <= 0 && !final) {
      carry = text;
      continue;
    }
    const cut = final ? text.length : chunks[complete].start;
    const located: ScannedChunk[] = [];
    let byte = carryByte;
    let at = 0;
    let line = carryLine;
    for (const chunk of chunks.slice(0, complete)) {
      byte += Buffer.byteLength(text.slice(at, chunk.start));
      line += count(text.slice(at, chunk.start));
      const body = text.slice(chunk.start, chunk.end);
      const length = Buffer.byteLength(body);
      located.push({ type: chunk.type, text: body, offset: byte, length, line });
      line += count(body);
      byte += length;
      at = chunk.end;
    }
    const blockLine = carryLine;
    carryByte = byte + Buffer.byteLength(text.slice(at, cut));
    carryLine = line + count(text.slice(at, cut));
    carry = text.slice(cut);
    yield { text: text.slice(0, cut), line: blockLine, end: carryByte, chunks: located };
    if (final) return;
  }
}

/** A BibTeX file read again against a store's entries (rereadBibtex). */
export interface Reread {
  /** Why only a whole read will do (crossref, not UTF-8, the @string definitions changed, too many entries changed); nothing else is set. */
  fallback?: string;
  /** sha1 of the file's bytes. */
  hash: string;
  strings: string;
  /**
   * Per doc of the store read against: where its entry is in the file now (offset -1: nowhere, its
   * bytes changed or it went), and how many line breaks it holds.
   */
  offsets: Float64Array;
  lengths: Uint32Array;
  lines: Uint32Array;
  lineCounts: Uint32Array;
  /** The file's entries that are none of the store's, in file order, parsed (one that does not parse has an issue instead). */
  fresh: StreamedPaper[];
  /** The fresh entries' problems (the store's others are the caller's to keep). */
  issues: LoadIssue[];
  progress: StreamProgress;
}

/**
 * A BibTeX file read again by what changed: each entry is hashed (entryHash) and matched with the
 * entry hashes a store was built with (`known.hashes`, per doc); only the entries whose bytes match
 * none are parsed, after the @string definitions (which must be `known.strings`, else it falls
 * back). A rewrite with nothing changed is a scan and a hash per entry, no parse. More than
 * `maxFresh` unmatched entries: it falls back (a whole read is then cheaper).
 */
export async function rereadBibtex(file: string, known: { hashes: Float64Array; strings: string }, options: { maxFresh?: number; signal?: AbortSignal; blockBytes?: number } = {}): Promise<Reread> {
  const n = known.hashes.length;
  const progress: StreamProgress = { bytes: 0, totalBytes: 0, records: 0, papers: 0, filtered: 0, issues: 0 };
  const issues: LoadIssue[] = [];
  const hash = createHash('sha1');
  const out: Reread = { hash: '', strings: '', offsets: new Float64Array(n).fill(-1), lengths: new Uint32Array(n), lines: new Uint32Array(n), lineCounts: new Uint32Array(n), fresh: [], issues, progress };
  const fallback = (why: string): Reread => ({ ...out, fallback: why, fresh: [] });
  const docOf = new Map<number, number>();
  known.hashes.forEach((h, doc) => h && docOf.set(h, doc));
  const maxFresh = options.maxFresh ?? Infinity;
  await loadBibtexParser();
  const handle = await openBibtex(file, progress, issues);
  if (!handle) return fallback(issues[0].message);
  const fresh: ScannedChunk[] = [];
  // What follows each fresh entry in the file (any chunk): a parse of the fresh entries alone must
  // end each where the file does ("not closed before the next entry on line N", not "at the end").
  const next = new Map<ScannedChunk, ScannedChunk>();
  let previous: ScannedChunk | null = null;
  let strings = '';
  try {
    for await (const block of bibtexBlocks(handle, options.blockBytes ?? BIBTEX_BLOCK, hash, options.signal)) {
      if (typeof block === 'string') return fallback(block);
      for (const chunk of block.chunks) {
        progress.records++;
        if (previous) next.set(previous, chunk);
        previous = null;
        if (chunk.type === 'string') strings += chunk.text + '\n';
        if (chunk.type === 'string' || chunk.type === 'comment' || chunk.type === 'preamble') continue;
        const doc = docOf.get(entryHash(chunk.text));
        if (doc !== undefined && out.offsets[doc] < 0) {
          out.offsets[doc] = chunk.offset;
          out.lengths[doc] = chunk.length;
          out.lines[doc] = chunk.line;
          out.lineCounts[doc] = count(chunk.text);
        } else if (fresh.push((previous = chunk)) > maxFresh) return fallback(`more than ${maxFresh} entries changed`);
      }
      progress.bytes = block.end;
    }
  } finally {
    await handle.close();
  }
  if (strings !== known.strings) return fallback('its @string definitions changed');
  if (fresh.some((c) => /\bcrossref\s*=/i.test(c.text))) return fallback('crossref');
  // The fresh entries parsed together after the @strings, each on lines of its own and followed
  // by the first line of what follows it in the file (when that is not the next fresh entry);
  // lines moved to the file's.
  const pieces: { text: string; line: number; entry: number }[] = [];
  fresh.forEach((c, i) => {
    pieces.push({ text: c.text, line: c.line, entry: i });
    const after = next.get(c);
    if (after && after !== fresh[i + 1]) pieces.push({ text: after.text.slice(0, after.text.indexOf('\n') >>> 0), line: after.line, entry: -1 });
  });
  const firstLine = count(strings) + 1;
  const starts: number[] = [];
  let at = firstLine;
  for (const p of pieces) {
    starts.push(at);
    at += count(p.text) + 1;
  }
  const pieceAt = (l: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= l) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const shift = (l: number): number => l - starts[pieceAt(l)] + pieces[pieceAt(l)].line;
  const read = pieces.length ? parseBibtex(file, strings + pieces.map((p) => p.text).join('\n')) : { papers: [], issues: [] };
  for (const issue of read.issues) {
    if (issue.line !== 0 && issue.line < firstLine) continue; // an @string's problem: the store's read reported it
    if (issue.line !== 0 && pieces[pieceAt(issue.line)].entry < 0) continue; // the line after a fresh entry's: not read here
    issues.push(movedIssue(issue, shift));
  }
  progress.issues = issues.length;
  const taken = new Set<number>();
  for (const paper of read.papers) {
    const i = pieces[pieceAt(paper.origin.line)].entry;
    if (i < 0 || taken.has(i)) continue;
    taken.add(i);
    paper.origin.line = shift(paper.origin.line);
    out.fresh.push({ paper, offset: fresh[i].offset, length: fresh[i].length, hash: entryHash(fresh[i].text) });
  }
  progress.papers = out.offsets.reduce((k, o) => k + (o >= 0 ? 1 : 0), out.fresh.length);
  return { ...out, hash: hash.digest('hex'), strings };
}

function count(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
