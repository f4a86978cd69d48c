// The document's own title: a .bib often holds the paper being written, and nothing should suggest
// citing it in itself. LaTeX `\title{…}` (the long form of `\title[short]{long}`), Markdown front
// matter `title:`.
import { titleIdentity } from '../library/store';
import { frontMatterLines, uncommented, unquote } from './bibliography';
import { matchGroup } from './latex';
import type { Syntax } from './types';

/** The document's title as written (TeX markup and all); null when it names none. */
export function documentTitle(text: string, syntax: Syntax): string | null {
  if (syntax === 'markdown') {
    const line = frontMatterLines(text).find((l) => /^title[ \t]*:/.test(l));
    const value = line === undefined ? '' : unquote(line.replace(/^title[ \t]*:/, ''));
    return value && !/^[|>]/.test(value) ? value : null;
  }
  const t = uncommented(text);
  const m = /\\title\s*(?:\[[^\]]*\]\s*)?\{/.exec(t);
  if (!m) return null;
  const body = braced(t, m.index + m[0].length);
  return body === null ? null : withoutNotes(body);
}

/**
 * A title as titles are compared: TeX commands and braces, accents, case, punctuation and
 * whitespace ignored ("{M}inimap2: pairwise \emph{alignment}" and "Minimap2 — Pairwise alignment" match).
 */
export function titleKey(title: string): string {
  return titleIdentity(title.replace(/\\\\/g, ' ').replace(/\\[a-zA-Z@]+\*?|\\./g, ''));
}

/** The text of a brace group whose `{` ends just before `from` (latex.ts matchGroup); null when it never closes. */
function braced(text: string, from: number): string | null {
  const close = matchGroup(text, from - 1, text.length);
  return close < 0 ? null : text.slice(from, close);
}

/** A title less its \thanks{…} and \footnote{…}: notes about it, not part of it. */
function withoutNotes(title: string): string {
  const m = /\\(?:thanks|footnote)\s*\{/.exec(title);
  if (!m) return title;
  const note = braced(title, m.index + m[0].length);
  return title.slice(0, m.index) + (note === null ? '' : withoutNotes(title.slice(m.index + m[0].length + note.length + 1)));
}
