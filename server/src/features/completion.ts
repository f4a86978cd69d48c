// Citation completion: inside \cite{…} or after [@, the library ranked by the sentence being
// written and narrowed by what is typed. Plain data; server.ts turns it into CompletionItems.
import * as path from 'node:path';
import { citationAt, passageAt, sentences, type CitationContext } from '../documents';
import type { Settings } from '../protocol';
import { detailLine, paperCard } from './cards';
import type { Doc } from './document';
import { contextOf, type Ready } from './state';

export interface CompletionEntry {
  key: string;
  detail: string;
  /** Markdown. */
  documentation: string;
  sortText: string;
  filterText: string;
  /** What the key replaces: the typed part of the key (UTF-16 offsets). */
  start: number;
  end: number;
  /** The paper is in the library but not in the project's bibliography: choosing it adds the entry. */
  addsEntryTo: string | null;
}

export interface CompletionAnswer {
  items: CompletionEntry[];
  /** Always true: each keystroke re-asks, so the server's ranking follows what is typed. */
  incomplete: boolean;
}

export interface CompletionOptions {
  /** Whether the project's bibliography already defines `key`. */
  inBibliography(key: string): boolean;
  /** Where a missing entry would go (shown in the card), or null. */
  target: string | null;
  /** Keys of the project's bibliography: offered when there is neither typed text nor context to rank by. */
  ownKeys?: () => Iterable<string>;
}

/** Textual citations name the authors in the sentence that follows them (`\citet{x} showed…`). */
const TEXTUAL = /^(\\(citet|citealt|citeauthor|citeyear|textcite|Textcite|textcites|Textcites|Citet|Citeauthor)\*?|@)$/;

/**
 * The text a citation is ranked by. A parenthetical citation placed after a full stop
 * (`…the value.~\cite{|}`) supports the sentence before it; a textual one, the sentence after.
 */
export function citingContext(doc: Doc, offset: number, cite: CitationContext): string {
  const passage = passageAt(doc.text, offset, doc.syntax);
  const paragraph = passage.paragraph;
  if (!TEXTUAL.test(cite.command) && paragraph && (!passage.sentence || passage.sentence.start > offset)) {
    const before = sentences(doc.text, doc.syntax).filter((s) => s.start >= paragraph.start && s.end <= offset).at(-1);
    if (before) return contextOf({ sentence: before, paragraph });
  }
  return contextOf(passage);
}

/** null when the cursor is not where a citation key goes; no items (incomplete) before the index is ready. */
export function citationCompletion(ready: Ready | null, doc: Doc, offset: number, config: Settings, options: CompletionOptions): CompletionAnswer | null {
  const cite = citationAt(doc.text, offset, doc.syntax);
  if (!cite) return null;
  if (!ready) return { items: [], incomplete: true };
  const exclude = new Set(cite.keys);
  const context = citingContext(doc, offset, cite);
  let papers = ready.index.completion(cite.typed, context, config.maxSuggestions + exclude.size).map((h) => ready.library.get(h.paper.key) ?? h.paper);
  if (papers.length === 0 && !cite.typed.trim()) {
    // Nothing to rank by (e.g. \cite{} alone on a line): the project's own entries, by key.
    papers = [...(options.ownKeys?.() ?? [])].sort().flatMap((k) => ready.library.get(k) ?? []);
  }
  const items: CompletionEntry[] = [];
  for (const paper of papers) {
    if (exclude.has(paper.key)) continue;
    if (items.length >= config.maxSuggestions) break;
    const missing = !options.inBibliography(paper.key) && options.target !== null;
    const note = missing ? `\n\n*Choosing it adds the entry to ${path.basename(options.target!)}.*` : '';
    items.push({
      key: paper.key,
      detail: detailLine(paper),
      documentation: paperCard(paper) + note,
      sortText: String(items.length).padStart(4, '0'),
      // Starts with what is typed so the editor's own fuzzy filter keeps every item and orders by sortText.
      filterText: `${cite.typed} ${paper.key} ${paper.title}`,
      start: cite.typedStart,
      end: cite.typedEnd,
      addsEntryTo: missing ? options.target : null,
    });
  }
  return { items, incomplete: true };
}
