// litlens.zotero as a library source: which way in ("auto": the local API when it answers, else the
// default data directory's zotero.sqlite; a path: that data directory's database), reading it, and
// telling whether it changed since (the database's size and mtime, the API's library versions).
import { stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadIssue, SourceResult } from '../paper';
import { ApiUnavailable, apiVersion, DEFAULT_API, readZoteroApi } from './api';
import { fingerprintOf, readZoteroDatabase, type ZoteroRead } from './read';

export type { ZoteroLibrary, ZoteroRead } from './read';

export interface ZoteroOptions {
  /** litlens.zotero: "auto", "off" or a data directory. */
  setting: string;
  collections?: readonly string[];
  /** The local API's base URL (tests: their own server; LITLENS_ZOTERO_API overrides the default). */
  api?: string;
  /** Zotero's default data directory (default ~/Zotero, on every platform). */
  defaultDir?: string;
  /** Relative data directories are resolved against this. */
  base?: string;
}

/** Where the library was read from, to check it for changes. */
export type ZoteroWay = { kind: 'api'; base: string } | { kind: 'database'; dataDir: string };

export interface ZoteroLoaded extends ZoteroRead {
  way: ZoteroWay;
}

export const defaultDataDir = (): string => path.join(os.homedir(), 'Zotero');

/** The library as the setting says; null when it is off, or "auto" finds no Zotero. Never throws. */
export async function loadZotero(options: ZoteroOptions): Promise<ZoteroLoaded | null> {
  const setting = options.setting.trim();
  if (setting === 'off' || setting === '') return null;
  const collections = options.collections ?? [];
  if (setting !== 'auto') {
    const dataDir = path.resolve(options.base ?? process.cwd(), expandHome(setting));
    const file = path.join(dataDir, 'zotero.sqlite');
    const s = await stat(dataDir).catch(() => null);
    if (!s) return failed(dataDir, 'no such Zotero data directory');
    if (!s.isDirectory()) return failed(path.dirname(dataDir), 'a file, not a Zotero data directory (the folder that holds zotero.sqlite)', dataDir);
    if (!(await stat(file).catch(() => null))) return failed(dataDir, 'no zotero.sqlite in this Zotero data directory', file);
    return { ...(await readZoteroDatabase(dataDir, { collections })), way: { kind: 'database', dataDir } };
  }
  const api = options.api ?? process.env.LITLENS_ZOTERO_API ?? DEFAULT_API;
  const dataDir = options.defaultDir ?? defaultDataDir();
  const hasDatabase = !!(await stat(path.join(dataDir, 'zotero.sqlite')).catch(() => null));
  let apiProblem: LoadIssue | null = null;
  try {
    const read = await readZoteroApi({ base: api, collections, dataDir: hasDatabase ? dataDir : null, timeoutMs: 1500 });
    return { ...read, way: { kind: 'api', base: api } };
  } catch (err) {
    if (!(err instanceof ApiUnavailable)) throw err;
    // Off (403) is worth knowing; not running is the ordinary case when the database is there.
    if (err.off) apiProblem = { file: api, line: 0, severity: 'info', message: `${err.message}; read zotero.sqlite instead` };
  }
  if (!hasDatabase) return null;
  const read = await readZoteroDatabase(dataDir, { collections });
  return { ...read, issues: apiProblem ? [apiProblem, ...read.issues] : read.issues, way: { kind: 'database', dataDir } };
}

/** What a later read is compared by: the database's files, or the API's library versions ('' when the API went away). */
export async function zoteroFingerprint(way: ZoteroWay): Promise<string> {
  if (way.kind === 'database') return fingerprintOf(way.dataDir);
  return apiVersion({ base: way.base, timeoutMs: 1500 }).catch(() => '');
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

/** The read as Library sources; the read's own issues go with the first (or with an empty source when no library was read). */
export function zoteroSources(read: ZoteroLoaded | null): ZoteroLibrarySource[] {
  if (!read) return [];
  const sources = read.libraries.map((l) => ({ id: `${ZOTERO_SOURCE_PREFIX}${l.name}`, name: l.name, file: read.file, result: { papers: l.papers, issues: [] as SourceResult['issues'] } }));
  if (!sources.length) sources.push({ id: `${ZOTERO_SOURCE_PREFIX}Zotero`, name: 'Zotero', file: read.file, result: { papers: [], issues: [] } });
  sources[0].result.issues = read.issues;
  return sources;
}
