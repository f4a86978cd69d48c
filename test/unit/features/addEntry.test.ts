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
      const added = await addEntry(ctx, 'mastering-atari-go');
      assert.deepEqual(added, { file: bib, added: true, incomplete: { file: bib, line: before.toString().split('\n').length + 1, message: 'added to refs.bib without authors or year — complete the entry' } });
      const after = fs.readFileSync(bib);
      // The corpus paper is a @misc that says where it came from; no author or year is made up.
      const written = after.subarray(before.length).toString();
      assert.equal(after.toString().split('\n')[added.incomplete!.line - 1], '@misc{mastering-atari-go,');
      assert.match(written, /howpublished = \{LitLens bundled corpus\}/);
      assert.doesNotMatch(written, /\b(author|year)\s*=/);
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
      const added = await addEntry(ctx, 'mastering-atari-go');
      assert.equal(added.added, true);
      assert.equal(added.incomplete?.message, 'added to lib.json without authors or year — complete the entry');
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

  it('copies an entry of your own .bib as written, with every field, its @string macros expanded when the target lacks them', async () => {
    const own = '@string{jmlr = {Journal of Machine Learning Research}}\n\n% a comment\n@article{doe2019nets,\n  author  = {Doe, Jane and Roe, R.},\n  title   = {An improved $\\widehat{R}$ for {MCMC}},\n  journal = jmlr,\n  volume  = {20},\n  pages   = {1--30},\n  month   = mar,\n  year    = 2019,\n  note    = {Kept as is}\n}\n@book{plain2001,\n  author = {Plain, P.},\n  title = {A Book},\n  publisher = {Pub},\n  isbn = {978-0-00},\n  year = {2001}\n}\n';
    const { ctx, ws } = await fixture(`%! paper.tex\n\\cite{doe2019nets}\\bibliography{refs}|\n${REFS}\n%! own.bib\n${own}`);
    try {
      const bib = ws.path('refs.bib');
      const before = fs.readFileSync(bib, 'utf8');
      assert.deepEqual(await addEntry(ctx, 'plain2001'), { file: bib, added: true });
      const verbatim = own.slice(own.indexOf('@book'));
      assert.equal(fs.readFileSync(bib, 'utf8').slice(before.length).trim(), verbatim.trim(), 'the entry text, byte for byte');
      assert.deepEqual(await addEntry(ctx, 'doe2019nets'), { file: bib, added: true });
      const written = fs.readFileSync(bib, 'utf8');
      assert.match(written, /journal = \{Journal of Machine Learning Research\}/);
      assert.match(written, /month {3}= mar,/);
      assert.match(written, /note {4}= \{Kept as is\}/);
      assert.match(written, /title {3}= \{An improved \$\\widehat\{R\}\$ for \{MCMC\}\}/);
      const reread = await readLibraryFile(bib);
      assert.deepEqual(reread.issues, []);
      assert.equal(reread.papers.find((p) => p.key === 'doe2019nets')?.title, 'An improved R̂ for MCMC');
      assert.equal(reread.papers.find((p) => p.key === 'doe2019nets')?.venue, 'Journal of Machine Learning Research');
    } finally {
      ws.dispose();
    }
  });

  it('converts between formats: BibTeX into CSL-JSON and CSL-JSON into BibTeX, every field that has a counterpart', async () => {
    const own = '@article{doe2019nets,\n  author = {Doe, Jane and Roe, R.},\n  title = {Nets for {MCMC}},\n  journal = {J. Stat.},\n  volume = {20},\n  number = {3},\n  pages = {1--30},\n  month = mar,\n  year = {2019},\n  doi = {10.1/x},\n  note = {A note}\n}\n';
    const csl = '[\n{"id": "kim2021", "type": "paper-conference", "title": "Deep <i>things</i>", "author": [{"family": "Kim", "given": "Ann"}], "editor": [{"literal": "The Committee"}], "container-title": "Proc. Conf.", "publisher": "ACM", "page": "5-9", "issued": {"date-parts": [[2021, 6]]}, "DOI": "10.2/y", "URL": "https://x.org/a_b", "ISBN": "978-1", "note": "N"}\n]\n';
    const md = await fixture(`%! note.md\n---\nbibliography: lib.json\n---\nText [@doe2019nets]|\n%! lib.json\n[\n]\n%! own.bib\n${own}`);
    try {
      assert.equal((await addEntry(md.ctx, 'doe2019nets')).added, true);
      const [item] = JSON.parse(fs.readFileSync(md.ws.path('lib.json'), 'utf8'));
      assert.deepEqual(item, {
        id: 'doe2019nets', type: 'article-journal', author: [{ family: 'Doe', given: 'Jane' }, { family: 'Roe', given: 'R.' }], title: 'Nets for MCMC',
        volume: '20', page: '1–30', DOI: '10.1/x', note: 'A note', 'container-title': 'J. Stat.', issue: '3', issued: { 'date-parts': [[2019, 3]] },
      });
    } finally {
      md.ws.dispose();
    }
    const tex = await fixture(`%! paper.tex\n\\cite{kim2021}\\bibliography{refs}|\n${REFS}\n%! own.json\n${csl}`);
    try {
      assert.equal((await addEntry(tex.ctx, 'kim2021')).added, true);
      const written = fs.readFileSync(tex.ws.path('refs.bib'), 'utf8');
      const entry = written.slice(written.indexOf('@inproceedings{kim2021,'));
      for (const field of ['author    = {Kim, Ann}', 'editor    = {{The Committee}}', 'title     = {Deep things}', 'pages     = {5-9}', 'note      = {N}', 'isbn      = {978-1}', 'booktitle = {Proc. Conf.}', 'publisher = {ACM}', 'year      = {2021}', 'month     = jun', 'doi       = {10.2/y}', 'url       = {https://x.org/a_b}']) {
        assert.ok(entry.includes(field), `${field} in\n${entry}`);
      }
    } finally {
      tex.ws.dispose();
    }
  });

  it('copies an entry whose crossref the target lacks with the parent\'s fields, so it still prints whole', async () => {
    const own = '@inproceedings{child2020,\n  author = {Kid, K.},\n  title = {A Child},\n  pages = {1--2},\n  crossref = {conf2020}\n}\n@proceedings{conf2020,\n  title = {Proceedings of the Conference},\n  year = {2020},\n  publisher = {Pub}\n}\n';
    const { ctx, ws } = await fixture(`%! paper.tex\n\\cite{child2020}\\bibliography{refs}|\n${REFS}\n%! own.bib\n${own}`);
    try {
      assert.deepEqual(await addEntry(ctx, 'child2020'), { file: ws.path('refs.bib'), added: true });
      const text = fs.readFileSync(ws.path('refs.bib'), 'utf8');
      const entry = text.slice(text.indexOf('@inproceedings{child2020,'));
      assert.doesNotMatch(entry, /crossref/);
      for (const field of ['booktitle = {Proceedings of the Conference}', 'year      = {2020}', 'publisher = {Pub}', 'pages     = {1--2}']) assert.ok(entry.includes(field), `${field} in\n${entry}`);
    } finally {
      ws.dispose();
    }
  });
});
