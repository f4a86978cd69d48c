// The field rule (docs/related.md, gate.ts inField) in the search panel, over JSON-RPC, on an
// invented glaciology paper (test/fixtures/workspace-glaciers): "All sources" ranks the bundled ML
// corpus after the paper's own library and marks it, and the source list says so.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, buildOnce, tempWorkspace, uriOf } from './harness';

describe('language server over stdio: the field rule in the search panel', function () {
  this.timeout(60000);
  let folder: string;
  let tex: string;
  let client: TestClient;

  before(async () => {
    await buildOnce();
    folder = tempWorkspace('workspace-glaciers');
    tex = path.join(folder, 'paper.tex');
    client = TestClient.start();
    await client.initialize(folder, { cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
    await client.open(tex, 'latex');
  });

  after(async () => {
    await client?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('"All sources" from the paper: its own library first, the bundled ML corpus after it and marked; the same ranking within each', async () => {
    const query = 'mass balance model';
    const plain = await client.request('litlens/search', { query, limit: 10 });
    // Without a document the ranking mixes them: an ML paper above an entry of the paper's own field.
    const firstCorpus = plain.findIndex((r: any) => r.source === 'bundled corpus');
    assert.ok(firstCorpus >= 0 && plain.slice(firstCorpus).some((r: any) => r.source === 'refs.bib'), plain.map((r: any) => r.key).join(' '));
    assert.ok(plain.every((r: any) => !r.outsideField));

    const fromPaper = await client.request('litlens/search', { query, limit: 10, uri: uriOf(tex) });
    const own = fromPaper.filter((r: any) => r.source === 'refs.bib');
    assert.ok(own.length >= 3);
    assert.deepEqual(fromPaper.slice(0, own.length), own, 'the paper\'s own library comes first');
    assert.ok(fromPaper.slice(own.length).every((r: any) => r.source === 'bundled corpus' && r.outsideField === true));
    // Within each part the order is the plain ranking's.
    const order = (rs: any[], source: string) => rs.filter((r) => r.source === source).map((r) => r.key);
    assert.deepEqual(order(fromPaper, 'refs.bib').slice(0, order(plain, 'refs.bib').length), order(plain, 'refs.bib'));
    assert.deepEqual(order(fromPaper, 'bundled corpus'), order(plain, 'bundled corpus').slice(0, order(fromPaper, 'bundled corpus').length));

    // Chosen by name, the corpus is searched as before: nothing is marked or left out.
    const named = await client.request('litlens/search', { query, limit: 5, sources: ['bundled corpus'], uri: uriOf(tex) });
    assert.deepEqual(named.map((r: any) => r.key), order(plain, 'bundled corpus').slice(0, 5));
    assert.ok(named.every((r: any) => !r.outsideField));
  });

  it('the paper itself gets exactly one uncited-claim hint (the count the editor suite\'s status tooltip shows)', async () => {
    const published = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uriOf(tex) && p.diagnostics.some((d: any) => d.code === 'uncited-claim'), 30000);
    const hints = published.diagnostics.filter((d: any) => d.code === 'uncited-claim');
    assert.equal(hints.length, 1, hints.map((d: any) => `line ${d.range.start.line}: ${d.message}`).join('\n'));
  });

  it('an uncited-claim hint never names a paper of a source outside the paper\'s field (the bundled ML corpus for glaciology)', async () => {
    // A sentence that paraphrases a bundled ML paper (mastering-atari-go) and cites nothing, in the glaciology paper.
    const text = fs.readFileSync(tex, 'utf8').replace('\\bibliography{refs}', 'Earlier studies have shown that the flow of glaciers can be tracked in satellite images by agents that master Atari, Go, chess and shogi by planning with a learned model.\n\nPrevious work has shown that self-supervised learning of visual features from satellite images of glaciers improves segmentation of ice and debris.\n\n\\bibliography{refs}');
    const other = path.join(folder, 'ml-sentence.tex');
    fs.writeFileSync(other, text);
    await client.open(other, 'latex');
    const published = await client.waitFor('textDocument/publishDiagnostics', (p: any) => p.uri === uriOf(other) && p.diagnostics.some((d: any) => d.code === 'uncited-claim'), 30000);
    const keys = published.diagnostics.filter((d: any) => d.code === 'uncited-claim').flatMap((d: any) => d.data.keys);
    assert.ok(keys.length > 0 && keys.every((k: string) => /^glacier/.test(k)), keys.join(' '));
  });

  it('the source list marks the sources outside the paper\'s field, and only when asked for a document', async () => {
    const info = await client.request('litlens/libraryInfo', { uri: uriOf(tex) });
    assert.deepEqual(info.sources, [
      { name: 'refs.bib', papers: 25 },
      { name: 'bundled corpus', papers: 353, outsideField: true },
    ]);
    const alone = await client.request('litlens/libraryInfo', null);
    assert.ok(alone.sources.every((s: any) => !s.outsideField));
  });
});
