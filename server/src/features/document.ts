// The document a feature looks at: its text and what kind of writing it is. Offsets are UTF-16.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Syntax } from '../documents';

export interface Doc {
  uri: string;
  /** Absolute file path, or null for untitled / non-file documents. */
  path: string | null;
  text: string;
  syntax: Syntax;
  version: number;
}

export function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** The workspace folder holding `file` (the deepest one), else null. */
export function folderOf(file: string | null, folders: readonly string[]): string | null {
  if (!file) return null;
  let best: string | null = null;
  for (const folder of folders) {
    const rel = path.relative(folder, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel) && (best === null || folder.length > best.length)) best = folder;
  }
  return best;
}
