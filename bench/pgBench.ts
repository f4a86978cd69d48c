// What the PostgreSQL benches (bench/pg-*.ts) share: `--name value` flags, the shared corpus's URL
// every one of them needs (its usage line printed when it is missing), and the connections they open.
import pg from 'pg';
import { SharedCorpus } from '../server/src/shared/corpus';

/** The value after `--name`, else `def`. */
export function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** The `--url` given, or the usage printed and exit 2. */
export function urlArg(usage: string): string {
  const url = arg('--url');
  if (!url) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return url;
}

/** The corpus as the server opens it, and a plain client for the bench's own SQL. */
export async function openBoth(url: string): Promise<{ shared: SharedCorpus; db: pg.Client }> {
  const shared = new SharedCorpus(url, { statementMs: 60_000 });
  if (!(await shared.open())) throw new Error(shared.message);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return { shared, db };
}

/** The candidate queries (those ranking with ts_rank, and the lists' of litlens.top) the corpus sends, caught on their way to its pool; empty the array between requests. */
export function catchCandidates(shared: SharedCorpus): { sql: string; params: unknown[] }[] {
  const caught: { sql: string; params: unknown[] }[] = [];
  const pool = (shared as unknown as { pool: pg.Pool }).pool;
  const send = pool.query.bind(pool) as (sql: string, params: unknown[]) => Promise<pg.QueryResult>;
  (pool as unknown as { query: typeof send }).query = (sql, params) => {
    if (sql.includes('ts_rank') || sql.includes('litlens.top')) caught.push({ sql, params });
    return send(sql, params);
  };
  return caught;
}
