// litlens.zotero as a library source: which way in ("auto": the local API when it answers, else the
// default data directory's zotero.sqlite; a path: that data directory's database), reading it, and
// telling whether it changed since (the database's size and mtime, the API's library versions).
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadIssue, SourceResult } from '../paper';
import { ApiUnavailable, apiVersion, DEFAULT_API, readZoteroApi } from './api';
import { fingerprintOf, readZoteroDatabase, type ZoteroRead } from './read';
import { openSaved, savedPapers, saveRead } from './saved';
import { buildCorpus } from '../../search/corpus';

export type { ZoteroLibrary, ZoteroRead } from './read';

export interface ZoteroOptions {
  /** litlens.zotero: "auto", "off" or a data directory. */
  setting: string;
  collections?: readonly string[];
  /** The local API's base URL (tests: their own server; LITLENS_ZOTERO_API overrides the default). */
  api?: string;
  /** Zotero's default data directory (default ~/Zotero on every platform; LITLENS_ZOTERO_DIR overrides it). */
  defaultDir?: string;
  /** Relative data directories are resolved against this. */
  base?: string;
  /** LitLens' cache folder: the last read is kept in `zotero/` (saved.ts) and used again while Zotero is unchanged. */
  cacheDir?: string | null;
  /** Called with the read (the reading thread answers with it). */
  onRead?: (read: ZoteroLoaded) => void;
  /** Only a read saved for Zotero as it is now (no read of Zotero): null when there is none. */
  savedOnly?: boolean;
  /** Leave the papers in the cache folder's files (ZoteroLibrary.saved), for paper stores to read: the server's way. Needs cacheDir. */
  inFiles?: boolean;
}

/** Where the library was read from, to check it for changes. */
export type ZoteroWay = { kind: 'api'; base: string } | { kind: 'database'; dataDir: string };

export interface ZoteroLoaded extends ZoteroRead {
  way: ZoteroWay;
}

export const defaultDataDir = (): string => process.env.LITLENS_ZOTERO_DIR || path.join(os.homedir(), 'Zotero');

/** The library as the setting says; null when it is off, or "auto" finds no Zotero. Never throws. */
export async function loadZotero(options: ZoteroOptions): Promise<ZoteroLoaded | null> {
  const setting = options.setting.trim();
  if (setting === 'off' || setting === '') return null;
  const collections = options.collections ?? [];
  if (setting !== 'auto') {
    let dataDir = path.resolve(options.base ?? process.cwd(), expandHome(setting));
    let s = await stat(dataDir).catch(() => null);
    // The database itself named: its folder is the data directory.
    if (s?.isFile() && path.basename(dataDir) === 'zotero.sqlite') [dataDir, s] = [path.dirname(dataDir), await stat(path.dirname(dataDir)).catch(() => null)];
    const file = path.join(dataDir, 'zotero.sqlite');
    if (!s) return failed(dataDir, 'no such Zotero data directory');
    if (!s.isDirectory()) return failed(path.dirname(dataDir), 'a file, not a Zotero data directory (the folder that holds zotero.sqlite)', dataDir);
    if (!(await stat(file).catch(() => null))) return failed(dataDir, 'no zotero.sqlite in this Zotero data directory', file);
    return cached(options, { kind: 'database', dataDir }, () => readZoteroDatabase(dataDir, { collections }));
  }
  const api = options.api ?? process.env.LITLENS_ZOTERO_API ?? DEFAULT_API;
  const dataDir = options.defaultDir ?? defaultDataDir();
  const hasDatabase = !!(await stat(path.join(dataDir, 'zotero.sqlite')).catch(() => null));
  let apiProblem: LoadIssue | null = null;
  try {
    const version = await apiVersion({ base: api, timeoutMs: 1500 });
    return await cached(options, { kind: 'api', base: api }, () => readZoteroApi({ base: api, collections, dataDir: hasDatabase ? dataDir : null, timeoutMs: 1500 }), version);
  } catch (err) {
    if (!(err instanceof ApiUnavailable)) throw err;
    // Off (403) is worth knowing; not running is the ordinary case when the database is there.
    if (err.off) apiProblem = { file: api, line: 0, severity: 'info', message: `${err.message}; read zotero.sqlite instead` };
  }
  if (!hasDatabase) return null;
  const withProblem = (read: ZoteroLoaded): ZoteroLoaded => (apiProblem ? { ...read, issues: [apiProblem, ...read.issues] } : read);
  const onRead = options.onRead;
  const read = await cached({ ...options, onRead: onRead && ((read) => onRead(withProblem(read))) }, { kind: 'database', dataDir }, () => readZoteroDatabase(dataDir, { collections }));
  return read && withProblem(read);
}

