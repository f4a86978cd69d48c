// A Zotero library read by the real server over JSON-RPC: its papers come after the document's
// bibliography in completion (tier 2), choosing one writes its complete entry, the search panel
// names its library, and an item added in Zotero is offered without a restart.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBibtexParser, parseBibtex } from '../../server/src/library/bibtex';
import { fakeZotero } from '../fixtures/zotero/api';
import { makeZoteroDb, type FixtureItem } from '../fixtures/zotero/make';
import { buildOnce, NO_ZOTERO, positionOf, TestClient, uriOf } from './harness';

const TEX = String.raw`\documentclass{article}
\begin{document}
Our earlier study \citep{smith2020graphs} used graph networks.
The mass balance of mountain glaciers was measured from drone photogrammetry surveys over three melt seasons \cite{}.
\bibliography{refs}
\end{document}
`;
const BIB = `@article{smith2020graphs,
  author = {Smith, Jane},
  title = {Graph networks for relational reasoning},
  journal = {Journal of Graphs},
  year = {2020}
}
`;

const items: FixtureItem[] = [
  {
    key: 'GLAC0001',
    type: 'journalArticle',
    fields: {
      title: 'Glacier mass balance from drone photogrammetry',
      date: '2021-06-00 June 2021',
      publicationTitle: 'Journal of Glaciology',
      DOI: '10.1000/glac.42',
      url: 'https://example.org/glacier',
      abstractNote: 'Repeated drone photogrammetry surveys measure the mass balance of mountain glaciers over melt seasons.',
      extra: 'Citation Key: okafor2021glacier',
    },
    creators: [{ last: 'Okafor', first: 'Ada' }, { last: 'Alpine Survey Office', single: true }],
  },
  { key: 'SOIL0001', type: 'journalArticle', fields: { title: 'Soil carbon under grazing', date: '2012' }, creators: [{ last: 'Lindqvist', first: 'Bo' }] },
  { key: 'NOTE0001', type: 'note' },
  { key: 'TRSH0001', type: 'journalArticle', fields: { title: 'Glacier photogrammetry in the trash' }, deleted: true },
  { key: 'GRPP0001', type: 'conferencePaper', fields: { title: 'Ocean sensor networks', date: '2019', proceedingsTitle: 'Proc. Sensors' }, library: 2 },
];

/** A temporary folder holding the paper (paper.tex, refs.bib) and an empty Zotero data directory beside it. */
function paperBesideZotero(prefix: string): { dir: string; ws: string; zoteroDir: string } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  const ws = path.join(dir, 'paper');
  const zoteroDir = path.join(dir, 'Zotero');
  fs.mkdirSync(ws);
  fs.mkdirSync(zoteroDir);
  fs.writeFileSync(path.join(ws, 'paper.tex'), TEX);
  fs.writeFileSync(path.join(ws, 'refs.bib'), BIB);
  return { dir, ws, zoteroDir };
}

