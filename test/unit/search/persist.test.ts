import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../../server/src/library/paper';
import { SearchIndex } from '../../../server/src/search';
import { decodeSegment, encodeSegment, segmentFile } from '../../../server/src/search/persist';
import { PackedTerms, findTerm } from '../../../server/src/search/postings';
import { buildSegment } from '../../../server/src/search/segment';
import { corpusPapers } from './corpus';

const paper = (key: string, title: string, abstract = ''): Paper => ({ key, title, abstract, authors: ['Doe, Jane'], year: 2020, origin: { file: 'refs.bib', line: 1, kind: 'bibtex' } });
const top = (hits: { paper: Paper }[]) => hits[0]?.paper.key;

describe('search: saved index', () => {
  let dir: string;
  let corpus: Paper[];
  const mine = [paper('doe2020glacier', 'Glacier retreat in the Alps', 'Mass balance of alpine glaciers over three decades.'), paper('doe2021cement', 'Low-carbon cement', 'Calcination and kiln emissions.')];
  before(async () => {
    corpus = await corpusPapers();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'litlens-search-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips: a loaded index answers exactly as the built one', async () => {
    const sources = [
      { id: 'refs.bib', papers: mine, hash: 'h-refs-1' },
      { id: 'corpus', papers: corpus, hash: 'h-corpus-1' },
    ];
    const built = SearchIndex.fromSources(sources);
    await built.save(dir);
    const loaded = await SearchIndex.load(dir, sources);
    assert.deepEqual(loaded.lastLoad.loaded, ['refs.bib', 'corpus']);
    assert.deepEqual(loaded.lastLoad.built, []);
    for (const q of ['planning with a learned model', 'glacier mass balance', 'grey box fuzzing of programs']) {
      const a = built.context(q, { limit: 10 });
      const b = loaded.context(q, { limit: 10 });
      assert.deepEqual(b.map((h) => [h.paper.key, h.score, h.matched]), a.map((h) => [h.paper.key, h.score, h.matched]), q);
    }
    assert.deepEqual(loaded.typed('doe glac').map((h) => h.paper.key), built.typed('doe glac').map((h) => h.paper.key));
    assert.equal(top(loaded.typed('doe glac')), 'doe2020glacier');
  });

  it('discards a corrupt saved segment and rebuilds it', async () => {
    const sources = [{ id: 'corpus', papers: corpus, hash: 'h-c' }];
    await SearchIndex.fromSources(sources).save(dir);
    const file = segmentFile(dir, 'h-c');
    const bytes = await readFile(file);
    bytes[bytes.length - 100] ^= 0xff; // one flipped byte in the postings
    await writeFile(file, bytes);
    const loaded = await SearchIndex.load(dir, sources);
    assert.equal(loaded.lastLoad.built.length, 1);
    assert.match(loaded.lastLoad.built[0].reason, /corrupt/);
    assert.equal(top(loaded.context('planning with a learned model')), 'mastering-atari-go');
    // Truncated and garbage files too.
    await writeFile(file, bytes.subarray(0, 50));
    assert.equal((await SearchIndex.load(dir, sources)).lastLoad.built.length, 1);
    await writeFile(file, 'not an index at all');
    assert.equal((await SearchIndex.load(dir, sources)).lastLoad.built.length, 1);
  });

  it('discards a stale segment (other paper list under the same hash)', async () => {
    await SearchIndex.fromSources([{ id: 'refs.bib', papers: mine, hash: 'same' }]).save(dir);
    const changed = [mine[0]];
    const loaded = await SearchIndex.load(dir, [{ id: 'refs.bib', papers: changed, hash: 'same' }]);
    assert.equal(loaded.lastLoad.built.length, 1);
    assert.equal(loaded.size, 1);
  });

  it('re-indexes only the changed source and saves only its segment', async () => {
    const v1 = [
      { id: 'refs.bib', papers: mine, hash: 'refs-v1' },
      { id: 'corpus', papers: corpus, hash: 'corpus-v1' },
    ];
    await SearchIndex.fromSources(v1).save(dir);
    const v2 = [{ id: 'refs.bib', papers: [...mine, paper('roe2022snow', 'Snowpack modelling', 'Snow water equivalent.')], hash: 'refs-v2' }, v1[1]];
    const loaded = await SearchIndex.load(dir, v2);
    assert.deepEqual(loaded.lastLoad.loaded, ['corpus']);
    assert.deepEqual(loaded.lastLoad.built.map((b) => b.id), ['refs.bib']);
    assert.equal(top(loaded.typed('snowpack')), 'roe2022snow');
    await loaded.save(dir);
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, ['litlens-search-corpus-v1.seg', 'litlens-search-refs-v2.seg']);
  });

  it('setSource / removeSource update one source in place', async () => {
    const index = SearchIndex.fromSources([{ id: 'corpus', papers: corpus }]);
    assert.equal(index.typed('snowpack')[0]?.paper.key === 'roe2022snow', false);
    index.setSource({ id: 'refs.bib', papers: [paper('roe2022snow', 'Snowpack modelling')] });
    assert.equal(top(index.typed('snowpack')), 'roe2022snow');
    assert.equal(index.size, corpus.length + 1);
    index.setSource({ id: 'refs.bib', papers: [paper('roe2023ice', 'Sea ice thickness')] });
    assert.equal(index.typed('snowpack')[0]?.paper.key === 'roe2022snow', false);
    assert.equal(top(index.typed('sea ice')), 'roe2023ice');
    index.removeSource('refs.bib');
    assert.equal(index.size, corpus.length);
    assert.equal(top(index.context('planning with a learned model')), 'mastering-atari-go');
  });
});

