// Embeddings through the server: turned on in settings, the state reaches litlens/status and
// related answers are fused; a model that cannot load leaves every lexical answer working.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildTestModel } from '../../scripts/make-test-model';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

describe('language server with embeddings', function () {
  this.timeout(120000);
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  const temp = (prefix: string) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };

  before(() => buildOnce());
  after(async () => {
    for (const c of clients) await c.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function start(model: string): Promise<{ client: TestClient; ws: string }> {
    const ws = tempWorkspace('workspace-latex');
    dirs.push(ws);
    const client = TestClient.start();
    clients.push(client);
    client.settings = { embeddings: { enabled: true, model } };
    await client.initialize(ws, { cacheDir: temp('litlens-cache-') });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
    return { client, ws };
  }

  it('reports embedding progress, then ready, and fuses related papers', async () => {
    const model = buildTestModel(path.join(temp('litlens-model-'), 'model')).dir;
    const { client, ws } = await start(model);
    const status = await client.waitFor('litlens/status', (s: any) => s.embeddings.state === 'ready' || s.embeddings.state === 'failed', 60000);
    assert.equal(status.embeddings.state, 'ready', status.embeddings.message);
    assert.ok(client.notifications.some((n) => n.method === 'litlens/status' && n.params.embeddings.state === 'embedding'));
    const related = await client.request('litlens/related', { text: 'Agents plan with a learned dynamics model and tree search in Atari and Go.' });
    assert.equal(related[0].key, 'mastering-atari-go');
    assert.deepEqual(await client.request('litlens/related', { text: 'The glacier mass balance in the Andes declined sharply over the winter.' }), []);
    const tex = path.join(ws, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await client.open(tex, 'latex', text);
    const list = await client.request('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, '\\cite{}', 6) });
    assert.deepEqual(list.items.slice(0, 2).map((i: any) => i.textEdit.newText), ['smith2020graphs', 'mastering-atari-go']);
  });

  it('a model that cannot load: status says why, lexical answers go on', async () => {
    const { client } = await start(path.join(os.tmpdir(), 'no-such-model-folder'));
    const status = await client.waitFor('litlens/status', (s: any) => s.embeddings.state === 'failed', 60000);
    assert.ok(status.embeddings.message, 'no reason given');
    const related = await client.request('litlens/related', { text: 'Agents plan with a learned dynamics model and tree search in Atari and Go.' });
    assert.equal(related[0].key, 'mastering-atari-go');
  });
});
