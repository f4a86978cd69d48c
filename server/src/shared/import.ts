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
import { arxivCategories, categoriesInLine, categoryFilter, type ArxivRecord } from '../library/arxiv';
import type { LoadIssue, Paper } from '../library/paper';
import { detectFormat, paperOfRecord, type StreamFormat } from '../library/stream';
import { AVERAGE_SAMPLE, averageLengths, keyWords, segmentBuilder } from '../search/segment';
import { STOPWORDS, indexWords, stem } from '../search/text';
import { INDEXES_SQL, META_SQL, MIGRATE_V1_SQL, SCHEMA_SQL, SCHEMA_VERSION, TYPED_OF } from './schema';

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
    const client = await db.connect();
    try {
      await client.query("BEGIN; SET LOCAL maintenance_work_mem = '256MB'");
      await client.query(MIGRATE_V1_SQL);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    log(`migrated to schema version 2 (${((performance.now() - started) / 1000).toFixed(1)} s)`);
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
  let averages = ((await db.query("SELECT value FROM litlens.meta WHERE key = 'averages'")).rows[0]?.value ?? null) as { title: number; abstract: number } | null;
  // Into an empty table the GIN index is built once at the end (much faster than row by row).
  const empty = (await db.query('SELECT NOT EXISTS (SELECT 1 FROM litlens.papers) AS empty')).rows[0].empty as boolean;
  if (empty) await db.query('DROP INDEX IF EXISTS litlens.papers_tsv, litlens.papers_typed');
  let papers = 0;
  let resumed = 0;
  // One batch is written while the next is read and prepared.
  let writing: Promise<void> = Promise.resolve();
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
    let batch: Paper[] = [];
    let lastLine = 0;
    const flush = async () => {
      if (batch.length === 0 && lastLine <= skipTo) return;
      if (batch.length > 0) averages ??= averageLengths(batch.slice(0, AVERAGE_SAMPLE));
      const prepared = batch.length > 0 ? rows(batch, averages!, file) : null;
      const count = batch.length;
      batch = [];
      await writing;
      writing = writeBatch(db, prepared, averages, { key: mark, value: { size, mtimeMs, line: lastLine } }).then(() => {
        papers += count;
        progress.papers += count;
        options.onProgress?.({ ...progress });
      });
    };
    let line = 0;
    for await (const text of linesOf(file)) {
      line++;
      progress.lines = line;
      progress.bytes += Buffer.byteLength(text) + 1;
      if (options.signal?.aborted) throw new Error('import cancelled');
      if (line <= skipTo) {
        resumed++;
        continue;
      }
      lastLine = line;
      if (!text.trim()) continue;
      if (keep) {
        const quick = categoriesInLine(text);
        if (quick && !keep(quick)) {
          progress.filtered++;
          continue;
        }
      }
      const read = paperOfRecord(format as StreamFormat, file, text, line);
      if (typeof read === 'string') {
        progress.skipped++;
        report({ file, line, severity: 'error', message: `${read}; skipped` });
        continue;
      }
      if (keep && !passes(text, keep)) {
        progress.filtered++;
        continue;
      }
      batch.push(read.paper);
      if (batch.length >= BATCH_PAPERS) await flush();
    }
    await flush();
    await writing;
  }
  if (hidden > 0) issues.push({ file: files.at(-1) ?? '', line: 0, severity: 'error', message: `${hidden} more bad lines not listed` });
  await db.query(`SET maintenance_work_mem = '256MB'; ${INDEXES_SQL}`);
  const total = await rebuildStatistics(db);
  return { papers, total, resumed, issues, seconds: (performance.now() - started) / 1000 };
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

/** The category test on a parsed line (when the quick test on its text could not tell). */
function passes(text: string, keep: (c: readonly string[]) => boolean): boolean {
  if (categoriesInLine(text)) return true; // already passed the quick test
  try {
    return keep(arxivCategories(JSON.parse(text) as ArxivRecord));
  } catch {
    return false;
  }
}

