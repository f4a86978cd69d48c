// The project's bibliography for a document: which files it names, where a new entry goes, which
// keys those files define; and adding one entry there without touching any other byte.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { bibliographyFiles } from '../documents';
import type { Library } from '../library/library';
import { appendCslItem, appendEntry, hasCslItem, hasEntry } from '../library/bibwriter';
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
export function keysInFiles(library: Library, files: readonly string[]): ReadonlyMap<string, EntryPlace[]> {
  const wanted = new Set(files.map((f) => path.resolve(f)));
  const id = [...wanted].sort().join('\n');
  const memo = keyMaps.get(library);
  if (memo && memo.version === library.version && memo.files === id) return memo.keys;
  const keys = new Map<string, EntryPlace[]>();
  for (const source of library.sources) {
    if (!source.file || !wanted.has(path.resolve(source.file))) continue;
    for (const paper of source.papers) {
      const places = keys.get(paper.key) ?? [];
      places.push({ file: paper.origin.file, line: paper.origin.line });
      keys.set(paper.key, places);
    }
  }
  keyMaps.set(library, { version: library.version, files: id, keys });
  return keys;
}

/** keysInFiles runs on completion and diagnostics; a project .bib may hold 100k entries. */
const keyMaps = new WeakMap<Library, { version: number; files: string; keys: ReadonlyMap<string, EntryPlace[]> }>();

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
  const text = await fs.readFile(file, 'utf8').catch(() => null);
  if (text === null) return false;
  return /\.json$/i.test(file) ? hasCslItem(text, key) : hasEntry(text, key);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
