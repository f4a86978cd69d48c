// Reading library files from disk: one clear issue for anything that is not a bibliography.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { BibtexCache, parseBibtexAsync } from './bibtex';
import { parseCslJson } from './csljson';
import { decodeBibliography, looksBinary } from './encoding';
import type { LoadIssue, SourceResult } from './paper';

export interface ReadOptions {
  /** Files larger than this are refused with one error. Default 512 MB. */
  maxBytes?: number;
  /** Reuse decoded BibTeX entries across reads of the same (or any) file. */
  cache?: BibtexCache;
}

export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const BIBTEX = new Set(['.bib', '.bibtex', '.biblatex']);
const JSON_EXT = new Set(['.json']);

/** Which parser a path gets, by extension; null for anything else. */
export function libraryFormat(file: string): 'bibtex' | 'csl-json' | null {
  const ext = path.extname(file).toLowerCase();
  return BIBTEX.has(ext) ? 'bibtex' : JSON_EXT.has(ext) ? 'csl-json' : null;
}

/**
 * Reads and checks a file's text; returns either the text (with a note when it was not plain UTF-8)
 * or the one issue that stops it.
 */
export async function readLibraryText(file: string, maxBytes = DEFAULT_MAX_BYTES): Promise<{ text: string; hash: string; note?: LoadIssue } | { issue: LoadIssue }> {
  const fail = (message: string, line = 0): { issue: LoadIssue } => ({ issue: { file, line, severity: 'error', message } });
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) return fail(s.isDirectory() ? 'is a folder, not a bibliography file' : 'not a regular file');
    size = s.size;
  } catch (err) {
    return fail(await whyMissing(file, err));
  }
  if (size > maxBytes) return fail(`file is ${mb(size)}, over the ${mb(maxBytes)} limit for a bibliography; not read`);
  let bytes: Buffer;
  try {
    // Look at the head first, so a large binary file is refused without being read whole.
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(Math.min(8192, size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (looksBinary(head.subarray(0, bytesRead))) return fail('binary file (NUL bytes), not a bibliography; not read');
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    return fail(describe(err));
  }
  const decoded = decodeBibliography(bytes);
  if ('refused' in decoded) return fail(decoded.refused, decoded.line);
  return { text: decoded.text, hash: bytesHash(bytes), note: decoded.note && { file, ...decoded.note } };
}

/** Reads a .bib/.bibtex (BibTeX) or .json (CSL-JSON) file. Never throws; problems become issues. */
export async function readLibraryFile(file: string, options: ReadOptions = {}): Promise<SourceResult> {
  try {
    return await readChecked(file, options);
  } catch (err) {
    // A fault nobody foresaw is still this file's problem, never the whole load's.
    options.cache?.forget(file);
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    return { papers: [], issues: [{ file, line: 0, severity: 'error', message: `could not be read (${message})` }] };
  }
}

async function readChecked(file: string, options: ReadOptions): Promise<SourceResult> {
  const format = libraryFormat(file);
  if (!format) {
    return { papers: [], issues: [{ file, line: 0, severity: 'error', message: `unknown library format "${path.extname(file) || '(no extension)'}": expected .bib, .bibtex or .json (CSL-JSON)` }] };
  }
  if (format === 'bibtex' && options.cache?.thread) return options.cache.thread.read(file, options.maxBytes);
  const read = await readLibraryText(file, options.maxBytes);
  if ('issue' in read) {
    options.cache?.forget(file);
    return { papers: [], issues: [read.issue] };
  }
  const result = format === 'csl-json' ? parseCslJson(file, read.text, 'csl-json') : await parseBibtexAsync(file, read.text, options.cache);
  if (read.note) result.issues.unshift(read.note);
  return { ...result, hash: read.hash };
}

const bytesHash = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/** sha1 of a file's bytes (as SourceResult.hash), read as a stream; null when it cannot be read. */
export function fileHash(file: string): Promise<string | null> {
  return new Promise((resolve) => {
    const h = createHash('sha1');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', () => resolve(null));
  });
}

export interface FindOptions {
  /** Stop after this many files. Default 10,000. */
  maxFiles?: number;
  /** Do not descend deeper than this. Default 12. */
  maxDepth?: number;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', '.vscode-test']);

/** Folders no scan enters: dependencies, build output, version control and other hidden folders. */
export function isSkippedFolder(name: string): boolean {
  return SKIP_DIRS.has(name) || name.startsWith('.');
}

/**
 * The files under `dir` that `accept` takes, sorted, outside skipped folders; the one folder walker.
 * Follows symbolic links to files and folders, each folder and file once (so a link loop ends); a
 * link that leads nowhere is offered to `accept` too, so reading it can say why.
 */
export async function findFiles(dir: string, accept: (file: string) => boolean | Promise<boolean>, options: FindOptions = {}): Promise<string[]> {
  const maxFiles = options.maxFiles ?? 10_000;
  const maxDepth = options.maxDepth ?? 12;
  const found: string[] = [];
  const seen = new Set<string>(); // real paths of the folders walked and the files found
  const once = async (p: string): Promise<boolean> => {
    const real = await realpath(p).catch(() => p);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  };
  const walk = async (d: string, depth: number): Promise<void> => {
    if (found.length >= maxFiles || depth > maxDepth || !(await once(d))) return;
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (found.length >= maxFiles) return;
      const full = path.join(d, e.name);
      let kind: 'folder' | 'file' | 'broken' | null = e.isDirectory() ? 'folder' : e.isFile() ? 'file' : null;
      if (e.isSymbolicLink()) {
        const target = await stat(full).catch(() => null);
        kind = !target ? 'broken' : target.isDirectory() ? 'folder' : target.isFile() ? 'file' : null;
      }
      if (kind === 'folder') {
        if (!isSkippedFolder(e.name)) await walk(full, depth + 1);
      } else if (kind === 'broken') {
        if (await accept(full)) found.push(full);
      } else if (kind === 'file' && (await accept(full)) && (await once(full))) found.push(full);
    }
  };
  await walk(dir, 0);
  return found;
}

/**
 * Library files under `dir`, sorted: .bib/.bibtex, and .json files that look like CSL-JSON (so a
 * project's package.json is not mistaken for a library). Skips node_modules, .git and hidden folders.
 */
export function findLibraryFiles(dir: string, options: FindOptions = {}): Promise<string[]> {
  return findFiles(dir, isLibraryFile, options);
}

/** Would a scan take this file (by its name, and for .json by its first bytes)? */
export async function isLibraryFile(file: string): Promise<boolean> {
  const format = libraryFormat(file);
  return format === 'bibtex' || (format === 'csl-json' && (await looksLikeCslJson(file)));
}

async function looksLikeCslJson(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return head.startsWith('[') || (head.startsWith('{') && /"items"\s*:/.test(head));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** Why `file` cannot be opened, saying so when it is a symbolic link that leads nowhere. */
export async function whyMissing(file: string, err: unknown): Promise<string> {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ELOOP') return 'symbolic link loop: the link leads back to itself';
  if (code === 'ENOENT' && (await lstat(file).catch(() => null))?.isSymbolicLink()) {
    const target = await readlink(file).catch(() => '?');
    return `dangling symbolic link: its target ${target} does not exist`;
  }
  return describe(err);
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied; cannot read the file';
  if (code === 'EISDIR') return 'is a folder, not a bibliography file';
  return `cannot read the file: ${err instanceof Error ? err.message : String(err)}`;
}

const mb = (n: number): string =>
  n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
