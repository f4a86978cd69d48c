// Sentence boundaries in plain text: ". ! ?" followed by a capital (or the end), unless the word before is an abbreviation.

/** Words that end with a period without ending the sentence (compared lower-case, without the final period). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'eg', 'ie', 'al', 'cf', 'vs', 'viz', 'approx', 'resp', 'esp', 'incl', 'ca', 'ibid', 'op', 'cit',
  'fig', 'figs', 'eq', 'eqs', 'eqn', 'eqns', 'sec', 'secs', 'sect', 'tab', 'tabs', 'ch', 'chap', 'ref', 'refs',
  'thm', 'lem', 'def', 'defn', 'alg', 'app', 'appx', 'prop', 'cor', 'ex', 'no', 'nos', 'vol', 'vols', 'pp', 'p',
  'ed', 'eds', 'dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'jr', 'sr', 'inc', 'ltd', 'co', 'corp', 'dept', 'univ',
  'proc', 'conf', 'trans', 'j', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);

const CLOSERS = new Set(['"', "'", ')', ']', '’', '”', '»', '}']);
const OPENERS = new Set(['"', "'", '(', '[', '‘', '“', '«']);

const isUpper = (c: string | undefined) => c !== undefined && c !== c.toLowerCase() && c === c.toUpperCase();

/** Sentence spans [start, end) in `text[from, to)`, trimmed, empty ones left out. "\n" always ends a sentence. */
export function splitSentences(text: string, from: number, to: number): [number, number][] {
  const spans: [number, number][] = [];
  let start = from;
  const push = (end: number) => {
    let s = start;
    let e = end;
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) spans.push([s, e]);
  };
  for (let k = from; k < to; k++) {
    const c = text[k];
    if (c === '\n') {
      push(k);
      start = k + 1;
      continue;
    }
    if (c !== '.' && c !== '!' && c !== '?' && c !== '…') continue;
    let j = k + 1;
    while (j < to && (text[j] === '.' || text[j] === '!' || text[j] === '?' || text[j] === '…')) j++;
    const single = j === k + 1;
    while (j < to && CLOSERS.has(text[j])) j++;
    if (j < to) {
      if (text[j] !== ' ') continue;
      let m = j + 1;
      while (m < to && text[m] === ' ') m++;
      while (m < to && OPENERS.has(text[m])) m++;
      if (!isUpper(text[m])) continue;
    }
    if (c === '.' && single && isAbbreviation(text, k, from)) continue;
    push(j);
    start = j;
    k = j - 1;
  }
  push(to);
  return spans;
}

/** Is the word ending at the period `dot` an abbreviation or an initial ("J. Smith")? */
function isAbbreviation(text: string, dot: number, from: number): boolean {
  let s = dot;
  while (s > from && /[\p{L}.]/u.test(text[s - 1])) s--;
  const word = text.slice(s, dot);
  if (!word) return false;
  const lower = word.toLowerCase();
  if (ABBREVIATIONS.has(lower)) return true;
  if (word.includes('.')) return /^(\p{L}\.)+\p{L}$/u.test(word); // e.g, i.e, U.S, Ph.D
  return word.length === 1 && isUpper(word);
}
