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
export function decodeSimpleLatex(tex: string, trim = true, maths = false): string | null {
  let out = '';
  const n = tex.length;
  let i = 0;
  let reader: MathReader | undefined;
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
    if (c === '$' && maths) {
      const d = tex[i + 1] === '$' ? 2 : 1;
      const close = closingDollars(tex, i + d, d);
      if (close < 0) return null;
      reader ??= new MathReader(tex);
      const math = tidyMath(reader.read(i + d, close, 0));
      out += d === 2 ? ` ${math} ` : math;
      i = close + d;
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

/** Where the math opened before `from` by `d` dollars closes (the offset of its first closing dollar), or -1. */
function closingDollars(tex: string, from: number, d: number): number {
  for (let i = from; i < tex.length; i++) {
    const c = tex.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 36 /* $ */) return (tex.charCodeAt(i + 1) === 36 ? 2 : 1) === d ? i : -1;
  }
  return -1;
}

/**
 * Splits `tex` into text runs and math spans (`$…$` or `$$…$$`, unescaped), or null when the
 * dollars do not pair up. Runs at even indexes, math (with its dollars) at odd.
 */
export function splitMath(tex: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  let open = -1;
  let display = false;
  const special = /[\\$]/g;
  for (let m = special.exec(tex); m; m = special.exec(tex)) {
    const i = m.index;
    if (tex.charCodeAt(i) === 92 /* \ */) {
      special.lastIndex = i + 2;
      continue;
    }
    const double = tex.charCodeAt(i + 1) === 36;
    if (open < 0) {
      parts.push(tex.slice(start, i));
      open = i;
      display = double;
      if (double) special.lastIndex = i + 2;
    } else {
      if (display !== double) return null; // `$$ … $` or `$ … $$`
      const end = i + (display ? 2 : 1);
      parts.push(tex.slice(open, end));
      special.lastIndex = start = end;
      open = -1;
    }
  }
  if (open >= 0) return null;
  parts.push(tex.slice(start));
  return parts;
}

/** How many dollars open (and close) a span from splitMath. */
const dollars = (span: string): number => (span.length >= 4 && span.startsWith('$$') ? 2 : 1);

// ---------------------------------------------------------------------------------------------
// Inline math as text: `$\widehat{R}$` → "R̂", `$\alpha$` → "α", `$x^2$` → "x²", `$\mathcal{O}(n)$`
// → "O(n)". One pass over the span (brace pairs found once up front), so any input decodes in
// linear time; a command it does not know is dropped and its arguments stay as text.

const MATH_SYMBOLS: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ',
  vartheta: 'ϑ', iota: 'ι', kappa: 'κ', varkappa: 'ϰ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', omicron: 'ο', pi: 'π', varpi: 'ϖ',
  rho: 'ρ', varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ', varphi: 'φ', chi: 'χ', psi: 'ψ',
  omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ',
  Psi: 'Ψ', Omega: 'Ω', ell: 'ℓ', infty: '∞', partial: '∂', nabla: '∇', pm: '±', mp: '∓', times: '×', cdot: '·',
  div: '÷', leq: '≤', le: '≤', geq: '≥', ge: '≥', leqslant: '⩽', geqslant: '⩾', neq: '≠', ne: '≠', approx: '≈',
  sim: '∼', simeq: '≃', cong: '≅', equiv: '≡', propto: '∝', in: '∈', notin: '∉', ni: '∋', subset: '⊂', subseteq: '⊆',
  supset: '⊃', supseteq: '⊇', cup: '∪', cap: '∩', setminus: '∖', emptyset: '∅', varnothing: '∅', forall: '∀',
  exists: '∃', neg: '¬', lnot: '¬', land: '∧', wedge: '∧', lor: '∨', vee: '∨', to: '→', rightarrow: '→', gets: '←',
  leftarrow: '←', Rightarrow: '⇒', Leftarrow: '⇐', Leftrightarrow: '⇔', leftrightarrow: '↔', iff: '⇔', implies: '⇒',
  mapsto: '↦', uparrow: '↑', downarrow: '↓', sum: '∑', prod: '∏', coprod: '∐', int: '∫', oint: '∮', cdots: '⋯',
  ldots: '…', dots: '…', vdots: '⋮', ddots: '⋱', ast: '∗', star: '⋆', circ: '∘', bullet: '•', oplus: '⊕', otimes: '⊗',
  odot: '⊙', langle: '⟨', rangle: '⟩', lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉', mid: '∣', parallel: '∥',
  perp: '⊥', top: '⊤', bot: '⊥', hbar: 'ℏ', Re: 'ℜ', Im: 'ℑ', aleph: 'ℵ', wp: '℘', prime: '′', sharp: '♯',
  flat: '♭', natural: '♮', ll: '≪', gg: '≫', lesssim: '≲', gtrsim: '≳', models: '⊨', vdash: '⊢', triangle: '△',
  Box: '□', square: '□', diamond: '⋄', coloneqq: '≔', colon: ':', vert: '|', lvert: '|', rvert: '|', Vert: '‖',
  lVert: '‖', rVert: '‖', backslash: '\\', imath: 'ı', jmath: 'ȷ', dagger: '†', ddagger: '‡', angle: '∠',
  checkmark: '✓', lbrace: '{', rbrace: '}', surd: '√', degree: '°', percent: '%',
};
/** Words set upright in math (`\log n`): spelled out, with a space to the next letter. */
const MATH_WORDS = new Set(['log', 'ln', 'lg', 'exp', 'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'sinh', 'cosh', 'tanh', 'arcsin', 'arccos', 'arctan', 'max', 'min', 'arg', 'det', 'dim', 'lim', 'liminf', 'limsup', 'sup', 'inf', 'Pr', 'gcd', 'deg', 'ker', 'hom', 'argmax', 'argmin', 'mod', 'bmod', 'pmod', 'tr', 'Tr', 'rank', 'diag', 'sgn', 'poly', 'polylog', 'softmax', 'KL', 'Var', 'Cov', 'E']);
/** Accents over their argument, as combining marks. */
const MATH_ACCENTS: Record<string, string> = {
  hat: '\u0302', widehat: '\u0302', tilde: '\u0303', widetilde: '\u0303', bar: '\u0304', overline: '\u0305',
  underline: '\u0332', vec: '\u20d7', overrightarrow: '\u20d7', dot: '\u0307', ddot: '\u0308', dddot: '\u20db',
  check: '\u030c', widecheck: '\u030c', breve: '\u0306', acute: '\u0301', grave: '\u0300', mathring: '\u030a',
};
/** Commands whose argument is the text (fonts, text inside math): only the argument stays. */
const MATH_FONTS = new Set(['mathcal', 'mathbb', 'mathrm', 'mathbf', 'mathit', 'mathsf', 'mathtt', 'mathfrak', 'mathscr', 'mathnormal', 'boldsymbol', 'bm', 'pmb', 'text', 'textrm', 'textit', 'textbf', 'textsf', 'texttt', 'textnormal', 'textup', 'emph', 'mbox', 'hbox', 'operatorname', 'mathop', 'mathbin', 'mathrel', 'mathord', 'ensuremath', 'displaystyle', 'textstyle', 'scriptstyle']);
/** Sizing and spacing commands that print nothing of their own. */
const MATH_SILENT = new Set(['left', 'right', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'biggl', 'biggr', 'Biggl', 'Biggr', 'middle', 'limits', 'nolimits', 'displaystyle', 'textstyle', 'scriptstyle', 'scriptscriptstyle', 'nonumber', 'notag', 'relax', 'phantom', 'hphantom', 'vphantom']);
const MATH_SPACES = new Set(['quad', 'qquad', 'enspace', 'thinspace', 'medspace', 'thickspace']);
const SUPERSCRIPT: Record<string, string> = {
  0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹', '+': '⁺', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾',
  a: 'ᵃ', b: 'ᵇ', c: 'ᶜ', d: 'ᵈ', e: 'ᵉ', f: 'ᶠ', g: 'ᵍ', h: 'ʰ', i: 'ⁱ', j: 'ʲ', k: 'ᵏ', l: 'ˡ', m: 'ᵐ', n: 'ⁿ', o: 'ᵒ',
  p: 'ᵖ', r: 'ʳ', s: 'ˢ', t: 'ᵗ', u: 'ᵘ', v: 'ᵛ', w: 'ʷ', x: 'ˣ', y: 'ʸ', z: 'ᶻ', T: 'ᵀ', '′': '′', '*': '*', '∗': '*',
};
const SUBSCRIPT: Record<string, string> = {
  0: '₀', 1: '₁', 2: '₂', 3: '₃', 4: '₄', 5: '₅', 6: '₆', 7: '₇', 8: '₈', 9: '₉', '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎',
  a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ',
};
/** Nesting deeper than this is read flat (braces dropped): real titles nest two or three levels. */
const MAX_MATH_DEPTH = 32;

/** `^…`/`_…` as Unicode super/subscripts when every character has one, else `^x` / `^(xy)`. */
function script(text: string, table: Record<string, string>, mark: string): string {
  if (text.length === 1) return table[text] ?? mark + text;
  const chars = [...text.replace(/\s+/g, '')];
  if (!chars.length) return '';
  if (chars.every((c) => table[c] !== undefined)) return chars.map((c) => table[c]).join('');
  return chars.length === 1 ? mark + chars[0] : `${mark}(${chars.join('')})`;
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9 || c === 12;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const wrap = (s: string): string => (/^[\p{L}\p{N}\p{M}]*$/u.test(s) || s.length === 1 ? s : `(${s})`);

/** The text of inline math `tex` (without its dollars). Never null, never throws; linear in `tex`. */
export function decodeMath(tex: string): string {
  return tidyMath(new MathReader(tex).read(0, tex.length, 0));
}

const tidyMath = (s: string): string => {
  let out = /\s\s|[^\S ]|^\s|\s$/.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
  if (out.includes('( ') || out.includes(' )')) out = out.replace(/\( /g, '(').replace(/ \)/g, ')');
  return /[^\x00-\x7f]/.test(out) ? out.normalize('NFC') : out;
};

/** One pass over a math span; `read` recurses into braced groups only, to MAX_MATH_DEPTH. */
class MathReader {
  /** Matching brace of every `{` (-1 when it never closes), found in one pass. */
  private readonly match: Int32Array;
  private i = 0;
  private to = 0;
  private chain = 0;

  constructor(private readonly tex: string) {
    const n = tex.length;
    this.match = new Int32Array(n).fill(-1);
    if (!tex.includes('{')) return;
    const stack: number[] = [];
    for (let k = 0; k < n; k++) {
      const c = tex.charCodeAt(k);
      if (c === 92 /* \ */) k++;
      else if (c === 123) stack.push(k);
      else if (c === 125 && stack.length) this.match[stack.pop()!] = k;
    }
  }

  /** Decodes tex[from, to). */
  read(from: number, to: number, depth: number): string {
    const tex = this.tex;
    if (depth > MAX_MATH_DEPTH) return tex.slice(from, to).replace(/\\[A-Za-z]+|[{}\\^_$]/g, ' ');
    const outerTo = this.to;
    this.to = to;
    this.i = from;
    let out = '';
    while (this.i < to) {
      const at = this.i;
      const code = tex.charCodeAt(at);
      // Runs of plain characters in one piece.
      if (isPlainMath(code)) {
        let end = at + 1;
        while (end < to && isPlainMath(tex.charCodeAt(end))) end++;
        out += tex.slice(at, end);
        this.i = end;
        continue;
      }
      const c = tex[at];
      if (c === '\\') out += this.command();
      else if (c === '{') out += this.argument(depth);
      else if (c === '^' || c === '_') {
        this.i++;
        out += script(this.argument(depth), c === '^' ? SUPERSCRIPT : SUBSCRIPT, c);
      } else {
        this.i++;
        if (c === "'") out += '′';
        else if (c === '~') out += ' ';
        else if (c !== '}' && c !== '$' && c !== '&') out += c;
      }
    }
    this.to = outerTo;
    return out;
  }

  /** One argument: a braced group, a command with its own arguments, or one character. */
  private argument(depth: number): string {
    const tex = this.tex;
    const to = this.to;
    while (this.i < to && isSpace(tex.charCodeAt(this.i))) this.i++;
    if (this.i >= to) return '';
    const c = tex[this.i];
    if (c === '{') {
      const m = this.match[this.i];
      const close = m >= 0 && m < to ? m : to;
      const inner = this.read(this.i + 1, close, depth + 1);
      this.i = Math.min(close + 1, to);
      return inner;
    }
    if (c === '\\') {
      // `\hat\hat\hat…`: commands as arguments of commands, no deeper than braces may go.
      if (this.chain > MAX_MATH_DEPTH) {
        this.i++;
        while (this.i < to && isLetter(tex.charCodeAt(this.i))) this.i++;
        return '';
      }
      this.chain++;
      const text = this.command(depth);
      this.chain--;
      return text;
    }
    this.i++;
    return c;
  }

  /** The command at `i` with its arguments, as text. */
  private command(depth = 0): string {
    const tex = this.tex;
    const to = this.to;
    const start = ++this.i;
    let end = start;
    while (end < to && isLetter(tex.charCodeAt(end))) end++;
    if (end === start) {
      const c = tex[start] ?? '';
      this.i = Math.min(start + 1, to);
      return c === ',' || c === ';' || c === ':' || c === ' ' || c === '>' || c === '\\' ? ' ' : c === '!' ? '' : c === '|' ? '‖' : c;
    }
    const name = tex.slice(start, end);
    this.i = end;
    const mark = MATH_ACCENTS[name];
    if (mark !== undefined) {
      const base = this.argument(depth);
      // Over one letter the mark goes on it (R̂); over more (\\widehat{ABC}) the text stays searchable as it is.
      return [...base.normalize('NFC')].length === 1 ? base + mark : base;
    }
    if (MATH_FONTS.has(name)) return this.argument(depth);
    if (name === 'frac' || name === 'dfrac' || name === 'tfrac' || name === 'cfrac') {
      const a = this.argument(depth);
      return `${wrap(a)}/${wrap(this.argument(depth))}`;
    }
    if (name === 'binom' || name === 'tbinom' || name === 'dbinom') {
      const a = this.argument(depth);
      return `(${a} choose ${this.argument(depth)})`;
    }
    if (name === 'sqrt') {
      while (this.i < to && tex.charCodeAt(this.i) === 32) this.i++;
      if (tex[this.i] === '[') {
        const close = tex.indexOf(']', this.i);
        this.i = close < 0 || close >= to ? to : close + 1;
      }
      return `√${wrap(this.argument(depth))}`;
    }
    if (MATH_WORDS.has(name)) return ` ${name === 'bmod' || name === 'pmod' ? 'mod' : name} `;
    if (MATH_SPACES.has(name)) return ' ';
    if (MATH_SILENT.has(name)) return '';
    // Unknown: the name goes, its arguments stay (read on as groups).
    return MATH_SYMBOLS[name] ?? SYMBOLS[name] ?? WORDS[name] ?? '';
  }
}

/** Characters that stand for themselves in math. */
const isPlainMath = (c: number): boolean => c !== 92 && c !== 123 && c !== 125 && c !== 94 && c !== 95 && c !== 39 && c !== 126 && c !== 36 && c !== 38;

/**
 * Text with inline math: decodeSimpleLatex reading each `$…$` (and `$$…$$`) with decodeMath's
 * reader; null when the text is beyond the simple decoder or the dollars do not pair. Linear.
 */
export function decodeLatexText(tex: string): string | null {
  return decodeSimpleLatex(tex, true, true);
}

/** First private-use code point: math spans handed to the careful parser become these placeholders. */
const PLACEHOLDER = 0xe000;
const PLACEHOLDERS = 0x1900;

/**
 * `tex` with each inline-math span replaced by a private-use placeholder (for the careful parser,
 * whose own math rendering drops accents), and the spans' text to put back with `restoreMath`;
 * `first`: how many placeholders other fields of the entry use already.
 */
export function protectMath(tex: string, first = 0): { text: string; math: string[] } {
  const parts = tex.includes('$') ? splitMath(tex) : null;
  if (!parts || parts.length < 3 || first + parts.length / 2 > PLACEHOLDERS || /[\ue000-\uf8ff]/.test(tex)) return { text: tex, math: [] };
  const math: string[] = [];
  let text = '';
  for (let k = 0; k < parts.length; k++) {
    if (k % 2 === 0) text += parts[k];
    else {
      text += String.fromCharCode(PLACEHOLDER + first + math.length);
      const d = dollars(parts[k]);
      math.push(d === 2 ? ` ${decodeMath(parts[k].slice(2, -2))} ` : decodeMath(parts[k].slice(1, -1)));
    }
  }
  return { text, math };
}

/** Puts decoded math back where protectMath left its placeholders. */
export function restoreMath(text: string, math: readonly string[]): string {
  if (!math.length) return text;
  return text.replace(/[\ue000-\uf8ff]/g, (c) => math[c.charCodeAt(0) - PLACEHOLDER] ?? c);
}
