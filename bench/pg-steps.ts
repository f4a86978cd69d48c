// Where a shared corpus's request spends its time, in-process: each request's total against the
// wall time of its SQL round trips (term statistics, context candidates, typed candidates); the rest
// is LitLens' own work (indexing the candidates, ranking). Related for abstract sentences, the search
// box for title beginnings, drawn from the corpus (a different text each: answers are kept).
//
//   node --import tsx bench/pg-steps.ts --url postgresql://USER@HOST:PORT/DB [--queries 40]
import pg from 'pg';
import { arg, openBoth, urlArg } from './pgBench';

const url = urlArg('bench/pg-steps.ts --url postgresql://… [--queries 40]');
const howMany = Number(arg('--queries', '40'));
const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
const ms = (xs: number[]) => `p50/p95 ${at(xs, 0.5).toFixed(1)}/${at(xs, 0.95).toFixed(1)} ms`;

async function main(): Promise<void> {
  const { shared, db } = await openBoth(url);
  const { rows } = await db.query<{ title: string; abstract: string }>(
    `SELECT entry->>'title' AS title, entry->>'abstract' AS abstract FROM litlens.papers TABLESAMPLE SYSTEM (0.5) REPEATABLE (11) WHERE entry->>'abstract' <> '' LIMIT $1`,
    [howMany],
  );
  await db.end();
  // The corpus's round trips, timed on their way through its pool.
  const pool = (shared as unknown as { pool: pg.Pool }).pool;
  const send = pool.query.bind(pool) as (sql: string, params: unknown[]) => Promise<pg.QueryResult>;
  let trips: { kind: string; ms: number }[] = [];
  (pool as unknown as { query: typeof send }).query = async (sql, params) => {
    const t = performance.now();
    const result = await send(sql, params);
    const kind = sql.includes('litlens.terms') ? 'statistics' : sql.includes('litlens.top') ? 'lists candidates' : !sql.includes('ts_rank') ? 'whole entries' : /:\*ABD/.test(String(params[0])) ? 'typed candidates' : 'context candidates';
    trips.push({ kind, ms: performance.now() - t });
    return result;
  };
  for (const kind of ['related', 'search box'] as const) {
    const total: number[] = [];
    const rest: number[] = [];
    const each = new Map<string, number[]>();
    for (const r of rows) {
      const text = kind === 'related' ? (r.abstract.split(/(?<=[.!?])\s+/).find((s) => s.split(/\s+/).length > 8) ?? r.abstract) : r.title.split(/\s+/).slice(0, 3).join(' ');
      trips = [];
      const t = performance.now();
      await (kind === 'related' ? shared.related(text, { limit: 10 }) : shared.search(text, 20));
      total.push(performance.now() - t);
      // Candidate queries run two at a time: the SQL's share is approximated by the statistics, the longest candidate query and the whole entries.
      const sum = (kind: string) => trips.filter((x) => x.kind === kind).reduce((a, x) => a + x.ms, 0);
      const sql = sum('statistics') + sum('whole entries') + Math.max(0, ...trips.filter((x) => x.kind.endsWith('candidates')).map((x) => x.ms));
      rest.push(total[total.length - 1] - sql);
      for (const x of trips) each.set(x.kind, [...(each.get(x.kind) ?? []), x.ms]);
    }
    console.log(`${kind} (${rows.length} queries): total ${ms(total)}; outside SQL ${ms(rest)}`);
    for (const [name, xs] of each) console.log(`  ${name}: ${xs.length} round trips, ${ms(xs)}`);
  }
  await shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
