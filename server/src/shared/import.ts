// `litlens corpus import`: arXiv snapshots and CSL JSON lines into a shared corpus (schema.ts).
//
//   const report = await importCorpus(pool, files, { categories, onProgress });
//
// Each batch of BATCH_PAPERS papers is one transaction: COPY into a temporary table, upsert by id
// into litlens.papers (a newer snapshot updates its papers in place), raise litlens.impacts, and
// record the last line done in litlens.meta ("import:<file>", with the file's size and mtime). An
// interrupted import run again on the same file continues after that line; on a changed file it
// starts over, which upserts safely. At the end litlens.terms (document frequencies, best impacts)
// and the paper count are rebuilt from the table itself, so they are right whatever was
// interrupted or imported twice. The file is read line by line with backpressure: the database
// sets the pace and memory stays flat.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { categoriesInLine, categoryFilter } from '../library/arxiv';
import type { LoadIssue } from '../library/paper';
import { detectFormat } from '../library/stream';
import { startThread } from '../thread';
import type { Averages, BatchRequest, BatchRows } from './importRows';
import { BUILD_TOP_SQL, INDEXES_SQL, META_SQL, MIGRATE_V1_SQL, SCHEMA_SQL, SCHEMA_VERSION, TOP_TABLE_SQL, TYPED_OF } from './schema';

/** Papers per transaction: large enough for COPY to pay, small enough that an interruption loses little. */
export const BATCH_PAPERS = 5000;

export interface ImportProgress {
  file: string;
  lines: number;
  papers: number;
  filtered: number;
  skipped: number;
  bytes: number;
  totalBytes: number;
}

export interface ImportOptions {
  categories?: readonly string[];
  onProgress?: (p: ImportProgress) => void;
  /** Bad lines reported one by one (default 100), the rest counted. */
  maxIssues?: number;
  signal?: AbortSignal;
  /** A line for the user (a schema migration). */
  log?: (message: string) => void;
}

export interface ImportReport {
  papers: number;
  /** Papers in the corpus after the import. */
  total: number;
  /** Lines skipped because an earlier run of the same file had committed them. */
  resumed: number;
  issues: LoadIssue[];
  seconds: number;
}

/**
 * Creates the schema when absent, migrates version 1 in place (one transaction; says so on
 * `log`), refuses a newer one.
 */
