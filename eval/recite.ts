// Re-cite on real papers, the parts that need no server (eval/real.ts drives the server): which
// citations to re-ask, the document with one key taken out, the text a citation is ranked by, a
// plain BM25 over the paper's own entries, and the rank metrics.
import { citedKeys, citingText, type CitedKey, type Syntax } from '../server/src/documents';
import type { Paper } from '../server/src/library/paper';
import { contentTerms } from '../server/src/search/text';

/** How deep completion lists go (litlens.maxSuggestions' default): MRR is cut there. */
export const LIST_DEPTH = 20;

/** The cited keys to re-ask (those with an entry) and those skipped (no entry: missing or unparsed). */
export function reciteOccurrences(text: string, syntax: Syntax, hasEntry: (key: string) => boolean): { asked: CitedKey[]; skipped: CitedKey[] } {
  const asked: CitedKey[] = [];
  const skipped: CitedKey[] = [];
  for (const k of citedKeys(text, syntax)) (hasEntry(k.key) ? asked : skipped).push(k);
  return { asked, skipped };
}

/**
 * The document with one cited key taken out, the cursor where it was: `\cite{a,b}` → `\cite{a,}`,
 * `[@a; @b]` → `[@a; @]`, an only key leaves `\cite{}` / `[@]`, in-text `@a` → `@`.
 */
export function withoutKey(text: string, cited: CitedKey): { text: string; cursor: number } {
  return { text: text.slice(0, cited.start) + text.slice(cited.end), cursor: cited.start };
}

/** The text the server ranks a citation by (one rule, server/src/documents/context.ts). */
export { citingText };

/** What a plain BM25 reads of an entry: title, authors, venue, abstract and the key split at letters/digits. */
export function entryText(paper: Paper): string {
  const key = paper.key
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L})/gu, '$1 $2');
  return [paper.title, paper.authors.join(' '), paper.venue ?? '', paper.abstract ?? '', key].join('\n');
}

/**
 * Plain BM25 over one bag of words per entry (no fields, no caps, no coordination): Porter stems
 * and English stopwords as the index has them, idf = ln(1 + (N - df + 0.5) / (df + 0.5)).
 */
export class PlainBm25 {
  private readonly docs: { key: string; tf: Map<string, number>; length: number }[];
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(
    papers: readonly Paper[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.docs = papers.map((p) => {
      const tf = new Map<string, number>();
      const terms = contentTerms(entryText(p));
      for (const t of terms) tf.set(t.stem, (tf.get(t.stem) ?? 0) + 1);
      for (const s of tf.keys()) this.df.set(s, (this.df.get(s) ?? 0) + 1);
      return { key: p.key, tf, length: terms.length };
    });
    this.avgLength = this.docs.reduce((a, d) => a + d.length, 0) / Math.max(1, this.docs.length);
  }

  /** Every entry not in `exclude` with its score for `query` (0 when it shares no word), in entry order. */
  scores(query: string, exclude: ReadonlySet<string> = new Set()): { key: string; score: number }[] {
    const n = this.docs.length;
    const terms = [...new Set(contentTerms(query).map((t) => t.stem))];
    return this.docs
      .filter((d) => !exclude.has(d.key))
      .map((d) => {
        let score = 0;
        for (const t of terms) {
          const f = d.tf.get(t);
          if (!f) continue;
          const df = this.df.get(t)!;
          const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          score += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * d.length) / (this.avgLength || 1)));
        }
        return { key: d.key, score };
      });
  }
}

/**
 * Where the right key stands in a ranking, 1-based: positions lo..hi when it ties with others
 * (every order among them equally likely, so metrics are expected values); null when absent.
 * A server list gives lo = hi; a uniformly random ranking of n entries gives 1..n.
 */
export interface RankSpan {
  lo: number;
  hi: number;
}

export const exactRank = (rank: number): RankSpan => ({ lo: rank, hi: rank });
export const randomRank = (entries: number): RankSpan => ({ lo: 1, hi: entries });

/** The span of `key` in scored entries (higher first). `onlyMatched`: entries scoring 0 are not offered. */
export function spanOf(scored: readonly { key: string; score: number }[], key: string, onlyMatched = false): RankSpan | null {
  const target = scored.find((s) => s.key === key);
  if (!target || (onlyMatched && target.score <= 0)) return null;
  const above = scored.filter((s) => s.score > target.score).length;
  const tied = scored.filter((s) => s.score === target.score).length;
  return { lo: above + 1, hi: above + tied };
}

/** Probability that the key is in the first k. */
export function hitAt(span: RankSpan | null, k: number): number {
  if (!span) return 0;
  return Math.max(0, Math.min(k, span.hi) - span.lo + 1) / (span.hi - span.lo + 1);
}

/** Expected reciprocal rank, 0 past `depth`. */
export function reciprocalRank(span: RankSpan | null, depth = LIST_DEPTH): number {
  if (!span) return 0;
  let sum = 0;
  for (let r = span.lo; r <= Math.min(span.hi, depth); r++) sum += 1 / r;
  return sum / (span.hi - span.lo + 1);
}

export interface ReciteMetrics {
  occurrences: number;
  r1: number;
  r5: number;
  r10: number;
  /** R@LIST_DEPTH (20): the key anywhere in the list. */
  r20: number;
  /** MRR with ranks past LIST_DEPTH counting 0. */
  mrr20: number;
}

/** R@1, R@5, R@10, R@20 and MRR@20 averaged over occurrences (one right key each). */
export function reciteMetrics(spans: readonly (RankSpan | null)[]): ReciteMetrics {
  const n = spans.length;
  const mean = (f: (s: RankSpan | null) => number) => (n ? spans.reduce((a, s) => a + f(s), 0) / n : 0);
  return {
    occurrences: n,
    r1: mean((s) => hitAt(s, 1)),
    r5: mean((s) => hitAt(s, 5)),
    r10: mean((s) => hitAt(s, 10)),
    r20: mean((s) => hitAt(s, LIST_DEPTH)),
    mrr20: mean((s) => reciprocalRank(s)),
  };
}
