// What text to insert for a citation at a position: `\cite{key}` (or the document's own habit,
// `\citep{key}`, `\parencite{key}`, `\autocite{key}`: citeCommand), `[@key]`, or only the key when
// the cursor is already inside a citation command; nothing when that citation already holds the key.
// Pure functions of the text around the cursor: the client's Citer and the server's Cite KEY quick fixes
// (features/uncitedClaims.ts) write the same text.
import type { Syntax } from './syntax';

/** Inside `\cite…{` (any natbib/biblatex variant, starred, optional args) with the brace still open. */
const latexOpenCite = /\\[A-Za-z]*cite[A-Za-z]*\*?(?:\s*\[[^\]]*\]){0,2}\s*\{([^{}]*)$/;
/** Inside a pandoc bracket citation `[see @a; @b` with the bracket still open. */
const pandocOpenCite = /\[[^\][]*@[^\][]*$/;

/** The commands a parenthetical citation is written with; on a tie the first wins (\cite, as before any habit). */
const PARENTHETICAL = ['cite', 'citep', 'parencite', 'autocite'] as const;
const PARENTHETICAL_USE = /(?:^|[^\\])\\(cite|citep|parencite|autocite)\*?(?:\s*\[[^\]]*\]){0,2}\s*\{/g;

/**
 * The command a LaTeX document writes its parenthetical citations with: whichever of \cite,
 * \citep, \parencite and \autocite it uses most (a natbib paper's `\citep`), outside comments;
 * `\cite` when it uses none.
 */
export function citeCommand(text: string): string {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const code = line.replace(/(^|[^\\])%.*$/, '$1');
    for (const m of code.matchAll(PARENTHETICAL_USE)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  const most = PARENTHETICAL.reduce((best, c) => ((counts.get(c) ?? 0) > (counts.get(best) ?? 0) ? c : best), PARENTHETICAL[0]);
  return `\\${most}`;
}

/**
 * The text to insert at the end of `before` (the document up to the cursor) to cite `key`,
 * and `after` (the text after the cursor, on the same line) so a key is not glued to a following one.
 * '' when the cursor is inside a citation that already cites `key`. `command`: the LaTeX command a
 * new citation is written with (citeCommand of the document).
 */
export function citationText(before: string, after: string, key: string, syntax: Syntax, command = '\\cite'): string {
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
    return `${space}${command}{${key}}`;
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