export async function ensureSchema(db: pg.Pool, log: (message: string) => void = () => {}): Promise<void> {
  await db.query(META_SQL);
  const found = (await db.query("SELECT value FROM litlens.meta WHERE key = 'schema'")).rows[0]?.value as number | undefined;
  if (found !== undefined && found > SCHEMA_VERSION) throw new Error(`schema version ${found}, this LitLens writes version ${SCHEMA_VERSION}`);
  if (found === 1) {
    const started = performance.now();
    log('migrating the schema from version 1 to 2 (the typed fields\' index, a narrow table) ...');
    await inTransaction(db, "BEGIN; SET LOCAL maintenance_work_mem = '256MB'", (client) => client.query(MIGRATE_V1_SQL));
    log(`migrated to schema version 2 (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (found === 1 || found === 2) {
    const started = performance.now();
    log('migrating the schema from version 2 to 3 (each common term\'s best papers) ...');
    await inTransaction(db, TOP_BEGIN, async (client) => client.query(`${TOP_TABLE_SQL} ${BUILD_TOP_SQL(Number((await client.query('SELECT count(*) AS n FROM litlens.papers')).rows[0].n))} UPDATE litlens.meta SET value = '3' WHERE key = 'schema';`));
    await db.query('ANALYZE litlens.top');
    log(`migrated to schema version 3 (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  await db.query(SCHEMA_SQL);
}

export async function importCorpus(db: pg.Pool, files: readonly string[], options: ImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  await ensureSchema(db, options.log);
  const issues: LoadIssue[] = [];
  const maxIssues = options.maxIssues ?? 100;
  let hidden = 0;
  const report = (issue: LoadIssue) => (issues.length < maxIssues ? issues.push(issue) : hidden++);
  let averages = ((await db.query("SELECT value FROM litlens.meta WHERE key = 'averages'")).rows[0]?.value ?? null) as Averages | null;
  // Into an empty table the GIN index is built once at the end (much faster than row by row).
  const empty = (await db.query('SELECT NOT EXISTS (SELECT 1 FROM litlens.papers) AS empty')).rows[0].empty as boolean;
  if (empty) await db.query('DROP INDEX IF EXISTS litlens.papers_tsv, litlens.papers_typed');
  // The best impacts the database holds: a batch sends only the terms it raises.
  const known = new Map<string, number>();
  for (const r of (await db.query('SELECT stem, max_impact FROM litlens.impacts')).rows as { stem: string; max_impact: number }[]) known.set(r.stem, r.max_impact);
  // Entries are compressed with lz4 where the server has it: its CPU per batch ~16% below pglz's (12k papers).
  const lz4 = (await db.query("SELECT 'lz4' = ANY(enumvals) AS ok FROM pg_settings WHERE name = 'default_toast_compression'")).rows[0]?.ok === true;
  const begin = `BEGIN; SET LOCAL synchronous_commit = off${lz4 ? "; SET LOCAL default_toast_compression = 'lz4'" : ''}`;
  let papers = 0;
  let resumed = 0;
  // The import thread parses and builds batch N+1's rows while this thread streams batch N into
  // PostgreSQL; batches are prepared and written in the order they were read.
  const thread = startThread(__dirname, 'importWorker.js', 'importThreadMain.ts');
  const prepared = batchThread(thread);
  let writing: Promise<void> = Promise.resolve();
  try {
    for (const file of files) {
      const format = await detectFormat(file);
      if (format !== 'arxiv' && format !== 'csl-jsonl') {
        report({ file, line: 0, severity: 'error', message: format === 'csl-json' ? 'a CSL-JSON array: import JSON lines (one item a line)' : format });
        continue;
      }
      const { size, mtimeMs } = await stat(file);
      const mark = `import:${file}`;
      const done = (await db.query('SELECT value FROM litlens.meta WHERE key = $1', [mark])).rows[0]?.value as { size: number; mtimeMs: number; line: number } | undefined;
      const skipTo = done && done.size === size && done.mtimeMs === mtimeMs ? done.line : 0;
      const keep = format === 'arxiv' ? categoryFilter(options.categories ?? []) : null;
      const progress: ImportProgress = { file, lines: 0, papers: 0, filtered: 0, skipped: 0, bytes: 0, totalBytes: size };
      let texts: string[] = [];
      let lines: number[] = [];
      let lastLine = 0;
      let flushed = 0;
      const flush = async () => {
        if (texts.length === 0 && lastLine <= flushed) return;
        flushed = lastLine;
        const ready = prepared({ format, file, categories: options.categories ?? [], texts, lines, averages });
        ready.catch(() => {}); // its failure is reported where it is awaited
        const at = { line: lastLine, bytes: progress.bytes, lines: progress.lines };
        texts = [];
        lines = [];
        const previous = writing;
        writing = (async () => {
          await previous;
          const out = await ready;
          for (const issue of out.issues) report(issue);
          averages ??= out.averages;
          await writeBatch(db, begin, out, known, { key: mark, value: { size, mtimeMs, line: at.line } });
          papers += out.papers;
          Object.assign(progress, { papers: progress.papers + out.papers, filtered: progress.filtered + out.filtered, skipped: progress.skipped + out.issues.length, lines: at.lines, bytes: at.bytes });
          options.onProgress?.({ ...progress });
        })();
        writing.catch(() => {});
        // At most one batch waits for the database while the thread prepares the next.
        await previous;
      };
      let line = 0;
      let bytes = 0;
      for await (const text of linesOf(file)) {
        line++;
        bytes += Buffer.byteLength(text) + 1;
        if (options.signal?.aborted) throw new Error('import cancelled');
        if (line <= skipTo) {
          resumed++;
          continue;
        }
        lastLine = line;
        progress.lines = line;
        progress.bytes = bytes;
        if (!text.trim()) continue;
        if (keep) {
          const quick = categoriesInLine(text);
          if (quick && !keep(quick)) {
            progress.filtered++;
            continue;
          }
        }
        texts.push(text);
        lines.push(line);
        if (texts.length >= BATCH_PAPERS) await flush();
      }
      await flush();
      await writing;
    }
  } finally {
    await writing.catch(() => {});
    await thread.terminate();
  }
  if (hidden > 0) issues.push({ file: files.at(-1) ?? '', line: 0, severity: 'error', message: `${hidden} more bad lines not listed` });
  await db.query(`SET maintenance_work_mem = '256MB'; ${INDEXES_SQL}`);
  const total = await rebuildStatistics(db);
  return { papers, total, resumed, issues, seconds: (performance.now() - started) / 1000 };
}

/** Sends batches to the import thread; each promise is its batch's rows (replies come in order). */
function batchThread(thread: Worker): (req: BatchRequest) => Promise<BatchRows> {
  const waiting: { resolve: (rows: BatchRows) => void; reject: (err: Error) => void }[] = [];
  const fail = (err: Error) => {
    for (const w of waiting.splice(0)) w.reject(err);
  };
  thread.on('message', (rows: BatchRows) => waiting.shift()?.resolve(rows));
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`the import thread stopped (exit code ${code})`)));
  return (req) => new Promise<BatchRows>((resolve, reject) => {
    waiting.push({ resolve, reject });
    thread.postMessage(req);
  });
}

