// Markdown (pandoc, Quarto, R Markdown) → plain text with offsets back into the source.
import { dropsArguments, skipArguments } from './latex';
import { PlainBuilder, type PlainText } from './plain';

/** Pandoc citation keys: start with a letter, digit or _, may hold :.#$%&-+?<>~/ between word characters. */
export function keyEndAt(t: string, start: number): number {
  let k = start;
  const n = t.length;
  while (k < n) {
    const c = t[k];
    if (isKeyWordChar(c)) k++;
    else if (':.#$%&-+?<>~/'.includes(c) && k + 1 < n && isKeyWordChar(t[k + 1]) && k > start) k++;
    else break;
  }
  return k;
}

export function isKeyWordChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95) return true;
  return code > 127 && /[\p{L}\p{N}]/u.test(c);
}

const isWordChar = (c: string | undefined) => c !== '_' && isKeyWordChar(c);

/** Quarto and pandoc-crossref cross-references (@fig-plot, @sec:intro) look like citations but are not. */
export function isCrossReference(key: string): boolean {
  return /^(fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr|rem|alg|apx)[-:]/.test(key);
}

/** May an `@` at `at` start a citation? After line start, whitespace, `[`, `;` or a `-` (suppress-author)
 *  itself preceded by one of those — never inside an e-mail address. */
export function citationAtSignOk(t: string, at: number): boolean {
  let p = at - 1;
  if (p >= 0 && t[p] === '-') p--;
  if (p < 0) return true;
  const c = t[p];
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '[' || c === ';' || c === '(';
}

/** Characters that stop a run of ordinary text. */
const SPECIAL = new Uint8Array(128);
for (const c of '\n\r \t\\`<![]@-$*_~|') SPECIAL[c.charCodeAt(0)] = 1;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)/;
const THEMATIC = /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/;
const LIST = /^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+(\[[ xX]\][ \t]+)?|$)/;
const TABLE_RULE = /^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const LINK_DEF = /^ {0,3}\[[^\]^][^\]]*\]:[ \t]/;
const FOOTNOTE_DEF = /^ {0,3}\[\^[^\]]+\]:[ \t]?/;

export function extractMarkdown(text: string): PlainText {
  return new MarkdownReader(text).read();
}

/** Code that is one name (`numpy`, `astropy.units`, `scikit-learn`): letters first, then letters, digits, `._-`. */
const CODE_NAME = /^\p{L}[\p{L}\p{N}._-]{0,39}$/u;

