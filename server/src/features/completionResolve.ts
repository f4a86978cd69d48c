// completionItem/resolve: a completion item of a paper whose entry is on disk (a corpus store)
// is sent without documentation; its card is made here from the whole entry, abstract included.
// Reads the entry from the corpus file (through the store's cache).
import * as path from 'node:path';
import type { Library } from '../library/library';
import type { Paper } from '../library/paper';
import { paperCard } from './cards';

/** A completion item's documentation: the paper's card, and where choosing it adds the entry. */
export function completionCard(paper: Paper, library: Library | null, addsEntryTo: string | null): string {
  return paperCard(paper, { library }) + (addsEntryTo ? `\n\n*Choosing it adds the entry to ${path.basename(addsEntryTo)}.*` : '');
}

/** The card of `key` from its whole entry, with the note completion adds when choosing it adds the entry; null when the library no longer has it. */
export async function resolveCompletion(library: Library | null, key: string, addsEntryTo: string | null): Promise<string | null> {
  const paper = await library?.fullEntry(key);
  if (!paper) return null;
  return completionCard(paper, library, addsEntryTo);
}
