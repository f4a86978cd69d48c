// One ranking from two: the lexical hits (BM25, with matched words) and the semantic hits
// (cosine of unit vectors). Default: normalised-score fusion, semantic weight 0.3 — on the eval
// set (eval/semantic.ts) it beat reciprocal rank fusion, which let the semantic list's weak
// ranks outvote exact title matches on short typed queries.
import type { Paper } from '../../library/paper';
import type { Hit } from '../index';

/** A paper and its cosine similarity to the query (-1..1). */
export interface SemanticHit {
  paper: Paper;
  score: number;
}

export type FusionMethod = 'rrf' | 'score';

export const DEFAULT_FUSION: FusionMethod = 'score';
export const DEFAULT_SEMANTIC_WEIGHT = 0.3;
/** How many semantic neighbours take part in a fusion, and at least how many lexical hits (more when more are asked for). */
export const FUSION_DEPTH = 50;

export interface FuseOptions {
  /** 'score' (default): weighted sum of scores scaled to 0..1 by each list's best; 'rrf': sum of w/(k + rank). */
  method?: FusionMethod;
  /** RRF constant (default 60, the usual choice). */
  k?: number;
  /** Weight of the semantic list, 0..1 (default DEFAULT_SEMANTIC_WEIGHT). */
  semanticWeight?: number;
  /** How many hits at most (default 20). */
  limit?: number;
}

/** Fused hits, best first. `matched` keeps the lexical matches; a semantic-only hit has none. */
export function fuse(lexical: readonly Hit[], semantic: readonly SemanticHit[], options: FuseOptions = {}): Hit[] {
  const method = options.method ?? DEFAULT_FUSION;
  const k = options.k ?? 60;
  const ws = options.semanticWeight ?? DEFAULT_SEMANTIC_WEIGHT;
  const wl = 1 - ws;
  const fused = new Map<string, Hit>();
  const add = (paper: Paper, score: number, matched: string[]) => {
    const hit = fused.get(paper.key);
    if (hit) {
      hit.score += score;
      if (matched.length > 0) hit.matched = matched;
    } else {
      fused.set(paper.key, { paper, score, matched });
    }
  };
  if (method === 'rrf') {
    lexical.forEach((h, rank) => add(h.paper, wl / (k + rank + 1), h.matched));
    semantic.forEach((h, rank) => add(h.paper, ws / (k + rank + 1), []));
  } else {
    const lexMax = Math.max(0, ...lexical.map((h) => h.score));
    const semMax = Math.max(0, ...semantic.map((h) => h.score));
    for (const h of lexical) add(h.paper, lexMax > 0 ? (wl * h.score) / lexMax : 0, h.matched);
    for (const h of semantic) add(h.paper, semMax > 0 ? (ws * Math.max(0, h.score)) / semMax : 0, []);
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.paper.key.localeCompare(b.paper.key)).slice(0, options.limit ?? 20);
}

/**
 * Related papers with fusion, keeping the "nothing related" rule: a paper takes part only if the
 * lexical related() kept it (its own threshold) or its cosine reaches `gate`; when neither list
 * has anything, the answer is [].
 */
export function fuseRelated(lexicalRelated: readonly Hit[], semantic: readonly SemanticHit[], gate: number, options: FuseOptions = {}): Hit[] {
  const passing = semantic.filter((h) => h.score >= gate);
  if (lexicalRelated.length === 0 && passing.length === 0) return [];
  return fuse(lexicalRelated, passing, options);
}
