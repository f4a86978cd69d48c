// Go to definition on a cited key: its entry in the project's bibliography, else wherever the
// library has it. Reads no file.
import { keyAt } from '../documents';
import { projectKeys, type EntryPlace, type FeatureContext } from '../workspace/project';

export interface DefinitionAnswer extends EntryPlace {
  /** The key's span in the document (for LocationLink origins). */
  start: number;
  end: number;
}

export function definition(ctx: FeatureContext): DefinitionAnswer | null {
  const { doc, offset, library } = ctx;
  if (!library) return null;
  const cited = keyAt(doc.text, offset, doc.syntax);
  if (!cited) return null;
  const own = projectKeys(ctx).get(cited.key)?.[0];
  const paper = library.get(cited.key);
  // A Zotero paper has no entry in a text file (its card links to Zotero).
  const place = own ?? (paper && paper.origin.kind !== 'zotero' ? { file: paper.origin.file, line: paper.origin.line } : null);
  return place ? { ...place, start: cited.start, end: cited.end } : null;
}
