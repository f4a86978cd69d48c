// The typed ranking: a few letters after \cite{ or in the search box against keys, titles,
// authors and years.
//
// Typed queries (after \cite{, in the search box): accent- and case-folded words matched exactly,
// as prefixes (words of 2+ letters) and fuzzily (1 edit from 4 letters, 2 from 8, transpositions
// count 1); the whole query is also matched as a key prefix ("smith20" finds smith2021deep).
// Documents matching more of the typed words always rank above those matching fewer; when none
// matches every word, the last one (still being typed) may be two edits away ("difusion planer").
import type { Paper } from '../library/paper';
import { fuzzyTerms } from './fuzzy';
import { Postings, docFreq, findTerm, prefixRange } from './postings';
import type { Segments } from './segments';
import { fold, tokenize } from './text';
import { DEFAULT_LIMIT, type Hit, type QueryOptions } from './types';

const MAX_PREFIX_EXPANSIONS = 48;
const MAX_FUZZY_EXPANSIONS = 24;

export class TypedRanking {
  constructor(private readonly segments: Segments) {}

  /**
   * Scores typed text into this.segments.tokAcc (sum over words of each word's best match) and
   * this.segments.cover (how many query words each document matched). `need`: the words a document must
   * match to cover the query (the joined form of "self-supervised" is a bonus, not a need).
   * `looseLast`: the last word may be two edits away whatever its length. `onlyFull`: only the
   * documents that can still match every word are scored past the first (a document that missed one
   * is skipped), exactly as without it for those that match all; `restricted` says it applied
   * (not with the whole query as a key prefix, which covers a document whatever words it missed).
   */
  accumulateTyped(text: string, looseLast = false, onlyFull = false): { n: number; words: string[]; need: number; restricted: boolean } {
    // At most 32 words: `cover` counts them in a byte, and nobody types more after \cite{.
    const tokens = tokenize(text, true).slice(0, 32);
    const words = tokens.map((t) => t.term);
    const compact = fold(text.trim());
    const acc = this.segments.tokAcc;
    const cover = this.segments.cover;
    const touched = this.segments.tokTouched;
    const best = this.segments.acc; // per-word best match, cleared after each word
    const bestTouched = this.segments.touched;
    let n = 0;
    const queries = tokens.map((t) => ({ word: t.term, keyOnly: false, joined: text.slice(t.start, t.end).includes('-') }));
    const need = queries.filter((q) => !q.joined).length;
    // The whole query as a key prefix: "smith2021" or "mastering-atari".
    if (compact && !/\s/.test(compact) && !(words.length === 1 && words[0] === compact)) queries.push({ word: compact, keyOnly: true, joined: false });
    const restricted = onlyFull && !queries.some((q) => q.keyOnly);
    // Words a document must have matched before this one to still match every word.
    let before = 0;
    for (let qi = 0; qi < queries.length; qi++) {
      const { word, keyOnly, joined } = queries[qi];
      const floor = restricted ? before : 0;
      if (!joined) before++;
      let m = 0;
      const expansions = this.expand(word, keyOnly, qi === words.length - 1, looseLast && qi === words.length - 1);
      // Term numbers per segment, and document frequencies over all segments (global idf).
      const terms = [...expansions.keys()];
      const ids = terms.map((term) => this.segments.parts.map((part, s) => (this.segments.searched(s) ? findTerm(part.seg.typ, term) : -1)));
      const others = this.segments.others;
      const dfs = ids.map((perPart, e) => perPart.reduce((sum, t, s) => sum + (t >= 0 ? docFreq(this.segments.parts[s].seg.typ, t) : 0), others ? others.typedDf(terms[e]) : 0));
      const qualities = [...expansions.values()];
      for (let s = 0; s < this.segments.parts.length; s++) {
        const part = this.segments.parts[s];
        const p = part.seg.typ;
        for (let e = 0; e < ids.length; e++) {
          const t = ids[e][s];
          if (t < 0) continue;
          const w = (qualities[e] * this.segments.idf(dfs[e])) / 255;
          for (let i = p.offsets[t], end = p.offsets[t + 1]; i < end; i++) {
            const d = part.base + p.docs[i];
            if (cover[d] < floor) continue;
            const v = w * p.impacts[i];
            if (best[d] === 0) bestTouched[m++] = d;
            if (v > best[d]) best[d] = v;
          }
        }
      }
      for (let i = 0; i < m; i++) {
        const d = bestTouched[i];
        if (acc[d] === 0 && cover[d] === 0) touched[n++] = d;
        acc[d] += best[d];
        // A key-prefix match of the whole query covers every word.
        if (keyOnly) cover[d] = Math.max(cover[d], need);
        else if (!joined) cover[d]++;
        best[d] = 0;
      }
    }
    return { n, words, need, restricted };
  }

