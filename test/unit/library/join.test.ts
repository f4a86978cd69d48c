import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBibtexParser, parseBibtex } from '../../../server/src/library/bibtex';
import { addEntries } from '../../../server/src/library/bibwriter';
import { prepareEntry } from '../../../server/src/library/entrycopy';
import { loadCorpus } from '../../../server/src/library/corpus';
import { joinByTitle } from '../../../server/src/library/join';
import { Library } from '../../../server/src/library/library';
import type { Paper } from '../../../server/src/library/paper';
import { PaperStoreBuilder, titleIdentity, type PackedPaperStore } from '../../../server/src/library/store';
import { streamPapers } from '../../../server/src/library/stream';

const snapshot = join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');

async function read(): Promise<{ store: PackedPaperStore; papers: Paper[] }> {
  const builder = new PaperStoreBuilder(snapshot, 'arxiv');
  const papers: Paper[] = [];
  await streamPapers(snapshot, (p) => {
    papers.push(p.paper);
    builder.add(p.paper, p.offset, p.length);
  });
  return { store: builder.finish(), papers };
}

describe('library: a corpus store in the library, and the bundled corpus joined to it by title', () => {
  let store: PackedPaperStore;
  let papers: Paper[];
  before(async () => ({ store, papers } = await read()));
  after(() => store.close());

  it('the bundled corpus gains authors, year, e-print, DOI and journal from the snapshot paper of the same title', async () => {
    const corpus = (await loadCorpus()).papers;
    const joined = await joinByTitle(corpus, store);
    assert.equal(joined.length, corpus.length);
    const changed = joined.filter((p, i) => p !== corpus[i]);
    assert.ok(changed.length >= 20, `${changed.length} joined`);
    for (const p of changed) {
      const first = papers.find((s) => titleIdentity(s.title) === titleIdentity(p.title))!;
      const original = corpus.find((c) => c.key === p.key)!;
      assert.deepEqual([p.key, p.title, p.abstract], [original.key, original.title, original.abstract], 'key, title and abstract stay the corpus\'s');
      assert.deepEqual(p.authors, first.authors);
      assert.equal(p.year, first.year);
      assert.deepEqual(p.eprint, first.eprint);
      assert.equal(p.doi, first.doi);
      assert.equal(p.venue, original.venue ?? first.venue);
    }
    // The fixture writes some corpus titles lowercased or uppercased (records 58 and 158, see
    // test/fixtures/arxiv/make.ts): they join all the same.
    for (const i of [57, 157]) {
      const record = papers[i];
      assert.notEqual(record.title, corpus[(i * 7) % corpus.length].title);
      assert.deepEqual(joined[(i * 7) % corpus.length].eprint, record.eprint, `record ${i + 1}: ${record.title}`);
    }
  });

  it('writes an arXiv entry complete, from the full record (all authors, not the compact few)', async () => {
    await loadBibtexParser();
    const lib = new Library();
    lib.setStoreSource(snapshot, store);
    const many = papers.find((p) => p.authors.length > 3 && p.venue && p.doi && p.year)!;
    assert.ok(many, 'the fixture has a record with more than three authors, a journal and a DOI');
    assert.ok(lib.get(many.key)!.authors.length <= 3);
    const dir = mkdtempSync(join(tmpdir(), 'litlens-arxiv-'));
    try {
      const bib = join(dir, 'refs.bib');
      const full = (await lib.fullEntry(many.key))!;
      assert.deepEqual(await addEntries(bib, [await prepareEntry(full, false)]), [{ key: many.key, outcome: 'added' }]);
      const text = readFileSync(bib, 'utf8');
      assert.match(text, /^@article\{/);
      for (const field of ['eprint', 'archivePrefix', 'primaryClass', 'doi', 'journal', 'year', 'author', 'title']) assert.match(text, new RegExp(`\\n  ${field} +=`), `${field} in\n${text}`);
      assert.match(text, /archivePrefix = \{arXiv\}/);
      const back = parseBibtex(bib, text).papers[0];
      assert.deepEqual(back.authors, many.authors);
      assert.equal(back.year, many.year);
      assert.equal(back.doi, many.doi);
      assert.equal(back.venue, many.venue);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes a bundled-corpus title with its maths as the corpus keeps it', async () => {
    const astro = (await loadCorpus()).papers.find((p) => p.title.startsWith('AstroM'))!;
    assert.equal(astro.title.startsWith('AstroM3'), true, 'the plain title the corpus gives for search');
    const bib = (await prepareEntry(astro, false)).bibtex!('');
    assert.match(bib, /^@misc\{[^]*title {8}= \{AstroM\$\^3\$: A self-supervised multimodal model for astronomy\}/);
    assert.match(parseBibtex('x.bib', bib).papers[0].title, /^AstroM³: /);
  });

  it('holds a store source: get and has through its key table, the full entry read on demand, papers without it', async () => {
    const lib = new Library();
    const mine: Paper = { ...papers[3], title: 'My own note on it', origin: { file: 'refs.bib', line: 5, kind: 'bibtex' } };
    const copied: Paper = { ...papers[4], origin: { file: 'refs.bib', line: 9, kind: 'bibtex' } };
    lib.setSource('refs.bib', { papers: [mine, copied], issues: [] }, 'workspace');
    lib.setStoreSource(snapshot, store, [{ file: snapshot, line: 3, severity: 'error', message: 'invalid JSON' }]);
    assert.equal(lib.get(papers[10].key)?.title, papers[10].title);
    assert.equal(lib.get(papers[10].key)?.abstract, undefined, 'the compact paper');
    assert.deepEqual(await lib.fullEntry(papers[10].key), papers[10]);
    assert.equal(lib.get(papers[3].key)?.title, 'My own note on it', 'the workspace entry wins');
    assert.equal((await lib.fullEntry(papers[3].key))?.title, 'My own note on it');
    assert.equal(lib.has('arXiv:0000.00000'), false);
    assert.equal(await lib.fullEntry('arXiv:0000.00000'), undefined);
    assert.deepEqual(lib.papers.map((p) => p.key), [papers[3].key, papers[4].key]);
    assert.equal(lib.size, 1000);
    assert.deepEqual(lib.stores.map((s) => s.id), [snapshot]);
    // A copy of the corpus paper in the .bib is no clash; another paper under its key is.
    assert.deepEqual(
      lib.issues.map((i) => `${i.file}:${i.line}: ${i.message}`),
      [`${snapshot}:3: invalid JSON`, `${snapshot}:${papers[3].origin.line}: duplicate key "${papers[3].key}", also at refs.bib:5 (the workspace entry wins)`],
    );
    assert.ok(lib.removeSource(snapshot));
    assert.equal(lib.get(papers[10].key), undefined);
    assert.equal(lib.size, 2);
  });
});
