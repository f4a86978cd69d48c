// Fuzzy lookup in a sorted vocabulary: walks the terms as if they were a trie, sharing the
// edit-distance rows of common prefixes and skipping every term under a prefix that is already
// too far away. Distance is optimal string alignment (Levenshtein + adjacent transposition).
import { lowerBound } from './postings';

export interface FuzzyMatch {
  term: number;
  /** With `prefix`: every term in [term, end) starts with a prefix within `distance` of the query. */
  end: number;
  distance: number;
  /** The match is of a prefix of the term (only with `prefix`). */
  prefix: boolean;
}

/**
 * Terms within `maxDistance` of `query`. With `prefix`, also terms one of whose prefixes is
 * (the user is still typing). At most `limit` matches, closest first.
 */
export function fuzzyTerms(
  terms: readonly string[],
  query: string,
  maxDistance: number,
  prefix = false,
  limit = 64,
  from = 0,
  to = terms.length,
): FuzzyMatch[] {
  const n = query.length;
  const maxLen = n + maxDistance;
  // rows[d] is the DP row after d characters of the current term.
  const rows: Int32Array[] = [];
  for (let d = 0; d <= maxLen; d++) rows.push(new Int32Array(n + 1));
  for (let j = 0; j <= n; j++) rows[0][j] = j;
  const found: FuzzyMatch[] = [];
  let prev = '';
  let i = from;
  while (i < to) {
    const term = terms[i];
    let cp = 0;
    const lim = Math.min(prev.length, term.length, maxLen);
    while (cp < lim && prev.charCodeAt(cp) === term.charCodeAt(cp)) cp++;
    let depth = cp;
    let pruneAt = -1;
    let prefixDist = maxDistance + 1;
    const upTo = Math.min(term.length, maxLen);
    // Re-check prefix matches along the shared part (cheap: one cell per depth).
    if (prefix) for (let d = 1; d <= cp; d++) if (rows[d][n] < prefixDist) prefixDist = rows[d][n];
    while (depth < upTo) {
      const ch = term.charCodeAt(depth);
      const above = rows[depth];
      const row = rows[depth + 1];
      row[0] = depth + 1;
      let min = row[0];
      for (let j = 1; j <= n; j++) {
        const cost = query.charCodeAt(j - 1) === ch ? 0 : 1;
        let v = Math.min(above[j] + 1, row[j - 1] + 1, above[j - 1] + cost);
        if (depth > 0 && j > 1 && ch === query.charCodeAt(j - 2) && term.charCodeAt(depth - 1) === query.charCodeAt(j - 1)) {
          v = Math.min(v, rows[depth - 1][j - 2] + 1);
        }
        row[j] = v;
        if (v < min) min = v;
      }
      depth++;
      if (prefix && row[n] < prefixDist) prefixDist = row[n];
      if (prefix && prefixDist <= maxDistance) {
        // Every term under this prefix matches: report the range, skip it.
        const stemPrefix = term.slice(0, depth);
        const end = Math.min(to, lowerBound(terms, stemPrefix + '\uffff', i + 1));
        found.push({ term: i, end, distance: prefixDist, prefix: true });
        prev = stemPrefix;
        i = end;
        pruneAt = -2;
        break;
      }
      if (min > maxDistance) {
        pruneAt = depth;
        break;
      }
    }
    if (pruneAt === -2) continue;
    if (pruneAt >= 0) {
      // Nothing under this prefix can come back within reach: jump past it.
      const stemPrefix = term.slice(0, pruneAt);
      prev = stemPrefix;
      const next = Math.min(to, lowerBound(terms, stemPrefix + '\uffff', i + 1));
      i = next;
      continue;
    }
    if (term.length <= maxLen && rows[term.length][n] <= maxDistance) {
      found.push({ term: i, end: i + 1, distance: rows[term.length][n], prefix: false });
    } else if (prefixDist <= maxDistance) {
      found.push({ term: i, end: i + 1, distance: prefixDist, prefix: true });
    }
    prev = term.length > maxLen ? term.slice(0, maxLen) : term;
    i++;
  }
  found.sort((a, b) => a.distance - b.distance || Number(a.prefix) - Number(b.prefix));
  return found.length > limit ? found.slice(0, limit) : found;
}
