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
});
