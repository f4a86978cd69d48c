// A big bibliography is read into a paper store, as litlens.corpora are: streamed in a worker,
// indexed, saved under the cache folder and opened from there at the next start. The real server
// over JSON-RPC, a generated .bib over the size threshold (LIBRARY_STORE_BYTES) that the document
// names as its bibliography, with one broken entry in the middle.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusItems, generatePapers, toBib } from '../../bench/generate';
import type { Paper } from '../../server/src/library/paper';
import { LIBRARY_STORE_BYTES } from '../../server/src/workspace/workspace';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('language server over stdio: a big bibliography held in a paper store', function () {
  this.timeout(180000);
  let ws: string;
  let client: TestClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  after(() => {
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  const BROKEN = 'broken2099';
  let bib: string;
  let tex: string;
  let text: string;
  let papers: Paper[];
  let brokenLine: number;

  /** 800 entries (under completion's tier-1 limit) with long abstracts: over the threshold. */
  function bibliography(): void {
    bib = path.join(ws, 'big.bib');
    papers = generatePapers(corpusItems(), 800, 13, bib);
    const filler = 'Measured on held-out tasks with repeated trials and reported with their spread. ';
    for (const p of papers) p.abstract = `${p.abstract ?? ''} ${filler.repeat(80)}`.trim();
    const whole = toBib(papers);
    const middle = whole.indexOf(`{${papers[400].key},`);
    const at = whole.lastIndexOf('@', middle);
    brokenLine = whole.slice(0, at).split('\n').length;
    const broken = `@article{${BROKEN},\n  title = {An entry whose {brace is never closed},\n  year = {2021},\n\n`;
    fs.writeFileSync(bib, whole.slice(0, at) + broken + whole.slice(at));
    assert.ok(fs.statSync(bib).size > LIBRARY_STORE_BYTES, 'the test file is over the threshold');
    tex = path.join(ws, 'paper.tex');
    text = fs.readFileSync(tex, 'utf8').replace('\\bibliography{refs}', '\\bibliography{big}').replace('\\citep{smith2020graphs}', `\\citep{${papers[600].key}}`);
    fs.writeFileSync(tex, text);
  }

  async function start(): Promise<TestClient> {
    const c = TestClient.start();
    c.settings = { bundledCorpus: false };
    await c.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: { bundledCorpus: false } });
    await c.waitFor('litlens/status', (s: { state: string }) => s.state === 'ready', 120000);
    await c.open(tex, 'latex', text);
    return c;
  }

  const logged = (c: TestClient, pattern: RegExp): boolean => c.notifications.some((n) => n.method === 'window/logMessage' && pattern.test(n.params.message));

  async function servesTheStore(c: TestClient): Promise<void> {
    // Completion: every entry of the bibliography is tier 1 (offered, and choosing it adds nothing), the broken one is not.
    const list = await c.request('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, '\\cite{}', 6) });
    const items: { textEdit: { newText: string }; data?: { addsEntryTo?: string } }[] = list?.items ?? [];
    const offered = new Map(items.map((i) => [i.textEdit.newText, i]));
    const missing = papers.filter((p) => !offered.has(p.key)).map((p) => p.key);
    assert.deepEqual(missing, [], 'entries of big.bib not offered');
    assert.ok(!offered.has(BROKEN));
    for (const p of papers) assert.ok(!offered.get(p.key)!.data?.addsEntryTo, `${p.key} would be added to a file`);
    assert.deepEqual(
      items.slice(0, papers.length).map((i) => papers.some((p) => p.key === i.textEdit.newText)),
      papers.map(() => true),
      'the bibliography comes first',
    );
    // Hover: the card is the full entry read from the file (the store keeps no venue or abstract).
    const cited = papers[600];
    const hover = await c.request('textDocument/hover', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, cited.key, 2) });
    assert.ok(hover?.contents.value.includes(cited.title), hover?.contents.value);
    assert.ok(cited.venue && hover.contents.value.includes(cited.venue), `no venue in the card: ${hover.contents.value}`);
    // The broken entry: a diagnostic at its line in big.bib.
    type Diagnostic = { message: string; range: { start: { line: number } } };
    const diags = await c.waitFor('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => p.uri === uriOf(bib) && p.diagnostics.length > 0, 30000);
    const error = diags.diagnostics.find((d) => d.message.includes(BROKEN));
    assert.ok(error, JSON.stringify(diags.diagnostics));
    assert.equal(error.range.start.line, brokenLine - 1);
  }

  it('is read into a store, served, saved; the next start opens the saved index', async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    bibliography();
    client = await start();
    assert.ok(logged(client, /big\.bib: \d+ entries read into a paper store and saved/), 'read into a store');
    await servesTheStore(client);
    await client.stop();

    client = await start();
    assert.ok(logged(client, /big\.bib: opened its saved index \(800 entries\)/), 'the saved index opened');
    await servesTheStore(client);
  });

  it('a rewrite in place: every entry served while the file is half-written, the new entry once it is whole', async () => {
    client = await start(); // the saved index of the test before
    const c = client;
    const offered = async (): Promise<Set<string>> => {
      const list = await c.request('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, '\\cite{}', 6) });
      return new Set((list?.items ?? []).map((i: { textEdit: { newText: string } }) => i.textEdit.newText));
    };
    const changed = () => c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(bib), type: 2 }] });
    const whole = fs.readFileSync(bib);
    const half = whole.length >> 1;
    const handle = await fs.promises.open(bib, 'w'); // truncates
    try {
      await handle.write(whole, 0, half, 0);
      await changed();
      for (const t = Date.now(); Date.now() - t < 2500; await sleep(100)) {
        const now = await offered();
        assert.deepEqual(papers.filter((p) => !now.has(p.key)).map((p) => p.key), [], 'entries missing while the file is half-written');
      }
      const added = Buffer.from('\n@article{addedlate2025,\n  title = {An Entry Written Last},\n  year = {2025},\n}\n');
      const rest = Buffer.concat([whole.subarray(half), added]);
      await handle.write(rest, 0, rest.length, half);
    } finally {
      await handle.close();
    }
    await changed();
    let now = await offered();
    for (const t = Date.now(); !now.has('addedlate2025') && Date.now() - t < 20000; now = await offered()) await sleep(100);
    assert.ok(now.has('addedlate2025'), 'the added entry is offered');
    assert.deepEqual(papers.filter((p) => !now.has(p.key)).map((p) => p.key), []);
    assert.ok(logged(c, /big\.bib: 1 changed entry read again, 800 kept/), 're-read by what changed: only the added entry parsed');
  });
});
