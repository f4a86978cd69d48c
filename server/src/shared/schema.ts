// A lab's shared corpus in PostgreSQL: the schema both the importer and the language server read,
// and the one way to connect. Everything lives in the schema `litlens`:
//
//   litlens.meta     key → jsonb: "schema" (SCHEMA_VERSION), "averages" (the title and abstract
//                    lengths impacts are normalised by, fixed by the first import), "stats"
//                    (papers, when), "field" (the field rule's bar and the paper count it was
//                    drawn at: gate.ts fieldBar; optional, a reader computes it when absent or
//                    stale), "import:<file>" (how far an import of that file got)
//   litlens.papers   id (the cite key, e.g. arXiv:2101.00001), entry (the whole Paper as JSON:
//                    cards, Copy BibTeX and the .bib writer read it), tsv (weighted tsvector, GIN),
//                    typed (tsv's lexemes labelled A, B or D: the fields typed text is matched
//                    in, with its own small GIN index; version 2)
//   litlens.terms    stem → df (documents holding it) and max_impact (its best impact anywhere):
//                    the global statistics LitLens' BM25F ranks with, rebuilt after each import
//   litlens.impacts  stem → max_impact as the import goes (merged into terms at its end)
//   litlens.top      stem → ids, impacts: a common term's best papers by its impact (the ranking's
//                    own BM25F score of the term in the paper), best first; rebuilt with terms
//                    (version 3)
//
// The tsvector holds LitLens' own terms (search/text.ts: folded words, English stopwords out, Porter
// stems), not PostgreSQL's english configuration: candidates are then exactly the papers sharing a
// term with the query as LitLens reads it. Each lexeme carries one position, the term's impact in
// the paper (1..255, as the embedded index stores it), and a weight label for the best field it
// occurs in: A title, B authors, C abstract, D venue and key words. Query with the 'simple'
// configuration: `tsv @@ to_tsquery('simple', 'attent | transform')`.
//
// No password in settings: the URL names user, host, port and database; the password comes from
// PGPASSWORD or ~/.pgpass (findPassword).
import { readFile, stat } from 'node:fs/promises';
import pg from 'pg';
import * as pgpass from 'pgpass/lib/helper';

/**
 * Bump when the tables or what a row means change. A server reads this version and the one
 * before (READS_VERSIONS); the importer migrates version 1 in place (MIGRATE_V1_SQL).
 *   1  papers (id, entry, tsv, source, line, updated)
 *   2  + typed (tsv's A, B, D lexemes, GIN), and a narrow heap: entry out of line (toasted),
 *      tsv and typed in the row (STORAGE MAIN), so a candidate scan reads no TOAST and few pages
 *   3  + top (each common term's best papers by impact: SharedCorpus.contextCandidates)
 */
export const SCHEMA_VERSION = 3;
export const READS_VERSIONS: readonly number[] = [1, 2, 3];

/**
 * Terms held by more than topDf(papers) papers get a list in litlens.top of about their TOP_PAPERS
 * best papers by impact (at most twice that: ties at the cut are kept until then). A query's
 * candidates are the papers holding its rarer terms (the GIN index) and its common terms' lists,
 * so BM25F's best papers are not left outside a cap that ts_rank filled (1M papers: context top-10
 * overlap with the embedded ranking 0.57-0.64 before; docs/postgresql.md).
 */
export const TOP_DF = 1000;
export const TOP_PAPERS = 1000;
/** The df above which a term has a list: TOP_DF, or a hundredth of a small corpus's papers. */
export function topDf(papers: number): number {
  return Math.min(TOP_DF, Math.floor(papers / 100));
}
/** Percent of the papers the lists' cuts are estimated from (the impacts' distribution per term). */
const TOP_SAMPLE_PERCENT = 2;

/**
 * The papers table. Rows are kept narrow for the candidate scans (a bitmap heap scan of a few
 * thousand rows): toast_tuple_target 256 sends every entry out of line (it is read for the final
 * 200 only), STORAGE MAIN keeps tsv and typed in the row (read for every candidate; typed left
 * EXTENDED went out of line too, since tsv keeps the row above the target: 9 buffers a row at 1M).
 */
const PAPERS_TABLE = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  id text PRIMARY KEY,
  entry jsonb NOT NULL,
  tsv tsvector NOT NULL,
  typed tsvector NOT NULL,
  source text NOT NULL,
  line integer NOT NULL,
  updated timestamptz NOT NULL DEFAULT now()
) WITH (toast_tuple_target = 256);
ALTER TABLE ${name} ALTER COLUMN tsv SET STORAGE MAIN, ALTER COLUMN typed SET STORAGE MAIN;`;

/** The typed fields' lexemes of a stored tsv (title A, authors B, venue and key D). */
export const TYPED_OF = (tsv: string) => `ts_filter(${tsv}, '{a,b,d}')`;

/** Full-text indexes; the importer drops them before loading an empty table and creates them after. */
export const INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS papers_tsv ON litlens.papers USING gin (tsv);
CREATE INDEX IF NOT EXISTS papers_typed ON litlens.papers USING gin (typed);`;