describe('search: source precedence', () => {
  it('a workspace source added after the corpus still wins its keys', async () => {
    const corpus = await corpusPapers();
    const index = SearchIndex.fromSources([{ id: 'corpus', papers: corpus, kind: 'corpus' }]);
    const mine: Paper = { key: corpus[0].key, title: 'My zebra notes', authors: [], origin: { file: 'refs.bib', line: 3, kind: 'bibtex' } };
    index.setSource({ id: 'refs.bib', papers: [mine] });
    assert.equal(index.size, corpus.length);
    assert.equal(index.typed(corpus[0].key)[0].paper, mine);
    assert.deepEqual(index.sources.map((s) => s.id), ['refs.bib', 'corpus']);
  });
});

describe('search: large sources in chunks', () => {
  // 12,000 small papers in chunks of 2,000+ (the default is 24,576+).
  const options = { chunkPapers: 2000 };
  const make = (n: number, tag = ''): Paper[] =>
    Array.from({ length: n }, (_, i) => ({
      key: `auth${i}x${(i * 7919) % 10007}`,
      title: `Study ${i} of word${i % 997} and term${i % 1013}${tag}`,
      abstract: `We examine topic${i % 211} with method${i % 89}.`,
      authors: [`Author${i % 50}, A.`],
      year: 1990 + (i % 30),
      origin: { file: 'big.bib', line: i * 6 + 1, kind: 'bibtex' as const },
    }));
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'litlens-chunks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('splits a large source, saves a manifest, and reloads every chunk', async () => {
    const papers = make(12_000);
    const built = SearchIndex.fromSources([{ id: 'big.bib', papers, hash: 'big-v1' }], options);
    assert.ok(built.sources[0].chunks >= 2, `chunks: ${built.sources[0].chunks}`);
    assert.equal(built.sources[0].papers, 12_000);
    await built.save(dir);
    assert.ok((await readdir(dir)).includes('litlens-source-big-v1.json'));
    const loaded = await SearchIndex.load(dir, [{ id: 'big.bib', papers, hash: 'big-v1' }], options);
    assert.deepEqual(loaded.lastLoad.loaded, ['big.bib']);
    assert.equal(top(loaded.typed('study 5000 word15')), papers[5000].key);
    assert.deepEqual(loaded.context('topic7 method3', { limit: 5 }).map((h) => h.paper.key), built.context('topic7 method3', { limit: 5 }).map((h) => h.paper.key));
  });

  it('an edited entry re-indexes only its chunk, in memory and from the saved index', async () => {
    const papers = make(12_000);
    const index = SearchIndex.fromSources([{ id: 'big.bib', papers, hash: 'big-v1' }], options);
    await index.save(dir);
    const chunks = index.sources[0].chunks;
    const edited = papers.slice();
    edited[6000] = { ...papers[6000], title: 'A completely new zebra title' };
    // One entry inserted too: content-defined boundaries keep the other chunks identical.
    edited.splice(100, 0, { ...papers[0], key: 'inserted2024zebra', title: 'Inserted zebra entry' });
    const loaded = await SearchIndex.load(dir, [{ id: 'big.bib', papers: edited, hash: 'big-v2' }], options);
    assert.equal(loaded.lastLoad.built.length, 1);
    const rebuilt = loaded.lastLoad.built[0].reason.split('; ');
    assert.ok(chunks >= 3 && rebuilt.length <= 2, `rebuilt ${rebuilt.length} of ${chunks} chunks: ${loaded.lastLoad.built[0].reason}`);
    assert.deepEqual(loaded.typed('zebra', { limit: 5 }).map((h) => h.paper.key).sort(), [papers[6000].key, 'inserted2024zebra'].sort());
    index.setSource({ id: 'big.bib', papers: edited, hash: 'big-v2' });
    assert.deepEqual(index.typed('zebra', { limit: 5 }).map((h) => h.paper.key).sort(), [papers[6000].key, 'inserted2024zebra'].sort());
    assert.equal(index.size, 12_001);
  });
});

