// Go to definition on a cited key: its entry in the project's bibliography, else wherever the library has it.
import { keyAt } from '../documents';
import type { Library } from '../library/library';
import { keysInFiles, type EntryPlace } from './bibliography';
import type { Doc } from './document';

export interface DefinitionAnswer extends EntryPlace {
  /** The key's span in the document (for LocationLink origins). */
  start: number;
  end: number;
}

export function definitionAt(library: Library | null, doc: Doc, offset: number, projectFiles: readonly string[]): DefinitionAnswer | null {
  if (!library) return null;
  const cited = keyAt(doc.text, offset, doc.syntax);
  if (!cited) return null;
  const own = keysInFiles(library, projectFiles).get(cited.key)?.[0];
  const paper = library.get(cited.key);
  const place = own ?? (paper ? { file: paper.origin.file, line: paper.origin.line } : null);
  return place ? { ...place, start: cited.start, end: cited.end } : null;
}