/**
 * Version 1 to 2, in one transaction: the rows copied into a table of the new layout (entries and
 * vectors stored anew), typed filled from tsv, the indexes built once. Readers see 1 or 2.
 */
export const MIGRATE_V1_SQL = `
ALTER TABLE litlens.papers RENAME TO papers_v1;
ALTER INDEX litlens.papers_pkey RENAME TO papers_v1_pkey;
DROP INDEX IF EXISTS litlens.papers_tsv;
${PAPERS_TABLE('litlens.papers')}
INSERT INTO litlens.papers (id, entry, tsv, typed, source, line, updated)
  SELECT id, entry, tsv, ${TYPED_OF('tsv')}, source, line, updated FROM litlens.papers_v1;
DROP TABLE litlens.papers_v1;
${INDEXES_SQL}
UPDATE litlens.meta SET value = '2' WHERE key = 'schema';`;

/** Version 2 to 3: the lists' table (filled by BUILD_TOP_SQL, which the migration runs after). */
export const TOP_TABLE_SQL = `CREATE TABLE IF NOT EXISTS litlens.top (stem text PRIMARY KEY, ids text[] NOT NULL, impacts smallint[] NOT NULL);`;

/**
 * litlens.top from the stored rows and litlens.terms of a corpus of `papers` (within the caller's transaction). Each listed
 * term's cut (the impact above which about TOP_PAPERS of its papers lie) is estimated from a
 * sample of the rows (a term the sample missed: all its papers), then one pass over the table keeps the postings at or above their term's cut,
 * best first (ties in file order), at most twice TOP_PAPERS: no sort of every posting.
 */
export const BUILD_TOP_SQL = (papers: number) => `
TRUNCATE litlens.top;
CREATE TEMP TABLE top_cut ON COMMIT DROP AS
  SELECT t.stem, COALESCE(h.cut, 1) AS cut
  FROM litlens.terms t LEFT JOIN (
    SELECT stem, COALESCE(max(impact) FILTER (WHERE above * ${100 / TOP_SAMPLE_PERCENT} >= ${TOP_PAPERS}), min(impact)) AS cut
    FROM (SELECT u.lexeme AS stem, u.positions[1] AS impact, sum(count(*)) OVER (PARTITION BY u.lexeme ORDER BY u.positions[1] DESC) AS above
          FROM litlens.papers p TABLESAMPLE SYSTEM (${TOP_SAMPLE_PERCENT}) REPEATABLE (1), unnest(p.tsv) u
          GROUP BY 1, 2) s
    GROUP BY stem) h ON h.stem = t.stem
  WHERE t.df > ${topDf(papers)};
ANALYZE top_cut;
INSERT INTO litlens.top (stem, ids, impacts)
  SELECT stem, (array_agg(id))[1:${2 * TOP_PAPERS}], (array_agg(impact))[1:${2 * TOP_PAPERS}]
  FROM (SELECT u.lexeme COLLATE "C" AS stem, p.id, u.positions[1] AS impact
        FROM litlens.papers p, unnest(p.tsv) u JOIN top_cut c ON c.stem = u.lexeme
        WHERE u.positions[1] >= c.cut
        ORDER BY 1, 3 DESC, p.line) x
  GROUP BY stem;`;

/** The schema and its meta table (any version keeps these). */
export const META_SQL = `
CREATE SCHEMA IF NOT EXISTS litlens;
CREATE TABLE IF NOT EXISTS litlens.meta (key text PRIMARY KEY, value jsonb NOT NULL);`;

/** The current version's tables, where there are none yet. */
export const SCHEMA_SQL = `
${PAPERS_TABLE('litlens.papers')}
${INDEXES_SQL}
CREATE TABLE IF NOT EXISTS litlens.terms (stem text PRIMARY KEY, df integer NOT NULL, max_impact smallint NOT NULL);
CREATE TABLE IF NOT EXISTS litlens.impacts (stem text PRIMARY KEY, max_impact smallint NOT NULL);
${TOP_TABLE_SQL}
INSERT INTO litlens.meta VALUES ('schema', '${SCHEMA_VERSION}') ON CONFLICT (key) DO NOTHING;
`;

