import { strict as assert } from 'node:assert';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../../server/src/library/paper';
import { streamPapers } from '../../../server/src/library/stream';
import { SearchIndex } from '../../../server/src/search';
import { buildCorpus, corpusSource, openCorpus, type Corpus, type CorpusProgress } from '../../../server/src/search/corpus';
import { decodeSegment, encodeSegment, segmentFile } from '../../../server/src/search/persist';
import { buildSegment } from '../../../server/src/search/segment';
import { buildCorpusInWorker, openCorpusInWorker } from '../../../server/src/search/worker';

const snapshot = join(__dirname, '..', '..', 'fixtures', 'arxiv', 'snapshot-1k.jsonl');

async function papersOf(file: string): Promise<Paper[]> {
  const papers: Paper[] = [];
  await streamPapers(file, (p) => papers.push(p.paper));
  return papers;
}

function indexOf(corpus: Corpus): SearchIndex {
  const index = SearchIndex.fromSources([]);
  index.setEncodedSource(corpusSource(corpus), corpus.encoded);
  return index;
}

/** What an index answers to a few queries of each kind: keys, scores and matched words. */
function answers(index: SearchIndex): unknown {
  const queries = ['domain generalization with test-time adaptation', 'planning with a learned model of the environment', 'penquintel 2000', 'glacier mass balance', 'arxiv:0010'];
  return queries.map((q) => [index.context(q), index.typed(q), index.related(q), index.completion('adapt', q)].map((hits) => hits.map((h) => [h.paper.key, h.score.toFixed(6), h.matched])));
}

