// Where the papers of a big corpus live off the heap: the packed store with an offset table into
// the source file (library/store.ts), or an embedded SQLite database (better-sqlite3), measured on
// the same arXiv snapshot. Not a dependency: pass the package's folder.
//
//   node --expose-gc --import tsx bench/store.ts [--papers 100000] [--sqlite PATH/node_modules/better-sqlite3]
//
// For each store: build time (from the stream of papers, without indexing), bytes held in memory,
// bytes on disk, time to open what was saved, and per-lookup latency (wall and CPU) of what the
// keystroke path asks (the compact record of a doc number and of a key) and of what a hover card
// asks (the full entry of a key, read on demand).
//   - packed: the compact columns in memory; full entries read from the snapshot by offset.
//   - sqlite-compact: key, title, authors, year and the offset in a table; full entries from the snapshot.
//   - sqlite-full: the same plus each record's JSON: full entries without the snapshot (a copy of it).
// Memory: heap + buffers the packed store holds; SQLite holds its page cache (2 MB by default) instead.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PackedPaperStore, PaperStoreBuilder, decodeStore, encodeStore } from '../server/src/library/store';
import { paperOfRecord, streamPapers, type StreamedPaper } from '../server/src/library/stream';
import { arxivFile, prng, writeArxiv } from './generate';

const OUT = join(__dirname, 'out');

interface Row {
  store: string;
  buildMs: number;
  memoryMb: number;
  diskMb: number;
  openMs: number;
  byDoc: [number, number, number];
  byKey: [number, number, number];
  fullEntry: [number, number, number];
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** p50 and p95 of wall time and p95 of CPU time per call, in ms, after a warm-up. */
async function time(n: number, f: (i: number) => unknown): Promise<[number, number, number]> {
  for (let i = 0; i < 50; i++) await f(i);
  const wall: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = cpu();
    const t = performance.now();
    await f(i);
    wall.push(performance.now() - t);
    cpus.push(cpu() - c);
  }
  const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor(p * a.length)];
  return [q(wall, 0.5), q(wall, 0.95), q(cpus, 0.95)];
}