/** Is this a settings or --corpus entry naming a shared corpus rather than a file? */
export function isSharedCorpusUrl(entry: string): boolean {
  return /^postgres(ql)?:\/\//i.test(entry.trim());
}

/**
 * The URL as written, or why it cannot be used: it must name a database, and must not hold a
 * password (settings are shared in workspaces and dotfiles; use PGPASSWORD or ~/.pgpass).
 */
export function checkUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return `not a URL: ${url}`;
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) return `not a postgresql:// URL: ${url}`;
  if (parsed.password) return 'the URL holds a password: leave it out and set PGPASSWORD or a ~/.pgpass line';
  if (!parsed.pathname || parsed.pathname === '/') return `no database in the URL (postgresql://USER@HOST[:PORT]/DB): ${url}`;
  return null;
}

/** The URL for messages: never with a password. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * The connection's startup options: scans read the table from its start (SharedCorpus.fetch: the
 * first rows matching, as the index gives them), after any `options=` the user's URL gives. pg lets
 * a URL's `options` replace the pool's, so it is taken out of the URL and joined here.
 */
export function sessionOptions(url: string): { url: string; options: string } {
  const ours = '-c synchronize_seqscans=off';
  try {
    const u = new URL(url);
    const given = u.searchParams.get('options');
    if (given === null) return { url, options: ours };
    u.searchParams.delete('options');
    return { url: u.toString(), options: `${given} ${ours}` };
  } catch {
    return { url, options: ours };
  }
}

/** The error of a server asking for a password when none was found (describeError words it). */
export class NoPassword extends Error {
  readonly code = 'LITLENS_NO_PASSWORD';
}

/**
 * The password for a server that asks for one (node-postgres calls this only then): PGPASSWORD
 * when set and not empty, else the first line of ~/.pgpass (or PGPASSFILE) for this connection,
 * as libpq reads them: `*` matches anything, a Unix socket's directory is `localhost`, a file that
 * group or others may read is ignored. Ours, not node-postgres's: its own lookup is deprecated (a
 * warning on every run that found a line), let a later matching line win over the first, and,
 * finding nothing, failed later with "client password must be a string".
 */
export async function findPassword(params: { host?: string; port?: number; database?: string; user?: string }): Promise<string> {
  const given = process.env.PGPASSWORD;
  if (given) return given;
  const file = pgpass.getFileName(process.env);
  let text: string;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) throw new NoPassword(`the server asks for a password and ${file} was not read: group or others may read it (chmod 600 ${file})`);
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof NoPassword) throw err;
    text = '';
  }
  const connection = params.host?.startsWith('/') ? { ...params, host: 'localhost' } : params;
  for (const line of text.split(/\r?\n/)) {
    const entry = pgpass.parseLine(line);
    if (entry && pgpass.isValidEntry(entry) && pgpass.match(connection, entry)) {
      if (entry.password) return entry.password;
      break;
    }
  }
  throw new NoPassword('the server asks for a password and none was found');
}

/**
 * node-postgres's client with the password from findPassword (one given in PGPASSWORD, read by
 * node-postgres, stays), and closing its socket when connecting fails: on a failure of the
 * client's own (no password, a SCRAM error) node-postgres and its pool leave the socket open, and
 * the server waits for the rest of the handshake until its authentication_timeout (60 s): a CLI
 * run did not exit until then, and each of a server's retries kept one more socket open.
 */
class SharedClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super(config);
    // The URL's parts replace a config's password, so it is set here (node-postgres calls a function when the server asks).
    if (typeof this.password !== 'string') (this as { password?: unknown }).password = () => findPassword({ host: this.host, port: this.port, database: this.database, user: this.user });
  }

  override connect(): Promise<pg.Client>;
  override connect(callback: (err: Error | null, client?: pg.Client) => void): void;
  override connect(callback?: (err: Error | null, client?: pg.Client) => void): Promise<pg.Client> | void {
    const closing = (err: Error | null) => {
      if (err) this.connection.stream.destroy();
    };
    if (!callback) return super.connect().catch((err: Error) => (closing(err), Promise.reject(err)));
    super.connect((err: Error | null) => (closing(err), callback(err, this)));
  }
}

/** A small pool: the server asks one question at a time per feature; connecting fails within `connectMs`. */
export function connect(url: string, options: { max?: number; connectMs?: number; statementMs?: number } = {}): pg.Pool {
  const session = sessionOptions(url);
  const pool = new pg.Pool({
    Client: SharedClient,
    connectionString: session.url,
    max: options.max ?? 2,
    connectionTimeoutMillis: options.connectMs ?? 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementMs,
    application_name: 'litlens',
    options: session.options,
  });
  // An idle client losing its server (a restart) must not take the process with it.
  pool.on('error', () => {});
  return pool;
}

