// Zotero 7's local API (http://127.0.0.1:23119/api/, read-only, the Web API v3's endpoints for the
// logged-in user, 0 as the user id): on when the user allows other applications to communicate
// with Zotero, 403 otherwise. Items come 100 a page; a library's version (Last-Modified-Version)
// says whether anything changed since the last read.
import type { LoadIssue } from '../paper';
import { readBetterBibtex } from './keys';
import { chosenCollections, creatorName, NOT_AUTHORS, NOT_PAPERS, toPapers, type ZoteroCollection, type ZoteroItem, type ZoteroLibrary, type ZoteroRead } from './read';

export const DEFAULT_API = 'http://127.0.0.1:23119/api/';
/** The Web API's largest page. */
const PAGE = 100;
/** A page of items, once Zotero has answered: a busy Zotero may take a while for 100 items with abstracts. */
const PAGE_TIMEOUT_MS = 10_000;

export interface ApiOptions {
  /** The API's base URL (tests point it at their own server). */
  base?: string;
  collections?: readonly string[];
  /** A data directory whose Better BibTeX store gives My Library's keys. */
  dataDir?: string | null;
  /** Per request; a Zotero that does not answer in time counts as not running. */
  timeoutMs?: number;
}

/** Why the API could not be used, as one line; `off`: it answered 403 (turned off in Zotero's settings). */
export class ApiUnavailable extends Error {
  constructor(
    message: string,
    readonly off = false,
  ) {
    super(message);
  }
}

interface ApiLibrary {
  prefix: string;
  library: ZoteroLibrary;
}

/**
 * The libraries' versions ("users/0:812;groups/4711:90"): a change in any means a new read. `since`:
 * the versions seen last; each library is then asked with If-Modified-Since-Version, and one that
 * did not change answers 304 with no body. Throws ApiUnavailable.
 */
export async function apiVersion(options: ApiOptions = {}, since = ''): Promise<string> {
  const seen = new Map(since.split(';').map((v) => [v.slice(0, v.lastIndexOf(':')), v.slice(v.lastIndexOf(':') + 1)] as const));
  const libraries = await apiLibraries(options);
  const versions = await Promise.all(libraries.map(async (l) => `${l.prefix}:${(await get(options, `${l.prefix}/items?limit=1`, seen.get(l.prefix))).version}`));
  return versions.join(';');
}

/** Every regular item of My Library and the groups, through the local API. Throws ApiUnavailable when it cannot be used. */
export async function readZoteroApi(options: ApiOptions = {}): Promise<ZoteroRead> {
  const base = options.base ?? DEFAULT_API;
  const issues: LoadIssue[] = [];
  const libraries = await apiLibraries(options);
  const byId = new Map(libraries.map((l) => [l.library.libraryID, l.library]));
  const items: (ZoteroItem & { collections: string[] })[] = [];
  const collections: ZoteroCollection[] = [];
  const versions: string[] = [];
  for (const { prefix, library } of libraries) {
    let version = '';
    for (let start = 0; ; start += PAGE) {
      const page = await get({ ...options, timeoutMs: Math.max(PAGE_TIMEOUT_MS, options.timeoutMs ?? 0) }, `${prefix}/items?format=json&limit=${PAGE}&start=${start}`);
      version ||= page.version;
      for (const entry of page.body as ApiItem[]) {
        const data = entry.data ?? {};
        if (!data.itemType || NOT_PAPERS.has(data.itemType) || data.deleted) continue;
        items.push(apiItem(entry, library.libraryID, items.length + 1));
      }
      if (page.body.length < PAGE || start + PAGE >= page.total) break;
    }
    versions.push(`${prefix}:${version}`);
    if (options.collections?.length) {
      for (let start = 0; ; start += PAGE) {
        const page = await get(options, `${prefix}/collections?format=json&limit=${PAGE}&start=${start}`);
        for (const c of page.body as ApiCollection[]) if (c.data && !c.data.deleted) collections.push({ id: `${library.libraryID}/${c.key}`, name: c.data.name ?? '', parent: c.data.parentCollection ? `${library.libraryID}/${c.data.parentCollection}` : null, library: library.libraryID });
        if (page.body.length < PAGE || start + PAGE >= page.total) break;
      }
    }
  }
  let wanted = items;
  if (options.collections?.length) {
    const chosen = chosenCollections(options.collections, byId, collections, base, issues);
    wanted = items.filter((i) => chosen.libraries.has(i.libraryID) || i.collections.some((c) => chosen.collections.has(`${i.libraryID}/${c}`)));
  }
  // Better BibTeX's store numbers My Library 1, as the database does; the API's group ids are not its library ids.
  const bbt = options.dataDir ? await readBetterBibtex(options.dataDir) : { keys: new Map<string, string>(), issues: [] };
  issues.push(...bbt.issues);
  toPapers(wanted, byId, bbt.keys, base, issues);
  return { file: base, libraries: [...byId.values()].filter((l) => l.papers.length > 0 || !options.collections?.length), issues, fingerprint: versions.join(';') };
}

