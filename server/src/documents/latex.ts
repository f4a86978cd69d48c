// LaTeX → plain text: what a reader of the typeset page would read, with offsets back into the source.
import { PlainBuilder, type PlainText } from './plain';

/** \cite and friends: natbib, biblatex, apacite… (`\citetext` holds text, not keys). */
export function isCiteCommand(name: string): boolean {
  return /cite/i.test(name) && name !== 'citetext' && !/^citealias/.test(name) && name !== 'defcitealias';
}

const HEADING_LEVELS: Record<string, number> = { part: -1, chapter: 0, section: 1, subsection: 2, subsubsection: 3 };
const RUN_IN_HEADINGS = new Set(['paragraph', 'subparagraph']);

/** Commands whose arguments are not prose. */
const DROP_ARGS = new Set([
  'ref', 'eqref', 'cref', 'Cref', 'crefrange', 'Crefrange', 'autoref', 'Autoref', 'pageref', 'nameref', 'vref', 'Vref',
  'label', 'url', 'nolinkurl', 'includegraphics', 'input', 'include', 'includeonly', 'subfile', 'import',
  'bibliography', 'bibliographystyle', 'addbibresource', 'addglobalbib', 'addsectionbib', 'printbibliography',
  'usepackage', 'RequirePackage', 'documentclass', 'newcommand', 'renewcommand', 'providecommand', 'DeclareRobustCommand',
  'newenvironment', 'renewenvironment', 'newtheorem', 'DeclareMathOperator', 'def', 'let',
  'hspace', 'vspace', 'setlength', 'addtolength', 'setcounter', 'addtocounter', 'stepcounter', 'pagestyle',
  'thispagestyle', 'pagenumbering', 'graphicspath', 'hypersetup', 'color', 'pagecolor', 'definecolor', 'geometry',
  'bibitem', 'hyperref', 'hypertarget', 'index', 'glsadd', 'rule', 'raisebox', 'resizebox', 'scalebox',
  'newlength', 'settowidth', 'captionsetup', 'lstset', 'tikzset', 'pgfplotsset', 'sisetup', 'todo',
  'ExecuteBibliographyOptions',
  // Front matter: a title, names, affiliations and key words are not a paragraph (no lens, hover or claim there).
  'title', 'subtitle', 'shorttitle', 'runningtitle', 'titlerunning', 'author', 'authorrunning', 'shortauthors', 'date',
  'affiliation', 'affil', 'address', 'institute', 'institution', 'email', 'orcid', 'keywords', 'keyword', 'kwd',
  'icmltitle', 'icmlauthor', 'icmlaffiliation', 'icmlcorrespondingauthor', 'icmlkeywords', 'IEEEauthorblockN',
  'IEEEauthorblockA', 'corref', 'cortext', 'ead', 'ccsdesc', 'acmConference', 'acmYear', 'acmDOI', 'received', 'accepted',
]);

/** Commands whose first argument is dropped and the second kept. */
const DROP_FIRST = new Set(['href', 'textcolor', 'colorbox', 'foreignlanguage', 'hyperlink']);

const MATH_ENVS = new Set([
  'equation', 'align', 'alignat', 'gather', 'multline', 'eqnarray', 'flalign', 'displaymath', 'math', 'split',
  'dmath', 'dgroup', 'subequations',
]);
/** Environments with no prose at all. */
const SKIP_ENVS = new Set([
  'verbatim', 'Verbatim', 'lstlisting', 'minted', 'comment', 'tabular', 'tabularx', 'tabular*', 'longtable', 'array',
  'tikzpicture', 'thebibliography', 'filecontents', 'filecontents*', 'algorithmic', 'pgfpicture', 'axis', 'picture',
  'code', 'alltt', 'keywords', 'keyword', 'IEEEkeywords', 'CCSXML', 'kwd-group', 'authorblock',
]);
/** Floats: only their captions are prose. */
const FLOAT_ENVS = new Set([
  'figure', 'table', 'wrapfigure', 'wraptable', 'sidewaysfigure', 'sidewaystable', 'algorithm', 'listing',
  'subfigure', 'subtable', 'SCfigure', 'SCtable', 'margintable', 'marginfigure',
]);

function envBase(name: string): string {
  return name.endsWith('*') ? name.slice(0, -1) : name;
}

/** Characters that stop a run of ordinary text. */
const SPECIAL = new Uint8Array(128);
for (const c of '%\\$'+'{}~& \t\r\n') SPECIAL[c.charCodeAt(0)] = 1;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 64; /* @ in package code */

