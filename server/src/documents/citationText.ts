// What text to insert for a citation at a position: `\cite{key}`, `[@key]`, or only the key when
// the cursor is already inside a citation command; nothing when that citation already holds the key.
// Pure functions of the text around the cursor: the client's Citer and the server's Cite KEY quick fixes
// (features/uncitedClaims.ts) write the same text.
import type { Syntax } from './syntax';

/** Inside `\cite…{` (any natbib/biblatex variant, starred, optional args) with the brace still open. */
const latexOpenCite = /\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*\[[^\]]*\]){0,2}\s*\{([^{}]*)$/;
/** Inside a pandoc bracket citation `[see @a; @b` with the bracket still open. */
const pandocOpenCite = /\[[^\][]*@[^\][]*$/;

/**
 * The text to insert at the end of `before` (the document up to the cursor) to cite `key`,
 * and `after` (the text after the cursor, on the same line) so a key is not glued to a following one.
 * '' when the cursor is inside a citation that already cites `key`.
 */
export function citationText(before: string, after: string, key: string, syntax: Syntax): string {
  if (syntax === 'latex') {
    const m = latexOpenCite.exec(before.slice(-500));
    if (m) {
      const typed = m[1] ?? '';
      const rest = /^[^{}]*/.exec(after)![0];
      if (`${typed}${rest}`.split(',').some((k) => k.trim() === key)) return '';
      const needsComma = typed.trim() !== '' && !/,\s*$/.test(typed);
      const trailingComma = /^\s*[A-Za-z0-9]/.test(after) ? ',' : '';
      return `${needsComma ? ',' : ''}${key}${trailingComma}`;
    }
    const space = before !== '' && !/[\s~(]$/.test(before) ? '~' : '';
    return `${space}\\cite{${key}}`;
  }
  const lineBefore = before.slice(before.lastIndexOf('\n') + 1);
  if (pandocOpenCite.test(lineBefore)) {
    const inside = `${lineBefore.slice(lineBefore.lastIndexOf('['))}${/^[^\][]*/.exec(after)![0]}`;
    if ((inside.match(/@[^\s;,\]]+/g) ?? []).some((k) => k.slice(1).replace(/[.:]+$/, '') === key)) return '';
    if (/@$/.test(lineBefore)) return key;
    return /;\s*$/.test(lineBefore) ? `@${key}` : `; @${key}`;
  }
  const space = before !== '' && !/[\s(]$/.test(before) ? ' ' : '';
  return `${space}[@${key}]`;
}
