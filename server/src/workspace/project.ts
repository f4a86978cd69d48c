// A document's project: the bibliography files it names (else the default file), where a new entry
// goes and which keys those files define; and the contexts features are answered from. Reads no file.
import * as path from 'node:path';
import { bibliographyFiles } from '../documents';
import type { Library, LibrarySource } from '../library/library';
import type { Paper } from '../library/paper';
import type { Settings } from '../protocol';
import type { Ranker } from '../search/rank';
import { folderOf, isInside, type Doc } from './documents';

/** What a request that names no document is answered from. */
export interface LibraryContext {
  config: Settings;
  /** The library as last read; null before the first read. */
  library: Library | null;
  /** The rankings over `library`; null until the first index build is done. */
  index: Ranker | null;
  /** The workspace folders (absolute paths). */
  folders: readonly string[];
  /** false in an untrusted workspace: no workspace file is read or written. */
  trusted: boolean;
}

/** What every document feature is answered from: the document, the cursor, and its project. */
export interface FeatureContext extends LibraryContext {
  doc: Doc;
  /** The cursor, a UTF-16 offset into doc.text. */
  offset: number;
  project: Project;
}

export interface Project {
  /** Files the document names (\bibliography, \addbibresource, front matter), absolute. */
  named: string[];
  /** The files whose keys count as "in the bibliography": the named ones, else the default file. */
  files: string[];
  /** Where a new entry goes: the first named file, else settings.defaultBibliography in the workspace folder. */
  target: string | null;
}

export function projectOf(doc: Doc, folders: readonly string[], config: Settings): Project {
  const folder = folderOf(doc.path, folders) ?? (doc.path ? null : folders[0] ?? null);
  const base = doc.path ? path.dirname(doc.path) : folder;
  const named = base ? [...new Set(bibliographyFiles(doc.text, doc.syntax).map((f) => path.resolve(base, f)))] : [];
  const fallbackDir = folder ?? base;
  const fallback = fallbackDir ? path.resolve(fallbackDir, config.defaultBibliography) : null;
  const target = named[0] ?? fallback;
  return { named, files: named.length ? named : fallback ? [fallback] : [], target };
}

export interface EntryPlace {
  file: string;
  line: number;
}

/** Keys the project's bibliography defines, with every place each is defined (none before the library is read). */
export function projectKeys(ctx: FeatureContext): ReadonlyMap<string, EntryPlace[]> {
  return ctx.library ? keysInFiles(ctx.library, ctx.project.files) : new Map();
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
    for (const paper of papersOf(source)) {
      const places = keys.get(paper.key) ?? [];
      places.push({ file: paper.origin.file, line: paper.origin.line });
      keys.set(paper.key, places);
    }
  }
  keyMaps.set(library, { version: library.version, files: id, keys });
  return keys;
}

/** A source's papers: held as objects, or a store's compact ones (key and place are all keysInFiles needs) and those read since. */
function* papersOf(source: LibrarySource): Iterable<Paper> {
  const store = source.store;
  if (store) for (let doc = 0; doc < store.size; doc++) if (store.isLive?.(doc) !== false) yield store.paperAt(doc);
  yield* source.papers;
}

/** keysInFiles runs on completion and diagnostics; a project .bib may hold 100k entries. */
const keyMaps = new WeakMap<Library, { version: number; files: string; keys: ReadonlyMap<string, EntryPlace[]> }>();

/** True when at least one of `files` is a source the library has read. */
export function anyLoaded(library: Library, files: readonly string[]): boolean {
  const wanted = new Set(files.map((f) => path.resolve(f)));
  return library.sources.some((s) => s.file && wanted.has(path.resolve(s.file)));
}

/** What the user sees for a source: "bundled corpus", or the path relative to its workspace folder. */
export function sourceName(source: { id: string; kind: string; file: string; name?: string }, folders: readonly string[]): string {
  if (source.kind === 'corpus' && source.id === 'corpus') return 'bundled corpus';
  if (source.id.startsWith('zotero:') && source.name) return source.name; // "Zotero: My Library", "Zotero: GROUP"

  const file = source.file || source.id;
  const folder = file ? folders.find((f) => isInside(file, f)) : undefined;
  return folder ? path.relative(folder, file) : file;
}
