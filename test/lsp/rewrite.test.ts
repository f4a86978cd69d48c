// A bibliography rewritten in place (a reference manager's auto-export, a sync client, git checkout)
// never empties the library: while the file is half-written, completion keeps offering every entry
// of the last good state; once the file has settled, the new state (an added entry, a removed one)
// is applied. The writer truncates the 600-entry refs.bib and writes it again in 32 KB chunks, 15 ms
// apart, with a longer pause in the middle, reporting each write as VS Code's watcher does.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusItems, generatePapers, toBib } from '../../bench/generate';
import type { Paper } from '../../server/src/library/paper';
import { TestClient, buildOnce, defaultCapabilities, positionOf, tempWorkspace, uriOf } from './harness';

const CHUNK = 32 * 1024;
/**
 * The new entry is offered this soon after the write ends (the bound): the last write's
 * event reads the complete file, which loses nothing, so it is applied without waiting to settle;
 * reading and re-indexing 600 entries take 0.6-1.7 s on a 2-core machine at load 14.
 */
const NEW_ENTRY_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('language server over stdio: a bibliography rewritten in place', function () {
  this.timeout(120000);
  let ws: string;
  let client: TestClient;

  afterEach(async () => {
    await client?.stop();
    if (ws) fs.rmSync(ws, { recursive: true, force: true });
  });

  /**
   * Six rewrites; rewrite k adds the entry `added{k}` at the top. `report`: the writer sends
   * didChangeWatchedFiles after each write (false: the server must notice by itself).
   */
  async function rewrites(papers: Paper[], report: boolean): Promise<void> {
    const bib = path.join(ws, 'refs.bib');
    const tex = path.join(ws, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await client.waitFor('litlens/status', (s: { state: string }) => s.state === 'ready', 60000);
    await client.open(tex, 'latex', text);
    const at = positionOf(text, '\\cite{}', 6);
    const offered = async (): Promise<Set<string>> => {
      const list = await client.request('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: at });
      return new Set((list?.items ?? []).map((i: { textEdit: { newText: string } }) => i.textEdit.newText));
    };
    const expected = new Set(papers.map((p) => p.key));
    const all = (offer: Set<string>): boolean => [...expected].every((k) => offer.has(k));
    let initial = await offered();
    for (let t = Date.now(); !all(initial) && Date.now() - t < 10000; initial = await offered()) await sleep(50);
    assert.ok(all(initial), 'the 600 entries are offered before the rewrites');

    let writing = true;
    let missing: string[] = [];
    let answers = 0;
    const seenAt = new Map<string, number>();
    const watch = (async () => {
      while (writing) {
        const now = await offered();
        answers++;
        for (const k of expected) if (!now.has(k)) missing.push(k);
        for (const k of now) if (!seenAt.has(k)) seenAt.set(k, Date.now());
        await sleep(10);
      }
    })();

    let body = toBib(papers);
    // A failed assertion stops the reader too: left running, it would keep mocha from exiting.
    try {
      for (let k = 1; k <= 6; k++) {
        const key = `added${k}`;
        body = `@article{${key},\n  title = {An Entry Added by Rewrite ${k}},\n  author = {Writer, Ann},\n  year = {2024},\n}\n` + body;
        const bytes = Buffer.from(body);
        const handle = await fs.promises.open(bib, 'w'); // truncates
        try {
          for (let at = 0; at < bytes.length; at += CHUNK) {
            await handle.write(bytes, at, Math.min(CHUNK, bytes.length - at), at);
            if (report) await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(bib), type: 2 }] });
            await sleep(at === CHUNK * 12 ? 400 : 15); // a longer pause mid-file
          }
        } finally {
          await handle.close();
        }
        const ended = Date.now();
        for (let t = Date.now(); !seenAt.has(key) && Date.now() - t < 5000; ) await sleep(20);
        assert.ok(seenAt.has(key), `${key} never offered`);
        assert.ok(seenAt.get(key)! - ended <= NEW_ENTRY_MS, `${key} offered ${seenAt.get(key)! - ended} ms after the write ended`);
        expected.add(key);
        assert.deepEqual([...new Set(missing)], [], `entries missing from completion during rewrite ${k}`);
        missing = [];
      }
    } finally {
      writing = false;
    }
    await watch;
    assert.ok(answers > 50, `only ${answers} completions answered`);

    // A rewrite that removes an entry: it goes once the file is stable.
    const gone = papers[0].key;
    fs.writeFileSync(bib, body.replace(new RegExp(`@article\\{${gone},[^@]*`), ''));
    if (report) await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(bib), type: 2 }] });
    let now = await offered();
    for (let t = Date.now(); now.has(gone) && Date.now() - t < 5000; now = await offered()) await sleep(50);
    assert.ok(!now.has(gone), `${gone} still offered after its entry was removed`);
    assert.ok(now.has(papers[1].key));
  }

  /** A fresh workspace whose refs.bib holds 600 generated entries. */
  function bibliography(): Paper[] {
    const bib = path.join(ws, 'refs.bib');
    const papers = generatePapers(corpusItems(), 600, 7, bib);
    fs.writeFileSync(bib, toBib(papers));
    return papers;
  }

  it('offers every entry at every moment of six slow rewrites, and the new one soon after the write', async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    const papers = bibliography();
    client = TestClient.start();
    client.settings = { bundledCorpus: false };
    await client.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: { bundledCorpus: false } });
    await rewrites(papers, true);
  });

  it('a client that registers no file watchers: the server notices the rewrites itself', async () => {
    await buildOnce();
    ws = tempWorkspace('workspace-latex');
    const papers = bibliography();
    client = TestClient.start();
    client.settings = { bundledCorpus: false };
    const workspace = { ...defaultCapabilities.workspace, didChangeWatchedFiles: { dynamicRegistration: false } };
    await client.initialize(ws, { cacheDir: path.join(ws, '.cache'), litlens: { bundledCorpus: false } }, { ...defaultCapabilities, workspace });
    await rewrites(papers, false);
    assert.ok(!client.serverRequests.some((r) => r.method === 'client/registerCapability' && JSON.stringify(r.params).includes('didChangeWatchedFiles')));
  });
});
