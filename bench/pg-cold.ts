// The related candidate query of fresh sentences under EXPLAIN (ANALYZE, BUFFERS) twice: first as a
// new request meets it (pages not yet in shared_buffers are read from the OS), then again (all in
// shared_buffers). Shows what the buffer cache's size is worth at 1M (docs/postgresql.md).
//
//   node --import tsx bench/pg-cold.ts --url postgresql://USER@HOST:PORT/DB [--queries 10] [--seed 13]
import pg from 'pg';
import { arg, openBoth, urlArg } from './pgBench';

const url = urlArg('bench/pg-cold.ts --url postgresql://… [--queries 10] [--seed 13]');

interface PlanNode {
  'Node Type': string;
  'Actual Rows': number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  'I/O Read Time'?: number;
  Plans?: PlanNode[];
}

async function main(): Promise<void> {
  const { shared, db } = await openBoth(url);
  await db.query('SET track_io_timing = on');
  const { rows } = await db.query<{ abstract: string }>(
    `SELECT entry->>'abstract' AS abstract FROM litlens.papers TABLESAMPLE SYSTEM (0.5) REPEATABLE (${Number(arg('--seed', '13'))}) WHERE entry->>'abstract' <> '' LIMIT $1`,
    [Number(arg('--queries', '10'))],
  );
  // The candidate query the corpus would send, caught instead of sent.
  const pool = (shared as unknown as { pool: pg.Pool }).pool;
  const send = pool.query.bind(pool) as (sql: string, params: unknown[]) => Promise<pg.QueryResult>;
  let caught: { sql: string; params: unknown[] } | null = null;
  (pool as unknown as { query: typeof send }).query = (sql, params) => {
    if (!sql.includes('ts_rank')) return send(sql, params);
    caught = { sql, params };
    return Promise.resolve({ rows: [], rowCount: 0 } as unknown as pg.QueryResult);
  };
  const heapScan = (p: PlanNode): PlanNode | undefined => (p['Node Type'] === 'Bitmap Heap Scan' ? p : (p.Plans ?? []).map(heapScan).find(Boolean));
  for (const r of rows) {
    caught = null;
    await shared.related(r.abstract.split(/(?<=[.!?])\s+/).find((s) => s.split(/\s+/).length > 8) ?? r.abstract, { limit: 10 });
    const q = caught as { sql: string; params: unknown[] } | null;
    if (!q) continue;
    const runs: string[] = [];
    let matching = 0;
    for (const pass of ['first', 'again']) {
      const plan = ((await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.sql}`, q.params)).rows[0]['QUERY PLAN'] as { 'Execution Time': number; Plan: PlanNode }[])[0];
      matching = heapScan(plan.Plan)?.['Actual Rows'] ?? 0;
      runs.push(`${pass} ${plan['Execution Time'].toFixed(1)} ms (${plan.Plan['Shared Hit Blocks']} hit, ${plan.Plan['Shared Read Blocks']} read, I/O ${(plan.Plan['I/O Read Time'] ?? 0).toFixed(1)} ms)`);
    }
    console.log(`${matching} rows: ${runs.join(' | ')}`);
  }
  await db.end();
  await shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
