// Turning text into index terms: accent/case folding, tokens with their source offsets,
// English stopwords and the Porter stemmer. Shared by indexing and querying so both agree.
import { porterStem } from './porter';

/** One word of a text: `term` is folded (lowercase, no accents); `start`/`end` are UTF-16 offsets. */
export interface Token {
  term: string;
  start: number;
  end: number;
}

const SPECIAL: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŀ: 'l' };
const SPECIAL_RE = /[ßæœøłđðþıŀ]/g;

/** Lowercase, accents removed: "Schrödinger" -> "schrodinger", "Łukasz" -> "lukasz". */
export function fold(s: string): string {
  let out = s.toLowerCase();
  // ASCII fast path: most words need nothing more.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(out)) return out;
  out = out.normalize('NFD').replace(/\p{M}+/gu, '');
  return out.replace(SPECIAL_RE, (ch) => SPECIAL[ch] ?? ch);
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * The words of `text`, folded, with offsets. A word right after a backslash is a LaTeX command
 * and skipped; one-character words are dropped unless `keepShort`. Hyphenated compounds
 * ("pre-training") also yield the joined word ("pretraining"), at the compound's span.
 */
export function tokenize(text: string, keepShort = false): Token[] {
  const out: Token[] = [];
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  let prevEnd = -2;
  let prevTerm = '';
  let prevStart = 0;
  let prevHyphenated = false;
  while ((m = WORD.exec(text))) {
    const start = m.index;
    const end = start + m[0].length;
    if (start > 0 && text.charCodeAt(start - 1) === 92 /* \ */) {
      prevEnd = -2;
      continue;
    }
    const term = fold(m[0]);
    const hyphenated = prevEnd === start - 1 && text.charCodeAt(prevEnd) === 45; /* - */
    // Only two-part compounds are joined ("pre-training", not "state-of-the-art").
    if (hyphenated && !prevHyphenated && text.charCodeAt(end) !== 45 && isAlpha(prevTerm) && isAlpha(term)) {
      const joined = prevTerm + term;
      if (joined.length <= 24) out.push({ term: joined, start: prevStart, end });
    }
    if (term.length > 1 || keepShort) out.push({ term, start, end });
    prevStart = start;
    prevEnd = end;
    prevTerm = term;
    prevHyphenated = hyphenated;
  }
  return out;
}

function isAlpha(s: string): boolean {
  return /^[a-z]+$/.test(s);
}

// English function words (the usual IR list, NLTK-like), folded.
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are aren as at be because been before being below ' +
    'between both but by can cannot could couldn did didn do does doesn doing don down during each either else ' +
    'etc few for from further had hadn has hasn have haven having he her here hers herself him himself his how ' +
    'however i ie eg if in into is isn it its itself just let ll me might more most must mustn my myself no nor ' +
    'not now of off on once only or other ought our ours ourselves out over own re same shall shan she should ' +
    'shouldn so some such than that the their theirs them themselves then there these they this those through ' +
    'thus to too under until up upon us ve very via was wasn we were weren what when where whether which while ' +
    'who whom whose why will with within without won would wouldn yet you your yours yourself yourselves ' +
    'across along among amongst around beyond despite hence onto per since therefore toward towards whereas whereby'
  ).split(' '),
);

/**
 * Words each stemming cache keeps before it starts over (here and segment.ts): enough for a
 * corpus's working vocabulary, small enough (~20 MB) that a server or an import reading millions of
 * papers, whose ids and numbers are words seen once, stays within its memory budget.
 */
export const STEM_CACHE = 200_000;
const stemCache = new Map<string, string>();

/** Porter stem of a folded word; non-ASCII words and numbers are kept as they are. */
export function stem(term: string): string {
  let s = stemCache.get(term);
  if (s !== undefined) return s;
  s = /^[a-z]+$/.test(term) ? porterStem(term) : term;
  if (stemCache.size > STEM_CACHE) stemCache.clear();
  stemCache.set(term, s);
  return s;
}

/** Stemmed content words of a text (stopwords out), each with the token it came from. */
export function contentTerms(text: string): { stem: string; token: Token }[] {
  const out: { stem: string; token: Token }[] = [];
  for (const t of tokenize(text)) {
    if (STOPWORDS.has(t.term)) continue;
    out.push({ stem: stem(t.term), token: t });
  }
  return out;
}

function isWordCode(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
  // Letters and digits of other scripts; Unicode punctuation, symbols and spaces are not.
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba || c === 0xb2 || c === 0xb3 || c === 0xb9;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return c >= 0x2070 && c <= 0x209f ? false : false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff0f) return false;
  return true;
}

/**
 * The folded words of a text, as `tokenize` would give them (same LaTeX-command skipping,
 * one-letter words dropped, two-part hyphenated compounds also joined), without offsets and
 * several times faster: for indexing.
 */
/**
 * A word as a string of its own: V8 makes a slice of 13 characters or more a view that keeps the
 * whole text alive, and the stem caches keep words for the life of the process.
 */
const own = (word: string): string => (word.length < 13 ? word : (' ' + word).slice(1));

export function indexWords(text: string, each: (term: string) => void): void {
  const s = fold(text);
  const n = s.length;
  let i = 0;
  let prevEnd = -2;
  let prevTerm = '';
  let prevHyphenated = false;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (!isWordCode(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isWordCode(s.charCodeAt(i))) i++;
    if (start > 0 && s.charCodeAt(start - 1) === 92) {
      prevEnd = -2;
      continue;
    }
    const term = own(s.slice(start, i));
    const hyphenated = prevEnd === start - 1 && s.charCodeAt(prevEnd) === 45;
    if (hyphenated && !prevHyphenated && s.charCodeAt(i) !== 45 && isAlpha(prevTerm) && isAlpha(term)) {
      const joined = own(prevTerm + term);
      if (joined.length <= 24) each(joined);
    }
    if (term.length > 1) each(term);
    prevEnd = i;
    prevTerm = term;
    prevHyphenated = hyphenated;
  }
}
