// Rename a citation key the user owns (a workspace .bib entry defines it) in its entries and in
// every citation; a corpus key is not ours to change. Reads files (the workspace's documents, the
// .bib files); the client applies the edit.
import { keyAt } from '../documents';
import { workspaceDocuments, type Doc } from '../workspace/documents';
import type { FeatureContext } from '../workspace/project';
import { citationsOf, entryKeySpans, type Span } from './references';

/** The request cannot be done as asked (the editor shows the message). */
export class InvalidRename extends Error {}

/** The key under the cursor, when it may be renamed. */
export async function prepareRename(ctx: FeatureContext): Promise<{ start: number; end: number; placeholder: string } | null> {
  const cited = keyAt(ctx.doc.text, ctx.offset, ctx.doc.syntax);
  if (!cited || !ctx.library || !ctx.trusted) return null;
  if (!(await entryKeySpans(ctx.library, cited.key)).length) return null;
  return { start: cited.start, end: cited.end, placeholder: cited.key };
}

/** Every span to replace with `newName`: the key in its .bib entries and in every citation (`open`: the documents as the editor has them). */
export async function rename(ctx: FeatureContext, open: readonly Doc[], newName: string): Promise<Span[] | null> {
  const cited = keyAt(ctx.doc.text, ctx.offset, ctx.doc.syntax);
  const library = ctx.library;
  if (!cited || !library || !ctx.trusted) return null;
  if (!isValidKey(newName)) throw new InvalidRename(`"${newName}" is not a valid citation key`);
  if (newName !== cited.key && library.get(newName)) throw new InvalidRename(`"${newName}" is already a key in the library`);
  const entries = await entryKeySpans(library, cited.key);
  if (!entries.length) return null;
  return [...entries, ...citationsOf(cited.key, await workspaceDocuments(ctx.folders, open))];
}

/** A key BibTeX, biblatex and pandoc all accept. */
export function isValidKey(key: string): boolean {
  return /^[\p{L}\p{N}_:.\-+/]+$/u.test(key) && !/^[-.:+/]/.test(key);
}
