// Find references for citation keys: every citation of the key in the workspace's LaTeX/Markdown
// files (open documents as the editor has them), plus the key in its .bib entry. Reads files: the
// workspace's documents and the .bib files that define the key.
import { readFile } from 'node:fs/promises';
import { citedKeys, keyAt } from '../documents';
import { libraryFormat } from '../library/files';
import type { Library } from '../library/library';
import { escapeRegExp } from '../library/paper';
import { fileUri, workspaceDocuments, type Doc } from '../workspace/documents';
import type { EntryPlace, FeatureContext } from '../workspace/project';

/** A span of a file's text: an open document's, or one read from disk. */
export interface Span {
  uri: string;
  /** The text the offsets refer to (for offset → position conversion). */
  text: string;
  start: number;
  end: number;
}

/**
 * The citations of the key under the cursor across the workspace (`open`: the documents as the
 * editor has them), with its entries first when `includeDeclaration`: the key in each .bib entry
 * defining it, else the library's entry line. null when the cursor is on no key.
 */
export async function references(ctx: FeatureContext, open: readonly Doc[], includeDeclaration: boolean): Promise<(Span | EntryPlace)[] | null> {
  const cited = keyAt(ctx.doc.text, ctx.offset, ctx.doc.syntax);
  if (!cited) return null;
  const found: (Span | EntryPlace)[] = citationsOf(cited.key, await workspaceDocuments(ctx.trusted ? ctx.folders : [], open));
  if (includeDeclaration && ctx.library) {
    const entries = ctx.trusted ? await entryKeySpans(ctx.library, cited.key) : [];
    const paper = ctx.library.get(cited.key);
    if (entries.length) found.unshift(...entries);
    else if (paper && paper.origin.kind !== 'zotero') found.unshift({ file: paper.origin.file, line: paper.origin.line });
  }
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
    if (source.kind === 'corpus' || !source.file || libraryFormat(source.file) !== 'bibtex') continue;
    if (!source.papers.some((p) => p.key === key)) continue;
    const text = await readFile(source.file, 'utf8').catch(() => null);
    if (text === null) continue;
    const pattern = new RegExp(`(@\\w+\\s*[{(]\\s*)(${escapeRegExp(key)})(\\s*,)`, 'g');
    for (const m of text.matchAll(pattern)) {
      const start = m.index! + m[1]!.length;
      spans.push({ uri: fileUri(source.file), text, start, end: start + key.length });
    }
  }
  return spans;
}
