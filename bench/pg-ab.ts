// Two checkouts' candidate queries for the same sentences, back to back: each sentence's related
// request is sent by this checkout's SharedCorpus and another's (alternating which goes first), and
// every candidate query it sent is run again under EXPLAIN ANALYZE: execution time of the GIN query
// and of the lists' query (they run in parallel: the request waits for the slower), and the GIN
// query's heap rows. Sentences come from the corpus (a page sample, the same for both).
//
//   node --import tsx bench/pg-ab.ts --url postgresql://USER@HOST:PORT/DB --other /path/to/other/checkout [--queries 80] [--seed 23]
import { join, resolve } from 'node:path';
import pg from 'pg';
import { SharedCorpus } from '../server/src/shared/corpus';
import { arg, catchCandidates, urlArg } from './pgBench';

const url = urlArg('bench/pg-ab.ts --url postgresql://… --other DIR [--queries 80] [--seed 23]');
const other = arg('--other');
const howMany = Number(arg('--queries', '80'));
const seed = Number(arg('--seed', '23'));
const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;

interface Node {
  'Node Type': string;
  'Actual Rows': number;
  Plans?: Node[];
}
const heapRows = (n: Node): number => (/Heap Scan|Seq Scan/.test(n['Node Type']) ? n['Actual Rows'] : 0) + (n.Plans ?? []).reduce((a, c) => a + heapRows(c), 0);

async function main(): Promise<void> {
  if (!other) throw new Error('--other DIR: the other checkout (its server/src/shared/corpus.ts is loaded)');
  const Other = ((await import(join(resolve(other), 'server', 'src', 'shared', 'corpus.ts'))) as { SharedCorpus: typeof SharedCorpus }).SharedCorpus;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query<{ abstract: string }>(
    `SELECT entry->>'abstract' AS abstract FROM litlens.papers TABLESAMPLE SYSTEM (0.5) REPEATABLE (${seed}) WHERE entry->>'abstract' <> '' LIMIT $1`,
    [howMany],
  );
  const sides = await Promise.all(
    [['this', SharedCorpus], ['other', Other]].map(async ([name, C]) => {
      const shared = new (C as typeof SharedCorpus)(url, { statementMs: 60_000 });
      if (!(await shared.open())) throw new Error(shared.message);
      return { name: name as string, shared, caught: catchCandidates(shared), gin: [] as number[], lists: [] as number[], slower: [] as number[], rows: [] as number[] };
    }),
  );
  for (const [k, r] of rows.entries()) {
    const text = r.abstract.split(/(?<=[.!?])\s+/).find((x) => x.split(/\s+/).length > 8) ?? r.abstract;
    for (const side of k % 2 ? [...sides].reverse() : sides) {
      side.caught.length = 0;
      await side.shared.related(text, { limit: 10 });
      let gin = 0;
      let lists = 0;
      let heap = 0;
      for (const q of side.caught) {
        const plan = (await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, q.params)).rows[0]['QUERY PLAN'][0] as { 'Execution Time': number; Plan: Node };
        if (q.sql.includes('litlens.top')) lists += plan['Execution Time'];
        else (gin += plan['Execution Time']), (heap += heapRows(plan.Plan));
      }
      side.gin.push(gin);
      side.lists.push(lists);
      side.slower.push(Math.max(gin, lists));
      side.rows.push(heap);
    }
  }
  const ms = (xs: number[]) => `${at(xs, 0.5).toFixed(1)} / ${at(xs, 0.95).toFixed(1)}`;
  console.log(`${rows.length} sentences, p50 / p95 ms of execution (EXPLAIN ANALYZE); heap rows median / p95`);
  for (const s of sides) console.log(`${s.name.padEnd(6)} GIN ${ms(s.gin)}   lists ${ms(s.lists)}   slower of the two ${ms(s.slower)}   GIN heap rows ${at(s.rows, 0.5)} / ${at(s.rows, 0.95)}`);
  await db.end();
  for (const s of sides) await s.shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
