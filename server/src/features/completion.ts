// Citation completion: inside \cite{…} or after [@, the library ranked by the sentence being
// written and narrowed by what is typed. Reads no file.
import * as path from 'node:path';
import { citationAt, contextOf, passageAt, sentences, type CitationContext } from '../documents';
import type { Paper } from '../library/paper';
import type { Doc } from '../workspace/documents';
import { projectKeys, type FeatureContext } from '../workspace/project';
import { detailLine, paperCard } from './cards';

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
export function completion(ctx: FeatureContext): CompletionAnswer | null {
  const { doc, offset, config, index, library } = ctx;
  const cite = citationAt(doc.text, offset, doc.syntax);
  if (!cite) return null;
  if (!index || !library) return { items: [], incomplete: true };
  const exclude = new Set(cite.keys);
  const own = projectKeys(ctx);
  // Where a missing entry would go (shown in the card); nowhere in an untrusted workspace.
  const target = ctx.trusted ? ctx.project.target : null;
  let papers: Paper[] = index.completion(cite.typed, citingContext(doc, offset, cite), config.maxSuggestions + exclude.size).map((h) => library.get(h.paper.key) ?? h.paper);
  if (papers.length === 0 && !cite.typed.trim()) {
    // Nothing to rank by (e.g. \cite{} alone on a line): the project's own entries, by key.
    papers = [...own.keys()].sort().flatMap((k) => library.get(k) ?? []);
  }
  const items: CompletionEntry[] = [];
  for (const paper of papers) {
    if (exclude.has(paper.key)) continue;
    if (items.length >= config.maxSuggestions) break;
    const missing = !own.has(paper.key) && target !== null;
    const note = missing ? `\n\n*Choosing it adds the entry to ${path.basename(target)}.*` : '';
    items.push({
      key: paper.key,
      // Without authors or year a reference list would print a stub: the row says so before it is chosen.
      detail: missing && (!paper.authors.length || !paper.year) ? `${detailLine(paper)} (no authors or year — will be added as ${/\.json$/i.test(target) ? 'is' : '@misc'})` : detailLine(paper),
      documentation: paperCard(paper) + note,
      sortText: String(items.length).padStart(4, '0'),
      // Starts with what is typed so the editor's own fuzzy filter keeps every item and orders by sortText.
      filterText: `${cite.typed} ${paper.key} ${paper.title}`,
      start: cite.typedStart,
      end: cite.typedEnd,
      addsEntryTo: missing ? target : null,
    });
  }
  return { items, incomplete: true };
}