/**
 * The file's lines, read as the consumer asks for them: the stream's own async iterator keeps
 * backpressure (readline's buffered the whole file ahead of a slow database: 1.2 GB at 100k papers).
 */
async function* linesOf(file: string): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (rest) yield rest;
}

/**
 * One batch in one transaction: its rows upserted, the impacts it raises above `known` (the
 * database's, kept up to date here), and how far the file got.
 */
async function writeBatch(db: pg.Pool, begin: string, batch: BatchRows, known: Map<string, number>, mark: { key: string; value: unknown }): Promise<void> {
  const raised: [string[], number[]] = [[], []];
  for (let i = 0; i < batch.terms.length; i++) {
    if ((known.get(batch.terms[i]) ?? -1) >= batch.impacts[i]) continue;
    raised[0].push(batch.terms[i]);
    raised[1].push(batch.impacts[i]);
  }
  // No commit waits for the disk: a batch lost to a server crash is redone by the next run (the mark is in the same transaction).
  await inTransaction(db, begin, async (client) => {
    if (batch.papers > 0) {
      await client.query("INSERT INTO litlens.meta VALUES ('averages', $1) ON CONFLICT (key) DO NOTHING", [JSON.stringify(batch.averages)]);
      await client.query('CREATE TEMP TABLE IF NOT EXISTS papers_load (id text, entry jsonb, tsv tsvector, source text, line integer) ON COMMIT DELETE ROWS');
      await pipeline(Readable.from([batch.copy]), client.query(copyFrom('COPY papers_load FROM STDIN')));
      // A key twice in one batch (a snapshot listing a paper twice): the later line wins.
      await client.query(`INSERT INTO litlens.papers (id, entry, tsv, typed, source, line)
        SELECT DISTINCT ON (id) id, entry, tsv, ${TYPED_OF('tsv')}, source, line FROM papers_load ORDER BY id, line DESC
        ON CONFLICT (id) DO UPDATE SET entry = EXCLUDED.entry, tsv = EXCLUDED.tsv, typed = EXCLUDED.typed, source = EXCLUDED.source, line = EXCLUDED.line, updated = now()
        WHERE litlens.papers.entry IS DISTINCT FROM EXCLUDED.entry`);
      if (raised[0].length > 0) {
        await client.query(
          `INSERT INTO litlens.impacts SELECT * FROM unnest($1::text[], $2::smallint[])
           ON CONFLICT (stem) DO UPDATE SET max_impact = GREATEST(litlens.impacts.max_impact, EXCLUDED.max_impact)`,
          raised,
        );
      }
    }
    await client.query('INSERT INTO litlens.meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [mark.key, JSON.stringify(mark.value)]);
  });
  for (let i = 0; i < raised[0].length; i++) known.set(raised[0][i], Math.max(known.get(raised[0][i]) ?? 0, raised[1][i]));
}

/** The field rule's bar (SharedCorpus.drawFieldBar) for readers, with the paper count it was drawn at. */
export async function storeFieldBar(db: pg.Pool, bar: number, papers: number): Promise<void> {
  await db.query("INSERT INTO litlens.meta VALUES ('field', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [JSON.stringify({ bar, papers })]);
}

/** The lists' build sorts the postings it keeps (~2 per list entry) in memory. */
const TOP_BEGIN = "BEGIN; SET LOCAL work_mem = '256MB'";

/** litlens.terms, litlens.top and the paper count from the papers as they are now; one transaction, so readers see old or new. */
export async function rebuildStatistics(db: pg.Pool): Promise<number> {
  const total = await inTransaction(db, TOP_BEGIN, async (client) => {
    await client.query('TRUNCATE litlens.terms');
    await client.query(`INSERT INTO litlens.terms (stem, df, max_impact)
      SELECT s.word, s.ndoc, COALESCE(i.max_impact, 255) FROM ts_stat('SELECT tsv FROM litlens.papers') s LEFT JOIN litlens.impacts i ON i.stem = s.word`);
    const total = Number((await client.query('SELECT count(*) AS n FROM litlens.papers')).rows[0].n);
    await client.query(BUILD_TOP_SQL(total));
    await client.query("INSERT INTO litlens.meta VALUES ('stats', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [JSON.stringify({ papers: total, at: new Date().toISOString() })]);
    return total;
  });
  await db.query('ANALYZE litlens.terms, litlens.top');
  // The typed column's common lexemes (pg_stats), which the search box's plan reads (SharedCorpus.planTyped).
  await db.query('ANALYZE litlens.papers');
  return total;
}

/** `work` on one connection between `begin` (BEGIN and any SET LOCAL) and COMMIT; rolled back if it throws. */
async function inTransaction<T>(db: pg.Pool, begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
