// The project's bibliography for a document: which files it names, where a new entry goes, which
// keys those files define; and adding one entry there without touching any other byte.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { bibliographyFiles } from '../documents';
import type { Library } from '../library/library';
import { appendEntry } from '../library/bibwriter';
import type { Paper } from '../library/paper';
import type { Settings } from '../protocol';
import { folderOf, type Doc } from './document';

export interface ProjectBibliography {
  /** Files the document names (\bibliography, \addbibresource, front matter), absolute. */
  named: string[];
  /** The files whose keys count as "in the bibliography": the named ones, else the default file. */
  files: string[];
  /** Where a new entry goes: the first named file, else settings.defaultBibliography in the workspace folder. */
  target: string | null;
}

export function projectBibliography(doc: Doc, folders: readonly string[], config: Settings): ProjectBibliography {
  const folder = folderOf(doc.path, folders) ?? (doc.path ? null : folders[0] ?? null);
  const base = doc.path ? path.dirname(doc.path) : folder;
  const named = base ? unique(bibliographyFiles(doc.text, doc.syntax).map((f) => path.resolve(base, f))) : [];
  const fallbackDir = folder ?? base;
  const fallback = fallbackDir ? path.resolve(fallbackDir, config.defaultBibliography) : null;
  const target = named[0] ?? fallback;
  return { named, files: named.length ? named : fallback ? [fallback] : [], target };
}

export interface EntryPlace {
  file: string;
  line: number;
}

/** Keys defined in `files` (as the library last read them), with every place each is defined. */
export function keysInFiles(library: Library, files: readonly string[]): Map<string, EntryPlace[]> {
  const wanted = new Set(files.map((f) => path.resolve(f)));
  const keys = new Map<string, EntryPlace[]>();
  for (const source of library.sources) {
    if (!source.file || !wanted.has(path.resolve(source.file))) continue;
    for (const paper of source.papers) {
      const places = keys.get(paper.key) ?? [];
      places.push({ file: paper.origin.file, line: paper.origin.line });
      keys.set(paper.key, places);
    }
  }
  return keys;
}

/** True when at least one of `files` is a source the library has read. */
export function anyLoaded(library: Library, files: readonly string[]): boolean {
  const wanted = new Set(files.map((f) => path.resolve(f)));
  return library.sources.some((s) => s.file && wanted.has(path.resolve(s.file)));
}

export interface EnsureOutcome {
  file: string | null;
  added: boolean;
  /** Why nothing was added, when nothing was. */
  reason?: string;
}

/**
 * Makes sure `key` is in the project's bibliography: appends the library's entry to the target
 * file when it is missing. BibTeX targets get `appendEntry` (atomic, every byte kept); a CSL-JSON
 * target (pandoc) gets the CSL item inserted before its closing `]`.
 */
export async function ensureInBibliography(library: Library, project: ProjectBibliography, key: string): Promise<EnsureOutcome> {
  const defined = keysInFiles(library, project.files).get(key);
  if (defined?.length) return { file: defined[0]!.file, added: false };
  const paper = library.get(key);
  if (!paper) return { file: null, added: false, reason: `"${key}" is not in the library` };
  if (!project.target) return { file: null, added: false, reason: 'no bibliography file: the document names none and is outside any workspace folder' };
  // The file may hold the key although the library has not re-read it yet (a watcher lag): look.
  if (await fileMentionsKey(project.target, key)) return { file: project.target, added: false };
  if (/\.json$/i.test(project.target)) await appendCslItem(project.target, paper);
  else await appendEntry(project.target, paper);
  return { file: project.target, added: true };
}

async function fileMentionsKey(file: string, key: string): Promise<boolean> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return false;
  }
  const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return /\.json$/i.test(file) ? new RegExp(`"id"\\s*:\\s*"${k}"`).test(text) : new RegExp(`@\\w+\\s*[{(]\\s*${k}\\s*,`).test(text);
}

/** A paper as a CSL-JSON item (the fields pandoc/citeproc use). */
export function toCslItem(paper: Paper): Record<string, unknown> {
  const item: Record<string, unknown> = { id: paper.key, type: cslType(paper), title: paper.title };
  if (paper.authors.length) {
    item.author = paper.authors.map((a) => {
      const comma = a.indexOf(',');
      return comma < 0 ? { literal: a } : { family: a.slice(0, comma).trim(), given: a.slice(comma + 1).trim() };
    });
  }
  if (paper.year) item.issued = { 'date-parts': [[paper.year]] };
  if (paper.venue) item['container-title'] = paper.venue;
  if (paper.abstract) item.abstract = paper.abstract;
  if (paper.doi) item.DOI = paper.doi;
  if (paper.url) item.URL = paper.url;
  return item;
}

/** BibTeX entry types → CSL types; a paper read from CSL-JSON already has its CSL type. */
const BIBTEX_TO_CSL: Record<string, string> = {
  article: 'article-journal',
  inproceedings: 'paper-conference',
  conference: 'paper-conference',
  proceedings: 'book',
  book: 'book',
  incollection: 'chapter',
  inbook: 'chapter',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  techreport: 'report',
  report: 'report',
  online: 'webpage',
  misc: 'article',
  unpublished: 'manuscript',
};

function cslType(paper: Paper): string {
  if (!paper.type) return 'article';
  if (paper.origin.kind !== 'bibtex') return paper.type;
  return BIBTEX_TO_CSL[paper.type.toLowerCase()] ?? 'article';
}

/** Inserts one item before the closing `]` of a CSL-JSON array (creates `[item]` for a missing file). */
export async function appendCslItem(file: string, paper: Paper): Promise<void> {
  const item = JSON.stringify(toCslItem(paper));
  let text: string | null;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    text = null;
  }
  let next: string;
  if (text === null || text.trim() === '') {
    next = `[\n${item}\n]\n`;
  } else {
    const close = text.lastIndexOf(']');
    if (close < 0) throw new Error(`${file}: not a CSL-JSON array; the entry was not added`);
    let last = close - 1;
    while (last >= 0 && /\s/.test(text[last]!)) last--;
    const insertAt = last + 1;
    const piece = text[last] === '[' ? `\n${item}\n` : `,\n${item}`;
    next = text.slice(0, insertAt) + piece + text.slice(insertAt);
  }
  const temp = `${file}.litlens-${process.pid}-${Date.now()}.tmp`;
  await fs.writeFile(temp, next, 'utf8');
  await fs.rename(temp, file);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