  /**
   * The vocabulary words a typed word stands for, with a match quality (exact 1 > prefix >
   * fuzzy), over all segments. Fuzzy matching runs only for a word no segment knows (as typed,
   * or for the last word as the start of a word), once, in the largest vocabulary.
   */
  expand(word: string, keyOnly: boolean, last: boolean, loose = false): Map<string, number> {
    const out = new Map<string, number>();
    const add = (t: string, q: number) => {
      if (q > (out.get(t) ?? 0)) out.set(t, q);
    };
    let known = false;
    let largest: Postings | null = null;
    for (const [s, part] of this.segments.parts.entries()) {
      if (!this.segments.searched(s)) continue;
      const p = part.seg.typ;
      if (!largest || p.terms.length > largest.terms.length) largest = p;
      const exact = findTerm(p, word);
      if (exact >= 0) add(word, 1);
      let completions = 0;
      if (word.length >= 2 || keyOnly) {
        const [from, to] = prefixRange(p.terms, word);
        completions = to - from - (exact >= 0 ? 1 : 0);
        // A longer completion of the word is a weaker match; the last word is the one being typed.
        for (const t of this.mostFrequent(p, from, to, MAX_PREFIX_EXPANSIONS, exact)) {
          add(p.terms[t], (last || keyOnly ? 0.9 : 0.6) * (0.5 + (0.5 * word.length) / p.terms[t].length));
        }
      }
      if (exact >= 0 || (last && completions > 0)) known = true;
    }
    if (largest && !keyOnly && !known && word.length >= 4 && /^\p{L}+$/u.test(word)) {
      const p = largest;
      const maxD = word.length >= 8 || loose ? 2 : 1;
      // Most typos keep the first letter: look there first, everywhere only if that finds nothing.
      const [from, to] = prefixRange(p.terms, word[0]);
      let found = fuzzyTerms(p.terms, word, maxD, last, MAX_FUZZY_EXPANSIONS, from, to);
      if (found.length === 0) found = fuzzyTerms(p.terms, word, maxD, last, MAX_FUZZY_EXPANSIONS);
      let budget = MAX_FUZZY_EXPANSIONS;
      for (const f of found) {
        const quality = (f.prefix ? 0.4 : 0.55) * (1 - 0.15 * (f.distance - 1));
        const terms = f.end - f.term > 1 ? this.mostFrequent(p, f.term, f.end, Math.max(1, budget >> 1), -1) : [f.term];
        for (const t of terms) add(p.terms[t], quality);
        budget -= terms.length;
        if (budget <= 0) break;
      }
    }
    return out;
  }

  /** Up to `k` terms of [from, to) with the most documents (all of them when few). */
  mostFrequent(p: Postings, from: number, to: number, k: number, skip: number): number[] {
    const range: number[] = [];
    for (let t = from; t < to && range.length < 5000; t++) if (t !== skip) range.push(t);
    if (range.length <= k) return range;
    return range.sort((a, b) => docFreq(p, b) - docFreq(p, a)).slice(0, k);
  }

  typedHits(text: string, limit: number, looseLast = false): { docs: number[]; scores: Map<number, number>; full: Set<number>; words: string[] } {
    const { n, words, need: required } = this.accumulateTyped(text, looseLast);
    const acc = this.segments.tokAcc;
    const cover = this.segments.cover;
    const need = Math.max(1, required);
    const scores = new Map<number, number>();
    const final = this.segments.acc; // reused as scratch: typed scores with the coverage penalty
    for (let i = 0; i < n; i++) {
      const d = this.segments.tokTouched[i];
      const c = Math.min(1, cover[d] / need);
      // Documents that miss a typed word rank below all that match every word.
      final[d] = acc[d] * c * c * c + (cover[d] >= need ? 1000 : 0);
    }
    const docs = this.segments.top(final, this.segments.tokTouched, n, limit);
    const full = new Set<number>();
    for (const d of docs) {
      if (final[d] >= 1000) full.add(d);
      scores.set(d, final[d] >= 1000 ? final[d] - 1000 : final[d]);
    }
    for (let i = 0; i < n; i++) {
      const d = this.segments.tokTouched[i];
      final[d] = 0;
      acc[d] = 0;
      cover[d] = 0;
    }
    return { docs, scores, full, words };
  }

  matchedTyped(words: string[], paper: Paper): string[] {
    const hay = new Set<string>();
    for (const t of tokenize(`${paper.key} ${paper.title} ${paper.authors.join(' ')} ${paper.year ?? ''}`, true)) hay.add(t.term);
    const haystack = [...hay];
    return words.filter((w) => hay.has(w) || haystack.some((h) => h.startsWith(w) || (w.length >= 4 && nearlyEqual(w, h))));
  }

  /** Papers for a few typed letters: prefix + fuzzy over key, title, authors and year. */
  typed(text: string, options: QueryOptions = {}): Hit[] {
    return this.segments.scoped(options.within, () => this.typedWithCoverage(text, options.limit ?? DEFAULT_LIMIT).hits);
  }

  typedWithCoverage(text: string, limit: number): { hits: Hit[]; full: number } {
    if (!text.trim()) return { hits: [], full: 0 };
    let found = this.typedHits(text, limit);
    // No paper matches every word: the last one, still being typed, may hold a second typo
    // ("difusion planer"), so papers matching the others and it loosely beat those matching fewer.
    if (found.full.size === 0 && found.words.length >= 2) {
      const loose = this.typedHits(text, limit, true);
      if (loose.full.size > 0) found = loose;
    }
    const { docs, scores, full, words } = found;
    const hits = docs.map((d) => {
      const paper = this.segments.paper(d);
      return { paper, score: scores.get(d) ?? 0, matched: this.matchedTyped(words, paper) };
    });
    return { hits, full: full.size };
  }
}

/** Optimal string alignment distance <= 2 (for "why" on fuzzy typed matches). */
function nearlyEqual(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => [i, ...new Array<number>(n).fill(0)]);
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n] <= (a.length >= 8 ? 2 : 1);
}
