// dist/server.js over Node IPC, the way the VS Code client starts it: same server, other transport.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

describe('language server over Node IPC (dist/server.js)', function () {
  this.timeout(60000);
  let ws: string;
  let client: TestClient;

  before(async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    client = TestClient.startIpc();
    await client.initialize(ws, { cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('completes and hovers like the stdio server', async () => {
    const tex = path.join(ws, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await client.open(tex, 'latex', text);
    const list = await client.request('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, '\\cite{}', 6) });
    assert.deepEqual(list.items.slice(0, 2).map((i: any) => i.textEdit.newText), ['smith2020graphs', 'mastering-atari-go']);
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, 'smith2020graphs', 3) });
    assert.match(hover.contents.value, /Graph Networks for Physical Reasoning/);
  });

  it('the workspace settings come from workspace/configuration', async () => {
    assert.ok(client.serverRequests.some((r) => r.method === 'workspace/configuration' && r.params.items.some((i: any) => i.section === 'litlens')));
  });
});
