// Each Zotero item's citation key, in this order: Zotero's own citationKey field (Zotero 6+; filled
// on every type in Zotero 9), Better BibTeX's key store (its new `citationkey` table, then its old
// `better-bibtex` JSON table, both in better-bibtex.sqlite), a `Citation Key: …` line in Extra, and
// else a generated key: first author's family name, year, first title word ("garcia2019neural"),
// lower-case ASCII; items that would share one get a, b, c… in the order they were added to Zotero,
// so adding an item never changes an existing item's key.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { bibtexKeyProblem } from '../bibwriter';
import type { LoadIssue } from '../paper';
import { rows, sqlite, tables } from './sqlite';

export interface ZoteroItemRef {
  itemID: number;
  libraryID: number;
  itemKey: string;
  dateAdded: string;
  title: string;
  /** "Family, Given" or a one-field name. */
  firstAuthor: string;
  year?: number;
  citationKey?: string;
  extra?: string;
}

/** Better BibTeX's keys by `libraryID/itemKey`: the new store's over the old one's. */
export async function readBetterBibtex(dataDir: string): Promise<{ keys: Map<string, string>; issues: LoadIssue[] }> {
  const file = path.join(dataDir, 'better-bibtex.sqlite');
  const keys = new Map<string, string>();
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return { keys, issues: [] }; // no Better BibTeX: nothing to say
  }
  const SQL = await sqlite();
  try {
    const db = new SQL.Database(bytes);
    try {
      const have = tables(db);
      if (have.has('better-bibtex')) {
        for (const [data] of rows(db, `SELECT data FROM "better-bibtex" WHERE name LIKE '%citekey'`)) {
          const parsed = JSON.parse(String(data)) as { data?: { libraryID?: number; itemKey?: string; citekey?: string }[] };
          for (const k of parsed.data ?? []) if (k.itemKey && k.citekey) keys.set(`${k.libraryID ?? 1}/${k.itemKey}`, k.citekey);
        }
      }
      if (have.has('citationkey')) for (const [libraryID, itemKey, key] of rows(db, 'SELECT libraryID, itemKey, citationKey FROM citationkey')) if (itemKey && key) keys.set(`${libraryID}/${itemKey}`, String(key));
    } finally {
      db.close();
    }
    return { keys, issues: [] };
  } catch (err) {
    return { keys, issues: [{ file, line: 0, severity: 'warning', message: `Better BibTeX's key store could not be read (${err instanceof Error ? err.message : String(err)}); keys from Zotero, Extra or generated instead` }] };
  }
}

/** Every item's key (itemID → key), unique across the items given. */
export function citationKeys(items: ZoteroItemRef[], bbt: Map<string, string>): Map<number, string> {
  const keys = new Map<number, string>();
  const taken = new Set<string>();
  const generate: ZoteroItemRef[] = [];
  for (const item of items) {
    const key = [item.citationKey, bbt.get(`${item.libraryID}/${item.itemKey}`), extraKey(item.extra)].map((k) => k?.trim()).find((k) => k && !bibtexKeyProblem(k));
    if (key) {
      keys.set(item.itemID, key);
      taken.add(key.toLowerCase());
    } else generate.push(item);
  }
  generate.sort((a, b) => (a.dateAdded < b.dateAdded ? -1 : a.dateAdded > b.dateAdded ? 1 : a.itemID - b.itemID));
  const next = new Map<string, number>();
  // The same paper in two libraries (My Library and a group) gets one key: the Library lists it once.
  const sameIn = new Map<string, { key: string; libraries: Set<number> }>();
  for (const item of generate) {
    const base = generatedKey(item);
    const paper = `${base}\u0000${item.title.toLowerCase()}\u0000${item.firstAuthor}`;
    const seen = sameIn.get(paper);
    if (seen && !seen.libraries.has(item.libraryID)) {
      seen.libraries.add(item.libraryID);
      keys.set(item.itemID, seen.key);
      continue;
    }
    let key = base;
    let n = next.get(base) ?? 0;
    while (taken.has(key.toLowerCase())) key = `${base}${suffix(n++)}`;
    next.set(base, n);
    keys.set(item.itemID, key);
    taken.add(key.toLowerCase());
    if (!seen) sameIn.set(paper, { key, libraries: new Set([item.libraryID]) });
  }
  return keys;
}

/** The key a `Citation Key: …` line in Extra gives (Zotero 7 users without Better BibTeX write one). */
export function extraKey(extra: string | undefined): string | undefined {
  return extra ? /^\s*citation key\s*:\s*(\S+)\s*$/im.exec(extra)?.[1] : undefined;
}

const STOP = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'and', 'to', 'with', 'from', 'at', 'by', 'is', 'are', 'towards', 'toward']);

/** family name + year + first title word, lower-case ASCII ("garcia2019neural"); "anon"/"untitled" when missing. */
export function generatedKey(item: Pick<ZoteroItemRef, 'firstAuthor' | 'year' | 'title'>): string {
  const family = ascii(item.firstAuthor.split(',')[0]).slice(0, 20) || 'anon';
  const word = item.title.split(/\s+/).map(ascii).find((w) => w && !STOP.has(w)) ?? 'untitled';
  return `${family}${item.year ?? ''}${word.slice(0, 20)}`;
}

const ascii = (s: string): string => s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
/** a … z, za, zb … */
const suffix = (n: number): string => (n < 26 ? String.fromCharCode(97 + n) : `z${suffix(n - 26)}`);
