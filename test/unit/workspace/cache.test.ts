import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusItems, generatePapers, toBib } from '../../../bench/generate';
import { sizeOf, trimCache } from '../../../server/src/workspace/cache';
import { LitLensWorkspace, workspaceId } from '../../../server/src/workspace/workspace';
import { config } from '../features/fixture';

const MB = 1024 * 1024;

describe('workspace: the cache folder stays within litlens.cacheLimit', function () {
  this.timeout(180000); // 30 loads, each indexing in a worker, on a shared machine
  let root: string;
  beforeEach(() => (root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-cache-')))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('never grows past its limit across 30 workspaces opened one after another; the oldest go first', async () => {
    const cacheDir = path.join(root, 'cache');
    const bib = toBib(generatePapers(corpusItems(), 400, 3));
    const folders: string[] = [];
    for (let i = 0; i < 30; i++) {
      const folder = path.join(root, `ws${i}`);
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'refs.bib'), bib.replace(/@article\{/g, `@article{w${i}-`));
      folders.push(folder);
      const ws = new LitLensWorkspace({ folders: [folder], trusted: true, cacheDir });
      await ws.load(config({ bundledCorpus: false, cacheLimit: 1 }));
      const size = await sizeOf(cacheDir);
      assert.ok(size <= 1 * MB, `after workspace ${i + 1}: ${size} bytes`);
      assert.deepEqual(ws.status().cache, { bytes: size, limit: MB });
      assert.ok(fs.existsSync(path.join(cacheDir, 'index', workspaceId([folder]))), 'the open workspace keeps its saved index');
      await ws.dispose();
    }
    const kept = fs.readdirSync(path.join(cacheDir, 'index'));
    assert.ok(kept.length > 1 && kept.length < 30, `${kept.length} saved indexes kept`);
    // The most recent ones stayed.
    assert.ok(kept.includes(workspaceId([folders[29]])) && kept.includes(workspaceId([folders[28]])));
    assert.ok(!kept.includes(workspaceId([folders[0]])));
  });

  it('removes the least recently used units first and never one in use, even over the limit', async () => {
    const cacheDir = path.join(root, 'cache');
    const unit = (part: string, name: string, bytes: number, age: number): string => {
      const dir = path.join(cacheDir, part, name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'data'), Buffer.alloc(bytes));
      const t = new Date(Date.now() - age * 1000);
      fs.utimesSync(dir, t, t);
      return dir;
    };
    const old = unit('index', 'old', 400, 300);
    const mid = unit('corpora', 'mid', 400, 200);
    const recent = unit('vectors', 'recent', 400, 100);
    const open = unit('index', 'open', 400, 1000); // oldest, but in use
    const use = await trimCache(cacheDir, 900, [open]);
    assert.deepEqual(use.removed, [old, mid]);
    assert.equal(use.bytes, 800);
    assert.ok(fs.existsSync(recent) && fs.existsSync(open));
    assert.deepEqual((await trimCache(cacheDir, 100, [open, recent])).removed, []); // in use stays, over the limit or not
  });
});
