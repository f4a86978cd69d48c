import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../../server/src/library/paper';
import { ENTRY_CACHE, MAX_AUTHORS, PackedPaperStore, PaperStoreBuilder, decodeStore, encodeStore, fingerprint, sameFingerprint, storeHeader, titleIdentity } from '../../../server/src/library/store';
import { streamPapers, type StreamedPaper } from '../../../server/src/library/stream';

const snapshot = join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');

async function storeOf(file: string): Promise<{ store: PackedPaperStore; papers: StreamedPaper[] }> {
  const builder = new PaperStoreBuilder(file, 'arxiv');
  const papers: StreamedPaper[] = [];
  await streamPapers(file, (p) => {
    papers.push(p);
    builder.add(p.paper, p.offset, p.length);
  });
  return { store: builder.finish(), papers };
}

/** What the keystroke path gets of a paper: no abstract, venue, DOI, e-print; the first authors. */
const compact = (p: Paper): Paper => {
  const out: Paper = { key: p.key, title: p.title, authors: p.authors.slice(0, MAX_AUTHORS), origin: p.origin };
  if (p.year) out.year = p.year;
  return out;
};

describe('library/store: papers off the heap', () => {
  let tmp: string;
  let store: PackedPaperStore;
  let papers: StreamedPaper[];
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'litlens-store-'));
    ({ store, papers } = await storeOf(snapshot));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds the compact record of every paper, by doc number and by key', () => {
    assert.equal(store.size, 1000);
    assert.equal(store.length, 1000);
    for (const [doc, { paper }] of papers.entries()) {
      assert.deepEqual(store.paperAt(doc), compact(paper));
      assert.equal(store.keyAt(doc), paper.key);
      assert.equal(store.docOf(paper.key), doc);
      assert.equal(store.authorCount(doc), paper.authors.length);
    }
    assert.equal(store.docOf('arXiv:0000.00000'), -1);
    assert.equal(store.get('arXiv:0000.00000'), undefined);
    assert.equal(store.has(papers[3].paper.key), true);
    assert.equal(store.at(-1), undefined);
    assert.throws(() => store.paperAt(1000), RangeError);
  });

  it('costs little and nothing on the V8 heap: a few buffers', () => {
    const text = papers.reduce((n, p) => n + Buffer.byteLength(p.paper.key + p.paper.title + p.paper.authors.slice(0, MAX_AUTHORS).join('\u001f')), 0);
    // Text plus ~60 bytes of columns per paper (bounds, year, counts, offset, length, line, title hash, key table).
    assert.ok(store.byteLength < text + 1000 * 64, `${store.byteLength} bytes`);
  });

  it('a view of a range is a list of its papers (what one chunk\'s segment holds)', () => {
    const view = store.slice(100, 200);
    assert.equal(view.length, 100);
    assert.deepEqual(view.at(0), store.paperAt(100));
    assert.equal(view.keyAt!(99), store.keyAt(199));
    assert.equal(view.at(100), undefined);
    const inner = view.slice(10, 20);
    assert.equal(inner.length, 10);
    assert.equal(inner.keyAt!(0), store.keyAt(110));
  });

  it('refuses a repeated key and says which paper has it', () => {
    const b = new PaperStoreBuilder('x.jsonl', 'arxiv');
    const p = (key: string, line: number): Paper => ({ key, title: `T ${key}`, authors: ['Doe, Jane'], year: 2020, origin: { file: 'x.jsonl', line, kind: 'arxiv' } });
    assert.deepEqual(b.add(p('a', 1), 0, 10), { doc: 0, duplicate: false });
    assert.deepEqual(b.add(p('b', 2), 11, 10), { doc: 1, duplicate: false });
    assert.deepEqual(b.add(p('a', 3), 22, 10), { doc: 0, duplicate: true });
    assert.equal(b.lineOf(0), 1);
    const many = Array.from({ length: 12 }, (_, i) => `Author${i}, A.`);
    assert.deepEqual(b.add({ ...p('c', 4), authors: many }, 33, 10), { doc: 2, duplicate: false });
    const s = b.finish();
    assert.deepEqual([s.size, s.keyAt(0), s.keyAt(1), s.get('b')?.title], [3, 'a', 'b', 'T b']);
    assert.deepEqual(s.get('c')?.authors, many.slice(0, MAX_AUTHORS), 'the compact record keeps the first authors');
    assert.equal(s.authorCount(2), 12);
  });

  it('finds keys among many papers (the key table grows as papers are added)', () => {
    const b = new PaperStoreBuilder('many.jsonl', 'csl-jsonl');
    for (let i = 0; i < 20_000; i++) b.add({ key: `k${i}`, title: `Paper ${i}`, authors: [], origin: { file: 'many.jsonl', line: i + 1, kind: 'csl-json' } }, i * 10, 9);
    const s = b.finish();
    for (const i of [0, 1, 4095, 4096, 12_345, 19_999]) assert.equal(s.docOf(`k${i}`), i);
    assert.equal(s.docOf('k20000'), -1);
    assert.equal(s.paperAt(7).year, undefined);
  });

  it('reads abstracts and full entries from the file on demand, as the reader made them', async () => {
    for (const doc of [0, 7, 500, 999]) {
      const { paper } = papers[doc];
      assert.deepEqual(await store.fullEntry(paper.key), paper);
      assert.equal(await store.abstractOf(paper.key), paper.abstract);
    }
    assert.equal(await store.fullEntry('arXiv:nope'), undefined);
    assert.equal(store.stale, false);
    await store.close();
  });

  it('keeps the last ENTRY_CACHE entries: a cached entry needs no read; an evicted one is read again', async () => {
    const file = join(tmp, 'copy.jsonl');
    copyFileSync(snapshot, file);
    const { store: s } = await storeOf(file);
    const first = await s.entryAt(0);
    for (let doc = 1; doc < ENTRY_CACHE; doc++) await s.entryAt(doc);
    await s.close();
    rmSync(file);
    assert.deepEqual(await s.entryAt(0), first, 'still cached: the file is not read');
    assert.equal(await s.entryAt(ENTRY_CACHE + 1), undefined, 'not cached and the file is gone');
    assert.equal(s.stale, true);
  });

  it('a source changed under it: the record at the offset is not the paper any more, so no entry and the store is stale', async () => {
    const file = join(tmp, 'changed.jsonl');
    copyFileSync(snapshot, file);
    const { store: s } = await storeOf(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [lines[1], lines[0], ...lines.slice(2)].join('\n')); // same bytes, two records swapped
    assert.equal(await s.entryAt(0), undefined);
    assert.equal(s.stale, true);
    await s.close();
  });

  it('saves as one buffer and loads without copying; a damaged file is refused with the reason', () => {
    const bytes = encodeStore(store, { chunks: [1, 2] });
    const header = storeHeader<{ chunks: number[] }>(bytes);
    assert.ok(typeof header !== 'string');
    assert.deepEqual([header.papers, header.readerFormat, header.file, header.meta], [1000, 'arxiv', snapshot, { chunks: [1, 2] }]);
    const decoded = decodeStore<{ chunks: number[] }>(bytes, snapshot);
    assert.ok(typeof decoded !== 'string');
    assert.deepEqual(decoded.meta, { chunks: [1, 2] });
    for (const doc of [0, 1, 998, 999]) assert.deepEqual(decoded.store.paperAt(doc), store.paperAt(doc));
    assert.equal(decoded.store.docOf(store.keyAt(500)), 500);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0xff;
    assert.equal(decodeStore(flipped, snapshot), 'checksum mismatch (corrupt file)');
    assert.equal(decodeStore(bytes.subarray(0, 40), snapshot), 'truncated header');
    assert.equal(decodeStore(Buffer.from('not a store at all'), snapshot), 'not a LitLens paper store');
  });

  it('finds papers by title, whatever the case, accents, spacing and punctuation', () => {
    const withCorpusTitles = papers.filter((p) => p.paper.origin.line % 50 === 8);
    assert.equal(withCorpusTitles.length, 20);
    const wanted = [withCorpusTitles[0].paper.title.toUpperCase(), `  ${withCorpusTitles[1].paper.title.replace(/ /g, ' - ')} `, 'A title nobody wrote'];
    // Generated titles may repeat a corpus title too: every paper with the same title is found.
    const same = (title: string) => papers.flatMap((p, doc) => (titleIdentity(p.paper.title) === titleIdentity(title) ? [doc] : []));
    const found = store.docsWithTitles(wanted);
    assert.deepEqual(found, wanted.map(same));
    assert.ok(found[0].includes(withCorpusTitles[0].paper.origin.line - 1) && found[1].includes(withCorpusTitles[1].paper.origin.line - 1));
    assert.deepEqual(found[2], []);
    assert.equal(titleIdentity('Schrödinger’s  CAT: a Study'), 'schrodingerscatastudy');
  });

  it('fingerprints a file cheaply; any change of content, size or time changes it', async () => {
    const file = join(tmp, 'fp.jsonl');
    copyFileSync(snapshot, file);
    const a = await fingerprint(file);
    assert.ok(sameFingerprint(a, await fingerprint(file)));
    const bytes = readFileSync(file);
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file, bytes);
    assert.ok(!sameFingerprint(a, await fingerprint(file)));
  });
});
