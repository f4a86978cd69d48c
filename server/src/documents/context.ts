// Which text stands for "what is being written here" at a position: the passage a ranking asks
// about, and where to fall back when the asked-for passage is missing. Hovers, related papers and
// the CLI's `related --file` share it.
import { passageAt, sentences } from './passages';
import type { Syntax } from './syntax';
import type { Passage } from './types';

export type Scope = 'sentence' | 'paragraph' | 'section';

/** The sentence, or the paragraph when the sentence is too short to say much. */
export function contextOf(passage: { sentence: Passage | null; paragraph: Passage | null }): string {
  const sentence = passage.sentence?.text.trim() ?? '';
  if (wordCount(sentence) >= 6 || !passage.paragraph) return sentence;
  return passage.paragraph.text;
}

/** Where a scope falls back to when the position has none of it (a sentence outside paragraphs, a document without sections). */
const FALLBACK: Record<Scope, Scope[]> = { sentence: ['sentence', 'paragraph'], paragraph: ['paragraph', 'sentence'], section: ['section', 'paragraph'] };

/** The text of the `scope` passage around `offset` (contextOf without one); '' where there is no prose. */
export function textAround(text: string, offset: number, syntax: Syntax, scope?: Scope): string {
  const at = passageAt(text, offset, syntax);
  if (!scope) return contextOf(at);
  for (const s of FALLBACK[scope]) if (at[s]) return at[s]!.text;
  return '';
}

/** Textual citations name the authors in the sentence that follows them (`\citet{x} showed…`). */
const TEXTUAL = /^(\\(citet|citealt|citeauthor|citeyear|textcite|Textcite|textcites|Textcites|Citet|Citeauthor)\*?|@)$/;

/**
 * The text a citation at `offset` is ranked by: the sentence, or the paragraph when the sentence
 * is short; a parenthetical citation placed after a full stop (`…the value.~\cite{|}`) supports
 * the sentence before it, a textual one the sentence after. `command` is the citation command as
 * `citationAt` reports it (`\citep`, `[@`, `@`). Completion and eval:real's BM25 baseline share it.
 */
export function citingText(text: string, offset: number, syntax: Syntax, command: string): string {
  const passage = passageAt(text, offset, syntax);
  const paragraph = passage.paragraph;
  if (!TEXTUAL.test(command) && paragraph && (!passage.sentence || passage.sentence.start > offset)) {
    const before = sentences(text, syntax)
      .filter((s) => s.start >= paragraph.start && s.end <= offset)
      .at(-1);
    if (before) return contextOf({ sentence: before, paragraph });
  }
  return contextOf(passage);
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
}
