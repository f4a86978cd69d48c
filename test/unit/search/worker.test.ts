import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../../server/src/library/paper';
import { SearchIndex, type IndexSource } from '../../../server/src/search';
import { buildIndex, buildSource } from '../../../server/src/search/worker';
import { corpusPapers } from './corpus';

const paper = (key: string, title: string, abstract = ''): Paper => ({ key, title, abstract, authors: ['Doe, Jane'], year: 2020, origin: { file: 'refs.bib', line: 1, kind: 'bibtex' } });

/** What an index answers to a few queries of each kind: keys, scores and matched words. */
function answers(index: SearchIndex): unknown {
  const queries = ['planning with a learned model of the environment dynamics', 'graph networks', 'vaswan attent', 'glacier mass balance'];
  return queries.map((q) => [index.context(q), index.typed(q), index.related(q), index.completion('mast', q)].map((hits) => hits.map((h) => [h.paper.key, h.score.toFixed(6), h.matched])));
}

describe('search: building the index in a worker thread', function () {
  this.timeout(20000);
  let corpus: Paper[];
  let sources: IndexSource[];
  const mine = [paper('doe2020glacier', 'Glacier retreat in the Alps', 'Mass balance of alpine glaciers over three decades.'), paper('mastering-atari-go', 'A duplicate key: the workspace wins')];
  before(async () => {
    corpus = await corpusPapers();
    sources = [
      { id: 'refs.bib', papers: mine, kind: 'workspace' },
      { id: 'corpus', papers: corpus, kind: 'corpus' },
    ];
  });

  it('answers exactly as an index built on this thread', async () => {
    const here = SearchIndex.fromSources(sources);
    const there = await buildIndex(sources, null);
    assert.deepEqual(there.sources, here.sources);
    assert.deepEqual(answers(there), answers(here));
  });

  it('saves what it built; a re-index reuses it, and builds nothing when the content did not change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'litlens-worker-'));
    try {
      await buildIndex(sources, dir);
      assert.equal((await readdir(dir)).filter((f) => f.endsWith('.seg')).length, 2);
      assert.deepEqual((await SearchIndex.load(dir, sources)).lastLoad.built, []);
      const edited = [paper('doe2020glacier', 'Glacier retreat in the Andes', 'Mass balance of glaciers.'), ...mine.slice(1)];
      const index = SearchIndex.fromSources(sources);
      // Unchanged content: nothing to build.
      assert.equal(await buildSource(sources[0], dir, index.sources[0].hash), null);
      index.setEncodedSource({ id: 'refs.bib', papers: edited, kind: 'workspace' }, (await buildSource({ id: 'refs.bib', papers: edited, kind: 'workspace' }, dir, index.sources[0].hash))!);
      assert.equal(index.typed('andes')[0]?.paper.key, 'doe2020glacier');
      assert.deepEqual(answers(index), answers(SearchIndex.fromSources([{ id: 'refs.bib', papers: edited, kind: 'workspace' }, sources[1]])));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('moves a chunked source between indexes, decoding only the chunks that changed', () => {
    const options = { chunkPapers: 64 };
    const built = SearchIndex.fromSources(sources, options);
    const copy = SearchIndex.fromSources([], options);
    for (const s of sources) copy.setEncodedSource(s, built.encodeSource(s.id)!);
    assert.ok(copy.sources[1].chunks > 1);
    assert.deepEqual(copy.sources, built.sources);
    assert.deepEqual(answers(copy), answers(built));
    // One edited paper: one chunk's segment differs; the copy keeps its other chunks.
    const edited = corpus.map((p, i) => (i === 100 ? { ...p, title: 'Glacier retreat in the Andes' } : p));
    const rebuilt = SearchIndex.fromSources([sources[0], { id: 'corpus', papers: edited, kind: 'corpus' }], options);
    const encoded = rebuilt.encodeSource('corpus')!;
    const before = built.encodeSource('corpus')!;
    const changed = encoded.chunks.filter((c) => !before.chunks.some((b) => b.hash === c.hash));
    assert.equal(changed.length, 1);
    // Bytes of unchanged chunks are not even looked at: blank them.
    copy.setEncodedSource({ id: 'corpus', papers: edited, kind: 'corpus' }, { ...encoded, chunks: encoded.chunks.map((c) => (changed.includes(c) ? c : { ...c, bytes: new Uint8Array(0) })) });
    assert.deepEqual(answers(copy), answers(rebuilt));
  });

  it('refuses segments that do not fit the papers', () => {
    const index = SearchIndex.fromSources([]);
    const encoded = SearchIndex.fromSources([sources[0]]).encodeSource('refs.bib')!;
    assert.throws(() => index.setEncodedSource({ id: 'refs.bib', papers: mine.slice(1), kind: 'workspace' }, encoded), /refs\.bib: /);
    assert.throws(() => index.setEncodedSource({ id: 'refs.bib', papers: [mine[1], mine[0]], kind: 'workspace' }, encoded), /keys differ/);
  });
});
