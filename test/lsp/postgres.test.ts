// A lab's shared corpus end to end, against a real PostgreSQL (scripts/pg.sh; .ci/run starts one
// and sets LITLENS_TEST_PG): `litlens corpus import` of the 1k-record arXiv fixture with a bad line,
// then the real server over JSON-RPC with the URL in litlens.corpora: search, related, the hover
// card of a cited key, completion (local first, the shared papers once they arrive), the entry
// written to the .bib, the server going down and coming back (through a TCP proxy this test
// closes and reopens), a bad URL, a URL with a password, and a read-only role with a wrong and
// a right password. Skipped, saying so, when LITLENS_TEST_PG is unset.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import pg from 'pg';
import { arxivCategories, arxivPaper, categoryFilter, type ArxivRecord } from '../../server/src/library/arxiv';
import { toCslItem } from '../../server/src/library/bibwriter';
import { loadCorpus } from '../../server/src/library/corpus';
import { SearchIndex } from '../../server/src/search';
import { Ranker } from '../../server/src/search/rank';
import { SharedCorpus } from '../../server/src/shared/corpus';
import { topDf } from '../../server/src/shared/schema';
import { NO_ZOTERO, TestClient, addedEntry, assertWholeEntry, buildOnce, hoverCitedKey, positionOf, repoRoot, tempWorkspace, uriOf } from './harness';

const BASE = process.env.LITLENS_TEST_PG;
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');
const CATEGORIES = ['cs.LG', 'stat.ML'];
const records = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ArxivRecord);
const keep = categoryFilter(CATEGORIES)!;
const kept = records.filter((r) => keep(arxivCategories(r)));
const paperOf = (r: ArxivRecord) => arxivPaper(r, FIXTURE, 0) as Exclude<ReturnType<typeof arxivPaper>, string>;

type Shared = { url: string; state: string; papers: number; message?: string };
type Status = { state: string; shared?: Shared[] };
const sharedIs = (state: string) => (s: Status) => s.state === 'ready' && s.shared?.[0]?.state === state;

/** The URL with another database (or user). */
function withDb(url: string, db: string, user?: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  if (user) u.username = user;
  return u.toString();
}

/** A TCP proxy to PostgreSQL that the test takes down (every connection cut) and brings back on the same port. */
class Proxy {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}
  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

