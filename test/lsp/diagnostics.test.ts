// When diagnostics come, over JSON-RPC: a citation being typed is judged once the cursor has left it
// (the server learns the cursor from completion and code action requests) or the document has been idle.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TYPING_IDLE_MS } from '../../server/src/lsp/diagnostics';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

describe('language server over stdio: diagnostics while typing', function () {
  this.timeout(60000);
  let ws: string;
  let client: TestClient;
  let uri: string;
  let text: string;

  before(async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    const tex = path.join(ws, 'paper.tex');
    text = fs.readFileSync(tex, 'utf8');
    uri = uriOf(tex);
    client = TestClient.start();
    await client.initialize(ws, { cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
    await client.open(tex, 'latex', text);
    await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 1);
  });

  after(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  const keys = (p: any): string[] => p.diagnostics.map((d: any) => d.data.key).sort();

  /** Types `typed` after `after` as version `version`; answers when it was sent. */
  async function type(after: string, typed: string, version: number): Promise<number> {
    const at = positionOf(text, after, after.length);
    text = text.replace(after, after + typed);
    await client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end: at }, text: typed }] });
    return Date.now();
  }

  it('does not flag a key while it is typed; does once a request puts the cursor elsewhere', async () => {
    const sent = await type('late.', ' See \\cite{worl', 2);
    const typing = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 2);
    assert.deepEqual(keys(typing), ['mastering-atari-go', 'nosuchkey2099']);
    // Completion inside the citation keeps it held; a code action request elsewhere (VS Code sends one whenever the cursor moves) releases it.
    const next = client.waitForNext('textDocument/publishDiagnostics', (p: any) => p.uri === uri);
    await client.request('textDocument/completion', { textDocument: { uri }, position: positionOf(text, '\\cite{worl', 10) });
    await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: positionOf(text, 'glacier'), end: positionOf(text, 'glacier') }, context: { diagnostics: [] } });
    const left = await next;
    assert.ok(Date.now() - sent < TYPING_IDLE_MS, 'published for the cursor, not after the idle time');
    assert.deepEqual(keys(left), ['mastering-atari-go', 'nosuchkey2099', 'worl']);
  });

  it('flags a key being typed once the document has been idle a moment', async () => {
    const sent = await type('Our earlier study \\citep{smith2020graphs', ', abc', 3);
    const typing = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 3);
    assert.ok(!keys(typing).includes('abc'));
    const idle = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 3 && keys(p).includes('abc'));
    assert.ok(Date.now() - sent >= TYPING_IDLE_MS - 50, 'not before the idle time');
    assert.ok(keys(idle).includes('worl'));
  });

  it('an edit outside any citation holds nothing back', async () => {
    await type('declined sharply', ' and steadily', 4);
    const p = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uri && p.version === 4);
    assert.deepEqual(keys(p), ['abc', 'mastering-atari-go', 'nosuchkey2099', 'worl']);
  });
});
