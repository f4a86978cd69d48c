// Find references and rename for citation keys: every citation of the key in the workspace's
// LaTeX/Markdown files (open documents as the editor has them), plus the key in its .bib entry.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { citedKeys, syntaxOfFile } from '../documents';
import type { Library } from '../library/library';
import type { Doc } from './document';

export interface Span {
  uri: string;
  /** The text the offsets refer to (for offset → position conversion). */
  text: string;
  start: number;
  end: number;
}

const SKIP = new Set(['node_modules', 'dist', 'out']);
/** The scan for documents is bounded like the library scan. */
export const DOCUMENT_SCAN = { maxFiles: 2000, maxDepth: 8 };

/** LaTeX and Markdown files in the folders, read from disk, replaced by the open version when open. */
export async function workspaceDocuments(folders: readonly string[], open: readonly Doc[]): Promise<Doc[]> {
  const byUri = new Map(open.map((d) => [d.uri, d]));
  const found: Doc[] = [...open];
  let count = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > DOCUMENT_SCAN.maxDepth || count >= DOCUMENT_SCAN.maxFiles) return;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (count >= DOCUMENT_SCAN.maxFiles) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) await walk(full, depth + 1);
        continue;
      }
      const syntax = syntaxOfFile(e.name);
      if (!e.isFile() || !syntax) continue;
      count++;
      const uri = pathToFileURL(full).href;
      if (byUri.has(uri)) continue;
      const text = await fs.readFile(full, 'utf8').catch(() => null);
      if (text !== null) found.push({ uri, path: full, text, syntax, version: 0 });
    }
  };
  for (const folder of folders) await walk(folder, 0);
  return found;
}

/** Every citation of `key` in the documents. */
export function citationsOf(key: string, docs: readonly Doc[]): Span[] {
  const spans: Span[] = [];
  for (const doc of docs) {
    for (const cited of citedKeys(doc.text, doc.syntax)) if (cited.key === key) spans.push({ uri: doc.uri, text: doc.text, start: cited.start, end: cited.end });
  }
  return spans;
}

/** The key inside each workspace .bib entry that defines it (`@type{key,`), read from disk. */
export async function entryKeySpans(library: Library, key: string): Promise<Span[]> {
  const spans: Span[] = [];
  for (const source of library.sources) {
    if (source.kind === 'corpus' || !source.file || !/\.(bib|bibtex|biblatex)$/i.test(source.file)) continue;
    if (!source.papers.some((p) => p.key === key)) continue;
    const text = await fs.readFile(source.file, 'utf8').catch(() => null);
    if (text === null) continue;
    const pattern = new RegExp(`(@\\w+\\s*[{(]\\s*)(${escapeRegExp(key)})(\\s*,)`, 'g');
    for (const m of text.matchAll(pattern)) {
      const start = m.index! + m[1]!.length;
      spans.push({ uri: pathToFileURL(source.file).href, text, start, end: start + key.length });
    }
  }
  return spans;
}

/** A key BibTeX, biblatex and pandoc all accept. */
export function isValidKey(key: string): boolean {
  return /^[\p{L}\p{N}_:.\-+/]+$/u.test(key) && !/^[-.:+/]/.test(key);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
