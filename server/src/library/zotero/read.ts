// A Zotero data directory's zotero.sqlite read as LitLens papers: the regular items of My Library
// and of each group library (no notes, attachments, annotations, feed items, or items in the
// trash), one source per library. Databases of Zotero 5 to 9 are read by table and field names
// (their ids move between versions); Zotero 4's is refused. The file is read into memory (sql.js)
// and never opened by SQLite, so a running Zotero's lock is no obstacle and nothing is written.
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { LoadIssue, Paper } from '../paper';
import { citationKeys, readBetterBibtex, type ZoteroItemRef } from './keys';
import { columns, jsonRows, rows, sqlite, tables, type Database, type SqlValue } from './sqlite';

/** The last userdata schema version this reader knows (Zotero 9); newer files are read with a warning. */
export const KNOWN_USERDATA = 125;
/** Below this, the database is Zotero 4's (creatorData, NULL library ids). */
const FIRST_ZOTERO5_USERDATA = 80;

/** One Zotero library (My Library or a group) as a LitLens source. */
export interface ZoteroLibrary {
  /** "Zotero: My Library", "Zotero: GROUP NAME": the source name the panel shows. */
  name: string;
  libraryID: number;
  /** The group's id (zotero://select/groups/ID/…); absent for My Library. */
  groupID?: number;
  /** Empty when the papers were left in `saved` (ZoteroOptions.inFiles). */
  papers: Paper[];
  /** The files its papers were saved in, in parts (saved.ts: JSON lines, each read into a paper store), and how many papers. */
  saved?: string[];
  count?: number;
}

export interface ZoteroRead {
  /** The database read (zotero.sqlite, or zotero.sqlite.bak when the main file could not be read). */
  file: string;
  libraries: ZoteroLibrary[];
  issues: LoadIssue[];
  /** What a change is noticed by: the files' sizes and mtimes. */
  fingerprint: string;
}

export interface ZoteroReadOptions {
  /** litlens.zoteroCollections: "My Library", a group's name, "Library/Collection/Sub"; empty = all. */
  collections?: readonly string[];
}

/** Item types that are not papers. */
export const NOT_PAPERS = new Set(['note', 'attachment', 'annotation']);
/** Creator roles that are not the work's authors. */
export const NOT_AUTHORS = new Set(['editor', 'seriesEditor', 'translator', 'contributor', 'bookAuthor', 'reviewedAuthor', 'counsel', 'commenter', 'interviewer', 'recipient', 'cosponsor', 'wordsBy']);
/** Where an item type keeps its venue, in order of preference. */
const VENUE_FIELDS = ['publicationTitle', 'proceedingsTitle', 'bookTitle', 'websiteTitle', 'blogTitle', 'forumTitle', 'encyclopediaTitle', 'dictionaryTitle', 'programTitle', 'university', 'institution', 'repository', 'publisher'];
const WANTED = ['title', 'date', 'abstractNote', 'DOI', 'url', 'extra', 'citationKey', ...VENUE_FIELDS];

/** Zotero item types as BibTeX entry types (what the .bib writer writes). */
const BIBTEX_TYPE: Record<string, string> = {
  journalArticle: 'article',
  magazineArticle: 'article',
  newspaperArticle: 'article',
  conferencePaper: 'inproceedings',
  book: 'book',
  bookSection: 'incollection',
  encyclopediaArticle: 'incollection',
  dictionaryEntry: 'incollection',
  thesis: 'phdthesis',
  report: 'techreport',
  manuscript: 'unpublished',
};

/** Reads `dataDir/zotero.sqlite`. Never throws: a database that cannot be read is one error issue. */
export async function readZoteroDatabase(dataDir: string, options: ZoteroReadOptions = {}): Promise<ZoteroRead> {
  const file = path.join(dataDir, 'zotero.sqlite');
  const fingerprint = await fingerprintOf(dataDir);
  const fail = (message: string, at = file): ZoteroRead => ({ file, libraries: [], issues: [{ file: at, line: 0, severity: 'error', message }], fingerprint });
  let opened: { db: Database; file: string; note?: LoadIssue };
  try {
    opened = await openSnapshot(file);
  } catch (err) {
    return fail(errorMessage(err));
  }
  const { db } = opened;
  try {
    const checked = checkVersion(db);
    const refused = checked && { ...checked, file: opened.file };
    if (refused && refused.severity === 'error') return { ...fail(refused.message, opened.file), file: opened.file };
    const bbt = await readBetterBibtex(dataDir);
    const read = readItems(db, opened.file, options, bbt.keys);
    const issues = [opened.note, refused, ...bbt.issues, ...read.issues].filter((i): i is LoadIssue => !!i);
    return { file: opened.file, libraries: read.libraries, issues, fingerprint };
  } catch (err) {
    return fail(`not a readable Zotero database: ${errorMessage(err)}`, opened.file);
  } finally {
    db.close();
  }
}

