// A Zotero library of N items (default 20 000) as LitLens reads it: zotero.sqlite read with sql.js
// in a fresh process, and the real server over JSON-RPC (dist/cli.js lsp --stdio) started cold and
// again from its saved index, with its RSS beside the same server with Zotero off.
//
//   npm run build && node --import tsx bench/zotero.ts [--items 20000] [--version 7] [--runs N] [--no-bib]
//   (--runs: server starts of each kind, medians printed; --no-bib: without the .bib comparison)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TestClient } from '../test/lsp/harness';
import { generatedItems, makeZoteroDb, type ZoteroVersion } from '../test/fixtures/zotero/make';
import { toBibtex } from '../server/src/library/bibwriter';
import { readZoteroDatabase } from '../server/src/library/zotero/read';
import { f0, f1 } from './measure';

const { values } = parseArgs({ options: { items: { type: 'string', default: '20000' }, version: { type: 'string', default: '7' }, runs: { type: 'string', default: '1' }, 'no-bib': { type: 'boolean', default: false } } });
const items = Number(values.items);

const rssOf = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** readyMs: the server answers (the other libraries); zoteroMs: Zotero's papers are offered too. */
async function serverStart(workspace: string, cacheDir: string, zotero: string): Promise<{ readyMs: number; zoteroMs: number; ownMs: number; rss: number; papers: number; cpuMs: number }> {
  const client = TestClient.start();
  client.settings = { zotero, bundledCorpus: true };
  const started = performance.now();
  await client.initialize(workspace, { litlens: client.settings, cacheDir });
  await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 120000);
  const readyMs = performance.now() - started;
  const status = zotero === 'off' ? null : await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && (s.zotero?.state === 'ready' || s.zotero?.state === 'error'), 120000);
  const zoteroMs = performance.now() - started;
  // The server's own count: from the start of Zotero's read (beside the rest of the load) to its papers offered.
  const logged = zotero === 'off' ? null : /Zotero ready: \d+ papers in (\d+) ms/.exec((await client.waitFor('window/logMessage', (m: any) => /Zotero ready: /.test(m.message), 60000)).message);
  const ownMs = logged ? Number(logged[1]) : NaN;
  await new Promise((r) => setTimeout(r, 5000)); // let the heap settle after the build
  const rss = rssOf(client.proc.pid!);
  const [utime, stime] = readFileSync(`/proc/${client.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).map(Number);
  await client.stop();
  return { readyMs, zoteroMs, ownMs, rss, papers: status?.papers ?? 0, cpuMs: ((utime + stime) * 1000) / 100 };
}

const uptime = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'litlens-bench-zotero-'));
  try {
    const dataDir = join(dir, 'Zotero');
    const workspace = join(dir, 'paper');
    mkdirSync(dataDir);
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'paper.tex'), '\\documentclass{article}\\begin{document}x\\end{document}\n');
    const made = performance.now();
    writeFileSync(join(dataDir, 'zotero.sqlite'), await makeZoteroDb({ version: Number(values.version) as ZoteroVersion, items: generatedItems(items) }));
    const size = statSync(join(dataDir, 'zotero.sqlite')).size;
    console.log(`zotero.sqlite: ${items} papers (+ notes, attachments, 2% in the trash), Zotero ${values.version}, ${f1(size / 1e6)} MB, made in ${f0(performance.now() - made)} ms`);

    // sql.js in a fresh process: load the WebAssembly, read the file, make the papers.
    const script = `const t=performance.now();const c=process.cpuUsage();const r0=process.memoryUsage().rss;require('./server/src/library/zotero/read').readZoteroDatabase(${JSON.stringify(dataDir)}).then(r=>{const u=process.cpuUsage(c);console.log(JSON.stringify({ms:performance.now()-t,cpu:(u.user+u.system)/1000,papers:r.libraries.reduce((n,l)=>n+l.papers.length,0),rss:(process.memoryUsage().rss-r0)/1e6}))})`;
    for (let i = 0; i < 3; i++) {
      const r = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim().split('\n').pop()!);
      console.log(`sql.js read, fresh process (run ${i + 1}): ${f0(r.ms)} ms wall, ${f0(r.cpu)} ms CPU, ${r.papers} papers, RSS +${f0(r.rss)} MB`);
    }

    const runs = Number(values.runs);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const offs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const off = await serverStart(workspace, join(dir, 'cache-off'), 'off');
      offs.push(off.rss);
      console.log(`server, Zotero off: ready in ${f0(off.readyMs)} ms, RSS ${f0(off.rss)} MB  [load ${uptime()}]`);
    }
    const offRss = median(offs);
    const cache = join(dir, 'cache');
    const colds: Awaited<ReturnType<typeof serverStart>>[] = [];
    const warms: Awaited<ReturnType<typeof serverStart>>[] = [];
    for (let r = 0; r < runs; r++) {
      rmSync(cache, { recursive: true, force: true });
      const cold = await serverStart(workspace, cache, dataDir);
      colds.push(cold);
      console.log(`server, Zotero cold (no saved index): ready in ${f0(cold.readyMs)} ms, Zotero's papers offered at ${f0(cold.zoteroMs)} ms (Zotero's own ${f0(cold.ownMs)} ms; process CPU ${f0(cold.cpuMs)} ms), ${cold.papers} papers, RSS ${f0(cold.rss)} MB (+${f0(cold.rss - offRss)} MB over Zotero off)  [load ${uptime()}]`);
      const warm = await serverStart(workspace, cache, dataDir);
      warms.push(warm);
      console.log(`server, Zotero from the saved index: ready in ${f0(warm.readyMs)} ms, Zotero's papers offered at ${f0(warm.zoteroMs)} ms (Zotero's own ${f0(warm.ownMs)} ms; process CPU ${f0(warm.cpuMs)} ms), RSS ${f0(warm.rss)} MB (+${f0(warm.rss - offRss)} MB)  [load ${uptime()}]`);
    }
    const med = (xs: Awaited<ReturnType<typeof serverStart>>[], k: 'readyMs' | 'zoteroMs' | 'ownMs' | 'cpuMs' | 'rss'): number => median(xs.map((x) => x[k]));
    if (runs > 1) {
      console.log(`medians of ${runs}: cold ready ${f0(med(colds, 'readyMs'))} ms, Zotero offered ${f0(med(colds, 'zoteroMs'))} ms (its own ${f0(med(colds, 'ownMs'))} ms), CPU ${f0(med(colds, 'cpuMs'))} ms, RSS +${f0(med(colds, 'rss') - offRss)} MB`);
      console.log(`medians of ${runs}: saved index ready ${f0(med(warms, 'readyMs'))} ms, Zotero offered ${f0(med(warms, 'zoteroMs'))} ms (its own ${f0(med(warms, 'ownMs'))} ms), CPU ${f0(med(warms, 'cpuMs'))} ms, RSS +${f0(med(warms, 'rss') - offRss)} MB`);
    }
    const off = { rss: offRss };

    // The same papers as a .bib in the workspace (what a Better BibTeX export gives today), for comparison.
    if (!values['no-bib']) {
    const bibWorkspace = join(dir, 'paper-bib');
    mkdirSync(bibWorkspace);
    writeFileSync(join(bibWorkspace, 'paper.tex'), '\\documentclass{article}\\begin{document}x\\end{document}\n');
    const read = await readZoteroDatabase(dataDir);
    writeFileSync(join(bibWorkspace, 'library.bib'), read.libraries.flatMap((l) => l.papers.map((p) => toBibtex(p))).join('\n'));
    const bib = await serverStart(bibWorkspace, join(dir, 'cache-bib'), 'off');
    console.log(`server, the same papers as a 20k-entry .bib (Zotero off), cold: ready in ${f0(bib.readyMs)} ms (process CPU ${f0(bib.cpuMs)} ms), RSS ${f0(bib.rss)} MB (+${f0(bib.rss - off.rss)} MB)`);
    const bibWarm = await serverStart(bibWorkspace, join(dir, 'cache-bib'), 'off');
    console.log(`server, the same .bib from the saved index: ready in ${f0(bibWarm.readyMs)} ms (process CPU ${f0(bibWarm.cpuMs)} ms), RSS ${f0(bibWarm.rss)} MB (+${f0(bibWarm.rss - off.rss)} MB)`);
    }

    // Live: an item added in Zotero (the database replaced, as a write by Zotero changes its mtime), until search finds it.
    const grown = generatedItems(items);
    grown.push({ key: 'LIVE0001', type: 'journalArticle', fields: { title: 'Permafrost thaw and methane release', date: '2024' }, creators: [{ last: 'Haddad', first: 'Rami' }] });
    const bytes = await makeZoteroDb({ version: Number(values.version) as ZoteroVersion, items: grown });
    const client = TestClient.start();
    client.settings = { zotero: dataDir, bundledCorpus: true };
    await client.initialize(workspace, { litlens: client.settings, cacheDir: cache });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 120000);
    const file = join(dataDir, 'zotero.sqlite');
    writeFileSync(`${file}.tmp`, bytes);
    const written = performance.now();
    renameSync(`${file}.tmp`, file);
    let found = false;
    while (!found && performance.now() - written < 60000) {
      const hits = await client.request('litlens/search', { query: 'permafrost methane', limit: 1 });
      found = hits[0]?.title === 'Permafrost thaw and methane release';
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`live: an item added to the ${items}-item library is found by search ${f0(performance.now() - written)} ms after the database changed${found ? '' : ' (NOT FOUND within 60 s)'}  [load ${uptime()}]`);
    await client.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
