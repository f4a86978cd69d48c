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
 * Related papers with meaning, keeping the "nothing related" rule: the lexical related() list
 * first, in its order, then papers only meaning finds (cosine at least `gate`), best first, up to
 * the limit; [] when the lexical gate (gate.ts, the one with a null model) found nothing. Meaning
 * adds papers and never opens a list or reorders it: with the suite's model, fusing scores cost the lists a user sees 0.044 nDCG@10 on
 * paragraphs and 0.035 citing R@1 (npm run eval:semantic, tune half), and no stronger model can
 * be measured here (docs/related.md). Scores stay in list order: a paper only meaning finds
 * scores below the last lexical one, in proportion to its cosine.
 */
export function fuseRelated(lexicalRelated: readonly Hit[], semantic: readonly SemanticHit[], gate: number, options: FuseOptions = {}): Hit[] {
  const limit = options.limit ?? 20;
  if (lexicalRelated.length === 0) return [];
  const listed = new Set(lexicalRelated.map((h) => h.paper.key));
  const passing = semantic.filter((h) => h.score >= gate && !listed.has(h.paper.key)).sort((a, b) => b.score - a.score);
  const out = lexicalRelated.slice(0, limit);
  const floor = out[out.length - 1].score;
  const best = passing[0]?.score ?? 1;
  for (const h of passing) {
    if (out.length >= limit) break;
    out.push({ paper: h.paper, score: (floor * h.score) / Math.max(best, 1e-9), matched: [] });
  }
  return out;
}
