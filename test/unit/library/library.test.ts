import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { Library } from '../../../server/src/library/library';
import { loadLibrary } from '../../../server/src/library/load';
import type { Paper, SourceResult } from '../../../server/src/library/paper';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'bib');
const paper = (key: string, file: string, line: number, title = key, kind: Paper['origin']['kind'] = 'bibtex'): Paper => ({
  key,
  title,
  authors: [],
  origin: { file, line, kind },
});
const source = (...papers: Paper[]): SourceResult => ({ papers, issues: [] });

describe('library/library', () => {
  it('reports duplicate keys with both places; the first workspace source wins', () => {
    const lib = new Library();
    lib.setSource('refs', source(paper('x', 'refs.bib', 12, 'From refs'), paper('y', 'refs.bib', 20)), 'workspace');
    lib.setSource('other', source(paper('x', 'other.bib', 40, 'From other')), 'workspace');
    assert.equal(lib.get('x')!.title, 'From refs');
    assert.deepEqual(lib.papers.map((p) => p.key), ['x', 'y']);
    assert.deepEqual(lib.issues, [{ file: 'other.bib', line: 40, severity: 'warning', message: 'duplicate key "x", also at refs.bib:12' }]);
  });

  it('lets a workspace entry win over the corpus, wherever the sources were added', () => {
    const lib = new Library([
      { id: 'corpus', result: source(paper('muzero', 'corpus/papers.json', 2, 'MuZero', 'corpus'), paper('other', 'corpus/papers.json', 3, 'Other', 'corpus')), kind: 'corpus' },
      { id: 'refs', result: source(paper('muzero', 'refs.bib', 1, 'MuZero'), paper('clash', 'refs.bib', 9, 'Mine')), kind: 'workspace' },
    ]);
    lib.setSource('corpus2', source(paper('clash', 'corpus/papers.json', 7, 'Theirs', 'corpus')), 'corpus');
    assert.equal(lib.get('muzero')!.origin.file, 'refs.bib');
    assert.equal(lib.get('clash')!.title, 'Mine');
    assert.deepEqual(lib.papers.map((p) => p.key), ['muzero', 'clash', 'other']);
    // The same paper copied into the user's .bib is not a clash; a different paper under the same key is.
    assert.deepEqual(lib.issues.map((i) => i.message), ['duplicate key "clash", also at refs.bib:9 (the workspace entry wins)']);
  });

  it('updates incrementally and bumps its version', () => {
    const lib = new Library();
    const v0 = lib.version;
    lib.setSource('a', source(paper('a1', 'a.bib', 1)), 'workspace');
    lib.setSource('b', source(paper('b1', 'b.bib', 1)), 'workspace');
    assert.equal(lib.papers.length, 2);
    lib.setSource('a', source(paper('a2', 'a.bib', 1)), 'workspace');
    assert.equal(lib.get('a1'), undefined);
    assert.equal(lib.get('a2')!.key, 'a2');
    assert.deepEqual(lib.sources.map((s) => s.id), ['a', 'b'], 'a replaced source keeps its place');
    assert.equal(lib.removeSource('b'), true);
    assert.equal(lib.get('b1'), undefined);
    assert.ok(lib.version > v0 + 3);
  });

  it('loadLibrary reads folders and files in parallel, with duplicates across files reported', async () => {
    const lib = await loadLibrary({ libraries: [join(fixtures, 'dupes')], corpus: false });
    assert.deepEqual(lib.papers.map((p) => p.key), ['shared', 'onlyA', 'onlyB']);
    assert.equal(lib.get('shared')!.title, 'Shared Key in A');
    const a = join(fixtures, 'dupes', 'a.bib');
    const b = join(fixtures, 'dupes', 'b.bib');
    assert.deepEqual(lib.issues, [{ file: b, line: 6, severity: 'warning', message: `duplicate key "shared", also at ${a}:1` }]);
    assert.deepEqual(lib.sources.map((s) => [s.name, s.kind]), [[a, 'workspace'], [b, 'workspace']]);
  });

  it('loadLibrary includes the bundled corpus unless told not to, and reports missing paths', async () => {
    const lib = await loadLibrary({ libraries: [join(fixtures, 'zotero.bib'), join(fixtures, 'missing.bib')] });
    const corpus = lib.sources.find((s) => s.kind === 'corpus')!;
    assert.ok(corpus.papers.length >= 1);
    assert.match(corpus.file, /corpus[\\/]papers\.json$/);
    assert.equal(lib.get('schrittwieserMasteringAtariGo2020')!.origin.kind, 'bibtex');
    assert.ok(lib.issues.some((i) => i.file.endsWith('missing.bib') && i.severity === 'error'));
  });
});
