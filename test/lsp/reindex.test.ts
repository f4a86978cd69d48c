// Re-indexing runs off the server's main thread: a hover is answered while a changed .bib is
// being indexed, by the library and index from before the change.
//
// No sleeps: the saved segment the indexing worker will look for is a named pipe. Opening the pipe
// for writing completes only when the worker opens it for reading, i.e. in the middle of the
// re-index; the worker then waits on the pipe until the test closes it (garbage: the worker
// discards it and indexes the source).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspaceId } from '../../server/src/workspace/workspace';
import { readLibraryFile } from '../../server/src/library/files';
import { segmentFile } from '../../server/src/search/persist';
import { hashPapers } from '../../server/src/search/segment';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

describe('language server over stdio: re-indexing in the background', function () {
  this.timeout(60000);
  let ws: string;
  let client: TestClient;

  before(function () {
    if (process.platform === 'win32') this.skip(); // no named pipes in the file system
  });

  afterEach(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  it('answers a hover on a key while a changed .bib is re-indexed, from the previous index', async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    const cacheDir = path.join(ws, '.cache-index');
    const tex = path.join(ws, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    const hoverOnKey = async (): Promise<string> => {
      const hover = await client.request('textDocument/hover', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, 'smith2020graphs', 3) });
      return hover?.contents.value ?? '';
    };
    client = TestClient.start();
    await client.initialize(ws, { cacheDir });
    await client.waitFor('litlens/status', (s: { state: string }) => s.state === 'ready', 30000);
    await client.open(tex, 'latex', text);
    assert.match(await hoverOnKey(), /^### Graph Networks for Physical Reasoning\n/);

    const bib = path.join(ws, 'refs.bib');
    fs.writeFileSync(bib, fs.readFileSync(bib, 'utf8').replace('Graph Networks for Physical Reasoning', 'Graph Networks Revisited'));
    const { papers } = await readLibraryFile(bib);
    const pipe = segmentFile(path.join(cacheDir, 'index', workspaceId([ws])), hashPapers(papers));
    execFileSync('mkfifo', [pipe]);

    let updated = false;
    const status = client.waitForNext('litlens/status').then(() => (updated = true));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(bib), type: 2 }] });
    const writer = await Promise.race([
      fs.promises.open(pipe, 'w'),
      status.then(() => assert.fail('the re-index finished without reading the saved index in a worker')),
    ]);
    // The worker is inside the re-index, waiting on the pipe: the server still answers, with the old paper.
    try {
      assert.match(await hoverOnKey(), /^### Graph Networks for Physical Reasoning\n/);
      assert.equal(updated, false, 'the re-index finished early');
    } finally {
      await writer.write('not an index');
      await writer.close();
    }
    await status;
    assert.match(await hoverOnKey(), /^### Graph Networks Revisited\n/);
    assert.ok(!fs.existsSync(pipe), 'the unusable saved segment was removed');
  });
});
