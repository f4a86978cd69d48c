// A bare \cite{ whose bibliography has more entries than litlens.maxSuggestions (20), over JSON-RPC:
// the papers from elsewhere that pass the related gate take the last of the first 20 rows, not
// rows 26 and after: bundled papers for an ML paper (test/fixtures/workspace-latex, refs.bib grown
// to 25 invented entries), a lab library's paper for a glaciology paper (workspace-glaciers).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, buildOnce, positionOf, tempWorkspace, uriOf } from './harness';

/** Invented machine-learning titles: refs.bib's 24 more entries (the paper is in the corpus's field). */
const TOPICS = ['Curriculum learning', 'Contrastive pretraining', 'Sparse attention', 'Federated optimisation', 'Knowledge distillation', 'Meta learning', 'Neural architecture search', 'Label noise'];
const SETTINGS = ['for robotic grasping', 'for speech recognition', 'for protein structure'];
const MORE = TOPICS.flatMap((t) => SETTINGS.map((s) => `${t} ${s}`));

/** A .bib of invented entries PREFIX1, PREFIX2… */
const entries = (titles: readonly string[], prefix: string, author: string, firstYear: number) =>
  titles.map((title, i) => `@article{${prefix}${i + 1},\n  title = {${title}},\n  author = {${author}},\n  year = {${firstYear + i}}\n}\n`).join('\n');

/** A server (started before the suite's tests, stopped after) on a copy of `fixture`, changed by `prepare` first. */
function serverOn(fixture: string, prepare: (folder: string) => void): { folder: string; client: TestClient } {
  const s = { folder: '', client: undefined as unknown as TestClient };
  before(async () => {
    await buildOnce();
    s.folder = tempWorkspace(fixture);
    prepare(s.folder);
    s.client = TestClient.start();
    await s.client.initialize(s.folder, { cacheDir: null });
    await s.client.waitFor('litlens/status', (st: any) => st.state === 'ready', 30000);
  });
  after(async () => {
    await s.client?.stop();
    if (s.folder) fs.rmSync(s.folder, { recursive: true, force: true });
  });
  return s;
}

describe('language server over stdio: a bare \\cite{ with 25 entries in the bibliography', function () {
  this.timeout(60000);
  const s = serverOn('workspace-latex', (folder) => fs.appendFileSync(path.join(folder, 'refs.bib'), `\n${entries(MORE, 'more', 'Okafor, Ada', 2000)}`));

  it('offers every entry, with the bundled papers that pass the gate among the first 20 rows', async () => {
    const tex = path.join(s.folder, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8');
    await s.client.open(tex, 'latex', text);
    const list = await s.client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, 'board games \\cite{', 18) });
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

/** A lab's library beside the glaciology paper (tier 2: in the folder, not named by the document); invented titles. */
const LAB = [
  'Sensitivity of glacier mass balance to summer air temperature in the Alps',
  'Groundwater recharge beneath irrigated valley floors',
  'Sediment transport in braided rivers during spring floods',
  'Lake ice phenology across the boreal zone',
  'Soil moisture memory and summer drought in mountain grasslands',
  'Snowpack water equivalent from passive microwave observations',
  'River temperature downstream of hydropower reservoirs',
  'Nitrate leaching from alpine pastures after snowmelt',
];

describe('language server over stdio: a bare \\cite{ in a glaciology paper with 25 entries and a lab library beside it', function () {
  this.timeout(60000);
  const s = serverOn('workspace-glaciers', (folder) => fs.writeFileSync(path.join(folder, 'lab.bib'), entries(LAB, 'lab', 'Rossi, Marta', 2016)));

  const complete = async (sentence: string, version: number) => {
    const tex = path.join(s.folder, 'paper.tex');
    const text = fs.readFileSync(tex, 'utf8').replace('\\section{Methods}', `${sentence} \\cite{}.\n\n\\section{Methods}`);
    if (version === 1) await s.client.open(tex, 'latex', text);
    else await s.client.notify('textDocument/didChange', { textDocument: { uri: uriOf(tex), version }, contentChanges: [{ text }] });
    const list = await s.client.request<{ items: any[] }>('textDocument/completion', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, `${sentence} \\cite{`, sentence.length + 7) });
    return list.items.sort((a, b) => a.sortText.localeCompare(b.sortText)).map((i) => i.textEdit.newText as string);
  };

  it('offers the lab paper a sentence is about among the first 20 rows; none for a sentence about the paper\'s own work', async () => {
    const keys = await complete('Nitrate leaches from alpine pastures after the snow melts', 1);
    assert.equal(keys.indexOf('lab8'), 19, keys.join(' '));
    assert.equal(keys.filter((k) => /^glacier\d+$/.test(k)).length, 25);
    assert.ok(!keys.some((k) => !/^(glacier|lab)\d+$/.test(k)), 'no bundled ML paper: the paper is outside its field');
    const own = await complete('The stakes are drilled into the ice each spring and read again in autumn', 2);
    assert.deepEqual(own.filter((k) => !/^glacier\d+$/.test(k)), []);
  });
});
