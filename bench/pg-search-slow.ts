// The search box's slowest requests at a shared corpus: latency.ts's title beginnings (the same
// sample: TABLESAMPLE SYSTEM REPEATABLE (7), 2-3 words), each sent through SharedCorpus.search and
// its candidate queries run again under EXPLAIN (ANALYZE, BUFFERS); the slowest printed with plans.
//
//   node --import tsx bench/pg-search-slow.ts --url postgresql://USER@HOST:PORT/DB [--queries 100] [--slowest 10] [--plan]
import { arg, catchCandidates, openBoth, urlArg } from './pgBench';

const url = urlArg('bench/pg-search-slow.ts --url postgresql://… [--queries 100] [--slowest 10] [--plan]');
const howMany = Number(arg('--queries', '100'));
const slowest = Number(arg('--slowest', '10'));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

interface Plan {
  'Execution Time': number;
  Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number };
}

async function main(): Promise<void> {
  const { shared, db } = await openBoth(url);
  // latency.ts's sharedSamples: the same titles in the same order.
  const papers = Number((await db.query("SELECT value->>'papers' AS n FROM litlens.meta WHERE key = 'stats'")).rows[0].n);
  const n = 3 * howMany;
  const percent = Math.min(100, (100 * 8 * n) / papers);
  const { rows } = await db.query(`SELECT entry->>'title' AS title FROM litlens.papers TABLESAMPLE SYSTEM ($1) REPEATABLE (7) LIMIT $2`, [percent, 2 * n]);
  const titles = [...new Set(rows.map((r, k) => String(r.title ?? '').split(/\s+/).slice(0, 2 + (k % 2)).join(' ')))].filter(Boolean).slice(0, howMany);
  const caught = catchCandidates(shared);
  const results: { title: string; ms: number; queries: { sql: string; params: unknown[]; ms: number; buffers: number }[] }[] = [];
  const modes = process.argv.includes('--compare') ? ['plan', 'noplan'] : ['plan'];
  const byMode = new Map<string, number[]>(modes.map((m) => [m, []]));
  const buffersByMode = new Map<string, number[]>(modes.map((m) => [m, []]));
  let answer = '';
  let differing = 0;
  for (const title of titles) for (const mode of modes) {
    if (mode === 'noplan') process.env.LITLENS_PG_INDEX_ONLY = '1';
    else delete process.env.LITLENS_PG_INDEX_ONLY;
    (shared as unknown as { answers: Map<string, unknown> }).answers.clear();
    caught.length = 0;
    const t0 = performance.now();
    const hits = (await shared.search(title, 20)).map((h) => h.paper.key).join(' ');
    if (mode === 'plan') answer = hits;
    else if (hits !== answer) differing++;
    const ms = performance.now() - t0;
    const queries = [];
    for (const q of [...caught]) {
      const plan = ((await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.sql}`, q.params)).rows[0]['QUERY PLAN'] as Plan[])[0];
      queries.push({ ...q, ms: plan['Execution Time'], buffers: plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks'] });
    }
    byMode.get(mode)!.push(queries.reduce((a, q) => a + q.ms, 0));
    buffersByMode.get(mode)!.push(queries.reduce((a, q) => a + q.buffers, 0));
    if (mode === 'plan') results.push({ title, ms, queries });
  }
  if (modes.length > 1) console.log(`top-20 answers differing between the two: ${differing} of ${titles.length}`);
  for (const m of modes) console.log(`${m}: SQL execution summed p50 ${percentile(byMode.get(m)!, 50).toFixed(1)} / p95 ${percentile(byMode.get(m)!, 95).toFixed(1)} ms, buffers p50 ${percentile(buffersByMode.get(m)!, 50)} / p95 ${percentile(buffersByMode.get(m)!, 95)}`);
  const sums = results.map((r) => r.queries.reduce((s, q) => s + q.ms, 0));
  console.log(`${results.length} searches: in-process p50 ${percentile(results.map((r) => r.ms), 50).toFixed(1)} / p95 ${percentile(results.map((r) => r.ms), 95).toFixed(1)} ms; SQL execution summed p50 ${percentile(sums, 50).toFixed(1)} / p95 ${percentile(sums, 95).toFixed(1)} ms; queries per search ${(results.reduce((s, r) => s + r.queries.length, 0) / results.length).toFixed(2)}`);
  const worst = [...results].sort((a, b) => b.queries.reduce((s, q) => s + q.ms, 0) - a.queries.reduce((s, q) => s + q.ms, 0)).slice(0, slowest);
  for (const r of worst) {
    console.log(`"${r.title}": ${r.ms.toFixed(1)} ms in-process; ${r.queries.map((q) => `${q.ms.toFixed(1)} ms / ${q.buffers} buffers [${String(q.params[0]).slice(0, 80)}]`).join('; ')}`);
    if (process.argv.includes('--plan')) {
      for (const q of r.queries) for (const p of (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params)).rows) console.log(`    ${p['QUERY PLAN']}`);
    }
  }
  await db.end();
  await shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
