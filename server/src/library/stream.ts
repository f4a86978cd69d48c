// A streamed corpus source: the papers of an arXiv metadata snapshot, of JSON lines of CSL items
// or of a CSL-JSON array, one at a time, each with where its record is in the file (byte offset
// and length), so nothing but the current record is ever in memory and any entry can be read
// again on its own. Problems are `file:line:` issues; a bad record never stops the others.
import { open, stat } from 'node:fs/promises';
import { arxivCategories, arxivPaper, categoriesInLine, categoryFilter, type ArxivRecord } from './arxiv';
import { parseCslJson } from './csljson';
import { scanRecords, type Layout } from './jsonl';
import type { LoadIssue, Paper } from './paper';

/** arXiv's snapshot (JSON lines), CSL items one per line, or one CSL-JSON array. */
export type StreamFormat = 'arxiv' | 'csl-jsonl' | 'csl-json';

export interface StreamedPaper {
  /** Complete, abstract included (the index reads it; a store keeps only the compact part). */
  paper: Paper;
  /** Where its record is in the file, in bytes. */
  offset: number;
  length: number;
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
}

export interface StreamResult {
  /** Null when the file could not be read as any of the formats (the issues say why). */
  format: StreamFormat | null;
  issues: LoadIssue[];
  progress: StreamProgress;
}

const layoutOf = (format: StreamFormat): Layout => (format === 'csl-json' ? 'array' : 'lines');

/**
 * The format of `file` from its first record: an array is CSL-JSON; JSON lines are arXiv's when
 * the first object has arXiv's fields (id with versions, authors_parsed or categories), CSL
 * items otherwise. A string says why it is none of them.
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
export function paperOfRecord(format: StreamFormat, file: string, text: string, line: number): { paper: Paper; warnings: LoadIssue[] } | string {
  const value = parseJson(text);
  return typeof value === 'string' ? value : paperOfValue(format, file, value.json, text, line);
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
  // One item through the CSL-JSON reader (it parses the text again), so both formats read items alike.
  const result = parseCslJson(file, `[${text}]`, 'csl-json');
  const at = (issue: LoadIssue): LoadIssue => ({ ...issue, line, message: issue.message.replace(/^item 1 /, 'the item ') });
  const error = result.issues.find((i) => i.severity === 'error');
  if (error || result.papers.length === 0) return at(error ?? { file, line, severity: 'error', message: 'not a CSL item' }).message;
  const paper = result.papers[0];
  paper.origin = { ...paper.origin, line };
  return { paper, warnings: result.issues.map(at) };
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
  if (!['arxiv', 'csl-jsonl', 'csl-json'].includes(detected)) {
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
        report({ file, line: record.line, severity: 'error', message: read.endsWith('skipped') ? read : `${read}; skipped` });
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