/** What a server needs before its first query: the schema version, the averages, the size. */
export interface SharedMeta {
  schema: number;
  averages: { title: number; abstract: number };
  papers: number;
  /** The field rule's bar (gate.ts fieldBar) the import stored for this many papers; absent: computed by the reader. */
  fieldBar?: number;
}

/** Reads litlens.meta; a string says why the database is not a LitLens corpus (yet). */
export async function readMeta(db: pg.Pool | pg.PoolClient): Promise<SharedMeta | string> {
  let rows: { key: string; value: unknown }[];
  try {
    rows = (await db.query("SELECT key, value FROM litlens.meta WHERE key IN ('schema', 'averages', 'stats', 'field')")).rows;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01' || (err as { code?: string }).code === '3F000') return 'no LitLens corpus in this database (run `litlens corpus import FILE --to URL`)';
    throw err;
  }
  const meta = new Map(rows.map((r) => [r.key, r.value]));
  const schema = Number(meta.get('schema'));
  if (!READS_VERSIONS.includes(schema)) return `schema version ${schema}, this LitLens reads versions ${READS_VERSIONS.join(' and ')}`;
  const averages = meta.get('averages') as SharedMeta['averages'] | undefined;
  const stats = meta.get('stats') as { papers: number } | undefined;
  if (!averages || !stats) return 'the corpus has not finished its first import';
  const field = meta.get('field') as { bar: number; papers: number } | undefined;
  return { schema, averages, papers: stats.papers, fieldBar: field?.papers === stats.papers ? field.bar : undefined };
}

/**
 * Why this role cannot read the corpus (undefined: it can): the tables a reader queries (the
 * papers, the statistics, version 3's lists) that it may not SELECT from, checked once at connect,
 * so that a missing grant is a message rather than every query failing (the shared papers left
 * out in silence). An upgrade that adds a table (version 3's litlens.top) without the default
 * privileges docs/postgresql.md gives is the usual cause.
 */
export async function unreadable(db: pg.Pool | pg.PoolClient, meta: SharedMeta, url: string): Promise<string | undefined> {
  const tables = ['papers', 'terms', ...(meta.schema >= 3 ? ['top'] : [])];
  const { rows } = await db.query<{ role: string; denied: string[] }>(
    "SELECT current_user AS role, ARRAY(SELECT 'litlens.' || t FROM unnest($1::text[]) t WHERE NOT has_table_privilege('litlens.' || t, 'SELECT')) AS denied",
    [tables],
  );
  const { role, denied } = rows[0]!;
  return denied.length ? `${displayUrl(url)}: role ${role} may not read ${denied.join(', ')} (${grantAdvice('table', role, url)})` : undefined;
}

/** The grant docs/postgresql.md gives a member role, for a missing privilege on the schema or its tables. */
function grantAdvice(on: 'schema' | 'table', role: string, url: string): string {
  const database = databaseOf(url);
  const grant = on === 'schema' ? `GRANT USAGE ON SCHEMA litlens TO ${role}` : `GRANT SELECT ON ALL TABLES IN SCHEMA litlens TO ${role}`;
  return `the lab grants it in database ${database}: ${grant}; see docs/postgresql.md, "A read-only role for members"`;
}

/** The database a URL names. */
function databaseOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || 'litlens';
  } catch {
    return 'litlens';
  }
}

/** The user a URL names ('' when none). */
function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return '';
  }
}

/** A connection problem in one line (the server's status and log; the CLI's stderr). */
export function describeError(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string };
  const where = displayUrl(url);
  if (e.code === 'ECONNREFUSED') return `${where}: no PostgreSQL server answers (connection refused)`;
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `${where}: unknown host`;
  if (e.code === '28P01') return `${where}: password authentication failed (check PGPASSWORD or ~/.pgpass)`;
  if (err instanceof NoPassword) return `${where}: ${e.message}${/none was found/.test(e.message ?? '') ? ' (set PGPASSWORD or add a ~/.pgpass line)' : ''}`;
  if (e.code === '28000') return `${where}: this role may not connect (${e.message})`;
  if (e.code === '3D000') return `${where}: ${e.message}`;
  if (e.code === '42501') {
    const role = userOf(url) || process.env.PGUSER || 'the role';
    return `${where}: ${e.message} (${grantAdvice(/for schema/.test(e.message ?? '') ? 'schema' : 'table', role, url)})`;
  }
  if (/timeout/i.test(e.message ?? '')) return `${where}: no answer in time (${e.message})`;
  return `${where}: ${e.message ?? String(err)}`;
}
