// The eval set (eval/queries/<kind>.<half>.jsonl) and the ranking metrics, shared by eval.ts
// (lexical) and semantic.ts (lexical vs fused).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Query {
  id: string;
  query: string;
  relevant?: Record<string, number>;
}

export type Kind = 'citing' | 'search' | 'paragraphs' | 'offtopic';
export type Half = 'tune' | 'test';

export interface RankMetrics {
  queries: number;
  r1: number;
  r5: number;
  mrr: number;
  ndcg10: number;
}

export const queriesDir = join(__dirname, 'queries');

/**
 * One query per non-empty line; a line that is not JSON fails with its file and line. `dir`: a set
 * kept outside the project in the same format (npm run eval -- --set DIR), where a missing file is
 * a kind that set does not measure.
 */
export function readQueries(kind: Kind, half: Half, dir = queriesDir): Query[] {
  const file = join(dir, `${kind}.${half}.jsonl`);
  if (dir !== queriesDir && !existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => line.trim())
    .map(([line, n]) => {
      try {
        return JSON.parse(line) as Query;
      } catch (e) {
        throw new Error(`${file}:${n}: ${(e as Error).message}`);
      }
    });
}

/** R@k counts the grade-2 papers found in the top k (averaged per query); MRR uses the first. */
export function rankMetrics(runs: { ranked: string[]; relevant: Record<string, number> }[]): RankMetrics {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  let ndcg = 0;
  for (const { ranked, relevant } of runs) {
    const targets = Object.keys(relevant).filter((k) => relevant[k] >= 2);
    const at = (k: number) => targets.filter((t) => ranked.slice(0, k).includes(t)).length / targets.length;
    r1 += Math.min(1, at(1) * targets.length); // top-1 can hold only one target
    r5 += at(5);
    const first = ranked.findIndex((k) => (relevant[k] ?? 0) >= 2);
    mrr += first >= 0 ? 1 / (first + 1) : 0;
    const gain = (g: number) => 2 ** g - 1;
    const dcg = ranked.slice(0, 10).reduce((s, k, i) => s + gain(relevant[k] ?? 0) / Math.log2(i + 2), 0);
    const ideal = Object.values(relevant)
      .sort((a, b) => b - a)
      .slice(0, 10)
      .reduce((s, g, i) => s + gain(g) / Math.log2(i + 2), 0);
    ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  const n = Math.max(1, runs.length);
  return { queries: runs.length, r1: r1 / n, r5: r5 / n, mrr: mrr / n, ndcg10: ndcg / n };
}
