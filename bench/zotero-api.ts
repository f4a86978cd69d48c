// A Zotero library of N items (default 20 000) read through the local API, against the stand-in
// server of the tests (test/fixtures/zotero/api.ts: the documented answers, pages of at most 100,
// Last-Modified-Version, 304 for If-Modified-Since-Version): the whole read, the check that finds
// nothing changed, and the real server over JSON-RPC started cold and from its saved index. The
// stand-in runs in this process (its JSON costs CPU beside LitLens'); a real Zotero makes each page
// from its database, so its pages come slower than these.
//
//   npm run build && node --import tsx bench/zotero-api.ts [--items 20000] [--runs 3]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apiVersion, readZoteroApi } from '../server/src/library/zotero/api';
import { TestClient } from '../test/lsp/harness';
import { apiItems, fakeZotero } from '../test/fixtures/zotero/api';
import { generatedItems } from '../test/fixtures/zotero/make';
import { f0 } from './measure';

const { values } = parseArgs({ options: { items: { type: 'string', default: '20000' }, runs: { type: 'string', default: '3' } } });
const items = Number(values.items);
const runs = Number(values.runs);
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function main(): Promise<void> {
  const made = generatedItems(items);
  const api = await fakeZotero([{ prefix: 'users/0', version: 4242, items: apiItems(made, 4242) }]);
  const dir = mkdtempSync(join(tmpdir(), 'litlens-bench-zotero-api-'));
  try {
    console.log(`stand-in local API: ${items} papers + ${made.length - items} notes and attachments (${made.filter((i) => i.deleted).length} in the trash, not listed) at ${api.base}`);
    const reads: number[] = [];
    for (let r = 0; r < runs; r++) {
      api.requests.length = 0;
      const t = performance.now();
      const cpu = process.cpuUsage();
      const read = await readZoteroApi({ base: api.base });
      const used = process.cpuUsage(cpu);
      reads.push(performance.now() - t);
      console.log(`read through the API: ${f0(performance.now() - t)} ms wall (${f0((used.user + used.system) / 1000)} ms CPU, stand-in's included), ${read.libraries[0].papers.length} papers, ${api.requests.length} requests  [load ${load()}]`);
    }
    const seen = await apiVersion({ base: api.base });
    const checks: number[] = [];
    for (let r = 0; r < 20; r++) {
      api.requests.length = 0;
      const t = performance.now();
      await apiVersion({ base: api.base }, seen);
      checks.push(performance.now() - t);
    }
    console.log(`check with no change: ${median(checks).toFixed(1)} ms (median of 20), ${api.requests.length} requests (${api.requests.join(', ')}), ${api.notModified} answered 304 with no body  [load ${load()}]`);

    const workspace = join(dir, 'paper');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'paper.tex'), '\\documentclass{article}\\begin{document}x\\end{document}\n');
    const env = { ...process.env, LITLENS_ZOTERO_API: api.base, LITLENS_ZOTERO_DIR: join(dir, 'no-zotero-dir') };
    /** own: the server's count, from the start of Zotero's read (beside the rest of the load) to its papers offered. */
    const start = async (cacheDir: string): Promise<{ ready: number; zotero: number; own: number; papers: number }> => {
      const client = TestClient.start(undefined, env);
      const t = performance.now();
      await client.initialize(workspace, { litlens: { zotero: 'auto', bundledCorpus: true }, cacheDir });
      await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 120000);
      const ready = performance.now() - t;
      const s = await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && /ready|error/.test(s.zotero?.state), 180000);
      const zotero = performance.now() - t;
      const logged = /Zotero ready: \d+ papers in (\d+) ms/.exec((await client.waitFor('window/logMessage', (m: any) => /Zotero ready: /.test(m.message), 60000)).message);
      await client.stop();
      return { ready, zotero, own: logged ? Number(logged[1]) : NaN, papers: s.zotero.papers };
    };
    const colds: number[] = [];
    const warms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const cache = join(dir, `cache${r}`);
      const cold = await start(cache);
      colds.push(cold.zotero);
      console.log(`server via the API, cold: ready ${f0(cold.ready)} ms, Zotero's ${cold.papers} papers offered at ${f0(cold.zotero)} ms (its own ${f0(cold.own)} ms)  [load ${load()}]`);
      api.requests.length = 0;
      const warm = await start(cache);
      warms.push(warm.zotero);
      console.log(`server via the API, saved index: ready ${f0(warm.ready)} ms, Zotero's papers offered at ${f0(warm.zotero)} ms (its own ${f0(warm.own)} ms), ${api.requests.length} requests  [load ${load()}]`);
    }
    console.log(`medians of ${runs}: read ${f0(median(reads))} ms; server cold ${f0(median(colds))} ms, saved index ${f0(median(warms))} ms to Zotero's papers offered`);
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
