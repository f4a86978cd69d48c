// Plain text with a map back to the source: every character of `text` knows the source offset it came from.

/** What the extractors produce: the prose of a document, its headings, and the regions that are code or comments. */
export interface PlainText {
  /** Prose with markup dropped. Whitespace collapsed to one space; "\n" is a hard sentence break
   *  (list item, table row), "\n\n" a paragraph break. */
  text: string;
  /** `offsets[i]` is the source offset of `text[i]`; `offsets[text.length]` is the source length. Non-decreasing. */
  offsets: Int32Array;
  headings: Heading[];
  /** Sorted, disjoint source spans [start, end) of code, comments and front matter: no citations there. */
  excluded: number[];
}

export interface Heading {
  level: number;
  title: string;
  headingStart: number;
  headingEnd: number;
  /** The title's span in the plain text. */
  plainStart: number;
  plainEnd: number;
}

/** . , ; : ! ? ) ] take no space before them. */
const noSpaceBefore = (c: number) => c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 41 || c === 93;

/** Accumulates plain text. Spaces and breaks are held back until the next character, so dropped markup
 *  never leaves double spaces, a space before punctuation ("by \cite{x}." → "by.") or empty parentheses. */
export class PlainBuilder {
  private chars: Uint16Array;
  private offs: Int32Array;
  private n = 0;
  private space = -1;
  private brk = 0;
  private brkAt = 0;
  readonly headings: Heading[] = [];
  readonly excluded: number[] = [];

  /** `capacity`: characters to hold before growing (a macro's body needs few). */
  constructor(capacity = 1024) {
    this.chars = new Uint16Array(capacity);
    this.offs = new Int32Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  private push(code: number, at: number): void {
    if (this.n === this.chars.length) {
      const c = new Uint16Array(this.n * 2);
      c.set(this.chars);
      this.chars = c;
      const o = new Int32Array(this.n * 2);
      o.set(this.offs);
      this.offs = o;
    }
    this.chars[this.n] = code;
    this.offs[this.n++] = at;
  }

  /** Keep one source character (code unit) at source offset `at`. */
  char(code: number, at: number): void {
    const n = this.n;
    if (this.space < 0 && this.brk === 0 && code !== 41 && code !== 93 && code !== 46 && code !== 44 && code !== 59 && n < this.chars.length) {
      this.chars[n] = code;
      this.offs[n] = at;
      this.n = n + 1;
      return;
    }
    if (n > 0) {
      if (this.brk) {
        this.push(10, this.brkAt);
        if (this.brk === 2) this.push(10, this.brkAt);
      } else if (this.space >= 0 && !noSpaceBefore(code)) {
        const last = this.chars[n - 1];
        if (last !== 32 && last !== 10) this.push(32, this.space);
      }
    }
    this.brk = 0;
    this.space = -1;
    if (n > 0) {
      const last = this.chars[this.n - 1];
      // "Sec.~\ref{s}." leaves one period, "Eq.~\eqref{a}, \cref{b}, and" one comma.
      if (code === 46 && last === 46) return;
      // "Eq.~\eqref{a}, \cref{b}, and" leaves one comma, not two.
      if ((code === 44 || code === 59) && (last === 44 || last === 59 || (last === 32 && (this.chars[this.n - 2] === 44 || this.chars[this.n - 2] === 59)))) return;
      // "(\cite{x})" and "[\ref{y}]" leave nothing behind.
      if ((code === 41 && last === 40) || (code === 93 && last === 91)) {
        this.n--;
        while (this.n > 0 && this.chars[this.n - 1] === 32) this.n--;
        this.space = this.offs[this.n] ?? at;
        return;
      }
    }
    this.push(code, at);
  }

  /** A display formula ending in a period ends the sentence of prose around it: keep the period, or,
   *  after "state:", end the sentence without one. */
  endSentence(at: number): void {
    if (this.n === 0 || this.brk) return;
    const last = this.chars[this.n - 1];
    if (last === 58 || last === 44 || last === 59) this.break(1, at);
    else if (last !== 46 && last !== 33 && last !== 63 && last !== 10) this.char(46, at);
  }

  /**
   * Keeps the run of ordinary text that starts at `from` (always at least its first character)
   * and stops before `to` or the first ASCII character marked in `special`; returns where it stopped.
   */
  copyRun(t: string, from: number, to: number, special: Uint8Array): number {
    let e = from + 1;
    while (e < to) {
      const d = t.charCodeAt(e);
      if (d < 128 && special[d]) break;
      e++;
    }
    this.copy(t, from, e);
    return e;
  }

  /** Keeps the source characters [from, to) of `t`, which hold no whitespace or markup. */
  copy(t: string, from: number, to: number): void {
    if (from >= to) return;
    this.char(t.charCodeAt(from), from);
    const need = this.n + (to - from);
    if (need > this.chars.length) {
      let size = this.chars.length * 2;
      while (size < need) size *= 2;
      const c = new Uint16Array(size);
      c.set(this.chars.subarray(0, this.n));
      this.chars = c;
      const o = new Int32Array(size);
      o.set(this.offs.subarray(0, this.n));
      this.offs = o;
    }
    const chars = this.chars;
    const offs = this.offs;
    let n = this.n;
    for (let k = from + 1; k < to; k++) {
      chars[n] = t.charCodeAt(k);
      offs[n++] = k;
    }
    this.n = n;
  }

  /** Whitespace (or dropped markup that separates words) at source offset `at`. */
  blank(at: number): void {
    if (this.space < 0) this.space = at;
  }

  /** A sentence break (1) or paragraph break (2) before the next character. */
  break(level: 1 | 2, at: number): void {
    if (level > this.brk) {
      this.brk = level;
      this.brkAt = at;
    }
  }

  /** Source span [start, end) that is code or a comment. */
  exclude(start: number, end: number): void {
    const x = this.excluded;
    if (x.length && x[x.length - 1] >= start) x[x.length - 1] = Math.max(x[x.length - 1], end);
    else x.push(start, end);
  }

  /** The plain text emitted since `from`, without leading breaks, as [start, end) in plain indices. */
  spanSince(from: number): [number, number] {
    let s = from;
    while (s < this.n && (this.chars[s] === 10 || this.chars[s] === 32)) s++;
    let e = this.n;
    while (e > s && (this.chars[e - 1] === 10 || this.chars[e - 1] === 32)) e--;
    return [s, e];
  }

  slice(start: number, end: number): string {
    return decode(this.chars.subarray(start, end));
  }

  finish(sourceLength: number): PlainText {
    const offsets = new Int32Array(this.n + 1);
    offsets.set(this.offs.subarray(0, this.n));
    offsets[this.n] = sourceLength;
    return { text: decode(this.chars.subarray(0, this.n)), offsets, headings: this.headings, excluded: this.excluded };
  }
}

const utf16 = new TextDecoder('utf-16le');
function decode(codes: Uint16Array): string {
  if (codes.length < 64) return String.fromCharCode(...codes);
  return utf16.decode(codes);
}

/** Index of the last plain character whose source offset is ≤ `offset` (-1 if none). */
export function plainIndexAt(plain: PlainText, offset: number): number {
  const o = plain.offsets;
  let lo = 0;
  let hi = plain.text.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (o[mid] <= offset) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** True when the source offset lies in code, a comment or front matter. */
export function isExcluded(plain: PlainText, offset: number): boolean {
  const x = plain.excluded;
  let lo = 0;
  let hi = x.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (x[2 * mid + 1] <= offset) lo = mid + 1;
    else if (x[2 * mid] > offset) hi = mid - 1;
    else return true;
  }
  return false;
}
