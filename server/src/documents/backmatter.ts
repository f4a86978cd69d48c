// Back matter: acknowledgments, funding, data and code availability, author contributions,
// competing interests and the bibliography. They are prose, but nothing in a library is "related"
// to them, so lenses and prose hovers stay away. Found by heading (LaTeX \section, \section*,
// \chapter…, Markdown # and setext headings), by a run-in title (\paragraph{Funding}, a paragraph
// that starts "**Acknowledgements.**" or "Data availability:"), and by AASTeX's \acknowledgments
// command and acknowledgments environments.
import { paragraphs, sections } from './passages';
import type { Syntax } from './types';

const TITLES = [
  'acknowledge?ments?',
  'acknowledge?ments? and funding',
  'funding',
  'funding (?:information|sources|statement)',
  'financial (?:support|disclosure)',
  'grants?',
  '(?:data|code|software|data and code|code and data|data and software|software and data)(?: and materials?)? availability(?: statement)?',
  'availability of (?:data|code|software|data and materials?|data and code)',
  'data (?:access|sharing)(?: statement)?',
  'author(?:s\'|s|\'s)? contributions?(?: statement)?',
  'contributions?',
  'credit (?:author(?:ship)? )?(?:contribution )?statement',
  '(?:competing|conflicts? of|declarations? of(?: competing)?) interests?',
  'conflicts? of interests? statement',
  'declarations?',
  'disclosures?',
  'references?',
  'bibliography',
  'works cited',
  'literature cited',
  'cited literature',
];

const TITLE = new RegExp(`^(?:${TITLES.join('|')})$`, 'i');
/** A run-in title at the start of a paragraph's plain text, ended by a break or punctuation. */
const RUN_IN = new RegExp(`^(?:${TITLES.join('|')})\\s*(?:[.:\\u2014\\u2013\\n]|$)`, 'i');

/** Whether a heading's title names back matter ("Acknowledgements", "Data availability", "References"). */
export function isBackMatterTitle(title: string): boolean {
  const t = title
    .replace(/^[\s\d.IVXivx]+(?=\s)/, '') // "5. Funding", "IV Acknowledgments"
    .replace(/[\s.:*_]+$/, '')
    .replace(/^[\s*_]+/, '')
    .replace(/\s+/g, ' ')
    .replace(/&/g, 'and')
    .replace(/[‘’]/g, "'")
    .trim();
  return TITLE.test(t);
}

/**
 * Source spans [start, end) of the document's back matter, sorted. A heading's span runs to the
 * next heading of the same or a higher level; a run-in title's to the end of its paragraph.
 */
export function backMatterSpans(text: string, syntax: Syntax): [number, number][] {
  const spans: [number, number][] = [];
  for (const s of sections(text, syntax)) if (isBackMatterTitle(s.title)) spans.push([s.headingStart, Math.max(s.end, s.headingEnd)]);
  for (const p of paragraphs(text, syntax)) {
    const head = p.text.slice(0, 80).replace(/^[\s*_]+/, '').replace(/[*_]+(?=\s*[.:\n])/, '');
    if (RUN_IN.test(head)) spans.push([p.start, p.end]);
  }
  if (syntax === 'latex') {
    // AASTeX: \acknowledgments (or \acknowledgements) starts the acknowledgments, which run to the next heading.
    const headings = sections(text, syntax).map((s) => s.headingStart);
    for (const m of text.matchAll(/\\(?:acknowledge?ments?|acks)\b(?!\})/g)) {
      const at = m.index!;
      if (text.lastIndexOf('%', at) > text.lastIndexOf('\n', at)) continue; // in a comment
      if (/\\begin\{$|\\end\{$/.test(text.slice(Math.max(0, at - 7), at))) continue;
      const next = headings.find((h) => h > at) ?? text.length;
      const end = Math.min(next, endOfDocument(text, at));
      spans.push([at, end]);
    }
    for (const m of text.matchAll(/\\begin\{(acknowledge?ments?|acks|funding|dataavailability|contributions)\*?\}/gi)) {
      const close = text.indexOf(`\\end{${m[1]}`, m.index!);
      spans.push([m.index!, close < 0 ? text.length : close]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  return spans;
}

function endOfDocument(text: string, from: number): number {
  const ends = [text.indexOf('\\end{document}', from), text.indexOf('\\bibliography', from), text.indexOf('\\printbibliography', from), text.indexOf('\\begin{thebibliography}', from)];
  const found = ends.filter((e) => e >= 0);
  return found.length ? Math.min(...found) : text.length;
}

/** Whether a source offset is in back matter (spans from backMatterSpans). */
export function inBackMatter(spans: readonly [number, number][], offset: number): boolean {
  for (const [s, e] of spans) {
    if (s > offset) break;
    if (offset < e) return true;
  }
  return false;
}
