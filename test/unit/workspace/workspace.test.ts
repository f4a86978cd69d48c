import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { libraryInfo, search } from '../../../server/src/features/search';
import type { LibraryContext } from '../../../server/src/workspace/project';
import { LitLensWorkspace } from '../../../server/src/workspace/workspace';
import { REFS_BIB, config } from '../features/fixture';

/** What the workspace answers a request from. */
const contextOf = (ws: LitLensWorkspace): LibraryContext => ({ config: config(), library: ws.currentLibrary(), index: ws.ready()?.index ?? null, folders: ws.folders, trusted: ws.trusted });

describe('workspace: the library and its index', function () {
  this.timeout(20000);
  let dir: string;
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-ws-')));
    fs.writeFileSync(path.join(dir, 'refs.bib'), REFS_BIB);
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name": "not-a-library"}');
    fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'dep.bib'), '@misc{dep, title = {Dependency}}\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the folder\'s .bib files (not node_modules, not package.json) and the corpus, reporting progress', async () => {
    const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: null });
    assert.equal(ws.ready(), null);
    assert.equal(ws.status().state, 'indexing');
    const reports: number[] = [];
    await ws.load(config(), (_, pct) => reports.push(pct));
    const ready = ws.ready()!;
    assert.deepEqual(
      ready.library.sources.map((s) => ws.sourceName(s)),
      ['refs.bib', 'bundled corpus'],
    );
    assert.equal(reports[reports.length - 1], 100);
    assert.deepEqual(ws.status(), { state: 'ready', papers: 354, sources: 2, errors: 0, embeddings: { state: 'off' } });
    assert.deepEqual(libraryInfo(contextOf(ws)), { sources: [{ name: 'refs.bib', papers: 1 }, { name: 'bundled corpus', papers: 353 }], years: { min: 2020, max: 2020 } });
  });

  it('re-reads only the changed file; adds new library files, ignores other JSON; forgets deleted ones', async () => {
    const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: null });
    await ws.load(config({ bundledCorpus: false }));
    const bib = path.join(dir, 'refs.bib');
    fs.appendFileSync(bib, '\n@misc{extra2021, title = {Extra Paper on Glaciers}, year = {2021}}\n');
    assert.equal(await ws.update({ file: bib, type: 'changed' }), true);
    assert.equal((await search(contextOf(ws), { query: 'glaciers' }))[0]?.key, 'extra2021');
    const csl = path.join(dir, 'more.json');
    fs.writeFileSync(csl, '[{"id": "csl2022", "title": "A CSL Paper", "type": "article"}]');
    assert.equal(await ws.update({ file: csl, type: 'created' }), true);
    assert.ok(ws.ready()!.library.get('csl2022'));
    const config_ = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config_, '{"compilerOptions": {}}');
    assert.equal(await ws.update({ file: config_, type: 'created' }), false);
    assert.equal(await ws.update({ file: path.join(dir, 'node_modules', 'x', 'dep.bib'), type: 'changed' }), false);
    fs.rmSync(csl);
    assert.equal(await ws.update({ file: csl, type: 'deleted' }), true);
    assert.equal(ws.ready()!.library.get('csl2022'), undefined);
    assert.ok(!(await search(contextOf(ws), { query: 'A CSL Paper' })).some((r) => r.key === 'csl2022'));
  });

  it('reads settings.libraries files and folders; a missing path is an error', async () => {
    const other = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-lib-')));
    try {
      fs.writeFileSync(path.join(other, 'zotero.bib'), '@article{z2019, title = {From Zotero}, year = {2019}}\n');
      const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: null });
      await ws.load(config({ bundledCorpus: false, libraries: [other, 'missing.bib'] }));
      const library = ws.ready()!.library;
      assert.ok(library.get('z2019'));
      assert.ok(library.issues.some((i) => i.file.endsWith('missing.bib') && i.severity === 'error'));
      assert.equal(ws.status().errors, 1);
      assert.ok(ws.extraLibraryPaths.includes(other));
      assert.deepEqual(ws.watchPatterns().slice(2), [
        { base: other, pattern: '**/*.{bib,bibtex,biblatex,json}' },
        { base: dir, pattern: 'missing.bib' },
      ]);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('an untrusted workspace reads only the bundled corpus', async () => {
    const ws = new LitLensWorkspace({ folders: [dir], trusted: false, cacheDir: null });
    await ws.load(config({ libraries: [path.join(dir, 'refs.bib')] }));
    assert.deepEqual(
      ws.ready()!.library.sources.map((s) => s.kind),
      ['corpus'],
    );
    assert.equal(await ws.update({ file: path.join(dir, 'refs.bib'), type: 'changed' }), false);
  });

  describe('litlens.corpora', function () {
    this.timeout(60000); // three loads and two corpus builds in workers, on a shared machine
    const snapshot = path.join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');

    it('loads after the own library, narrowed by the categories; a reload keeps it, another filter reads it again', async () => {
      const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: path.join(dir, '.cache') });
      try {
        const settings = config({ bundledCorpus: false, corpora: [snapshot], corpusCategories: ['cs.LG'] });
        await ws.load(settings);
        assert.equal(ws.status().corpus?.state, 'indexing');
        const reports: string[] = [];
        await ws.loadCorpora((m) => reports.push(m));
        const status = ws.status();
        assert.equal(status.corpus?.state, 'ready');
        const papers = status.corpus!.papers;
        assert.ok(papers > 100 && papers < 1000 && status.corpus!.filtered === 1000 - papers, JSON.stringify(status.corpus));
        assert.equal(status.papers, ws.ready()!.library.size);
        assert.ok(reports.some((r) => /snapshot-1k\.jsonl: [\d,]+ papers/.test(r)), reports.join('\n'));
        const hit = (await ws.ready()!.index.search('domain adaptation', { limit: 50 })).find((h) => h.paper.key.startsWith('arXiv:'));
        assert.ok(hit, 'the corpus is searched');
        // A reload (another library setting): the loaded corpus goes into the new pair at once.
        await ws.load({ ...settings, libraries: [path.join(dir, 'refs.bib')] });
        assert.equal(ws.ready()!.library.stores.length, 1);
        assert.equal(ws.status().corpus?.papers, papers);
        // Another filter: dropped, and read again.
        await ws.load({ ...settings, corpusCategories: ['cs'] });
        assert.equal(ws.ready()!.library.stores.length, 0);
        await ws.loadCorpora();
        assert.ok(ws.status().corpus!.papers > papers);
      } finally {
        await ws.dispose();
      }
    });

    it('a missing corpus is an error in the status, and an untrusted workspace reads none', async () => {
      const ws = new LitLensWorkspace({ folders: [dir], trusted: true, cacheDir: null });
      try {
        await ws.load(config({ bundledCorpus: false, corpora: ['nope.jsonl'] }));
        await ws.loadCorpora();
        assert.equal(ws.status().corpus?.state, 'error');
        assert.match(ws.status().corpus!.message!, /nope\.jsonl: .*no such file/);
        assert.ok(ws.ready()!.library.issues.some((i) => i.file === path.join(dir, 'nope.jsonl') && i.severity === 'error'));
      } finally {
        await ws.dispose();
      }
      const untrusted = new LitLensWorkspace({ folders: [dir], trusted: false, cacheDir: null });
      try {
        await untrusted.load(config({ corpora: [snapshot] }));
        await untrusted.loadCorpora();
        assert.equal(untrusted.status().corpus, undefined);
        assert.equal(untrusted.ready()!.library.stores.length, 0);
        assert.equal(untrusted.isCorpusFile(snapshot), false);
      } finally {
        await untrusted.dispose();
      }
    });
  });
});
