import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { EntryAdder, addEntry } from '../../../server/src/features/addEntry';
import { readLibraryFile } from '../../../server/src/library/files';
import { keysInFiles } from '../../../server/src/workspace/project';
import { REFS, fixture, workspace } from './fixture';

describe('features: adding an entry to the bibliography', () => {
  it('adds a corpus paper to the named .bib once, keeping every existing byte', async () => {
    const { ctx, ws } = await fixture(`%! paper.tex\n\\cite{mastering-atari-go}\\bibliography{refs}|\n${REFS}`);
    try {
      const bib = ws.path('refs.bib');
      const before = fs.readFileSync(bib);
      assert.deepEqual(await addEntry(ctx, 'mastering-atari-go'), { file: bib, added: true });
      const after = fs.readFileSync(bib);
      assert.ok(after.subarray(0, before.length).equals(before));
      assert.equal(after.subarray(before.length).toString().match(/@\w+\{/g)?.length, 1);
      // The library has not re-read the file yet; the file itself says the entry is there.
      assert.deepEqual(await addEntry(ctx, 'mastering-atari-go'), { file: bib, added: false });
      assert.deepEqual(await addEntry(ctx, 'smith2020graphs'), { file: bib, added: false });
      const unknown = await addEntry(ctx, 'no-such-paper');
      assert.equal(unknown.added, false);
      assert.match(unknown.reason!, /not in the library/);
      // The appended entry parses back to the same paper.
      const reread = await readLibraryFile(bib);
      assert.deepEqual(reread.issues, []);
      assert.equal(reread.papers.find((p) => p.key === 'mastering-atari-go')?.title, 'Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model');
      assert.deepEqual([...keysInFiles(ws.library, [bib]).keys()], ['smith2020graphs']);
      // Once the library re-reads the file, the (remembered) key map follows it.
      const source = ws.library.sources.find((s) => s.file === bib)!;
      ws.library.setSource(source.id, reread, source.kind, source.name, source.file);
      assert.deepEqual([...keysInFiles(ws.library, [bib]).keys()].sort(), ['mastering-atari-go', 'smith2020graphs']);
    } finally {
      ws.dispose();
    }
  });

  it('inserts a CSL item into a CSL-JSON bibliography the front matter names', async () => {
    const { ctx, ws } = await fixture('%! note.md\n---\nbibliography: lib.json\n---\nText [@mastering-atari-go]|\n%! lib.json\n[\n  {"id": "a", "title": "A"}\n]\n');
    try {
      assert.deepEqual(await addEntry(ctx, 'mastering-atari-go'), { file: ws.path('lib.json'), added: true });
      assert.deepEqual(
        JSON.parse(fs.readFileSync(ws.path('lib.json'), 'utf8')).map((i: { id: string }) => i.id),
        ['a', 'mastering-atari-go'],
      );
    } finally {
      ws.dispose();
    }
  });

  it('adds nothing in an untrusted workspace or before the index is built', async () => {
    const ws = await workspace(REFS);
    try {
      const before = fs.readFileSync(ws.path('refs.bib'));
      for (const options of [{ trusted: false }, { ready: false }]) {
        assert.deepEqual(await addEntry(ws.at('\\cite{mastering-atari-go}|\\bibliography{refs}', options).ctx, 'mastering-atari-go'), { file: null, added: false });
      }
      assert.ok(fs.readFileSync(ws.path('refs.bib')).equals(before));
    } finally {
      ws.dispose();
    }
  });

  it('appends one at a time, re-reading the file before the next is decided', async () => {
    const ws = await workspace(REFS);
    try {
      const { ctx } = ws.at('\\cite{mastering-atari-go}|\\bibliography{refs}');
      const adder = new EntryAdder();
      const reread: string[] = [];
      const both = await Promise.all([0, 1].map(() => adder.add(ctx, 'mastering-atari-go', async (file) => reread.push(file))));
      assert.deepEqual(
        both.map((o) => o.added),
        [true, false],
      );
      assert.deepEqual(reread, [ws.path('refs.bib')]);
      assert.equal(fs.readFileSync(ws.path('refs.bib'), 'utf8').match(/@\w+\{mastering-atari-go,/g)?.length, 1);
    } finally {
      ws.dispose();
    }
  });
});