/** One row of litlens.papers for COPY (text format), and the batch's best impacts. */
function rows(batch: readonly Paper[], averages: { title: number; abstract: number }, source: string): { copy: string; impacts: Map<string, number> } {
  // The segment builder computes impacts exactly as the embedded index does; its postings are read back per paper.
  const builder = segmentBuilder(averages);
  for (const p of batch) builder.add(p);
  const ctx = builder.finish('', batch).ctx;
  const lexemes: string[][] = batch.map(() => []);
  const impacts = new Map<string, number>();
  const fieldOf = batch.map(fieldLabels);
  const terms = ctx.terms as readonly string[]; // built here: strings, never packed
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t];
    // Quoted once per term, not per posting (rows()' own CPU for 20k papers: 2.4 -> 2.0 s).
    const lexeme = `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}':`;
    let best = 0;
    for (let i = ctx.offsets[t]; i < ctx.offsets[t + 1]; i++) {
      const doc = ctx.docs[i];
      const impact = ctx.impacts[i];
      if (impact > best) best = impact;
      lexemes[doc].push(`${lexeme}${impact}${fieldOf[doc].get(term) ?? 'D'}`);
    }
    impacts.set(term, best);
  }
  const out: string[] = [];
  for (const [doc, p] of batch.entries()) {
    const entry = JSON.stringify({ ...p, origin: undefined });
    out.push(`${copyText(p.key)}\t${copyText(entry)}\t${copyText(lexemes[doc].join(' '))}\t${copyText(source)}\t${p.origin.line}\n`);
  }
  return { copy: out.join(''), impacts };
}

/** Each stem's best field as a tsvector weight: A title, B authors, C abstract (D otherwise). */
function fieldLabels(p: Paper): Map<string, string> {
  const labels = new Map<string, string>();
  const mark = (text: string | undefined, label: string) => {
    if (!text) return;
    indexWords(text, (w) => {
      if (STOPWORDS.has(w)) return;
      const s = stem(w);
      if (!labels.has(s)) labels.set(s, label);
    });
  };
  mark(p.title, 'A');
  mark(p.authors.join(' '), 'B');
  mark(p.abstract, 'C');
  mark(`${p.venue ?? ''} ${keyWords(p.key)}`, 'D');
  return labels;
}

/** COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

async function writeBatch(db: pg.Pool, prepared: ReturnType<typeof rows> | null, averages: { title: number; abstract: number } | null, mark: { key: string; value: unknown }): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    if (averages && prepared) {
      await client.query("INSERT INTO litlens.meta VALUES ('averages', $1) ON CONFLICT (key) DO NOTHING", [JSON.stringify(averages)]);
      const { copy, impacts } = prepared;
      await client.query('CREATE TEMP TABLE IF NOT EXISTS papers_load (id text, entry jsonb, tsv tsvector, source text, line integer) ON COMMIT DELETE ROWS');
      await pipeline(Readable.from([copy]), client.query(copyFrom('COPY papers_load FROM STDIN')));
      // A key twice in one batch (a snapshot listing a paper twice): the later line wins.
      await client.query(`INSERT INTO litlens.papers (id, entry, tsv, typed, source, line)
        SELECT DISTINCT ON (id) id, entry, tsv, ${TYPED_OF('tsv')}, source, line FROM papers_load ORDER BY id, line DESC
        ON CONFLICT (id) DO UPDATE SET entry = EXCLUDED.entry, tsv = EXCLUDED.tsv, typed = EXCLUDED.typed, source = EXCLUDED.source, line = EXCLUDED.line, updated = now()
        WHERE litlens.papers.entry IS DISTINCT FROM EXCLUDED.entry`);
      await client.query(
        `INSERT INTO litlens.impacts SELECT * FROM unnest($1::text[], $2::smallint[])
         ON CONFLICT (stem) DO UPDATE SET max_impact = GREATEST(litlens.impacts.max_impact, EXCLUDED.max_impact)`,
        [[...impacts.keys()], [...impacts.values()]],
      );
    }
    await client.query('INSERT INTO litlens.meta VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value', [mark.key, JSON.stringify(mark.value)]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The field rule's bar (SharedCorpus.drawFieldBar) for readers, with the paper count it was drawn at. */
export async function storeFieldBar(db: pg.Pool, bar: number, papers: number): Promise<void> {
  await db.query("INSERT INTO litlens.meta VALUES ('field', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [JSON.stringify({ bar, papers })]);
}

/** litlens.terms and the paper count from the papers as they are now; one transaction, so readers see old or new. */
export async function rebuildStatistics(db: pg.Pool): Promise<number> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('TRUNCATE litlens.terms');
    await client.query(`INSERT INTO litlens.terms (stem, df, max_impact)
      SELECT s.word, s.ndoc, COALESCE(i.max_impact, 255) FROM ts_stat('SELECT tsv FROM litlens.papers') s LEFT JOIN litlens.impacts i ON i.stem = s.word`);
    const total = Number((await client.query('SELECT count(*) AS n FROM litlens.papers')).rows[0].n);
    await client.query("INSERT INTO litlens.meta VALUES ('stats', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [JSON.stringify({ papers: total, at: new Date().toISOString() })]);
    await client.query('COMMIT');
    await client.query('ANALYZE litlens.terms');
    return total;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
