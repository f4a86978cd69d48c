// What a shared corpus's candidate queries cost inside PostgreSQL: each query the server would send
// for a sentence (related, prose hover) or a title beginning (the search box) run again under
// EXPLAIN (ANALYZE, BUFFERS); medians of execution time and buffers touched, and one plan in full.
//
//   node --import tsx bench/pg-explain.ts --url postgresql://USER@HOST:PORT/DB [--queries 30] [--plan]
//
// Sentences and titles are drawn from the corpus itself: the papers first by md5(id), the same
// whatever the table's layout (schema version).
import { arg, catchCandidates, openBoth, urlArg } from './pgBench';

const url = urlArg('bench/pg-explain.ts --url postgresql://… [--queries 30] [--plan]');
const howMany = Number(arg('--queries', '30'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Node {
  'Node Type': string;
  'Actual Rows': number;
  'Shared Hit Blocks': number;
  'Shared Read Blocks': number;
  Plans?: Node[];
}
interface Plan {
  'Execution Time': number;
  'Planning Time': number;
  Plan: Node;
}

/** Rows the plan's heap scans returned (the candidates ranked in SQL). */
const heapRows = (n: Node): number => (/Heap Scan|Seq Scan/.test(n['Node Type']) ? n['Actual Rows'] : 0) + (n.Plans ?? []).reduce((a, c) => a + heapRows(c), 0);

async function main(): Promise<void> {
  const { shared, db } = await openBoth(url);
  const { rows } = await db.query<{ title: string; abstract: string }>(
    `SELECT entry->>'title' AS title, entry->>'abstract' AS abstract FROM litlens.papers
     WHERE id IN (SELECT id FROM litlens.papers ORDER BY md5(id) LIMIT $1) AND entry->>'abstract' <> '' ORDER BY md5(id)`,
    [howMany],
  );
  const caught = catchCandidates(shared);
  const kinds = {
    related: rows.map((r) => r.abstract.split(/(?<=[.!?])\s+/).find((s) => s.split(/\s+/).length >= 8) ?? r.abstract),
    'search box': rows.map((r) => r.title.split(/\s+/).slice(0, 3).join(' ')),
  };
  for (const [kind, texts] of Object.entries(kinds)) {
    // Context candidates (any word) and typed ones (title, authors, key words) apart.
    const stats = new Map<string, { ms: number[]; planning: number[]; buffers: number[]; rows: number[]; shown: boolean }>();
    for (const text of texts) {
      caught.length = 0;
      await (kind === 'related' ? shared.related(text, { limit: 10 }) : shared.search(text, 10));
      for (const q of caught) {
        const name = `${kind}, ${q.sql.includes('litlens.top') ? 'lists' : /:\*ABD/.test(String(q.params[0])) ? 'typed words' : 'context terms'}`;
        const s = stats.get(name) ?? { ms: [], planning: [], buffers: [], rows: [], shown: !process.argv.includes('--plan') };
        stats.set(name, s);
        const plan = ((await db.query(`EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) ${q.sql}`, q.params)).rows[0]['QUERY PLAN'] as Plan[])[0];
        s.ms.push(plan['Execution Time']);
        s.planning.push(plan['Planning Time']);
        s.rows.push(heapRows(plan.Plan));
        s.buffers.push(plan.Plan['Shared Hit Blocks'] + plan.Plan['Shared Read Blocks']);
        if (!s.shown) {
          s.shown = true;
          console.log(`${name}: "${text.slice(0, 60)}…"`);
          for (const r of (await db.query(`EXPLAIN (ANALYZE, BUFFERS, SETTINGS) ${q.sql}`, q.params)).rows) console.log(`  ${r['QUERY PLAN']}`);
        }
      }
    }
    for (const [name, s] of stats) {
      console.log(`${name}: ${s.ms.length} queries, execution median ${median(s.ms).toFixed(1)} ms (max ${Math.max(...s.ms).toFixed(1)}), planning median ${median(s.planning).toFixed(1)} ms (max ${Math.max(...s.planning).toFixed(1)}), buffers median ${median(s.buffers)} (max ${Math.max(...s.buffers)}), heap rows median ${median(s.rows)} (max ${Math.max(...s.rows)})`);
    }
  }
  await db.end();
  await shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