/** Inline maths a heading keeps as text: letters, digits and plain signs (`$k$`, `$n + 1$`), no TeX commands. */
const INLINE_MATH_TEXT = /^[\p{L}\p{N} +\-=()',.]+$/u;

class MarkdownReader {
  private readonly out = new PlainBuilder();
  private readonly n: number;
  /** `]` positions of links whose `(url)` / `[ref]` part is skipped: close → resume. */
  private linkEnds = new Map<number, number>();
  /** Reading a heading's title: its inline maths, when it is plain letters and signs, is read as text ("compressed $k$-mers"). */
  private inHeading = false;
  /** Where the next `|` is (tableEnd); 2^32 - 1 when there is none. */
  private nextBar = -1;
  constructor(private readonly text: string) {
    this.n = text.length;
  }

  read(): PlainText {
    const t = this.text;
    const out = this.out;
    const n = this.n;
    let pos = this.frontMatterEnd();
    if (pos > 0) out.exclude(0, pos);
    let prevBlank = true;
    let inList = false;
    while (pos < n) {
      let eol = t.indexOf('\n', pos);
      if (eol < 0) eol = n;
      const tableEnd = this.tableEnd(pos, eol);
      if (tableEnd >= 0) {
        // A pipe table's cells are data, not prose (as LaTeX's tabular); its `Table:` caption is read. Not
        // excluded: a citation in a cell is still one.
        out.break(2, pos);
        prevBlank = true;
        pos = tableEnd + 1;
        continue;
      }
      const lineEnd = eol > pos && t.charCodeAt(eol - 1) === 13 ? eol - 1 : eol;
      let f = pos;
      while (f < lineEnd && (t.charCodeAt(f) === 32 || t.charCodeAt(f) === 9)) f++;
      const fc = t.charCodeAt(f);
      if (f < lineEnd && f - pos < 4 && ((fc >= 65 && fc <= 90) || (fc >= 97 && fc <= 122) || fc > 127)) {
        // Fast path: a line of prose starting with a letter is no block construct.
        if (prevBlank && f === pos) inList = false;
        const underline = prevBlank ? this.setextUnderline(eol) : null;
        if (underline) {
          this.heading(underline.level, f, underline.end, f, lineEnd);
          prevBlank = true;
          pos = underline.eol + 1;
          continue;
        }
        pos = this.inline(pos, false);
        out.blank(pos);
        prevBlank = false;
        pos++;
        continue;
      }
      const line = t.slice(pos, lineEnd);
      if (f === lineEnd) {
        out.break(2, pos);
        prevBlank = true;
        pos = eol + 1;
        continue;
      }
      // Block quotes: drop the markers, read the rest as usual.
      let s = pos;
      const q = /^( {0,3}>[ \t]?)+/.exec(line);
      if (q) s += q[0].length;
      const rest = t.slice(s, pos + line.length);
      const indent = /^[ \t]*/.exec(rest)![0].replace(/\t/g, '    ').length;

      const fence = FENCE.exec(rest);
      if (fence) {
        const end = this.fenceEnd(eol, fence[1]);
        out.exclude(pos, end);
        out.break(2, pos);
        prevBlank = true;
        pos = end + 1;
        continue;
      }
      if (indent >= 4 && prevBlank && !inList) {
        let end = eol;
        for (let k = eol + 1; k < n; ) {
          let e = t.indexOf('\n', k);
          if (e < 0) e = n;
          const l = t.slice(k, e);
          if (/^[ \t]*\r?$/.test(l) || /^( {4}|\t)/.test(l)) {
            if (!/^[ \t]*\r?$/.test(l)) end = e;
            k = e + 1;
          } else break;
        }
        out.exclude(pos, end);
        out.break(2, pos);
        pos = end + 1;
        continue;
      }
      const atx = ATX.exec(rest);
      if (atx) {
        let titleStart = s + atx[0].length;
        let titleEnd = pos + line.length;
        const body = t.slice(titleStart, titleEnd);
        const trail = /([ \t]+#+)?[ \t]*(\{[^}]*\})?[ \t]*$/.exec(body);
        if (trail) titleEnd = titleStart + trail.index;
        while (titleStart < titleEnd && (t[titleStart] === ' ' || t[titleStart] === '\t')) titleStart++;
        this.heading(atx[1].length, pos, pos + line.length, titleStart, titleEnd);
        prevBlank = true;
        inList = false;
        pos = eol + 1;
        continue;
      }
      if (THEMATIC.test(rest) || /^ {0,3}:::/.test(rest)) {
        out.break(2, pos);
        prevBlank = true;
        pos = eol + 1;
        continue;
      }
      if (rest.includes('|') && TABLE_RULE.test(rest)) {
        // The |---|---:| row under a table header: no text.
        pos = eol + 1;
        continue;
      }
      if (LINK_DEF.test(rest)) {
        out.exclude(pos, pos + line.length);
        pos = eol + 1;
        continue;
      }
      const footnote = FOOTNOTE_DEF.exec(rest);
      if (footnote) {
        out.break(2, pos);
        s += footnote[0].length;
      }
      const list = LIST.exec(rest);
      let table = false;
      if (list && !footnote) {
        out.break(inList || !prevBlank ? 1 : 2, pos);
        inList = true;
        s += list[0].length;
      } else if (/^[ \t]*\|/.test(rest)) {
        out.break(1, pos);
        table = true;
      } else if (prevBlank && indent === 0) inList = false;
      const underline = prevBlank && !list && !table && !footnote ? this.setextUnderline(eol) : null;
      if (underline) {
        this.heading(underline.level, s, underline.end, s, pos + line.length);
        prevBlank = true;
        pos = underline.eol + 1;
        continue;
      }
      pos = this.inline(s, table);
      out.blank(pos);
      prevBlank = false;
      pos++;
    }
    return out.finish(n);
  }

  /** A pipe table starting at the line [pos, eol): a row with `|`, then a `|---|---|` rule. Where its last row ends
   *  (before a blank line or a line without `|`); -1 when no table starts here. */
  private tableEnd(pos: number, eol: number): number {
    const t = this.text;
    // The next `|` in the document, found once and reused: searching from every line would be quadratic.
    if (this.nextBar < pos) this.nextBar = t.indexOf('|', pos) >>> 0;
    if (this.nextBar >= eol || eol >= this.n) return -1;
    let next = t.indexOf('\n', eol + 1);
    if (next < 0) next = this.n;
    const rule = t.slice(eol + 1, next).replace(/\r$/, '');
    // A rule without `|` under a line is a setext heading's underline.
    if (!rule.includes('|') || !TABLE_RULE.test(rule)) return -1;
    let end = next;
    while (end < this.n) {
      let e = t.indexOf('\n', end + 1);
      if (e < 0) e = this.n;
      const row = t.slice(end + 1, e);
      if (!row.includes('|') || /^[ \t]*\r?$/.test(row)) break;
      end = e;
    }
    return end;
  }

  private frontMatterEnd(): number {
    const t = this.text;
    if (!/^---[ \t]*\r?\n/.test(t)) return 0;
    const close = /^(---|\.\.\.)[ \t]*\r?$/m;
    const firstEol = t.indexOf('\n');
    const m = close.exec(t.slice(firstEol + 1));
    if (!m) return 0;
    const end = firstEol + 1 + m.index + m[0].length;
    return end;
  }

  private fenceEnd(eol: number, fence: string): number {
    const t = this.text;
    const closing = new RegExp('^ {0,3}' + (fence[0] === '`' ? '`' : '~') + '{' + fence.length + ',}[ \\t]*\\r?$');
    let k = eol + 1;
    while (k < this.n) {
      let e = t.indexOf('\n', k);
      if (e < 0) e = this.n;
      if (closing.test(t.slice(k, e))) return e;
      k = e + 1;
    }
    return this.n;
  }

  private heading(level: number, start: number, end: number, titleStart: number, titleEnd: number): void {
    const out = this.out;
    out.break(2, start);
    const before = out.length;
    this.inHeading = true;
    this.inline(titleStart, false, titleEnd);
    this.inHeading = false;
    const [ps, pe] = out.spanSince(before);
    out.headings.push({ level, title: out.slice(ps, pe), headingStart: start, headingEnd: end, plainStart: ps, plainEnd: pe });
    out.break(2, end);
  }

  /** The setext underline (=== for level 1, --- for level 2) on the line after the newline at `eol`, which makes
   *  a one-line paragraph a heading: where the underline ends (before any \r) and its newline. */
  private setextUnderline(eol: number): { level: number; end: number; eol: number } | null {
    const t = this.text;
    if (eol >= this.n) return null;
    let next = t.indexOf('\n', eol + 1);
    if (next < 0) next = this.n;
    const end = next > eol + 1 && t.charCodeAt(next - 1) === 13 ? next - 1 : next;
    const m = SETEXT.exec(t.slice(eol + 1, end));
    return m ? { level: m[1][0] === '=' ? 1 : 2, end, eol: next } : null;
  }

  /** Is there a blank line right after the newline at `nl`? */
  private blankAfter(nl: number): boolean {
    const t = this.text;
    for (let j = nl + 1; j < this.n; j++) {
      const c = t.charCodeAt(j);
      if (c === 10) return true;
      if (c !== 32 && c !== 9 && c !== 13) return false;
    }
    return true;
  }

  /** `closer` searched from `from`, not past the end of the paragraph; -1 if absent. */
  private findInParagraph(closer: string, from: number, ok?: (k: number) => boolean): number {
    const t = this.text;
    let k = from;
    for (;;) {
      const f = t.indexOf(closer, k);
      if (f < 0) return -1;
      const para = t.slice(k, f).search(/\n[ \t]*\r?\n/);
      if (para >= 0) return -1;
      if (!ok || ok(f)) return f;
      k = f + 1;
    }
  }

  /** Reads inline markup from `i` to the end of the line (or `limit`); returns the index of the line's `\n` (or limit). */
  private inline(i: number, table: boolean, limit = -1): number {
    const t = this.text;
    const out = this.out;
    const to = limit >= 0 ? limit : this.n;
    while (i < to) {
      const c = t.charCodeAt(i);
      switch (c) {
        case 10:
          if (limit < 0) return i;
          out.blank(i);
          i++;
          continue;
        case 13:
        case 32:
        case 9:
          out.blank(i);
          i++;
          continue;
        case 92: {
          const next = t[i + 1];
          const command = /^\\([A-Za-z]+)\*?/.exec(t.slice(i, i + 40));
          if (command && dropsArguments(command[1])) {
            // Raw LaTeX (pandoc): `\autoref{fig:x}`, `\label{fig:x}` hold labels, not prose.
            out.blank(i);
            i = skipArguments(t, i + command[0].length, to, Infinity);
            continue;
          }
          if (next !== undefined && /[!-/:-@[-`{-~]/.test(next)) {
            out.char(next.charCodeAt(0), i + 1);
            i += 2;
          } else if (next === '\n') {
            out.blank(i);
            i++;
          } else {
            out.char(92, i);
            i++;
          }
          continue;
        }
        case 96: {
          let k = i;
          while (t[k] === '`') k++;
          const run = t.slice(i, k);
          const close = this.findInParagraph(run, k, (f) => t[f + run.length] !== '`' && t[f - 1] !== '`');
          if (close < 0) {
            for (let m = i; m < k; m++) out.char(96, m);
            i = k;
            continue;
          }
          const end = close + run.length;
          out.exclude(i, end);
          // A name set as code (`` `numpy` is a library``) is a word of the sentence; other code is not prose.
          if (CODE_NAME.test(t.slice(k, close))) out.copy(t, k, close);
          else out.blank(i);
          i = end;
          continue;
        }
        case 60: {
          if (t.startsWith('<!--', i)) {
            const close = t.indexOf('-->', i + 4);
            const end = close < 0 ? this.n : close + 3;
            out.exclude(i, end);
            out.blank(i);
            i = end;
            continue;
          }
          const tag = /^<(\/?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?\/?|[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>/.exec(t.slice(i, i + 500));
          if (tag) {
            out.blank(i);
            i += tag[0].length;
            continue;
          }
          break;
        }
        case 33:
          if (t[i + 1] === '[') {
            const close = this.bracketClose(i + 1);
            if (close >= 0) {
              const end = this.linkTail(close);
              if (end > close + 1) {
                out.blank(i);
                i = end;
                continue;
              }
            }
          }
          break;
        case 91: {
          const close = this.bracketClose(i);
          if (close < 0) break;
          const inner = t.slice(i + 1, close);
          if (inner.startsWith('^') || /(^|[\s;])-?@([\p{L}\p{N}_]|[\s;]|$)/u.test(inner)) {
            out.blank(i);
            i = close + 1;
            continue;
          }
          const end = this.linkTail(close);
          if (end > close + 1) {
            this.linkEnds.set(close, end);
            i++;
            continue;
          }
          break;
        }
        case 93: {
          const resume = this.linkEnds.get(i);
          if (resume !== undefined) {
            this.linkEnds.delete(i);
            i = resume;
            continue;
          }
          break;
        }
        case 64:
        case 45: {
          const at = c === 64 ? i : i + 1;
          if (t[at] === '@' && citationAtSignOk(t, at) && isKeyWordChar(t[at + 1])) {
            const end = keyEndAt(t, at + 1);
            out.blank(i);
            i = end;
            continue;
          }
          break;
        }
        case 36: {
          if (t[i + 1] === '$') {
            const close = this.findInParagraph('$$', i + 2);
            if (close >= 0) {
              out.blank(i);
              this.periodOf(i + 2, close);
              out.blank(close + 2);
              i = close + 2;
              continue;
            }
          } else if (t[i + 1] !== undefined && !/\s/.test(t[i + 1])) {
            const close = this.findInParagraph('$', i + 1, (f) => !/\s/.test(t[f - 1]) && t[f - 1] !== '\\' && !/[0-9]/.test(t[f + 1] ?? ''));
            if (close >= 0) {
              if (this.inHeading && INLINE_MATH_TEXT.test(t.slice(i + 1, close))) out.copy(t, i + 1, close);
              else out.blank(i);
              i = close + 1;
              continue;
            }
          }
          break;
        }
        case 42:
          i++;
          continue;
        case 95:
          if (!isWordChar(t[i - 1]) || !isWordChar(t[i + 1])) {
            i++;
            continue;
          }
          break;
        case 126:
          if (t[i + 1] === '~') {
            i += 2;
            continue;
          }
          break;
        case 124:
          if (table) {
            out.blank(i);
            i++;
            continue;
          }
          break;
      }
      i = out.copyRun(t, i, to, SPECIAL);
    }
    return i;
  }

  /** A display that ends its sentence keeps the period. */
  private periodOf(from: number, to: number): void {
    const t = this.text;
    let k = to - 1;
    while (k >= from && /[\s\\,;!]/.test(t[k])) k--;
    if (k >= from && t[k] === '.') this.out.endSentence(k);
  }

  /** The `]` matching the `[` at `open`, within the paragraph; -1 if none. */
  private bracketClose(open: number): number {
    const t = this.text;
    let depth = 0;
    for (let k = open + 1; k < this.n && k < open + 2000; k++) {
      const c = t[k];
      if (c === '\\') k++;
      else if (c === '[') depth++;
      else if (c === ']') {
        if (depth === 0) return k;
        depth--;
      } else if (c === '\n' && this.blankAfter(k)) return -1;
    }
    return -1;
  }

  /** After a link's `]`: the end of `(url "title")` or `[ref]`, or close+1 when neither follows. */
  private linkTail(close: number): number {
    const t = this.text;
    const next = t[close + 1];
    if (next === '(') {
      let depth = 0;
      for (let k = close + 2; k < this.n && k < close + 2000; k++) {
        const c = t[k];
        if (c === '\\') k++;
        else if (c === '(') depth++;
        else if (c === ')') {
          if (depth === 0) return k + 1;
          depth--;
        } else if (c === '\n' && this.blankAfter(k)) break;
      }
    } else if (next === '[') {
      const e = this.bracketClose(close + 1);
      if (e >= 0) return e + 1;
    } else if (next === '{') {
      // Pandoc bracketed spans: [text]{.smallcaps}
      const e = t.indexOf('}', close + 2);
      if (e >= 0 && e - close < 300 && !t.slice(close, e).includes('\n')) return e + 1;
    }
    return close + 1;
  }
}