describe('search: saved vocabularies and document numbers', () => {
  // ASCII, accents, a character past U+E000 and one past U+FFFF (UTF-8 and UTF-16 order differ there).
  const words = ['alpha', 'beta', 'betas', 'b\u00e9ta', 'z', '\ue000x', '\u{1f600}y', 'zz'].sort();

  it('a loaded segment looks its context terms up in the saved bytes, in string order', () => {
    const papers = words.map((w, i) => paper(`k${i}`, `${w} glacier`));
    const built = buildSegment(papers, 'h');
    const loaded = decodeSegment(encodeSegment(built), 'h', papers);
    assert.ok(typeof loaded !== 'string', String(loaded));
    assert.ok(loaded.ctx.terms instanceof PackedTerms);
    assert.ok(Array.isArray(loaded.typ.terms), 'typed terms stay strings (walked by prefix and edit distance)');
    const terms = built.ctx.terms as string[];
    for (const [i, t] of terms.entries()) {
      assert.equal(findTerm(loaded.ctx, t), i, t);
      assert.equal(loaded.ctx.terms.at(i), t);
    }
    for (const absent of ['', 'a', 'alph', 'alphaz', 'b\u00e9tb', '\ue000', '\u{1f600}', 'zzz']) assert.equal(findTerm(loaded.ctx, absent), -1, absent);
    // Saved again as it was loaded: the same bytes.
    assert.ok(encodeSegment(loaded).equals(encodeSegment(built)));
  });

  it('segments of at most 65,536 papers keep document numbers in 16 bits, larger ones in 32', () => {
    const small = buildSegment([paper('a', 'Glacier')], 'h');
    assert.ok(small.ctx.docs instanceof Uint16Array);
    const many = Array.from({ length: 65_537 }, (_, i) => ({ key: `p${i}`, title: 'x', authors: [], origin: { file: 'f', line: 1, kind: 'bibtex' as const } }));
    const large = buildSegment(many, 'h');
    assert.ok(large.ctx.docs instanceof Uint32Array);
    const loaded = decodeSegment(encodeSegment(large), 'h', many);
    assert.ok(typeof loaded !== 'string' && loaded.ctx.docs instanceof Uint32Array && loaded.ctx.docs.reduce((m, d) => Math.max(m, d), 0) === 65_536);
  });
});
