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
  'usepackage', 'RequirePackage', 'documentclass',
  'newenvironment', 'renewenvironment', 'newtheorem', 'DeclareMathOperator',
  'hspace', 'vspace', 'setlength', 'addtolength', 'setcounter', 'addtocounter', 'stepcounter', 'pagestyle',
  'thispagestyle', 'pagenumbering', 'graphicspath', 'hypersetup', 'color', 'pagecolor', 'definecolor', 'geometry',
  'bibitem', 'hyperref', 'hypertarget', 'index', 'glsadd', 'rule', 'raisebox', 'resizebox', 'scalebox',
  'newlength', 'settowidth', 'captionsetup', 'lstset', 'tikzset', 'pgfplotsset', 'sisetup', 'todo',
  'ExecuteBibliographyOptions', 'newcounter', 'refstepcounter', 'newif', 'altaffiltext', 'altaffilmark',
  // Front matter: a title, names, affiliations and key words are not a paragraph (no lens, hover or claim there).
  'title', 'subtitle', 'shorttitle', 'runningtitle', 'titlerunning', 'author', 'authorrunning', 'shortauthors', 'date',
  'affiliation', 'affil', 'address', 'institute', 'institution', 'email', 'orcid', 'keywords', 'keyword', 'kwd',
  'icmltitle', 'icmlauthor', 'icmlaffiliation', 'icmlcorrespondingauthor', 'icmlkeywords', 'IEEEauthorblockN',
  'IEEEauthorblockA', 'corref', 'cortext', 'ead', 'ccsdesc', 'acmConference', 'acmYear', 'acmDOI', 'received', 'accepted',
  // AASTeX's table notes: a table's footnotes, not a paragraph (no lens, no hint), wherever they stand.
  'tablenotetext', 'tablecomments', 'tablerefs',
]);

/** A command whose arguments are not prose (`\label{…}`, `\autoref{…}`, a citation): Markdown reads raw LaTeX by this too. */
export function dropsArguments(name: string): boolean {
  return DROP_ARGS.has(name) || isCiteCommand(name);
}

/** Commands that define a command: `\def\name#1{body}`, `\newcommand\name[1]{body}`. The body is markup, not prose. */
const DEFINITIONS = new Set(['def', 'edef', 'gdef', 'xdef', 'newcommand', 'renewcommand', 'providecommand', 'DeclareRobustCommand', 'let', 'tikzstyle']);

/** Commands whose first argument is dropped and the second kept. */
const DROP_FIRST = new Set(['href', 'textcolor', 'colorbox', 'foreignlanguage', 'hyperlink']);