describe('Zotero over JSON-RPC', function () {
  this.timeout(120000);
  let dir: string;
  let ws: string;
  let zoteroDir: string;
  let client: TestClient;
  let texUri: string;
  const groups = [{ groupID: 4711, libraryID: 2, name: 'Lab Group' }];

  before(async () => {
    await Promise.all([buildOnce(), loadBibtexParser()]);
    ({ dir, ws, zoteroDir } = paperBesideZotero('litlens-zotero-lsp-'));
    fs.writeFileSync(path.join(zoteroDir, 'zotero.sqlite'), await makeZoteroDb({ version: 7, items, groups }));
    client = TestClient.start();
    client.settings = { zotero: zoteroDir };
    await client.initialize(ws, { litlens: client.settings, cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && s.zotero?.state === 'ready', 60000);
    texUri = uriOf(path.join(ws, 'paper.tex'));
    await client.open(path.join(ws, 'paper.tex'), 'latex', TEX);
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("offers the Zotero paper on the sentence's topic right after the bibliography's entries", async () => {
    const list = await client.request('textDocument/completion', { textDocument: { uri: texUri }, position: positionOf(TEX, '\\cite{}', 6) });
    const labels = list.items.map((i: any) => i.textEdit.newText);
    assert.equal(labels[0], 'smith2020graphs');
    assert.equal(labels[1], 'okafor2021glacier', JSON.stringify(labels));
    const row = list.items[1];
    assert.match(row.detail, /^okafor2021glacier · Zotero: My Library —\s+choosing it adds the entry to refs\.bib$/);
    // Zotero's papers are on a paper store: the card comes from the whole entry when the item is resolved.
    const resolved = await client.request('completionItem/resolve', row);
    assert.match(resolved.documentation.value, /\[open in Zotero\]\(zotero:\/\/select\/library\/items\/GLAC0001\)/);
    assert.ok(!labels.some((l: string) => /trash/i.test(l)));
  });

  it('choosing it writes its complete entry into refs.bib, with the same key', async () => {
    const bib = path.join(ws, 'refs.bib');
    const result = await client.request('workspace/executeCommand', { command: 'litlens.ensureInBibliography', arguments: [texUri, 'okafor2021glacier'] });
    assert.deepEqual(result, { file: bib, added: true });
    const text = fs.readFileSync(bib, 'utf8');
    assert.ok(text.startsWith(BIB));
    const { papers, issues } = parseBibtex(bib, text);
    assert.deepEqual(issues, []);
    const entry = papers.find((p) => p.key === 'okafor2021glacier')!;
    assert.deepEqual(
      { type: entry.type, title: entry.title, authors: entry.authors, year: entry.year, venue: entry.venue, doi: entry.doi, url: entry.url, abstract: entry.abstract },
      {
        type: 'article',
        title: 'Glacier mass balance from drone photogrammetry',
        authors: ['Okafor, Ada', 'Alpine Survey Office'],
        year: 2021,
        venue: 'Journal of Glaciology',
        doi: '10.1000/glac.42',
        url: 'https://example.org/glacier',
        abstract: 'Repeated drone photogrammetry surveys measure the mass balance of mountain glaciers over melt seasons.',
      },
    );
  });

  it("a cited Zotero paper's hover is its card, linking to the item in Zotero", async () => {
    const chapter = path.join(ws, 'chapter.tex');
    const text = 'Grazing changes soil carbon \\cite{lindqvist2012soil}.\n';
    fs.writeFileSync(chapter, text);
    await client.open(chapter, 'latex', text);
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uriOf(chapter) }, position: positionOf(text, 'lindqvist2012soil', 2) });
    assert.ok(hover.contents.value.startsWith('### Soil carbon under grazing\n'), hover.contents.value);
    assert.ok(hover.contents.value.endsWith('`lindqvist2012soil` · [open in Zotero](zotero://select/library/items/SOIL0001)'), hover.contents.value);
  });

  it('the search panel names each Zotero library as a source', async () => {
    const info = await client.request('litlens/libraryInfo', null);
    const names = info.sources.map((s: any) => s.name);
    assert.ok(names.includes('Zotero: My Library') && names.includes('Zotero: Lab Group'), JSON.stringify(names));
    const hits = await client.request('litlens/search', { query: 'ocean sensor networks', limit: 3 });
    assert.equal(hits[0].title, 'Ocean sensor networks');
    assert.equal(hits[0].source, 'Zotero: Lab Group');
  });

  it('an item added in Zotero is offered without a restart', async () => {
    const before = Date.now();
    const grown = [...items, { key: 'NEWW0001', type: 'journalArticle', fields: { title: 'Permafrost thaw and methane release', date: '2023' }, creators: [{ last: 'Haddad', first: 'Rami' }] } satisfies FixtureItem];
    const file = path.join(zoteroDir, 'zotero.sqlite');
    fs.writeFileSync(`${file}.tmp`, await makeZoteroDb({ version: 7, items: grown, groups }));
    fs.renameSync(`${file}.tmp`, file);
    await client.waitForNext('litlens/status', (s: any) => s.state === 'ready', 30000);
    const hits = await client.request('litlens/search', { query: 'permafrost methane', limit: 3 });
    assert.equal(hits[0]?.key, 'haddad2023permafrost');
    if (process.env.LITLENS_VERBOSE) console.log(`      offered ${Date.now() - before} ms after the write`);
  });
});

describe('Zotero found with no setting, as a new user has it', function () {
  this.timeout(120000);
  let home: string;
  let client: TestClient;

  before(async () => {
    await buildOnce();
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-zotero-home-')));
    fs.mkdirSync(path.join(home, 'Zotero'));
    fs.mkdirSync(path.join(home, 'paper'));
    fs.writeFileSync(path.join(home, 'Zotero', 'zotero.sqlite'), await makeZoteroDb({ version: 9, items }));
    fs.writeFileSync(path.join(home, 'paper', 'paper.tex'), TEX.replace('\\bibliography{refs}\n', ''));
    // The server's home holds Zotero's default data directory; no local API answers (no Zotero runs here).
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, LITLENS_ZOTERO_API: NO_ZOTERO.LITLENS_ZOTERO_API };
    delete env.LITLENS_ZOTERO_DIR;
    client = TestClient.start(undefined, env);
    await client.initialize(path.join(home, 'paper'), { cacheDir: null });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && s.zotero?.state === 'ready', 60000);
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("reads ~/Zotero/zotero.sqlite: its papers are in completion and in the panel's sources", async () => {
    const text = TEX.replace('\\bibliography{refs}\n', '');
    const file = path.join(home, 'paper', 'paper.tex');
    await client.open(file, 'latex', text);
    const list = await client.request('textDocument/completion', { textDocument: { uri: uriOf(file) }, position: positionOf(text, '\\cite{}', 6) });
    assert.ok(list.items.some((i: any) => i.textEdit.newText === 'okafor2021glacier'), JSON.stringify(list.items.map((i: any) => i.textEdit.newText)));
    const info = await client.request('litlens/libraryInfo', null);
    assert.ok(info.sources.some((s: any) => s.name === 'Zotero: My Library'), JSON.stringify(info.sources));
  });
});

