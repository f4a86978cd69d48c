// A small, exact decoder for the LaTeX that fills most real .bib files (accents, escaped specials,
// dashes, case-protecting braces). Anything outside that subset returns null and goes to the
// careful parser; test/unit/library/latex.test.ts checks both give the same text.

const ACCENTS: Record<string, string> = {
  '"': '\u0308', "'": '\u0301', '`': '\u0300', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  c: '\u0327', H: '\u030b', v: '\u030c', u: '\u0306', k: '\u0328', r: '\u030a', d: '\u0323', b: '\u0331',
};
const SYMBOLS: Record<string, string> = {
  ss: 'ß', o: 'ø', O: 'Ø', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', l: 'ł', L: 'Ł', i: 'ı', j: 'ȷ',
  textendash: '–', textemdash: '—', textquoteright: '’', textquoteleft: '‘', textquotedblleft: '“',
  textquotedblright: '”', textasciitilde: '~', textbackslash: '\\', textasciicircum: '^', S: '§', P: '¶',
  dag: '†', ddag: '‡', copyright: '©', textregistered: '®', texttrademark: '™', pounds: '£', euro: '€',
  textellipsis: '…', dots: '…', ldots: '…', textbullet: '•', textdegree: '°', hyphen: '-',
};
/** Commands that print a word, so the space after them is the space between two words. */
const WORDS: Record<string, string> = {
  TeX: 'TeX', LaTeX: 'LaTeX', LaTeXe: 'LaTeX2ε', BibTeX: 'BibTeX', XeTeX: 'XeTeX', XeLaTeX: 'XeLaTeX',
  LuaTeX: 'LuaTeX', LuaLaTeX: 'LuaLaTeX', ConTeXt: 'ConTeXt', AmS: 'AMS', AmSTeX: 'AMS-TeX', METAFONT: 'METAFONT',
};
export { SYMBOLS as LATEX_SYMBOLS };
const WORD_COMMAND = new RegExp(`\\\\(${Object.keys(WORDS).join('|')})(?![A-Za-z])(?:\\{\\})?`, 'g');

/**
 * `\TeX` and friends spelled out, keeping the space after them (`The \TeX book`): the careful
 * parser would swallow it, as TeX does, and join two words.
 */
export function spellWords(tex: string): string {
  return tex.includes('\\') ? tex.replace(WORD_COMMAND, (_, name: string) => WORDS[name]) : tex;
}
const ESCAPED = new Set(['%', '&', '_', '#', '$', '{', '}', ' ', ',', ';', '!', '/', '-']);

/**
 * Decodes `tex` when it stays within the simple subset; null otherwise (math, unknown commands,
 * comments). Braces are dropped (we never change case, so case protection has no effect).
 */
export function decodeSimpleLatex(tex: string, trim = true): string | null {
  let out = '';
  const n = tex.length;
  let i = 0;
  // The letter (or dotless i/j) an accent applies to: `x`, `{x}`, `{\i}`, `\i`.
  const accentBase = (): string | null => {
    while (tex[i] === ' ') i++;
    let braced = false;
    if (tex[i] === '{') {
      braced = true;
      i++;
    }
    let base: string;
    if (tex[i] === '\\' && (tex[i + 1] === 'i' || tex[i + 1] === 'j') && !/[A-Za-z]/.test(tex[i + 2] ?? '')) {
      base = tex[i + 1];
      i += 2;
      if (!braced) while (tex[i] === ' ') i++;
      else while (tex[i] === ' ') i++;
    } else if (/[A-Za-z]/.test(tex[i] ?? '')) {
      base = tex[i++];
    } else return null;
    if (braced) {
      if (tex[i] !== '}') return null;
      i++;
    }
    return base;
  };
  const special = /[\\{}$%^_#&~\-`']/g;
  while (i < n) {
    special.lastIndex = i;
    const found = special.exec(tex);
    const to = found ? found.index : n;
    if (to > i) {
      out += tex.slice(i, to);
      i = to;
      if (i >= n) break;
    }
    const c = tex[i];
    if (c === '\\') {
      const next = tex[i + 1];
      if (next === undefined) return null;
      if (ESCAPED.has(next)) {
        out += next === '-' || next === '/' ? '' : next === ',' || next === ';' || next === '!' ? ' ' : next;
        i += 2;
        continue;
      }
      if (ACCENTS[next] !== undefined && !/[A-Za-z]/.test(next)) {
        i += 2;
        const base = accentBase();
        if (base === null) return null;
        out += base + ACCENTS[next];
        continue;
      }
      const m = /^[A-Za-z]+/.exec(tex.slice(i + 1, i + 40));
      if (!m) return null;
      const name = m[0];
      i += 1 + name.length;
      if (ACCENTS[name] !== undefined) {
        const base = accentBase();
        if (base === null) return null;
        out += base + ACCENTS[name];
        continue;
      }
      const word = WORDS[name];
      if (word !== undefined) {
        out += word;
        if (tex[i] === '{' && tex[i + 1] === '}') i += 2;
        continue;
      }
      const sym = SYMBOLS[name];
      if (sym === undefined) return null;
      out += sym;
      // TeX swallows the space after a control word, and `{}` is the usual way to end one.
      if (tex[i] === '{' && tex[i + 1] === '}') i += 2;
      else while (tex[i] === ' ' || tex[i] === '\n' || tex[i] === '\t') i++;
      continue;
    }
    if (c === '{' || c === '}') {
      i++;
      continue;
    }
    if (c === '$' || c === '%' || c === '^' || c === '_' || c === '#' || c === '&') return null;
    if (c === '~') {
      out += ' ';
      i++;
      continue;
    }
    if (c === '-' && tex[i + 1] === '-') {
      if (tex[i + 2] === '-') {
        out += '—';
        i += 3;
      } else {
        out += '–';
        i += 2;
      }
      continue;
    }
    if (c === '`') {
      if (tex[i + 1] === '`') {
        out += '“';
        i += 2;
      } else {
        out += '`'; // the careful parser leaves a lone backquote alone
        i++;
      }
      continue;
    }
    if (c === "'" && tex[i + 1] === "'") {
      out += '”';
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  if (/[^\x00-\x7f]/.test(out)) out = out.replace(/[ıȷ](?=\p{M})/gu, (d) => (d === 'ı' ? 'i' : 'j')).normalize('NFC');
  if (/\s\s|[^\S ]/.test(out)) out = out.replace(/\s+/g, ' ');
  return trim ? out.trim() : out;
}

/**
 * Splits `tex` into text runs and inline-math spans (`$…$`, unescaped), or null when the dollars do
 * not pair up or display math (`$$`) is used. Runs at even indexes, math (with its dollars) at odd.
 */
export function splitMath(tex: string): string[] | null {
  if (tex.includes('$$')) return null;
  const parts: string[] = [];
  let start = 0;
  let open = -1;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') i++;
    else if (c === '$') {
      if (open < 0) {
        parts.push(tex.slice(start, i));
        open = i;
      } else {
        parts.push(tex.slice(open, i + 1));
        start = i + 1;
        open = -1;
      }
    }
  }
  if (open >= 0) return null;
  parts.push(tex.slice(start));
  return parts;
}