/**
 * The database as it is on disk, in memory: the main file, read again once when it was caught mid-write
 * (a torn read fails SQLite's checks), else Zotero's own backup zotero.sqlite.bak, with a warning.
 */
async function openSnapshot(file: string): Promise<{ db: Database; file: string; note?: LoadIssue }> {
  const SQL = await sqlite();
  let first: unknown;
  for (const [candidate, tries] of [[file, 2], [`${file}.bak`, 1]] as const) {
    for (let i = 0; i < tries; i++) {
      let bytes: Buffer;
      try {
        bytes = await readFile(candidate);
      } catch (err) {
        first ??= err;
        break;
      }
      try {
        const db = new SQL.Database(bytes);
        rows(db, 'SELECT count(*) FROM sqlite_master'); // the header and schema parse
        if (candidate === file) return { db, file };
        return { db, file: candidate, note: { file, line: 0, severity: 'warning', message: `could not be read (${errorMessage(first)}); read Zotero's backup ${path.basename(candidate)} instead` } };
      } catch (err) {
        first ??= err;
        if (i + 1 < tries) await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  throw first;
}

/** null when the version is known; a warning for a newer database; an error for Zotero 4 or no Zotero database. */
function checkVersion(db: Database): LoadIssue | null {
  const have = tables(db);
  const issue = (severity: LoadIssue['severity'], message: string): LoadIssue => ({ file: '', line: 0, severity, message });
  if (!have.has('version') || !have.has('items') || !have.has('itemData')) return issue('error', 'not a Zotero database (no version, items or itemData table)');
  const userdata = Number(rows(db, "SELECT version FROM version WHERE schema = 'userdata'")[0]?.[0] ?? NaN);
  if (have.has('creatorData') || userdata < FIRST_ZOTERO5_USERDATA) return issue('error', `a Zotero 4 database (userdata schema ${userdata}); LitLens reads Zotero 5 to 9: open it once in a newer Zotero, which upgrades it`);
  if (userdata > KNOWN_USERDATA) return issue('warning', `newer than LitLens knows (userdata schema ${userdata}, known up to ${KNOWN_USERDATA}); read as Zotero 9's`);
  return null;
}

/** One regular item as both ways in (the database, the local API) read it. */
export interface ZoteroItem {
  itemID: number;
  libraryID: number;
  key: string;
  type: string;
  dateAdded: string;
  fields: Map<string, string>;
  creators: string[];
}

function readItems(db: Database, file: string, options: ZoteroReadOptions, bbt: Map<string, string>): { libraries: ZoteroLibrary[]; issues: LoadIssue[] } {
  const issues: LoadIssue[] = [];
  const have = tables(db);
  const libraryType = columns(db, 'libraries').has('type') ? 'type' : 'libraryType';
  const libraries = new Map<number, ZoteroLibrary>();
  for (const [id, type] of rows(db, `SELECT libraryID, ${libraryType} FROM libraries`)) if (type === 'user') libraries.set(Number(id), { name: 'Zotero: My Library', libraryID: Number(id), papers: [] });
  for (const [groupID, libraryID, name] of rows(db, 'SELECT groupID, libraryID, name FROM groups')) {
    libraries.set(Number(libraryID), { name: `Zotero: ${String(name)}`, libraryID: Number(libraryID), groupID: Number(groupID), papers: [] });
  }
  const included = includedItems(db, have, libraries, options.collections ?? [], file, issues);

  const byId = new Map<number, ZoteroItem>();
  const trash = have.has('deletedItems') ? 'AND i.itemID NOT IN (SELECT itemID FROM deletedItems)' : '';
  for (const [itemID, libraryID, key, type, dateAdded] of jsonRows(db, 'i.itemID, i.libraryID, i.key, t.typeName, i.dateAdded', `items i JOIN itemTypes t ON t.itemTypeID = i.itemTypeID WHERE 1 ${trash}`)) {
    const id = Number(itemID);
    if (NOT_PAPERS.has(String(type)) || !libraries.has(Number(libraryID))) continue; // feeds and libraries without a row are left out
    if (included && !included.has(id)) continue;
    byId.set(id, { itemID: id, libraryID: Number(libraryID), key: String(key), type: String(type), dateAdded: String(dateAdded ?? ''), fields: new Map(), creators: [] });
  }
  const fieldNames = new Map(rows(db, 'SELECT fieldID, fieldName FROM fields').map(([id, name]) => [Number(id), String(name)]));
  const wantedIds = [...fieldNames].filter(([, name]) => WANTED.includes(name)).map(([id]) => id);
  for (const [itemID, fieldID, value] of jsonRows(db, 'd.itemID, d.fieldID, v.value', `itemData d JOIN itemDataValues v ON v.valueID = d.valueID WHERE d.fieldID IN (${wantedIds.join(',') || '-1'})`)) {
    const row = byId.get(Number(itemID));
    const text = textOf(value);
    if (row && text) row.fields.set(fieldNames.get(Number(fieldID))!, text);
  }
  const roles = have.has('creatorTypes') ? new Map(rows(db, 'SELECT creatorTypeID, creatorType FROM creatorTypes').map(([id, name]) => [Number(id), String(name)])) : new Map<number, string>();
  const creators = jsonRows(db, 'ic.itemID, c.firstName, c.lastName, c.fieldMode, ic.creatorTypeID, ic.orderIndex', 'itemCreators ic JOIN creators c ON c.creatorID = ic.creatorID');
  creators.sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[5]) - Number(b[5]));
  for (const [itemID, first, last, mode, role] of creators) {
    const row = byId.get(Number(itemID));
    if (!row || NOT_AUTHORS.has(roles.get(Number(role)) ?? 'author')) continue;
    const name = creatorName(textOf(first), textOf(last), Number(mode) === 1);
    if (name) row.creators.push(name);
  }

  toPapers([...byId.values()], libraries, bbt, file, issues);
  return { libraries: [...libraries.values()].filter((l) => l.papers.length > 0 || (options.collections ?? []).length === 0), issues };
}

/** "Family, Given"; a one-field name (fieldMode 1: an organisation, a CJK name) whole. */
export function creatorName(given: string, family: string, single: boolean): string {
  return single || !given ? family || given : family ? `${family}, ${given}` : given;
}

/** The items as papers, each into its library's list; keys unique across all of them. */
export function toPapers(items: ZoteroItem[], libraries: Map<number, ZoteroLibrary>, bbt: Map<string, string>, file: string, issues: LoadIssue[]): void {
  const refs: ZoteroItemRef[] = items.map((r) => ({ libraryID: r.libraryID, itemKey: r.key, itemID: r.itemID, dateAdded: r.dateAdded, title: r.fields.get('title') ?? '', firstAuthor: r.creators[0] ?? '', year: yearOf(r.fields.get('date')), citationKey: r.fields.get('citationKey'), extra: r.fields.get('extra') }));
  const keys = citationKeys(refs, bbt);
  const origin = { file, line: 0, kind: 'zotero' } as const; // one object for all: 20k papers
  for (const row of items) {
    const library = libraries.get(row.libraryID)!;
    const title = row.fields.get('title');
    const key = keys.get(row.itemID)!;
    if (!title) issues.push({ file, line: 0, severity: 'warning', message: `${library.name.slice(8)} item ${row.key} (${row.type}) has no title; listed as "${key}"` });
    const venue = VENUE_FIELDS.map((f) => row.fields.get(f)).find(Boolean);
    const paper: Paper = {
      key,
      title: title ?? key,
      authors: row.creators,
      origin,
      type: BIBTEX_TYPE[row.type] ?? 'misc',
      link: library.groupID !== undefined ? `zotero://select/groups/${library.groupID}/items/${row.key}` : `zotero://select/library/items/${row.key}`,
    };
    const year = yearOf(row.fields.get('date'));
    if (year !== undefined) paper.year = year;
    if (venue) paper.venue = venue;
    const abstract = row.fields.get('abstractNote');
    if (abstract) paper.abstract = abstract;
    const doi = row.fields.get('DOI');
    if (doi) paper.doi = doi.replace(/^(https?:\/\/(dx\.)?doi\.org\/|doi:\s*)/i, '');
    const url = row.fields.get('url');
    if (url) paper.url = url;
    library.papers.push(paper);
  }
}

/** A collection, as either way in names it (the database's collectionID, the API's key). */
export interface ZoteroCollection {
  id: string;
  name: string;
  parent: string | null;
  library: number;
}

/**
 * What litlens.zoteroCollections lets in. An entry names a library ("My Library", a group), or a
 * collection path in one ("Group/Collection/Sub"; a path whose first part is no library's name is
 * looked for in My Library); a collection brings its subcollections.
 */
export function chosenCollections(wanted: readonly string[], libraries: Map<number, ZoteroLibrary>, collections: ZoteroCollection[], file: string, issues: LoadIssue[]): { libraries: Set<number>; collections: Set<string> } {
  const byId = new Map(collections.map((c) => [c.id, c]));
  const pathOf = (c: ZoteroCollection, depth = 0): string[] => {
    const parent = c.parent !== null ? byId.get(c.parent) : undefined;
    return parent && depth < 64 ? [...pathOf(parent, depth + 1), c.name] : [c.name];
  };
  const libraryByName = new Map([...libraries.values()].map((l) => [l.name.slice('Zotero: '.length).toLowerCase(), l.libraryID]));
  const whole = new Set<number>();
  const chosen = new Set<string>();
  for (const entry of wanted) {
    const parts = entry.split('/').map((p) => p.trim()).filter(Boolean);
    if (!parts.length) continue;
    let library = libraryByName.get(parts[0].toLowerCase());
    let rest = parts.slice(1);
    if (library === undefined) {
      library = [...libraries.values()].find((l) => l.groupID === undefined)?.libraryID;
      rest = parts;
    }
    if (library !== undefined && rest.length === 0) {
      whole.add(library);
      continue;
    }
    const want = rest.join('/').toLowerCase();
    const found = collections.filter((c) => c.library === library && pathOf(c).join('/').toLowerCase() === want);
    if (!found.length) issues.push({ file, line: 0, severity: 'warning', message: `litlens.zoteroCollections: no library or collection "${entry}"` });
    for (const c of found) chosen.add(c.id);
  }
  // Subcollections of the chosen ones.
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of collections) if (c.parent !== null && chosen.has(c.parent) && !chosen.has(c.id)) grew = !!chosen.add(c.id);
  }
  return { libraries: whole, collections: chosen };
}