describe('Zotero from the saved index, and read in the background', function () {
  this.timeout(120000);
  let dir: string;
  let ws: string;
  let zoteroDir: string;
  let client: TestClient | null = null;
  const completionLabels = async (c: TestClient): Promise<string[]> => {
    const list = await c.request('textDocument/completion', { textDocument: { uri: uriOf(path.join(ws, 'paper.tex')) }, position: positionOf(TEX, '\\cite{}', 6) });
    return list.items.map((i: any) => i.textEdit.newText);
  };

  before(async () => {
    await buildOnce();
    ({ dir, ws, zoteroDir } = paperBesideZotero('litlens-zotero-saved-'));
  });
  afterEach(async () => {
    await client?.stop();
    client = null;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second start opens the saved index without reading the database (it is not even readable then)', async () => {
    const file = path.join(zoteroDir, 'zotero.sqlite');
    fs.writeFileSync(file, await makeZoteroDb({ version: 7, items, groups: [{ groupID: 4711, libraryID: 2, name: 'Lab Group' }] }));
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    const cacheDir = path.join(dir, 'cache');
    client = TestClient.start();
    client.settings = { zotero: zoteroDir };
    await client.initialize(ws, { litlens: client.settings, cacheDir });
    await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && s.zotero?.state === 'ready', 60000);
    await client.stop();
    // The same size and mtime, but no database any more: a read would fail ("corrupt"), and there is no .bak.
    fs.writeFileSync(file, Buffer.alloc(fs.statSync(file).size, 0x5a));
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    client = TestClient.start();
    client.settings = { zotero: zoteroDir };
    await client.initialize(ws, { litlens: client.settings, cacheDir });
    const status = await client.waitFor('litlens/status', (s: any) => s.state === 'ready' && /ready|error/.test(s.zotero?.state), 60000);
    assert.deepEqual(status.zotero, { state: 'ready', papers: 3 }); // a read of the database would be an error
    await client.open(path.join(ws, 'paper.tex'), 'latex', TEX);
    assert.deepEqual((await completionLabels(client)).slice(0, 2), ['smith2020graphs', 'okafor2021glacier']);
    const hits = await client.request('litlens/search', { query: 'ocean sensor networks', limit: 3 });
    assert.equal(hits[0].source, 'Zotero: Lab Group');
  });

  it('answers completion from the other libraries while Zotero is still being read; its papers join when read', async () => {
    const item = (key: string, data: Record<string, unknown>) => ({ key, version: 1, library: { type: 'user', id: 0 }, data: { key, version: 1, dateAdded: '2024-01-01T00:00:00Z', ...data } });
    const api = await fakeZotero([
      {
        prefix: 'users/0',
        version: 5,
        items: [
          item('GLAC0001', {
            itemType: 'journalArticle',
            title: 'Glacier mass balance from drone photogrammetry',
            date: '2021-06',
            abstractNote: 'Repeated drone photogrammetry surveys measure the mass balance of mountain glaciers over melt seasons.',
            extra: 'Citation Key: okafor2021glacier',
            creators: [{ creatorType: 'author', firstName: 'Ada', lastName: 'Okafor' }],
          }),
        ],
      },
    ]);
    let release = (): void => {};
    api.hold = new Promise<void>((resolve) => (release = resolve)); // Zotero busy: its pages of items wait
    try {
      client = TestClient.start(undefined, { ...process.env, LITLENS_ZOTERO_API: api.base, LITLENS_ZOTERO_DIR: path.join(dir, 'no-zotero-here') });
      await client.initialize(ws, { litlens: { zotero: 'auto' }, cacheDir: null });
      const ready = await client.waitFor('litlens/status', (s: any) => s.state === 'ready', 60000);
      assert.equal(ready.zotero?.state, 'reading');
      await client.open(path.join(ws, 'paper.tex'), 'latex', TEX);
      const before = await completionLabels(client);
      assert.equal(before[0], 'smith2020graphs');
      assert.ok(!before.includes('okafor2021glacier'));
      assert.ok(api.requests.some((r) => r.includes('/items?format=json')), 'the read was under way');
      release();
      await client.waitFor('litlens/status', (s: any) => s.zotero?.state === 'ready', 30000);
      assert.deepEqual((await completionLabels(client)).slice(0, 2), ['smith2020graphs', 'okafor2021glacier']);
    } finally {
      release();
      await api.close();
    }
  });
});