const MATH_ENVS = new Set([
  'equation', 'align', 'alignat', 'gather', 'multline', 'eqnarray', 'flalign', 'displaymath', 'math', 'split',
  'dmath', 'dgroup', 'subequations',
]);
/** Environments with no prose at all. */
const SKIP_ENVS = new Set([
  'verbatim', 'Verbatim', 'lstlisting', 'minted', 'comment', 'tabular', 'tabularx', 'tabular*', 'tabulary', 'array',
  'supertabular', 'mpsupertabular', 'xtabular', 'mpxtabular', 'tabu', 'tblr', 'NiceTabular', 'tablenotes', 'tikzpicture', 'thebibliography', 'filecontents', 'filecontents*', 'algorithmic', 'pgfpicture', 'axis', 'picture',
  'code', 'alltt', 'keywords', 'keyword', 'IEEEkeywords', 'CCSXML', 'kwd-group', 'authorblock',
]);
/** Floats and tables that carry their own caption (AASTeX's deluxetable, longtable): only their captions are prose. */
const FLOAT_ENVS = new Set([
  'figure', 'table', 'wrapfigure', 'wraptable', 'sidewaysfigure', 'sidewaystable', 'algorithm', 'listing',
  'subfigure', 'subtable', 'SCfigure', 'SCtable', 'margintable', 'marginfigure',
  'deluxetable', 'longtable', 'longtabu', 'xltabular', 'longtblr', 'threeparttable',
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
  const x = new LatexReader(text, out, userMacros(text));
  for (let k = text.indexOf('\\begin{document}'); k >= 0; k = text.indexOf('\\begin{document}', k + 1)) {
    if (commented(text, k)) continue;
    start = titlePageEnd(text, k + '\\begin{document}'.length);
    const abstract = preambleAbstract(text, k);
    if (abstract) {
      out.exclude(0, abstract[0]);
      x.run(abstract[0], abstract[1]);
      out.break(2, abstract[1]);
      out.exclude(abstract[1], start);
    } else out.exclude(0, start);
    break;
  }
  x.run(start, n);
  return out.finish(n);
}

/** Is the source offset `k` inside a % comment? */
function commented(text: string, k: number): boolean {
  const lineStart = text.lastIndexOf('\n', k) + 1;
  return /(^|[^\\])%/.test(text.slice(lineStart, k));
}

/** An abstract environment written in the preamble (some classes take it there): [begin, after its \end], or null. */
export function preambleAbstract(text: string, documentBegin: number): [number, number] | null {
  const begin = /\\begin\s*\{abstract\}/g;
  for (let m = begin.exec(text); m && m.index < documentBegin; m = begin.exec(text)) {
    if (commented(text, m.index)) continue;
    const end = /\\end\s*\{abstract\}/g;
    end.lastIndex = m.index;
    const e = end.exec(text);
    return e && e.index < documentBegin ? [m.index, e.index + e[0].length] : null;
  }
  return null;
}

/**
 * Where the title page ends: at the first `\maketitle` or `\begin{abstract}` when no heading comes
 * before it. What stands before is names, affiliations, dates and notes, in whatever macros the class
 * defines (`\altaffiltext`, `\affilcounter`…): no paragraph of prose. `from` when the document has neither.
 */
function titlePageEnd(text: string, from: number): number {
  const mark = /\\(?:maketitle\b|begin\s*\{abstract\}|(?:part|chapter|section|subsection|subsubsection)\b)/g;
  mark.lastIndex = from;
  for (let m = mark.exec(text); m; m = mark.exec(text)) {
    if (commented(text, m.index)) continue;
    return /^\\(?:maketitle|begin)/.test(m[0]) ? m.index : from;
  }
  return from;
}

/** What the document's own `\newcommand`/`\def`s mean to a reader (defined anywhere in it). */
interface UserMacros {
  /** Commands with a label or reference command in their body (`\newcommand{\fig}[1]{Figure~\ref{fig:#1}}`),
   *  with their number of arguments: those arguments are labels, not prose. */
  labels: Map<string, number>;
  /** Commands without arguments that stand for words (`\newcommand{\emcee}{\project{emcee}}`): their text. */
  words: Map<string, string>;
}

/** Where userMacros looks for definitions with a body: DEFINITIONS but `\let` and `\tikzstyle`. */
const DEFINING = [...DEFINITIONS].filter((d) => d !== 'let' && d !== 'tikzstyle').map((d) => `\\${d}`);
const DEFINITION = /\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*\{?\s*\\([A-Za-z@]+)\s*\}?\s*(?:\[(\d)\])?\s*(?:\[[^\]]*\]\s*)?\{|\\[egx]?def\s*\\([A-Za-z@]+)((?:#\d)*)\s*\{/y;

const NO_MACROS: UserMacros = { labels: new Map(), words: new Map() };

function userMacros(text: string): UserMacros {
  const defs: { at: number; name: string; args: number; body: string }[] = [];
  // Found by indexOf, then read with a sticky pattern: a regex scan of every backslash is slower on a thesis.
  for (const word of DEFINING) {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
      DEFINITION.lastIndex = at;
      const m = DEFINITION.exec(text);
      if (!m) continue;
      const open = at + m[0].length - 1;
      // A label or word macro is short: bodies past 2,000 characters (or unclosed, while typing) are neither.
      const close = matchGroup(text, open, Math.min(text.length, open + 2000));
      if (close < 0) continue;
      const args = m[1] ? Number(m[2] ?? 0) : m[4].length / 2;
      defs.push({ at, name: m[1] ?? m[3], args, body: text.slice(open + 1, close) });
    }
  }
  defs.sort((a, b) => a.at - b.at);
  const macros: UserMacros = { labels: new Map(), words: new Map() };
  if (defs.length === 0) return macros;
  // A macro calling a label macro is one too (`\Figure{x}` → `\figureref{x}` → `\ref{fig:x}`): a worklist over
  // who calls whom, linear in the definitions.
  const callers = new Map<string, (typeof defs)[number][]>();
  const work: (typeof defs)[number][] = [];
  for (const d of defs) {
    if (d.args === 0) continue;
    for (const call of new Set(d.body.match(/\\[A-Za-z@]+/g) ?? [])) {
      const name = call.slice(1);
      if (LABELS.has(name)) work.push(d);
      else {
        const list = callers.get(name);
        if (list) list.push(d);
        else callers.set(name, [d]);
      }
    }
  }
  for (let d = work.pop(); d; d = work.pop()) {
    if (macros.labels.has(d.name)) continue;
    macros.labels.set(d.name, d.args);
    work.push(...(callers.get(d.name) ?? []));
  }
  // Read in order of definition, so a word macro may use those defined before it (`\etal` → `\foreign{et al.}`).
  for (const d of defs) {
    if (d.args > 0) continue;
    if (!/\p{L}{2}/u.test(d.body)) continue;
    const out = new PlainBuilder(64);
    new LatexReader(d.body, out, macros).run(0, d.body.length);
    const words = out.finish(d.body.length).text.trim();
    // Two letters at least: `\def\vx{\mathbf x}` is notation, not a word.
    if (words.length <= 60 && /\p{L}{2}/u.test(words) && !words.includes('\n')) macros.words.set(d.name, words);
  }
  return macros;
}

/** Commands whose argument is a label. */
const LABELS = new Set(['ref', 'eqref', 'cref', 'Cref', 'autoref', 'Autoref', 'pageref', 'nameref', 'vref', 'Vref', 'label', 'hyperref']);

class LatexReader {
  private stopped = false;
  /** Reading a heading's title: its inline maths is read as text ("compressed $k$-mers" is about k-mers). */
  private inHeading = false;
  constructor(
    private readonly text: string,
    private readonly out: PlainBuilder,
    private readonly macros: UserMacros = NO_MACROS,
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
    if (base === 'caption' || base === 'tablecaption') {
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
    if (DEFINITIONS.has(base)) {
      out.blank(i);
      return definitionEnd(t, j, to, base);
    }
    const labelArgs = this.macros.labels.get(name);
    if (labelArgs !== undefined) {
      out.blank(i);
      return skipArguments(t, j, to, labelArgs);
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
    const words = this.macros.words.get(name);
    if (words !== undefined) {
      // The document's own word macro reads as its words, all at the command's offset.
      out.blank(i);
      for (let k = 0; k < words.length; k++) {
        if (/\s/.test(words[k])) out.blank(i);
        else out.char(words.charCodeAt(k), i);
      }
      return j;
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
      const caption = /\\(?:sub|table)?caption\*?\s*(?=[[{])/g;
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

/** Past a definition whose name ends at `j`: `\def\name#1#2{body}`, `\newcommand{\name}[1][x]{body}`,
 *  `\let\a=\b`, `\tikzstyle{name}=[options]`. */
function definitionEnd(t: string, j: number, to: number, base: string): number {
  let k = j;
  while (k < to && /\s/.test(t[k])) k++;
  const defined = /^\\(?:[A-Za-z@]+|.)/.exec(t.slice(k, k + 100));
  if (base === 'let') {
    if (!defined) return k;
    k += defined[0].length;
    const rhs = /^\s*=?\s*(?:\\(?:[A-Za-z@]+|.)|[^\\\s])/.exec(t.slice(k, k + 100));
    return rhs ? k + rhs[0].length : k;
  }
  if (base === 'tikzstyle') {
    k = skipArguments(t, k, to, 1);
    const eq = /^\s*=\s*\[/.exec(t.slice(k, k + 20));
    const close = eq ? matchGroup(t, k + eq[0].length - 1, to) : -1;
    return close < 0 ? k : close + 1;
  }
  if (/def$/.test(base)) {
    if (defined) k += defined[0].length;
    // The parameter text (`#1#2`, delimiters) runs to the body's brace.
    const open = t.indexOf('{', k);
    if (open < 0 || open - k > 100) return k;
    const close = matchGroup(t, open, to);
    if (close >= 0) return close + 1;
    // Unclosed while typing: drop to the end of the line (as skipArguments does).
    const eol = t.indexOf('\n', open);
    return eol < 0 || eol > to ? to : eol;
  }
  // `\newcommand\name…{body}` or `\newcommand{\name}…{body}`: one or two mandatory arguments.
  return defined ? skipArguments(t, k + defined[0].length, to, 1) : skipArguments(t, k, to, 2);
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
