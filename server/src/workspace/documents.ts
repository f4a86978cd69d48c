// The documents features look at (one the editor has open, or a LaTeX/Markdown file read from
// disk) and the paths they live at. Offsets are UTF-16. Reads files: documentFromDisk and
// workspaceDocuments.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { syntaxOfFile, type Syntax } from '../documents';
import { findFiles } from '../library/files';

export interface Doc {
  uri: string;
  /** Absolute file path, or null for untitled / non-file documents. */
  path: string | null;
  text: string;
  syntax: Syntax;
  version: number;
}

/** Bounds of every workspace scan (library files, documents): a home folder opened by mistake must not hang the server. */
export const SCAN_LIMITS = { maxFiles: 2000, maxDepth: 8 };

export function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

/** `file` is `dir` or lies below it. */
export function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The workspace folder holding `file` (the deepest one), else null. */
export function folderOf(file: string | null, folders: readonly string[]): string | null {
  if (!file) return null;
  let best: string | null = null;
  for (const folder of folders) if (isInside(file, folder) && (best === null || folder.length > best.length)) best = folder;
  return best;
}

/** A LaTeX/Markdown file the editor does not have open (e.g. named by a custom request). */
export async function documentFromDisk(uri: string): Promise<Doc | null> {
  const file = filePathOf(uri);
  const syntax = file ? syntaxOfFile(file) : null;
  const text = file && syntax ? await readFile(file, 'utf8').catch(() => null) : null;
  return file && syntax && text !== null ? { uri, path: file, text, syntax, version: 0 } : null;
}

/** LaTeX and Markdown files in the folders, read from disk, replaced by the open version when open. */
export async function workspaceDocuments(folders: readonly string[], open: readonly Doc[]): Promise<Doc[]> {
  const opened = new Set(open.map((d) => d.uri));
  const found: Doc[] = [...open];
  for (const folder of folders) {
    for (const file of await findFiles(folder, (f) => syntaxOfFile(f) !== null, SCAN_LIMITS)) {
      if (opened.has(fileUri(file))) continue;
      const doc = await documentFromDisk(fileUri(file));
      if (doc) found.push(doc);
    }
  }
  return found;
}
