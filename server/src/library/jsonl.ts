// Record files read as a stream: JSON lines (arXiv's metadata snapshot, CSL items one per line)
// and one top-level JSON array (a CSL-JSON export). The file is read in 1 MiB pieces, never whole;
// each record comes with the byte offset and length it has in the file, so it can be read again
// on its own later (an abstract for a hover card), and with the line it starts on, for
// `file:line:` messages. What a record means is the caller's business (stream.ts).
import { createReadStream } from 'node:fs';
import type { LoadIssue } from './paper';

/** One record as it is in the file. */
export interface RawRecord {
  /** Its JSON text (decoded as UTF-8; invalid bytes become U+FFFD, see `invalidUtf8`). */
  text: string;
  /** Byte offset of its first byte, and its length in bytes (without the line's newline). */
  offset: number;
  length: number;
  /** 1-based line of its first byte. */
  line: number;
  /** The file ended right after it without a newline (a JSON-lines file cut short ends like this). */
  final: boolean;
  /** Its bytes were not all valid UTF-8. */
  invalidUtf8: boolean;
}

/** `lines`: one JSON value per line; `array`: the elements of one top-level JSON array. */
export type Layout = 'lines' | 'array';

export interface ScanOptions {
  layout: Layout;
  signal?: AbortSignal;
  /** Bytes per read (default 1 MiB). */
  chunkBytes?: number;
  /** After each read: the bytes consumed so far. */
  onBytes?: (bytes: number) => void;
}

export interface ScanResult {
  bytes: number;
  records: number;
  /** Problems of the file's structure (not of single records): an array that never closes… */
  issues: LoadIssue[];
}

const NL = 0x0a;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer): { text: string; invalid: boolean } {
  const text = bytes.toString('utf8');
  // toString replaces bad bytes silently; a U+FFFD may also be real text, so ask a strict decoder.
  if (!text.includes('\ufffd')) return { text, invalid: false };
  try {
    fatalUtf8.decode(bytes);
    return { text, invalid: false };
  } catch {
    return { text, invalid: true };
  }
}

/**
 * Calls `each` for every record of `file`, in order. Blank lines are skipped; a BOM is allowed.
 * Never throws for the file's content (only for I/O errors and an abort).
 */
export async function scanRecords(file: string, each: (record: RawRecord) => void, options: ScanOptions): Promise<ScanResult> {
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  const splitter = options.layout === 'lines' ? new LineSplitter(file, each) : new ArraySplitter(file, each);
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      splitter.push(chunk, bytes);
      bytes += chunk.length;
      options.onBytes?.(bytes);
    }
  } finally {
    stream.destroy();
  }
  const issues = splitter.end();
  return { bytes, records: splitter.records, issues };
}

interface Splitter {
  records: number;
  push(chunk: Buffer, at: number): void;
  end(): LoadIssue[];
}

class LineSplitter implements Splitter {
  records = 0;
  private carry: Buffer[] = [];
  private carryStart = 0;
  private line = 1;
  private first = true;

  constructor(
    private readonly file: string,
    private readonly each: (r: RawRecord) => void,
  ) {}

  push(chunk: Buffer, at: number): void {
    let pos = 0;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
      this.carryStart = at + pos;
    }
    for (;;) {
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) break;
      const piece = chunk.subarray(pos, nl);
      if (this.carry.length) {
        this.carry.push(piece);
        this.emit(Buffer.concat(this.carry), this.carryStart, false);
        this.carry = [];
      } else this.emit(piece, at + pos, false);
      pos = nl + 1;
      this.carryStart = at + pos;
    }
    if (pos < chunk.length) this.carry.push(chunk.subarray(pos));
  }

  end(): LoadIssue[] {
    if (this.carry.length) this.emit(Buffer.concat(this.carry), this.carryStart, true);
    this.carry = [];
    return [];
  }

  private emit(bytes: Buffer, offset: number, final: boolean): void {
    const line = this.line++;
    // Blank (or whitespace-only) lines are no records.
    let i = 0;
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0d)) i++;
    if (i === bytes.length) return;
    const { text, invalid } = decode(bytes);
    this.records++;
    this.each({ text, offset, length: bytes.length, line, final, invalidUtf8: invalid });
  }
}

