// Is the cursor on the writer's prose, or on markup (commands, math, code, comments, front matter)?
// Prose hover answers only on prose: hovering `$x^2$` or `\label{…}` must not suggest papers.
// The documents module's plain-text extraction decides: prose is what survives into the plain
// text, so LaTeX and Markdown are read by one set of rules.
import { plainText } from './passages';
import { isExcluded, plainIndexAt, type PlainText } from './plain';
import type { Syntax } from './syntax';

export function onProse(text: string, offset: number, syntax: Syntax): boolean {
  const plain = plainText(text, syntax);
  if (isExcluded(plain, offset)) return false;
  // Hovering the last letter of a word puts the cursor just after it: accept either side.
  return keptLetter(plain, offset) || keptLetter(plain, offset - 1);
}

/** The source character at `offset` is a letter or digit that made it into the plain text. */
function keptLetter(plain: PlainText, offset: number): boolean {
  if (offset < 0) return false;
  const i = plainIndexAt(plain, offset);
  return i >= 0 && plain.offsets[i] === offset && /[\p{L}\p{N}]/u.test(plain.text[i] ?? '');
}