const heldMb = () => {
  global.gc?.();
  global.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
};

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const n = Number(arg('--papers') ?? 100_000);
  const file = arxivFile(n, 1, OUT);
  if (!existsSync(file)) writeArxiv(n, 1, OUT);
  const dir = join(OUT, `store-bench-${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  // The stream once, kept in memory, so the stores are timed on building alone.
  const papers: StreamedPaper[] = [];
  await streamPapers(file, (p) => papers.push(p));
  const rand = prng(3);
  const docs = Array.from({ length: 2000 }, () => Math.floor(rand() * papers.length));
  const keys = docs.map((d) => papers[d].paper.key);
  const rows: Row[] = [];

  {
    let base = heldMb();
    let t = performance.now();
    const b = new PaperStoreBuilder(file, 'arxiv');
    for (const p of papers) b.add(p.paper, p.offset, p.length);
    const built = b.finish();
    const buildMs = performance.now() - t;
    const bytes = encodeStore(built, null);
    require('node:fs').writeFileSync(join(dir, 'store.rec'), bytes);
    base = heldMb();
    t = performance.now();
    const decoded = decodeStore(require('node:fs').readFileSync(join(dir, 'store.rec')), file);
    const openMs = performance.now() - t;
    const store = (decoded as { store: PackedPaperStore }).store;
    const memoryMb = heldMb() - base;
    rows.push({
      store: 'packed + offsets',
      buildMs,
      memoryMb,
      diskMb: bytes.length / 1e6,
      openMs,
      byDoc: await time(docs.length, (i) => store.paperAt(docs[i])),
      byKey: await time(keys.length, (i) => store.get(keys[i])),
      fullEntry: await time(keys.length, (i) => store.entryAt(docs[(i * 7919) % docs.length])),
    });
    await store.close();
  }

  const sqlitePath = arg('--sqlite');
  if (sqlitePath) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require(sqlitePath) as new (file: string, options?: object) => any;
    for (const full of [false, true]) {
      const name = full ? 'sqlite-full' : 'sqlite-compact';
      const dbFile = join(dir, `${name}.db`);
      let t = performance.now();
      const db = new Database(dbFile);
      db.pragma('journal_mode = OFF');
      db.pragma('synchronous = OFF');
      db.exec(`CREATE TABLE papers (doc INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, title TEXT, authors TEXT, year INTEGER, line INTEGER, offset INTEGER, length INTEGER${full ? ', record TEXT' : ''})`);
      const insert = db.prepare(`INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?${full ? ', ?' : ''})`);
      const fd = full ? require('node:fs').openSync(file, 'r') : null;
      db.transaction(() => {
        papers.forEach((p, doc) => {
          const values: unknown[] = [doc, p.paper.key, p.paper.title, p.paper.authors.slice(0, 8).join('\u001f'), p.paper.year ?? null, p.paper.origin.line, p.offset, p.length];
          if (fd !== null) {
            const buf = Buffer.alloc(p.length);
            require('node:fs').readSync(fd, buf, 0, p.length, p.offset);
            values.push(buf.toString('utf8'));
          }
          insert.run(...values);
        });
      })();
      if (fd !== null) require('node:fs').closeSync(fd);
      db.close();
      const buildMs = performance.now() - t;
      t = performance.now();
      const open = new Database(dbFile, { readonly: true });
      const byDocQ = open.prepare('SELECT key, title, authors, year, line FROM papers WHERE doc = ?');
      const byKeyQ = open.prepare('SELECT doc, key, title, authors, year, line FROM papers WHERE key = ?');
      const entryQ = open.prepare(full ? 'SELECT record, line FROM papers WHERE doc = ?' : 'SELECT offset, length, line FROM papers WHERE doc = ?');
      byDocQ.get(0);
      const openMs = performance.now() - t;
      const handle = full ? null : await require('node:fs/promises').open(file, 'r');
      const compact = (r: { key: string; title: string; authors: string; year: number | null; line: number }) => ({ key: r.key, title: r.title, authors: r.authors ? r.authors.split('\u001f') : [], year: r.year ?? undefined, origin: { file, line: r.line, kind: 'arxiv' } });
      rows.push({
        store: name,
        buildMs,
        memoryMb: NaN, // SQLite's page cache (2 MB by default), outside the V8 heap: not comparable
        diskMb: statSync(dbFile).size / 1e6,
        openMs,
        byDoc: await time(docs.length, (i) => compact(byDocQ.get(docs[i]))),
        byKey: await time(keys.length, (i) => compact(byKeyQ.get(keys[i]))),
        fullEntry: await time(keys.length, async (i) => {
          const r = entryQ.get(docs[(i * 7919) % docs.length]);
          if (full) return paperOfRecord('arxiv', file, r.record, r.line);
          const buf = Buffer.alloc(r.length);
          await handle.read(buf, 0, r.length, r.offset);
          return paperOfRecord('arxiv', file, buf.toString('utf8'), r.line);
        }),
      });
      await handle?.close();
      open.close();
    }
  }

  const f = (x: number) => x.toFixed(x < 1 ? 3 : 1);
  console.log(`${n} papers from ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB); latencies p50 / p95 (CPU p95) in ms`);
  console.log(['store', 'build', 'memory MB', 'disk MB', 'open ms', 'compact by doc', 'compact by key', 'full entry'].join(' | '));
  for (const r of rows) {
    const lat = (x: [number, number, number]) => `${f(x[0])} / ${f(x[1])} (${f(x[2])})`;
    console.log([r.store, `${(r.buildMs / 1000).toFixed(1)} s`, Number.isNaN(r.memoryMb) ? 'page cache' : r.memoryMb.toFixed(1), r.diskMb.toFixed(0), r.openMs.toFixed(0), lat(r.byDoc), lat(r.byKey), lat(r.fullEntry)].join(' | '));
  }
  rmSync(dir, { recursive: true, force: true });
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