/** The database's items litlens.zoteroCollections lets in (null: every item). */
function includedItems(db: Database, have: Set<string>, libraries: Map<number, ZoteroLibrary>, wanted: readonly string[], file: string, issues: LoadIssue[]): Set<number> | null {
  if (wanted.length === 0) return null;
  const deleted = have.has('deletedCollections') ? new Set(rows(db, 'SELECT collectionID FROM deletedCollections').map((r) => String(r[0]))) : new Set<string>();
  const collections = rows(db, 'SELECT collectionID, collectionName, parentCollectionID, libraryID FROM collections')
    .map(([id, name, parent, library]) => ({ id: String(id), name: String(name), parent: parent === null ? null : String(parent), library: Number(library) }))
    .filter((c) => !deleted.has(c.id));
  const chosen = chosenCollections(wanted, libraries, collections, file, issues);
  const items = new Set<number>();
  if (chosen.libraries.size) for (const [id, library] of rows(db, 'SELECT itemID, libraryID FROM items')) if (chosen.libraries.has(Number(library))) items.add(Number(id));
  for (const [collection, item] of rows(db, 'SELECT collectionID, itemID FROM collectionItems')) if (chosen.collections.has(String(collection))) items.add(Number(item));
  return items;
}

/** The year of a Zotero date ("2012-11-00 November 2012": the first part is the parsed date, 0000 when unknown). */
export function yearOf(date: string | undefined): number | undefined {
  if (!date) return undefined;
  const parsed = /^(\d{4})-\d{2}-\d{2}/.exec(date);
  if (parsed) return parsed[1] === '0000' ? undefined : Number(parsed[1]);
  const any = /(?:^|\D)(\d{4})(?!\d)/.exec(date);
  return any ? Number(any[1]) : undefined;
}

/** Sizes and mtimes of the files a read depends on: when it changes, the library is read again. */
export async function fingerprintOf(dataDir: string): Promise<string> {
  const parts = await Promise.all(
    ['zotero.sqlite', 'better-bibtex.sqlite'].map(async (name) => {
      const s = await stat(path.join(dataDir, name)).catch(() => null);
      return s ? `${name}:${s.size}:${s.mtimeMs}` : `${name}:-`;
    }),
  );
  return parts.join(';');
}

const textOf = (value: SqlValue): string => (value === null || value instanceof Uint8Array ? '' : String(value).trim());

function errorMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EACCES') return 'permission denied';
  const message = err instanceof Error ? err.message : String(err);
  return /not a database|malformed|file is encrypted/i.test(message) ? `corrupt or not an SQLite database (${message})` : message;
}