export function extractLatex(text: string): PlainText {
  const out = new PlainBuilder();
  const n = text.length;
  let start = 0;
  for (let k = text.indexOf('\\begin{document}'); k >= 0; k = text.indexOf('\\begin{document}', k + 1)) {
    const lineStart = text.lastIndexOf('\n', k) + 1;
    if (/(^|[^\\])%/.test(text.slice(lineStart, k))) continue;
    start = k + '\\begin{document}'.length;
    out.exclude(0, start);
    break;
  }
  const x = new LatexReader(text, out);
  x.run(start, n);
  return out.finish(n);
}

class LatexReader {
  private stopped = false;
  /** Reading a heading's title: its inline maths is read as text ("compressed $k$-mers" is about k-mers). */
  private inHeading = false;
  constructor(
    private readonly text: string,
    private readonly out: PlainBuilder,
  ) {}

  /** Is there a blank line right after the newline at `nl`? */
  private blankAfter(nl: number, to: number): boolean {
    const t = this.text;
    for (let j = nl + 1; j < to; j++) {
      const c = t.charCodeAt(j);
      if (c === 10) return true;
      if (c !== 32 && c !== 9 && c !== 13) return false;
    }
    return false;
  }

  /** Past the blank lines starting at the newline at `nl`. */
  private skipBlankLines(nl: number, to: number): number {
    const t = this.text;
    let j = nl;
    let lineStart = nl;
    while (j < to) {
      const c = t.charCodeAt(j);
      if (c === 10) lineStart = j + 1;
      else if (c !== 32 && c !== 9 && c !== 13) return lineStart;
      j++;
    }
    return to;
  }

  run(from: number, to: number): void {
    const t = this.text;
    const out = this.out;
    let i = from;
    while (i < to && !this.stopped) {
      const c = t.charCodeAt(i);
      switch (c) {
        case 37 /* % */: {
          let e = t.indexOf('\n', i);
          if (e < 0 || e > to) e = to;
          out.exclude(i, e);
          // A comment eats its newline and the next line's indentation, unless a blank line follows.
          if (e < to && !this.blankAfter(e, to)) {
            e++;
            while (e < to && (t.charCodeAt(e) === 32 || t.charCodeAt(e) === 9)) e++;
          }
          i = e;
          break;
        }
        case 92 /* \ */:
          i = this.command(i, to);
          break;
        case 36 /* $ */:
          i = this.dollarMath(i, to);
          break;
        case 123:
        case 125: // braces are grouping only
          i++;
          break;
        case 126 /* ~ */:
        case 38 /* & */:
        case 32:
        case 9:
        case 13:
          out.blank(i);
          i++;
          break;
        case 10:
          if (this.blankAfter(i, to)) {
            out.break(2, i);
            i = this.skipBlankLines(i, to);
          } else {
            out.blank(i);
            i++;
          }
          break;
        default:
          i = out.copyRun(t, i, to, SPECIAL);
      }
    }
  }

  /** Handles the command at `i` (a backslash); returns where reading resumes. */
  private command(i: number, to: number): number {
    const t = this.text;
    const out = this.out;
    let j = i + 1;
    while (j < to && isLetter(t.charCodeAt(j))) j++;
    if (j === i + 1) {
      // Control symbol.
      if (j >= to) return to;
      const ch = t[j];
      switch (ch) {
        case '%': case '&': case '#': case '$': case '_': case '{': case '}':
          out.char(t.charCodeAt(j), j);
          return j + 1;
        case '\\':
          out.blank(i);
          return this.skipOptional(j + 1, to);
        case ' ': case '\n': case ',': case ';': case ':': case '>': case '\t':
          out.blank(i);
          return j + 1;
        case '(':
          return this.math(i, 2, '\\)', to, false);
        case '[':
          return this.math(i, 2, '\\]', to, true);
        default:
          return j + 1; // accents (\'e keeps the e), \@, \/, \-
      }
    }
    let name = t.slice(i + 1, j);
    if (t.charCodeAt(j) === 42 /* * */) {
      j++;
      name += '*';
    }
    const base = envBase(name);
    if (base === 'begin' || base === 'end') return this.environment(i, j, base === 'begin', to);
    if (isCiteCommand(base)) {
      out.blank(i);
      return skipArguments(t, j, to, base.endsWith('s') ? Infinity : 1);
    }
    if (base in HEADING_LEVELS || RUN_IN_HEADINGS.has(base)) return this.heading(i, j, base, to);
    if (base === 'ldots' || base === 'dots' || base === 'textellipsis') {
      out.char(0x2026, i);
      return j;
    }
    if (base === 'item') {
      out.break(1, i);
      return this.skipOptional(j, to);
    }
    if (base === 'par') {
      out.break(2, i);
      return j;
    }
    if (base === 'caption') {
      const arg = argumentAfter(t, this.skipOptional(j, to), to);
      if (!arg) return j;
      out.break(2, i);
      this.run(arg[0], arg[1]);
      out.break(2, arg[1]);
      return arg[2];
    }
    if (base === 'footnote' || base === 'footnotetext' || base === 'thanks' || base === 'marginpar') {
      out.blank(i);
      return this.skipOptional(j, to);
    }
    if (base === 'verb' || base === 'lstinline') {
      const open = this.skipOptional(j, to);
      const delim = t[open];
      if (delim === undefined) return to;
      const close = delim === '{' ? t.indexOf('}', open + 1) : t.indexOf(delim, open + 1);
      const e = close < 0 || close > to ? to : close + 1;
      out.exclude(i, e);
      out.blank(i);
      return e;
    }
    if (DROP_ARGS.has(base)) {
      out.blank(i);
      return skipArguments(t, j, to, Infinity);
    }
    if (DROP_FIRST.has(base)) {
      out.blank(i);
      const arg = argumentAfter(t, this.skipOptional(j, to), to);
      return arg ? arg[2] : j;
    }
    // Any other command: drop its name and optional arguments, read its mandatory arguments as text.
    return this.skipOptional(j, to);
  }