/** The elements of a top-level array, found by tracking strings and nesting byte by byte. */
class ArraySplitter implements Splitter {
  records = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private line = 1;
  private first = true;
  private done = false;
  /** The element being read: none between elements; an object or array; a string; a number or literal. */
  private element: 'none' | 'container' | 'string' | 'scalar' = 'none';
  /** File offset and line of the element being read. */
  private start = 0;
  private startLine = 0;
  private pieces: Buffer[] = [];
  private problem: LoadIssue | null = null;

  constructor(
    private readonly file: string,
    private readonly each: (r: RawRecord) => void,
  ) {}

  push(chunk: Buffer, at: number): void {
    if (this.problem) return;
    let i = 0;
    if (this.first) {
      this.first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let from = 0; // where the current element's bytes start in this chunk
    for (const n = chunk.length; i < n; i++) {
      const b = chunk[i];
      if (b === NL) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (b === 0x5c) this.escape = true;
        else if (b === 0x22) {
          this.inString = false;
          if (this.element === 'string') this.finish(chunk, from, i + 1);
        }
        continue;
      }
      if (this.element === 'scalar') {
        if (b !== 0x2c && b !== 0x5d && !isSpace(b)) continue;
        this.finish(chunk, from, i); // it ends before the separator, which is read below
      }
      if (isSpace(b)) continue;
      if (this.element === 'container') {
        if (b === 0x22) this.inString = true;
        else if (b === 0x7b || b === 0x5b) this.depth++;
        else if (b === 0x7d || b === 0x5d) {
          this.depth--;
          if (this.depth === 1) this.finish(chunk, from, i + 1);
        }
        continue;
      }
      if (this.done) {
        this.problem = this.issue(this.line, 'text after the closing "]" of the array; ignored', 'warning');
        return;
      }
      if (this.depth === 0) {
        if (b !== 0x5b) {
          this.problem = this.issue(this.line, 'not a JSON array of items: expected "[" (a {"items": [...]} file is read whole, not streamed)');
          return;
        }
        this.depth = 1;
        continue;
      }
      // Between elements of the top array.
      if (b === 0x2c) continue;
      if (b === 0x5d) {
        this.depth = 0;
        this.done = true;
        continue;
      }
      this.start = at + i;
      this.startLine = this.line;
      from = i;
      if (b === 0x7b || b === 0x5b) {
        this.element = 'container';
        this.depth = 2;
      } else if (b === 0x22) {
        this.element = 'string';
        this.inString = true;
      } else this.element = 'scalar';
    }
    if (this.element !== 'none') this.pieces.push(chunk.subarray(from));
  }

  private finish(chunk: Buffer, from: number, end: number): void {
    const last = chunk.subarray(from, end);
    const bytes = this.pieces.length ? Buffer.concat([...this.pieces, last]) : last;
    this.pieces = [];
    this.element = 'none';
    const { text, invalid } = decode(bytes);
    this.records++;
    this.each({ text, offset: this.start, length: bytes.length, line: this.startLine, final: false, invalidUtf8: invalid });
  }

  end(): LoadIssue[] {
    if (this.problem) return [this.problem];
    if (this.element !== 'none') return [this.issue(this.startLine, `the file ends inside item ${this.records + 1} (truncated?); the items before it are read`)];
    if (!this.done) return [this.issue(this.line, this.depth === 0 ? 'empty file: expected a JSON array' : 'the array is never closed with "]" (truncated?); the items before are read')];
    return [];
  }

  private issue(line: number, message: string, severity: LoadIssue['severity'] = 'error'): LoadIssue {
    return { file: this.file, line, severity, message };
  }
}

const isSpace = (b: number): boolean => b === 0x20 || b === NL || b === 0x0d || b === 0x09;
