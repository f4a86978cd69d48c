// A bare \cite{ whose bibliography has more entries than litlens.maxSuggestions (20), over JSON-RPC:
// the papers from elsewhere that pass the related gate take the last of the first 20 rows, not
// rows 26 and after (test/fixtures/workspace-latex with refs.bib grown to 25 invented entries).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

/** Invented machine-learning titles: refs.bib's 24 more entries (the paper is in the corpus's field). */
const TOPICS = ['Curriculum learning', 'Contrastive pretraining', 'Sparse attention', 'Federated optimisation', 'Knowledge distillation', 'Meta learning', 'Neural architecture search', 'Label noise'];
const SETTINGS = ['for robotic grasping', 'for speech recognition', 'for protein structure'];
const MORE = TOPICS.flatMap((t) => SETTINGS.map((s) => `${t} ${s}`));

describe('language server over stdio: a bare \\cite{ with 25 entries in the bibliography', function () {
  this.timeout(60000);
  let folder: string;
  let client: TestClient;

  before(async () => {
    await buildOnce();
    folder = tempWorkspace('workspace-latex');
    const bib = MORE.map((title, i) => `@article{more${i + 1},\n  title = {${title}},\n  author = {Okafor, Ada},\n  year = {${2000 + i}}\n}\n`).join('\n');
    fs.appendFileSync(path.join(folder, 'refs.bib'), `\n${bib}`);
    client = TestClient.start();
    await client.initialize(folder, { cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 30000);
  });

  after(async () => {
    await client?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('offers every entry, with the bundled papers that pass the gate among the first 20 rows', async () => {
    const tex = path.join(folder, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await client.open(tex, 'latex', text);
    const list = await client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, 'board games \\cite{', 18) });
    const rows = list.items.sort((a, b) => a.sortText.localeCompare(b.sortText));
    const own = rows.filter((r) => !r.labelDetails.description.startsWith('+ '));
    assert.equal(own.length, 25, 'every entry of the bibliography is offered');
    const others = rows.map((r, i) => ({ key: r.textEdit.newText, row: i + 1, adds: r.labelDetails.description.startsWith('+ refs.bib · ') })).filter((r) => r.adds);
    assert.ok(others.length >= 1 && others.length <= 3, JSON.stringify(others));
    // The last of the first 20 rows (18-20 for three), the bibliography's other entries after them.
    assert.deepEqual(others.map((o) => o.row), [18, 19, 20].slice(3 - others.length));
    assert.ok(others.some((o) => o.key === 'mastering-atari-go'), JSON.stringify(others));
  });
});