/**
 * `read()`, or the read saved in the cache folder when Zotero is unchanged since (the same fingerprint):
 * a 20k-item library then costs no read of Zotero at all. A read with an error is not kept.
 */
async function cached(options: ZoteroOptions, way: ZoteroWay, read: () => Promise<ZoteroRead>, fingerprint?: string): Promise<ZoteroLoaded | null> {
  const now = fingerprint ?? (await zoteroFingerprint(way));
  const id = createHash('sha1').update(JSON.stringify([way, options.collections ?? []])).digest('hex').slice(0, 16);
  const dir = options.cacheDir ? path.join(options.cacheDir, 'zotero') : null;
  let result: ZoteroLoaded | null = null;
  if (dir && now) {
    const saved = await openSaved(dir, id, now);
    if (saved) result = { ...saved, way };
  }
  if (!result && options.savedOnly) return null;
  if (!result) {
    result = { ...(await read()), way };
    const keep = result.fingerprint === now && !!now && !result.issues.some((i) => i.severity === 'error');
    if (dir && (keep || options.inFiles)) {
      try {
        const saved = await saveRead(result, dir, id, keep);
        result = { ...saved.read, way };
        // The paper store and index of each part written, built here (the reading thread) and saved: the server opens them.
        if (options.inFiles) for (const file of saved.changed) await buildCorpus(file, path.join(options.cacheDir!, 'corpora'), { format: 'zotero' });
      } catch (err) {
        // a cache that cannot be written costs the next start a read; the server then has no files to read the papers from
        if (options.inFiles) result.issues = [...result.issues, { file: dir, line: 0, severity: 'error', message: `cannot save the read: ${err instanceof Error ? err.message : String(err)}` }];
      }
    }
  }
  if (options.inFiles) result = { ...result, libraries: result.libraries.filter((l) => l.saved).map((l) => ({ ...l, papers: [] })) };
  else result = { ...result, libraries: await Promise.all(result.libraries.map(async (l) => (l.saved && !l.papers.length && l.count ? { ...l, papers: await savedPapers(l.saved) } : l))) };
  options.onRead?.(result);
  return result;
}

/**
 * What a later read is compared by: the database's files, or the API's library versions ('' when the
 * API went away). `since`: the last fingerprint; the API then answers 304 for each unchanged library.
 */
export async function zoteroFingerprint(way: ZoteroWay, since = ''): Promise<string> {
  if (way.kind === 'database') return fingerprintOf(way.dataDir);
  return apiVersion({ base: way.base, timeoutMs: 1500 }, since).catch(() => '');
}

function failed(dataDir: string, message: string, file = dataDir): ZoteroLoaded {
  return { file, libraries: [], issues: [{ file, line: 0, severity: 'error', message }], fingerprint: '', way: { kind: 'database', dataDir } };
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

export interface ZoteroLibrarySource {
  id: string;
  name: string;
  file: string;
  result: SourceResult;
}

/** Library source ids of Zotero's libraries start with this. */
export const ZOTERO_SOURCE_PREFIX = 'zotero:';

/**
 * The read as Library sources of papers held as objects (the CLI's way; the server reads them into
 * paper stores, workspace/zotero.ts): one per Zotero library ("zotero:Zotero: My Library"). The
 * read's own issues go with the first source (an empty one when no library was read).
 */
export function zoteroSources(read: ZoteroLoaded | null): ZoteroLibrarySource[] {
  if (!read) return [];
  const sources = read.libraries.map((l) => ({ id: `${ZOTERO_SOURCE_PREFIX}${l.name}`, name: l.name, file: read.file, result: { papers: l.papers, issues: [] as SourceResult['issues'] } }));
  if (!sources.length) sources.push({ id: `${ZOTERO_SOURCE_PREFIX}Zotero`, name: 'Zotero', file: read.file, result: { papers: [], issues: [] } });
  sources[0].result.issues = read.issues;
  return sources;
}
