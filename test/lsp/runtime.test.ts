// Without the optional semantic runtime (an offline `npm ci` drops @huggingface/transformers without
// a word, and the lean VSIX leaves it out): the CLI and the server say it is not installed and how to
// get it. The bundles run from a folder with no node_modules, so the package cannot be found.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEMANTIC_RUNTIME_MISSING } from '../../server/src/protocol';
import { TestClient, buildOnce, repoRoot, tempWorkspace } from './harness';

describe('without the semantic runtime installed', function () {
  this.timeout(60000);
  let bare: string;
  let ws: string;
  let client: TestClient | undefined;

  before(async () => {
    await buildOnce();
    bare = fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-bare-'));
    fs.mkdirSync(path.join(bare, 'dist'));
    fs.mkdirSync(path.join(bare, 'corpus'));
    for (const f of ['cli.js', 'indexWorker.js']) fs.copyFileSync(path.join(repoRoot, 'dist', f), path.join(bare, 'dist', f));
    fs.copyFileSync(path.join(repoRoot, 'corpus', 'papers.json'), path.join(bare, 'corpus', 'papers.json'));
  });

  after(async () => {
    await client?.stop();
    for (const d of [bare, ws]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('litlens embed says the runtime is not installed and how to install it', () => {
    const r = spawnSync(process.execPath, [path.join(bare, 'dist', 'cli.js'), 'embed', '--cache', path.join(bare, 'cache')], { encoding: 'utf8', cwd: bare });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `litlens embed: ${SEMANTIC_RUNTIME_MISSING}\n`);
    assert.match(SEMANTIC_RUNTIME_MISSING, /not installed.*ONNXRUNTIME_NODE_INSTALL=skip npm ci/);
  });

  it('the server turned to semantic search reports it in its status, and answers lexically', async () => {
    ws = tempWorkspace('workspace-latex');
    client = TestClient.start([path.join(bare, 'dist', 'cli.js'), 'lsp', '--stdio']);
    await client.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: { embeddings: { enabled: true, model: 'Xenova/all-MiniLM-L6-v2' } } });
    const failed = await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && s.embeddings.state === 'failed', 30000);
    assert.equal(failed.embeddings.message, SEMANTIC_RUNTIME_MISSING);
    const hits = await client.request('litlens/search', { query: 'planning with a learned model', limit: 3 });
    assert.equal(hits[0].key, 'mastering-atari-go');
  });
});