describe('language server: a shared corpus in PostgreSQL', function () {
  this.timeout(120000);
  let url: string;
  let ws: string;
  let tex: string;
  let client: TestClient;
  let admin: pg.Client;
  const clients: TestClient[] = [];

  before(async function () {
    if (!BASE) {
      console.log('    (skipped: LITLENS_TEST_PG is not set; scripts/pg.sh start prints a URL for it, .ci/run sets it)');
      this.skip();
    }
    await buildOnce();
    admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    await admin.query('DROP DATABASE IF EXISTS litlens_test WITH (FORCE)');
    await admin.query('CREATE DATABASE litlens_test');
    url = withDb(BASE!, 'litlens_test');
    ws = tempWorkspace('workspace-latex');
    tex = path.join(ws, 'paper.tex');
  });

  after(async () => {
    for (const c of clients) await c.stop();
    await admin?.end();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  const start = async (corpora: string[], env: NodeJS.ProcessEnv = process.env): Promise<TestClient> => {
    const c = TestClient.start(undefined, { ...NO_ZOTERO, ...env });
    clients.push(c);
    c.settings = { corpora, maxSuggestions: 10 };
    const capabilities = { workspace: { configuration: true, workspaceFolders: true, codeLens: { refreshSupport: true }, applyEdit: true }, textDocument: { completion: {}, hover: { contentFormat: ['markdown'] }, codeLens: {} } };
    await c.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: c.settings }, capabilities);
    return c;
  };
  const cli = (...args: string[]) => cliWith(process.env, ...args);
  const cliWith = (env: NodeJS.ProcessEnv, ...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env, cwd: ws }); // in the workspace: `search` reads its .bib as the server does

  it('imports the snapshot: counts on stdout, a bad line with its line number, nothing outside the categories', async () => {
    const snapshot = path.join(ws, 'snapshot.jsonl');
    const lines = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n');
    fs.writeFileSync(snapshot, [...lines.slice(0, 6), '{"id": "2501.0000", "title": oops', ...lines.slice(6)].join('\n') + '\n');
    const run = cli('corpus', 'import', snapshot, '--to', url, '--categories', CATEGORIES.join(','));
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`${snapshot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7: error: invalid JSON`));
    assert.match(run.stdout, new RegExp(`^${kept.length} papers imported; .* holds ${kept.length} papers`));
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const counts = (await db.query('SELECT (SELECT count(*) FROM litlens.papers)::int AS papers, (SELECT count(*) FROM litlens.terms)::int AS terms')).rows[0];
    assert.equal(counts.papers, kept.length);
    assert.ok(counts.terms > 1000, JSON.stringify(counts));
    // Each common term's list (litlens.top): every term held by more than topDf papers has one, best
    // impact first, each impact the paper's own, and no paper outside it holds the term higher.
    const { lists, ...faults } = (await db.query(`SELECT
      (SELECT count(*)::int FROM litlens.top) AS lists,
      (SELECT count(*)::int FROM litlens.terms WHERE df > $1 AND stem NOT IN (SELECT stem FROM litlens.top)) AS missing,
      (SELECT count(*)::int FROM litlens.top WHERE impacts <> ARRAY(SELECT x FROM unnest(impacts) x ORDER BY x DESC)) AS unsorted,
      (SELECT count(*)::int FROM litlens.top t, unnest(t.ids, t.impacts) l(id, impact) JOIN litlens.papers p ON p.id = l.id, unnest(p.tsv) u
        WHERE u.lexeme = t.stem AND u.positions[1] <> l.impact) AS wrong,
      (SELECT count(*)::int FROM litlens.top t, litlens.papers p, unnest(p.tsv) u
        WHERE u.lexeme = t.stem AND NOT p.id = ANY(t.ids) AND u.positions[1] > t.impacts[cardinality(t.impacts)]) AS passed`, [topDf(kept.length)])).rows[0];
    assert.ok(lists > 100, String(lists));
    assert.deepEqual(faults, { missing: 0, unsorted: 0, wrong: 0, passed: 0 });
    // Run again: every line was committed, so nothing is read twice and the count stays.
    const again = cli('corpus', 'import', snapshot, '--to', url, '--categories', CATEGORIES.join(','));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^0 papers imported, 1,001 lines done by an earlier run/);
    assert.equal((await db.query('SELECT count(*)::int AS n FROM litlens.papers')).rows[0].n, kept.length);
    await db.end();
  });

  it('draws the same field bar from the same papers whatever order they were imported in', async () => {
    const lines = fs.readFileSync(FIXTURE, 'utf8').trim().split('\n');
    const bars: number[] = [];
    for (const [name, order] of [['litlens_forward', lines], ['litlens_reversed', [...lines].reverse()]] as const) {
      const file = path.join(ws, `${name}.jsonl`);
      fs.writeFileSync(file, order.join('\n') + '\n');
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
      const run = cli('corpus', 'import', file, '--to', withDb(BASE!, name));
      assert.equal(run.status, 0, run.stderr);
      const db = new pg.Client({ connectionString: withDb(BASE!, name) });
      await db.connect();
      bars.push(((await db.query("SELECT value FROM litlens.meta WHERE key = 'field'")).rows[0].value as { bar: number }).bar);
      await db.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    }
    assert.ok(bars[0] > 0, JSON.stringify(bars));
    assert.equal(bars[1], bars[0]);
  });

  it('reads a schema version 1 corpus, and `corpus migrate` brings it to version 3 in place', async () => {
    // A version 1 corpus: the imported one as version 1 wrote it (no typed column).
    await admin.query('DROP DATABASE IF EXISTS litlens_v1 WITH (FORCE)');
    await admin.query('CREATE DATABASE litlens_v1 TEMPLATE litlens_test');
    const v1 = withDb(url, 'litlens_v1');
    const db = new pg.Client({ connectionString: v1 });
    await db.connect();
    await db.query("DROP INDEX litlens.papers_typed; ALTER TABLE litlens.papers DROP COLUMN typed; DROP TABLE litlens.top; UPDATE litlens.meta SET value = '1' WHERE key = 'schema'");
    const wanted = paperOf(kept[2]);
    const reader = await start([v1]);
    assert.equal((await reader.waitFor<Status>('litlens/status', sharedIs('ready'), 30000)).shared![0].papers, kept.length);
    assert.ok((await reader.request<{ key: string }[]>('litlens/search', { query: wanted.title, limit: 5 })).some((h) => h.key === wanted.key), 'version 1 is searched');

    const run = cli('corpus', 'migrate', '--to', v1);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /migrated to schema version 2[^]*migrated to schema version 3/);
    const after = (await db.query(`SELECT (SELECT value FROM litlens.meta WHERE key = 'schema')::int AS schema, count(*)::int AS papers,
      count(*) FILTER (WHERE typed = ts_filter(tsv, '{a,b,d}') AND length(typed) > 0)::int AS typed,
      (SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'litlens' AND indexname IN ('papers_tsv', 'papers_typed')) AS indexes,
      (SELECT count(*)::int FROM litlens.top) > 100 AS lists FROM litlens.papers`)).rows[0];
    assert.deepEqual(after, { schema: 3, papers: kept.length, typed: kept.length, indexes: 2, lists: true });
    // A second run has nothing to do; a new server reads version 2 and finds the same paper.
    assert.doesNotMatch(cli('corpus', 'migrate', '--to', v1).stderr, /migrat/);
    await db.end();
    const migrated = await start([v1]);
    await migrated.waitFor<Status>('litlens/status', sharedIs('ready'), 30000);
    assert.ok((await migrated.request<{ key: string }[]>('litlens/search', { query: wanted.title, limit: 5 })).some((h) => h.key === wanted.key), 'version 3 is searched');
  });

  it('refuses a URL with a password, without connecting', () => {
    const u = new URL(url);
    u.password = 'secret';
    const run = cli('corpus', 'import', FIXTURE, '--to', u.toString());
    assert.equal(run.status, 2);
    assert.match(run.stderr, /holds a password/);
  });

  it('connects and says so in the status', async () => {
    client = await start([url]);
    const status = await client.waitFor<Status>('litlens/status', sharedIs('ready'), 30000);
    assert.equal(status.shared![0].papers, kept.length);
    assert.equal(status.shared![0].url, url);
  });

  it('searches the shared corpus beside the bundled one', async () => {
    const wanted = paperOf(kept.find((r) => r.doi && r['journal-ref'])!);
    const hits = await client.request<{ key: string; title: string; year?: number }[]>('litlens/search', { query: wanted.title, limit: 5 });
    const hit = hits.find((h) => h.key === wanted.key);
    assert.ok(hit, `${wanted.key} in ${JSON.stringify(hits.map((h) => h.key))}`);
    assert.equal(hit.year, wanted.year);
  });

  it('`litlens search` lists the search panel\'s order for the same query, by score over both sources', async () => {
    // Queries where the bundled corpus's best scored under the shared corpus's papers it was listed above (2.70 above 2.73).
    for (const query of ['graph neural networks', 'diffusion models']) {
      await client.request('litlens/search', { query, limit: 10 }); // an answer past the panel's 300 ms is kept for the next ask
      const panel = await client.request<{ key: string }[]>('litlens/search', { query, limit: 10 });
      const run = cli('search', '--json', '--limit', '10', '--corpus', url, query);
      assert.equal(run.status, 0, run.stderr);
      const listed = JSON.parse(run.stdout) as { key: string; score: number }[];
      assert.deepEqual(listed.map((h) => h.key), panel.map((h) => h.key), query);
      assert.ok(listed.some((h) => h.key.startsWith('arXiv:')) && listed.some((h) => !h.key.startsWith('arXiv:')), `${query}: both sources`);
      for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1].score >= listed[i].score, `${query}: ${JSON.stringify(listed)}`);
    }
  });

  it('finds the search box\'s candidates by a scan or the rarer words\' index as it would by the whole query\'s index: the same answers', async () => {
    const shared = new SharedCorpus(url);
    assert.ok(await shared.open(), shared.message);
    const sent: string[] = [];
    const pool = (shared as unknown as { pool: pg.Pool }).pool;
    const send = pool.query.bind(pool) as (sql: string, params: unknown[]) => Promise<pg.QueryResult>;
    const candidates: string[] = []; // each typed query's candidates
    (pool as unknown as { query: typeof send }).query = async (sql, params) => {
      sent.push(sql);
      const result = await send(sql, params);
      if (sql.includes('ts_rank')) candidates.push(`${String(params[0])}: ${result.rows.map((r: { id: string }) => r.id).sort().join(' ')}`);
      return result;
    };
    const answer = async (query: string, indexOnly: boolean) => {
      if (indexOnly) process.env.LITLENS_PG_INDEX_ONLY = '1';
      else delete process.env.LITLENS_PG_INDEX_ONLY;
      // Asked again, not answered from memory (the search box's answers are kept apart: SEARCH_CACHE).
      for (const kept of ['answers', 'searches'] as const) (shared as unknown as Record<typeof kept, Map<string, unknown>>)[kept].clear();
      candidates.length = 0;
      const keys = (await shared.search(query, 10)).map((h) => h.paper.key);
      return { keys, candidates: [...candidates].sort() };
    };
    try {
      const queries = [...new Set(kept.slice(0, 60).map((r, k) => (r.title as string).split(/\s+/).slice(0, 2 + (k % 2)).join(' ')))];
      for (const q of queries) assert.deepEqual(await answer(q, false), await answer(q, true), q);
      // Both other ways were taken (else this compared the index with itself).
      assert.ok(sent.some((sql) => sql.includes('AS MATERIALIZED')), 'no scan');
      assert.ok(sent.some((sql) => /typed @@ \$\d+::tsquery AND ts_match_vq/.test(sql)), 'no index asked for the rarer words');
    } finally {
      delete process.env.LITLENS_PG_INDEX_ONLY;
      await shared.dispose();
    }
  });

  it('ranks the search box over the library and a shared corpus as one index over both: the union\'s statistics', async () => {
    // The bundled corpus split: one paper in four is the library, the rest a shared corpus. Each
    // ranked with its own statistics, a few top hits and most lists differed from one index's.
    await admin.query('DROP DATABASE IF EXISTS litlens_split WITH (FORCE)');
    await admin.query('CREATE DATABASE litlens_split');
    const splitUrl = withDb(BASE!, 'litlens_split');
    const bundled = (await loadCorpus()).papers;
    const file = path.join(ws, 'split.jsonl');
    fs.writeFileSync(file, bundled.filter((_, i) => i % 4 !== 0).map((p) => JSON.stringify(toCslItem(p))).join('\n') + '\n');
    const run = cli('corpus', 'import', file, '--to', splitUrl);
    assert.equal(run.status, 0, run.stderr);
    const shared = new SharedCorpus(splitUrl);
    assert.ok(await shared.open(), shared.message);
    try {
      const ranker = new Ranker(SearchIndex.fromSources([{ id: 'library', papers: bundled.filter((_, i) => i % 4 === 0), kind: 'corpus' }]), null, [shared], 60_000);
      const whole = SearchIndex.fromSources([{ id: 'whole', papers: bundled, kind: 'corpus' }]);
      // Typed words (2-4 of a title's first) and passages (8 words of an abstract) of every seventh paper.
      const queries = bundled.filter((_, i) => i % 7 === 1).flatMap((p, k) => [p.title.split(/\s+/).slice(0, 2 + (k % 3)).join(' '), (p.abstract ?? '').split(/\s+/).slice(10, 18).join(' ')]);
      let same = 0;
      for (const query of queries) {
        const merged = (await ranker.search(query, { limit: 5 })).map((h) => h.paper.key);
        const one = whole.search(query, { limit: 5 }).map((h) => h.paper.key);
        assert.equal(merged[0], one[0], `${query}: ${merged.join(' ')} | one index: ${one.join(' ')}`);
        if (merged.join(' ') === one.join(' ')) same++;
      }
      // The rest differ below the top by near ties and by each source spelling out typed words in its own vocabulary (25 of 102 alike before, 75 after).
      assert.ok(same >= 0.6 * queries.length, `${same} of ${queries.length} top-5 lists as one index's`);
    } finally {
      await shared.dispose();
      await admin.query('DROP DATABASE IF EXISTS litlens_split WITH (FORCE)');
    }
  });

  it('finds related papers for a sentence of an abstract', async () => {
    const paper = paperOf(kept.find((r) => (r.abstract as string).length > 400)!);
    const sentence = paper.abstract!.split(/(?<=\.)\s+/).find((s) => s.split(/\s+/).length > 12) ?? paper.abstract!;
    // An answer that missed the deadline (a loaded machine) is kept for the next request: ask again then.
    let hits: { key: string }[] = [];
    for (let i = 0; i < 5 && !hits.some((h) => h.key === paper.key); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      hits = await client.request<{ key: string }[]>('litlens/related', { text: sentence, threshold: 0, limit: 10 });
    }
    assert.ok(hits.some((h) => h.key === paper.key), `${paper.key} in ${JSON.stringify(hits.map((h) => h.key))}`);
  });

  it('hovers a cited shared key with the stored entry (abstract, DOI, year)', async () => {
    const paper = paperOf(kept.find((r) => r.doi && r['journal-ref'])!);
    assertWholeEntry(await hoverCitedKey(client, tex, paper.key), paper);
  });

  it('completes from the local tiers at once and adds the shared papers when they arrive', async () => {
    // A key is typed as one word: a title word no other kept paper has.
    const words = (r: ArxivRecord) => (r.title as string).toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 6);
    const count = new Map<string, number>();
    for (const r of kept) for (const w of new Set(words(r))) count.set(w, (count.get(w) ?? 0) + 1);
    const record = kept.find((r) => words(r).some((w) => count.get(w) === 1))!;
    const paper = paperOf(record);
    const typed = words(record).find((w) => count.get(w) === 1)!;
    const text = `\\documentclass{article}\n\\begin{document}\nWe follow~\\cite{${typed}}.\n\\bibliography{refs}\n\\end{document}\n`;
    await client.notify('textDocument/didChange', { textDocument: { uri: uriOf(tex), version: 2 }, contentChanges: [{ text }] });
    const ask = () => client.request<{ isIncomplete: boolean; items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, typed, typed.length) });
    // Each shared answer that arrives asks the client to refresh (lenses); completion is asked again then, as a next keystroke would.
    let arrived = client.waitForServerRequest('workspace/codeLens/refresh');
    let list = await ask();
    assert.equal(list.isIncomplete, true);
    for (let i = 0; i < 5 && !list.items.some((it) => it.textEdit.newText === paper.key); i++) {
      await arrived;
      arrived = client.waitForServerRequest('workspace/codeLens/refresh', 30000);
      list = await ask();
    }
    arrived.catch(() => {});
    assert.ok(list.items.some((it) => it.textEdit.newText === paper.key), `${paper.key} in ${JSON.stringify(list.items.map((i) => i.textEdit.newText))}`);
  });

  it('writes the stored entry to the .bib (every author, DOI, journal)', async () => {
    const record = kept.find((r) => r.doi && r['journal-ref'] && (r.authors_parsed as unknown[]).length > 3)!;
    const paper = paperOf(record);
    // The paper must have been answered with (as after a completion): a search finds it.
    await client.request('litlens/search', { query: paper.title, limit: 5 });
    const { field } = await addedEntry(client, tex, path.join(ws, 'refs.bib'), paper.key);
    assert.equal(field('author')!.split(' and ').length, paper.authors.length);
    assert.equal(field('doi'), paper.doi);
    assert.equal(field('journal'), paper.venue);
    assert.equal(field('year'), String(paper.year));
  });

  it('keeps answering when the server goes down, says so, and uses it again when it is back', async () => {
    const base = new URL(url);
    const proxy = new Proxy({ host: base.hostname, port: Number(base.port || 5432) });
    await proxy.up();
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const c = await start([viaProxy.toString()]);
    await c.waitFor<Status>('litlens/status', sharedIs('ready'), 30000);
    const wanted = paperOf(kept[0]);
    assert.ok((await c.request<{ key: string }[]>('litlens/search', { query: wanted.title, limit: 5 })).some((h) => h.key === wanted.key));

    await proxy.down();
    const t0 = performance.now();
    const local = await c.request<{ key: string }[]>('litlens/search', { query: 'attention is all you need transformer', limit: 5 });
    assert.ok(performance.now() - t0 < 5000);
    assert.ok(local.length > 0, 'the bundled corpus still answers');
    const down = await c.waitFor<Status>('litlens/status', sharedIs('unreachable'), 30000);
    assert.match(down.shared![0].message!, /refused|terminated|closed|ECONNRESET|answer/i);

    await proxy.up();
    await c.waitForNext<Status>('litlens/status', sharedIs('ready'), 30000);
    assert.ok((await c.request<{ key: string }[]>('litlens/search', { query: wanted.title, limit: 5 })).some((h) => h.key === wanted.key));
    await proxy.down();
  });

  it('a bad URL is a status line; the local library still answers', async () => {
    const c = await start(['postgresql://nobody@127.0.0.1:1/nothing']);
    const status = await c.waitFor<Status>('litlens/status', sharedIs('unreachable'), 30000);
    assert.match(status.shared![0].message!, /connection refused/);
    const hits = await c.request<{ key: string }[]>('litlens/search', { query: 'transformer attention', limit: 3 });
    assert.ok(hits.length > 0);
    const missing = await start([withDb(url, 'no_such_database')]);
    const wrong = await missing.waitFor<Status>('litlens/status', sharedIs('error'), 30000);
    assert.match(wrong.shared![0].message!, /no_such_database/);
  });

  it('a read-only role: a wrong password is an error line, the right one (PGPASSWORD) reads', async () => {
    // scripts/pg.sh asks litlens_reader for a password (scram-sha-256); everyone else is trusted.
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'litlens_reader') THEN CREATE ROLE litlens_reader LOGIN; END IF; END $$`);
    await db.query(`ALTER ROLE litlens_reader PASSWORD 'right-password'`);
    await db.query('GRANT USAGE ON SCHEMA litlens TO litlens_reader');
    await db.query('GRANT SELECT ON ALL TABLES IN SCHEMA litlens TO litlens_reader');
    await db.end();
    const reader = withDb(url, 'litlens_test', 'litlens_reader');
    const wrong = await start([reader], { ...process.env, PGPASSWORD: 'wrong-password' });
    const failed = await wrong.waitFor<Status>('litlens/status', sharedIs('error'), 30000);
    assert.match(failed.shared![0].message!, /password authentication failed/);
    const right = await start([reader], { ...process.env, PGPASSWORD: 'right-password' });
    await right.waitFor<Status>('litlens/status', sharedIs('ready'), 30000);
    const wanted = paperOf(kept[1]);
    assert.ok((await right.request<{ key: string }[]>('litlens/search', { query: wanted.title, limit: 5 })).some((h) => h.key === wanted.key));
  });

  // The member role of the test above (litlens_reader, 'right-password'), from the command line.
  const noPassword = { ...process.env };
  delete noPassword.PGPASSWORD;
  delete noPassword.PGPASSFILE;
  const asReader = (env: NodeJS.ProcessEnv, ...args: string[]) => cliWith(env, 'search', '--no-corpus', '--no-workspace', '--corpus', withDb(url, 'litlens_test', 'litlens_reader'), ...args);

  it('a member with no password found: the CLI says so and exits at once; a ~/.pgpass line reads, without a deprecation warning', () => {
    const dir = fs.mkdtempSync(path.join(ws, 'pgpass-'));
    const passfile = path.join(dir, 'pgpass');
    const wanted = paperOf(kept[1]);
    // node-postgres left the socket open after its SCRAM error: the run waited for the server's authentication_timeout (60 s).
    const started = performance.now();
    const none = asReader({ ...noPassword, PGPASSFILE: passfile }, wanted.title);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /litlens_reader@[^ ]*: the server asks for a password and none was found \(set PGPASSWORD or add a ~\/\.pgpass line\)/);
    assert.ok(seconds < 20, `exited after ${seconds.toFixed(1)} s`);
    const u = new URL(url);
    fs.writeFileSync(passfile, `${u.hostname}:${u.port}:litlens_test:litlens_reader:right-password\n`, { mode: 0o600 });
    const read = asReader({ ...noPassword, PGPASSFILE: passfile }, '--json', wanted.title);
    assert.equal(read.status, 0, read.stderr);
    assert.ok(read.stdout.includes(wanted.key), read.stdout);
    assert.equal(read.stderr, '', 'no deprecation warning, nothing lost'); // node-postgres's own ~/.pgpass lookup warned on every run
  });

  it('a member role without SELECT on a table: one line naming the server, the table and the GRANT; the language server\'s status says the same', async () => {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('REVOKE SELECT ON litlens.top FROM litlens_reader');
    try {
      const run = asReader({ ...noPassword, PGPASSWORD: 'right-password' }, paperOf(kept[1]).title);
      assert.equal(run.status, 2, run.stderr);
      const said = /litlens_reader@[^ ]*\/litlens_test: role litlens_reader may not read litlens\.top \(the lab grants it in database litlens_test: GRANT SELECT ON ALL TABLES IN SCHEMA litlens TO litlens_reader; see docs\/postgresql\.md/;
      assert.match(run.stderr, said);
      const c = await start([withDb(url, 'litlens_test', 'litlens_reader')], { ...process.env, PGPASSWORD: 'right-password' });
      const status = await c.waitFor<Status>('litlens/status', sharedIs('error'), 30000);
      assert.match(status.shared![0].message!, said);
    } finally {
      await db.query('GRANT SELECT ON litlens.top TO litlens_reader');
      await db.end();
    }
  });

  it('the field rule: a document outside the corpus\'s field gets none of its papers on hover, one within it does', async () => {
    const paper = paperOf(kept.find((r) => (r.abstract as string).length > 400)!);
    const sentence = paper.abstract!.split(/(?<=\.)\s+/).find((s) => s.split(/\s+/).length > 12 && !/[\\$%{}]/.test(s))!;
    const others = kept.filter((r) => r.id !== paper.key.slice('arXiv:'.length)).slice(0, 6).map(paperOf);
    // Six cited entries of another field (invented titles), or six of the shared corpus's own papers.
    const outside = ['Grain prices in the markets of late Byzantine Anatolia', 'Monastic land tenure and village courts in medieval Serbia', 'Tax registers of the early Ottoman Balkans', 'Pilgrim routes and hostels of late antique Syria', 'The coinage reform of Diocletian and provincial mints', 'Church councils and imperial legislation in the fifth century'];
    const bibOf = (entries: { key: string; title: string }[]) => entries.map((e) => `@article{${e.key},\n  title = {${e.title}},\n  author = {Doe, Jane},\n  year = {2001}\n}\n`).join('\n');
    const texOf = (keys: string[], bib: string) => `\\documentclass{article}\n\\begin{document}\nEarlier work~\\cite{${keys.join(',')}}.\n\n${sentence}\n\n\\bibliography{${bib}}\n\\end{document}\n`;
    const field = path.join(ws, 'field');
    fs.mkdirSync(field);
    fs.writeFileSync(path.join(field, 'history.bib'), bibOf(outside.map((title, i) => ({ key: `doe200${i}`, title }))));
    // The user's own copies of six shared papers, under keys of their own: the user's libraries are never judged by field
    // (Ranker.inFieldSources), so only the shared corpus's own papers (arXiv: keys) must stay out of the other document.
    fs.writeFileSync(path.join(field, 'own.bib'), bibOf(others.map((p, i) => ({ key: `own${i}`, title: p.title }))));
    const c = await start([url]);
    await c.waitFor<Status>('litlens/status', sharedIs('ready'), 30000);
    // The hover waits for the shared corpus at most its deadline; the field is judged once per document, so ask a few times.
    const hoverKeys = async (file: string, text: string): Promise<string[]> => {
      await c.open(file, 'latex', text);
      let keys: string[] = [];
      for (let i = 0; i < 8 && !keys.includes(paper.key); i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
        const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: positionOf(text, sentence.slice(0, 30), 10) });
        keys = [...(hover?.contents.value ?? '').matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]);
      }
      return keys;
    };
    const within = texOf(others.map((_, i) => `own${i}`), 'field/own');
    const inside = await hoverKeys(path.join(field, 'within.tex'), within);
    assert.ok(inside.includes(paper.key), `${paper.key} in ${JSON.stringify(inside)}`);
    const elsewhere = texOf(outside.map((_, i) => `doe200${i}`), 'field/history');
    const outsideKeys = await hoverKeys(path.join(field, 'outside.tex'), elsewhere);
    // Entries an earlier test wrote to the workspace's .bib are the user's own now, whatever their field.
    const bibKeys = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? bibKeys(path.join(dir, e.name)) : e.name.endsWith('.bib') ? [...fs.readFileSync(path.join(dir, e.name), 'utf8').matchAll(/^@\w+\{([^,\s]+),/gm)].map((m) => m[1]) : []));
    const own = new Set(bibKeys(ws));
    assert.ok(!outsideKeys.some((k) => k.startsWith('arXiv:') && !own.has(k)), `no shared paper for a document outside the field: ${JSON.stringify(outsideKeys)}`);
  });
});