  /** Skips `[...]` groups that follow immediately. */
  private skipOptional(j: number, to: number): number {
    const t = this.text;
    while (j < to && t.charCodeAt(j) === 91) {
      const e = matchGroup(t, j, to);
      if (e < 0) return j;
      j = e + 1;
    }
    return j;
  }

  private heading(i: number, j: number, base: string, to: number): number {
    const t = this.text;
    const out = this.out;
    let k = j;
    while (k < to && (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9)) k++;
    k = this.skipOptional(k, to);
    const arg = argumentAfter(t, k, to, true);
    if (!arg) return j;
    out.break(2, i);
    const before = out.length;
    this.inHeading = true;
    this.run(arg[0], arg[1]);
    this.inHeading = false;
    const [ps, pe] = out.spanSince(before);
    if (RUN_IN_HEADINGS.has(base)) {
      out.break(1, arg[2]);
    } else {
      out.headings.push({
        level: HEADING_LEVELS[base],
        title: out.slice(ps, pe),
        headingStart: i,
        headingEnd: arg[2],
        plainStart: ps,
        plainEnd: pe,
      });
      out.break(2, arg[2]);
    }
    return arg[2];
  }

  private environment(i: number, j: number, begin: boolean, to: number): number {
    const t = this.text;
    const out = this.out;
    const m = /^\s*\{([^{}\n]*)\}/.exec(t.slice(j, Math.min(to, j + 80)));
    if (!m) return j;
    const name = m[1].trim();
    const base = envBase(name);
    const after = j + m[0].length;
    if (name === 'document') {
      if (!begin) this.stopped = true;
      return after;
    }
    if (!begin) {
      out.break(2, i);
      return after;
    }
    const endTag = '\\end{' + name + '}';
    const found = t.indexOf(endTag, after);
    const bodyEnd = found < 0 || found > to ? to : found;
    const envEnd = found < 0 || found > to ? to : found + endTag.length;
    if (MATH_ENVS.has(base)) {
      if (found < 0 || found > to) {
        // Unclosed while typing: math cannot hold a blank line, so the formula ends at the paragraph's end.
        const para = /\n[ \t]*\r?\n/g;
        para.lastIndex = after;
        const m = para.exec(t);
        const stop = m && m.index < to ? m.index : to;
        out.blank(i);
        out.blank(stop);
        return stop;
      }
      out.blank(i);
      this.periodOfDisplay(after, bodyEnd);
      out.blank(envEnd);
      return envEnd;
    }
    if (SKIP_ENVS.has(name) || SKIP_ENVS.has(base)) {
      out.exclude(i, envEnd);
      out.break(2, i);
      return envEnd;
    }
    if (FLOAT_ENVS.has(base)) {
      out.break(2, i);
      const caption = /\\(?:sub)?caption\*?\s*(?=[[{])/g;
      caption.lastIndex = after;
      for (let c = caption.exec(t); c && c.index < bodyEnd; c = caption.exec(t)) {
        const lineStart = t.lastIndexOf('\n', c.index) + 1;
        if (/(^|[^\\])%/.test(t.slice(lineStart, c.index))) continue;
        const arg = argumentAfter(t, this.skipOptional(c.index + c[0].length, bodyEnd), bodyEnd);
        if (!arg) continue;
        out.break(2, c.index);
        this.run(arg[0], arg[1]);
        out.break(2, arg[1]);
        caption.lastIndex = arg[2];
      }
      out.break(2, envEnd);
      return envEnd;
    }
    out.break(2, i);
    return skipArguments(t, after, to, Infinity);
  }

  /** A display that ends its sentence ("… where x = 1. \end{equation}") keeps the period. */
  private periodOfDisplay(from: number, to: number): void {
    const t = this.text;
    let k = to - 1;
    while (k >= from) {
      const c = t[k];
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r') k--;
      else if (c === '\\' || c === ',' || c === ';' || c === '!') k--;
      else break;
    }
    if (k >= from && t[k] === '.' && t[k - 1] !== '\\') this.out.endSentence(k);
  }

  private math(i: number, openLength: number, closer: string, to: number, display: boolean): number {
    const t = this.text;
    const bodyStart = i + openLength;
    let k = bodyStart;
    while (k < to) {
      const c = t.charCodeAt(k);
      if (t.startsWith(closer, k)) break;
      if (c === 92) k += 2;
      else if (c === 10 && this.blankAfter(k, to)) break; // unclosed while typing: stop at the paragraph's end
      else k++;
    }
    const bodyEnd = Math.min(k, to);
    const closed = k < to && t.startsWith(closer, k);
    if (this.inHeading && !display) {
      this.run(bodyStart, bodyEnd);
      return closed ? k + closer.length : bodyEnd;
    }
    this.out.blank(i);
    if (display) this.periodOfDisplay(bodyStart, bodyEnd);
    const e = closed ? k + closer.length : bodyEnd;
    this.out.blank(e);
    return e;
  }

  private dollarMath(i: number, to: number): number {
    if (this.text.charCodeAt(i + 1) === 36) return this.math(i, 2, '$$', to, true);
    return this.math(i, 1, '$', to, false);
  }
}

/** Index of the bracket/brace closing the group opened at `open` (`{` or `[`), or -1.
 *  Stops at a blank line, so an unclosed group while typing does not swallow the document,
 *  and after 20,000 characters for braces, 1,000 for brackets. */
export function matchGroup(t: string, open: number, to: number): number {
  const o = t.charCodeAt(open);
  const close = o === 123 ? 125 : 93;
  // Bounded, so text full of unclosed groups is still read in linear time.
  const limit = Math.min(to, open + (o === 123 ? 20000 : 1000));
  let depth = 0;
  for (let k = open + 1; k < limit; k++) {
    const c = t.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 123) depth++;
    else if (c === 125) {
      if (depth === 0) return close === 125 ? k : -1;
      depth--;
    } else if (c === close && depth === 0) return k;
    else if (c === 10) {
      let m = k + 1;
      while (m < to && (t.charCodeAt(m) === 32 || t.charCodeAt(m) === 9 || t.charCodeAt(m) === 13)) m++;
      if (m < to && t.charCodeAt(m) === 10) return -1;
    }
  }
  return -1;
}

/** The mandatory `{…}` argument at `j` (after optional spaces): [contentStart, contentEnd, after].
 *  With `lenient`, an unclosed brace runs to the end of its line. */
export function argumentAfter(t: string, j: number, to: number, lenient = false): [number, number, number] | null {
  let k = j;
  while (k < to && (t.charCodeAt(k) === 32 || t.charCodeAt(k) === 9)) k++;
  if (t.charCodeAt(k) !== 123) return null;
  const e = matchGroup(t, k, to);
  if (e >= 0) return [k + 1, e, e + 1];
  if (!lenient) return null;
  let eol = t.indexOf('\n', k);
  if (eol < 0 || eol > to) eol = to;
  return [k + 1, eol, eol];
}

/** Skips up to `max` mandatory arguments and any optional ones around them. */
export function skipArguments(t: string, j: number, to: number, max: number): number {
  let k = j;
  let mandatory = 0;
  for (;;) {
    let m = k;
    while (m < to && (t.charCodeAt(m) === 32 || t.charCodeAt(m) === 9)) m++;
    const c = t.charCodeAt(m);
    if (c === 91 || (c === 123 && mandatory < max)) {
      if (c === 91 && mandatory >= max) return k;
      const e = matchGroup(t, m, to);
      if (e < 0) {
        // Unclosed while typing: drop to the end of the line.
        let eol = t.indexOf('\n', m);
        if (eol < 0 || eol > to) eol = to;
        return eol;
      }
      if (c === 123) mandatory++;
      k = e + 1;
    } else return k;
  }
}
