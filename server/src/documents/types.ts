// The shapes the rest of the server sees. All offsets are UTF-16 offsets into the document text.
import type { Syntax } from './syntax';

export type { Syntax };

/** Plain text (markup dropped) and the source span it was read from. */
export interface Passage {
  text: string;
  start: number;
  end: number;
}

export interface Section extends Passage {
  title: string;
  /** Source span of the heading itself (`\section{…}` or the `#` line). */
  headingStart: number;
  headingEnd: number;
  /** 0 chapter, 1 section, 2 subsection… (LaTeX); number of #s (Markdown). */
  level: number;
}

/** Where the cursor stands inside a citation, for completion. */
export interface CitationContext {
  syntax: Syntax;
  /** The command as written: `\citep`, `\cite*`, `\parencites`; Markdown `[@` (bracketed) or `@` (in-text). */
  command: string;
  /** The part of the key between its start and the cursor. */
  typed: string;
  typedStart: number;
  /** End of the key token under the cursor; may extend past the cursor. */
  typedEnd: number;
  /** The other keys already in the command (not the one being typed). */
  keys: string[];
}

export interface CitedKey {
  key: string;
  start: number;
  end: number;
}