interface ApiItem {
  key: string;
  data?: {
    itemType?: string;
    deleted?: boolean | number;
    dateAdded?: string;
    creators?: { creatorType?: string; firstName?: string; lastName?: string; name?: string }[];
    collections?: string[];
    [field: string]: unknown;
  };
}

interface ApiCollection {
  key: string;
  data?: { name?: string; parentCollection?: string | false; deleted?: boolean };
}

function apiItem(entry: ApiItem, libraryID: number, itemID: number): ZoteroItem & { collections: string[] } {
  const data = entry.data ?? {};
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries(data)) if (typeof value === 'string' && value.trim()) fields.set(name, value.trim());
  const creators = (data.creators ?? []).filter((c) => !NOT_AUTHORS.has(c.creatorType ?? 'author')).map((c) => (c.name !== undefined ? creatorName('', c.name.trim(), true) : creatorName((c.firstName ?? '').trim(), (c.lastName ?? '').trim(), false))).filter(Boolean);
  return { itemID, libraryID, key: entry.key, type: data.itemType!, dateAdded: data.dateAdded ?? '', fields, creators, collections: data.collections ?? [] };
}

/** My Library (users/0, numbered 1 as in the database) and the groups the user is in (numbered after it). */
async function apiLibraries(options: ApiOptions): Promise<ApiLibrary[]> {
  const groups = (await get(options, 'users/0/groups?format=json')).body as { id: number; data?: { name?: string } }[];
  return [
    { prefix: 'users/0', library: { name: 'Zotero: My Library', libraryID: 1, papers: [] } },
    ...groups.map((g, i) => ({ prefix: `groups/${g.id}`, library: { name: `Zotero: ${g.data?.name ?? g.id}`, libraryID: i + 2, groupID: g.id, papers: [] } })),
  ];
}

/** `unlessVersion`: the library's version seen last; unchanged since, the API answers 304 and the same version comes back. */
async function get(options: ApiOptions, route: string, unlessVersion?: string): Promise<{ body: unknown[]; version: string; total: number }> {
  const url = new URL(route, options.base ?? DEFAULT_API);
  let response: Response;
  try {
    const headers: Record<string, string> = { 'Zotero-API-Version': '3', ...(unlessVersion ? { 'If-Modified-Since-Version': unlessVersion } : {}) };
    response = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new ApiUnavailable(cause === 'ECONNREFUSED' ? 'Zotero is not running (nothing answers on its local API)' : `Zotero's local API did not answer (${cause ?? (err instanceof Error ? err.message : String(err))})`);
  }
  if (response.status === 304 && unlessVersion) return { body: [], version: unlessVersion, total: 0 };
  if (response.status === 403) throw new ApiUnavailable("Zotero's local API is off: in Zotero, Settings → Advanced → check \"Allow other applications on this computer to communicate with Zotero\"", true);
  if (!response.ok) throw new ApiUnavailable(`Zotero's local API answered ${response.status} ${response.statusText} for ${url.pathname}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiUnavailable(`Zotero's local API answered something that is not JSON for ${url.pathname}`);
  }
  if (typeof body !== 'object' || body === null) throw new ApiUnavailable(`Zotero's local API answered no list for ${url.pathname}`);
  const list = Array.isArray(body) ? body : [];
  return { body: list, version: response.headers.get('last-modified-version') ?? '', total: Number(response.headers.get('total-results') ?? list.length) };
}