describe('search/corpus: a streamed corpus indexed with its papers off the heap', function () {
  this.timeout(60000);
  let tmp: string;
  let papers: Paper[];
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'litlens-corpus-'));
    papers = await papersOf(snapshot);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers exactly as an index over the same papers held in memory', async () => {
    const corpus = await buildCorpus(snapshot, null);
    assert.equal(corpus.store.size, 1000);
    assert.equal(corpus.encoded.chunks.length, 1);
    assert.deepEqual(corpus.issues, []);
    const inMemory = SearchIndex.fromSources([{ id: snapshot, papers, kind: 'corpus' }]);
    assert.deepEqual(answers(indexOf(corpus)), answers(inMemory));
    // arXiv keys are typed by prefix.
    const byId = indexOf(corpus).typed('arXiv:math/0010');
    const expected = papers.filter((p) => p.key.startsWith('arXiv:math/0010')).map((p) => p.key);
    assert.ok(expected.length > 0);
    assert.deepEqual(byId.slice(0, expected.length).map((h) => h.paper.key).sort(), expected.sort());
    // Hits carry the compact paper; the whole entry is one read away.
    const hit = indexOf(corpus).context('domain generalization')[0];
    assert.equal(hit.paper.abstract, undefined);
    assert.equal((await corpus.store.fullEntry(hit.paper.key))?.abstract, papers.find((p) => p.key === hit.paper.key)?.abstract);
    await corpus.store.close();
  });

  it('cuts a corpus into chunks as it streams; each chunk is the segment buildSegment makes of its papers', async () => {
    const progress: CorpusProgress[] = [];
    const corpus = await buildCorpus(snapshot, null, { chunkPapers: 150, onProgress: (p) => progress.push(p) });
    const chunks = corpus.encoded.chunks;
    assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
    let start = 0;
    for (const c of chunks) {
      const slice = papers.slice(start, start + c.papers);
      assert.ok(typeof decodeSegment(Buffer.from(c.bytes), c.hash, corpus.store.slice(start, start + c.papers)) !== 'string');
      assert.ok(encodeSegment(buildSegment(slice, c.hash)).equals(Buffer.from(c.bytes)), 'byte for byte');
      start += c.papers;
    }
    assert.equal(start, 1000);
    // A progress report after every chunk, counts only growing.
    const counted = progress.map((p) => p.chunks);
    assert.deepEqual([...counted].sort((a, b) => a - b), counted);
    for (let n = 1; n <= chunks.length; n++) assert.ok(counted.includes(n));
    assert.equal(progress[progress.length - 1].papers, 1000);
  });

  it('is saved and opened again without reading the source; a changed file is indexed again and the old folder removed', async () => {
    const file = join(tmp, 'snapshot.jsonl');
    copyFileSync(snapshot, file);
    const dir = join(tmp, 'corpora');
    const built = await buildCorpus(file, dir);
    assert.equal(built.loaded, false);
    const opened = await openCorpus(file, dir);
    assert.ok(typeof opened !== 'string', String(opened));
    assert.equal(opened.loaded, true);
    assert.equal(opened.id, built.id);
    assert.deepEqual(opened.progress, built.progress, 'the counts of the build, not of a new read');
    assert.deepEqual(answers(indexOf(opened)), answers(indexOf(built)));
    assert.deepEqual(await opened.store.fullEntry(papers[42].key), { ...papers[42], origin: { ...papers[42].origin, file } });
    await opened.store.close();
    // Another filter is another corpus, beside the first.
    assert.equal(await openCorpus(file, dir, { categories: ['cs.LG'] }), 'no saved index');
    const lg = await buildCorpus(file, dir, { categories: ['cs.LG'] });
    assert.ok(lg.store.size > 100 && lg.store.size < 1000);
    // A new snapshot of the file: nothing saved fits; the build replaces the folders of the old one.
    appendFileSync(file, `${readFileSync(snapshot, 'utf8').split('\n')[0].replace(/"id":"[^"]+"/, '"id":"2412.99999"')}\n`);
    assert.equal(await openCorpus(file, dir), 'no saved index');
    const rebuilt = await buildCorpus(file, dir);
    assert.equal(rebuilt.store.size, 1001);
    assert.deepEqual(readdirSync(dir), [rebuilt.id]);
  });

  it('never uses a build cut short or a damaged segment: it says why', async () => {
    const file = join(tmp, 'damaged.jsonl');
    copyFileSync(snapshot, file);
    const dir = join(tmp, 'damaged');
    const built = await buildCorpus(file, dir);
    const folder = join(dir, built.id);
    const seg = readdirSync(folder).find((f) => f.endsWith('.seg'))!;
    const bytes = readFileSync(join(folder, seg));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(join(folder, seg), bytes);
    const opened = await openCorpus(file, dir);
    assert.ok(typeof opened !== 'string');
    assert.throws(() => indexOf(opened), /checksum mismatch/);
    rmSync(join(folder, seg));
    assert.match(String(await openCorpus(file, dir)), /\.seg: missing$/);
    rmSync(join(folder, 'store.rec'));
    assert.equal(await openCorpus(file, dir), 'no saved index');
    assert.match(String(await openCorpus(join(tmp, 'nowhere.jsonl'), dir)), /nowhere\.jsonl: no such file$/);
  });

  it('keeps the first of two records with one key and warns about the second', async () => {
    const file = join(tmp, 'dupes.jsonl');
    const lines = readFileSync(snapshot, 'utf8').split('\n');
    writeFileSync(file, [lines[0], lines[1], lines[0].replace(/"title":"/, '"title":"Again: '), ''].join('\n'));
    const corpus = await buildCorpus(file, null);
    assert.equal(corpus.store.size, 2);
    assert.deepEqual(corpus.issues.map((i) => [i.line, i.severity, i.message]), [[3, 'warning', `duplicate key "${papers[0].key}", also at line 1; skipped`]]);
    assert.equal(corpus.store.paperAt(0).title, papers[0].title);
  });

  it('a workspace paper with the same key wins over the corpus paper', async () => {
    const corpus = await buildCorpus(snapshot, null);
    const mine: Paper = { ...papers[5], title: 'My own copy of it', origin: { file: 'refs.bib', line: 1, kind: 'bibtex' } };
    const index = SearchIndex.fromSources([{ id: 'refs.bib', papers: [mine], kind: 'workspace' }]);
    index.setEncodedSource(corpusSource(corpus), corpus.encoded);
    assert.equal(index.size, 1000);
    const hits = index.typed(papers[5].key);
    assert.equal(hits[0].paper.title, 'My own copy of it');
    assert.equal(hits.filter((h) => h.paper.key === papers[5].key).length, 1);
  });

  it('a store is indexed where it is read, never from its compact records', async () => {
    const corpus = await buildCorpus(snapshot, null);
    assert.throws(() => SearchIndex.fromSources([{ id: 'x', papers: corpus.store, kind: 'corpus' }]), /indexed where it is read/);
  });

  it('builds in the worker thread: the same store and segments, with progress, and saved', async () => {
    const dir = join(tmp, 'worker');
    const progress: CorpusProgress[] = [];
    const there = await buildCorpusInWorker(snapshot, dir, { chunkPapers: 300, onProgress: (p) => progress.push(p) });
    const here = await buildCorpus(snapshot, null, { chunkPapers: 300 });
    assert.deepEqual(there.store.columns(), here.store.columns());
    assert.deepEqual(
      there.encoded.chunks.map((c) => [c.hash, c.papers, Buffer.from(c.bytes).equals(Buffer.from(here.encoded.chunks.find((h) => h.hash === c.hash)!.bytes))]),
      here.encoded.chunks.map((c) => [c.hash, c.papers, true]),
    );
    assert.ok(progress.length > 0 && progress[progress.length - 1].papers === 1000);
    assert.ok(existsSync(join(dir, there.id, 'store.rec')));
    assert.deepEqual(answers(indexOf(there)), answers(indexOf(here)));
  });

  it('opens the saved corpus in the worker: files read and checked there, the same answers; a damaged file says why', async () => {
    const file = join(tmp, 'opened.jsonl');
    copyFileSync(snapshot, file);
    const dir = join(tmp, 'opened');
    const built = await buildCorpus(file, dir, { chunkPapers: 300 });
    const opened = await openCorpusInWorker(file, dir, { chunkPapers: 300 });
    assert.ok(typeof opened !== 'string', String(opened));
    assert.equal(opened.encoded.verified, true);
    assert.ok(opened.encoded.chunks.length > 1);
    // Each segment was decoded here as it arrived, of its own chunk.
    assert.deepEqual(
      opened.encoded.decoded?.map((s) => [s.hash, s.papers.length]),
      opened.encoded.chunks.map((c) => [c.hash, c.papers]),
    );
    assert.deepEqual(opened.store.columns(), built.store.columns());
    assert.deepEqual(answers(indexOf(opened)), answers(indexOf(built)));
    const folder = join(dir, built.id);
    const segs = built.encoded.chunks.map((c) => segmentFile(folder, c.hash));
    // A whole, well-formed segment in another chunk's place: its keys are not that chunk's.
    const second = readFileSync(segs[1]);
    copyFileSync(segs[0], segs[1]);
    assert.match(String(await openCorpusInWorker(file, dir, { chunkPapers: 300 })), /\.seg: keys differ$/);
    writeFileSync(segs[1], second);
    const bytes = readFileSync(segs[1]);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(segs[1], bytes);
    assert.match(String(await openCorpusInWorker(file, dir, { chunkPapers: 300 })), /\.seg: checksum mismatch \(corrupt file\)$/);
    assert.equal(await openCorpusInWorker(file, dir), 'no saved index', 'another chunk size is another corpus');
  });

  it('stops the worker when aborted', async () => {
    const controller = new AbortController();
    const build = buildCorpusInWorker(snapshot, null, { signal: controller.signal, onProgress: () => controller.abort() });
    controller.abort();
    await assert.rejects(build);
  });
});
