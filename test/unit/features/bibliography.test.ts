import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureInBibliography, keysInFiles, projectBibliography } from '../../../server/src/features/bibliography';
import { appendCslItem, toCslItem } from '../../../server/src/library/bibwriter';
import { readLibraryFile } from '../../../server/src/library/files';
import { config, docAt, makeProject } from './fixture';

describe('features: the project bibliography', () => {
  it('is what the document names, resolved against its folder; else the default file in the workspace folder', () => {
    const ws = path.join(os.tmpdir(), 'ws');
    const named = docAt('\\bibliography{refs,more/other}|', 'latex', path.join(ws, 'chapters', 'one.tex')).doc;
    const p = projectBibliography(named, [ws], config());
    assert.deepEqual(p.named, [path.join(ws, 'chapters', 'refs.bib'), path.join(ws, 'chapters', 'more', 'other.bib')]);
    assert.equal(p.target, path.join(ws, 'chapters', 'refs.bib'));
    const md = docAt('---\nbibliography: [lib.json]\n---\nText|', 'markdown', path.join(ws, 'note.md')).doc;
    assert.equal(projectBibliography(md, [ws], config()).target, path.join(ws, 'lib.json'));
    const bare = docAt('No bibliography here.|', 'latex', path.join(ws, 'a', 'b.tex')).doc;
    const q = projectBibliography(bare, [ws], config({ defaultBibliography: 'bib/main.bib' }));
    assert.deepEqual(q.named, []);
    assert.equal(q.target, path.join(ws, 'bib', 'main.bib'));
    assert.deepEqual(q.files, [q.target]);
  });

  it('adds a corpus paper to the named .bib once, keeping every existing byte', async () => {
    const { dir, bib, ready } = await makeProject();
    try {
      const { doc } = docAt('\\cite{mastering-atari-go}\\bibliography{refs}|', 'latex', path.join(dir, 'paper.tex'));
      const project = projectBibliography(doc, [dir], config());
      const before = fs.readFileSync(bib);
      assert.deepEqual(await ensureInBibliography(ready.library, project, 'mastering-atari-go'), { file: bib, added: true });
      const after = fs.readFileSync(bib);
      assert.ok(after.subarray(0, before.length).equals(before));
      assert.equal(after.subarray(before.length).toString().match(/@\w+\{/g)?.length, 1);
      // The library has not re-read the file yet; the file itself says the entry is there.
      assert.deepEqual(await ensureInBibliography(ready.library, project, 'mastering-atari-go'), { file: bib, added: false });
      assert.deepEqual(await ensureInBibliography(ready.library, project, 'smith2020graphs'), { file: bib, added: false });
      const unknown = await ensureInBibliography(ready.library, project, 'no-such-paper');
      assert.equal(unknown.added, false);
      assert.match(unknown.reason!, /not in the library/);
      // The appended entry parses back to the same paper.
      const reread = await readLibraryFile(bib);
      assert.deepEqual(reread.issues, []);
      assert.equal(reread.papers.find((p) => p.key === 'mastering-atari-go')?.title, 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
      assert.deepEqual([...keysInFiles(ready.library, [bib]).keys()], ['smith2020graphs']);
      // Once the library re-reads the file, the (remembered) key map follows it.
      const source = ready.library.sources.find((s) => s.file === bib)!;
      ready.library.setSource(source.id, reread, source.kind, source.name, source.file);
      assert.deepEqual([...keysInFiles(ready.library, [bib]).keys()].sort(), ['mastering-atari-go', 'smith2020graphs']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns papers into CSL items with CSL types, names and dates', async () => {
    const { dir, ready } = await makeProject();
    try {
      assert.deepEqual(toCslItem(ready.library.get('smith2020graphs')!), {
        id: 'smith2020graphs',
        type: 'article-journal',
        title: 'Graph Networks for Physical Reasoning',
        author: [
          { family: 'Smith', given: 'Jane' },
          { family: 'Doe', given: 'John' },
        ],
        issued: { 'date-parts': [[2020]] },
        'container-title': 'Journal of Machine Learning Research',
        abstract: 'We study graph networks that learn to simulate rigid bodies and fluids.',
      });
      assert.equal(toCslItem(ready.library.get('mastering-atari-go')!).type, 'article');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inserts a CSL item before the closing ] of a CSL-JSON bibliography, keeping the bytes before', async () => {
    const { dir, ready } = await makeProject();
    try {
      const paper = ready.library.get('mastering-atari-go')!;
      const file = path.join(dir, 'lib.json');
      const original = '[\n  {"id": "a", "title": "A"}\n]\n';
      fs.writeFileSync(file, original);
      await appendCslItem(file, paper);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.startsWith('[\n  {"id": "a", "title": "A"}'));
      assert.ok(text.endsWith('\n]\n'));
      const items = JSON.parse(text);
      assert.deepEqual(items.map((i: any) => i.id), ['a', 'mastering-atari-go']);
      const empty = path.join(dir, 'empty.json');
      fs.writeFileSync(empty, '[]');
      await appendCslItem(empty, paper);
      assert.equal(JSON.parse(fs.readFileSync(empty, 'utf8'))[0].title, paper.title);
      const missing = path.join(dir, 'new.json');
      await appendCslItem(missing, paper);
      assert.equal(JSON.parse(fs.readFileSync(missing, 'utf8')).length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
