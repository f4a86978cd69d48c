import type { ChildProcess } from 'node:child_process';
// The semantic layer end to end with a real model: the suite builds its own small model
// (scripts/make-test-model.ts), transformers.js loads and runs it in a worker thread.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../../../server/src/library/paper';
import type { Hit } from '../../../server/src/search/index';
import { SemanticIndex, fuse, fuseRelated, type EmbeddingStatus, type SemanticHit } from '../../../server/src/search/semantic';
import { openSemanticIndex } from '../../../server/src/search/semantic/oneShot';
import { sourcePapers, tempDir, tempTestModel } from './helpers';

describe('semantic search with the suite-built model', function () {
  this.timeout(120_000);
  let modelDir: string;
  let papers: Paper[];

  before(() => {
    modelDir = tempTestModel().dir;
    papers = sourcePapers();
  });

  it('builds a BERT-shaped model folder', () => {
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) assert.ok(existsSync(join(modelDir, f)), f);
    assert.equal(JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')).model_type, 'bert');
  });

  it('embeds the whole corpus, then a second index over the same cache embeds nothing', async () => {
    const cacheDir = tempDir();
    const states: EmbeddingStatus['state'][] = [];
    const first = new SemanticIndex({ model: modelDir, cacheDir, onStatus: (s) => states.push(s.state) });
    const r1 = await first.index(papers);
    assert.equal(r1.embedded, papers.length);
    assert.equal(r1.cached, 0);
    assert.equal(first.status.state, 'ready');
    assert.deepEqual([...new Set(states)], ['loading', 'embedding', 'ready']);
    await first.dispose();

    const second = new SemanticIndex({ model: modelDir, cacheDir });
    const r2 = await second.index(papers);
    assert.deepEqual([r2.embedded, r2.cached], [0, papers.length]);
    // Unit vectors: a paper is its own nearest neighbour.
    const v = await second.embedQuery(`${papers[0].title}\n${papers[0].abstract}`);
    const top = second.nearest(v, 3);
    assert.equal(top[0].paper.key, papers[0].key);
    assert.ok(Math.abs(top[0].score - 1) < 1e-4, String(top[0].score));
    await second.dispose();
  });

  it('re-embeds a changed entry alone', async () => {
    const cacheDir = tempDir();
    const some = papers.slice(0, 40);
    const a = new SemanticIndex({ model: modelDir, cacheDir });
    assert.equal((await a.index(some)).embedded, 40);
    const changed = some.map((p, i) => (i === 7 ? { ...p, abstract: `${p.abstract} We also study fuzzing.` } : p));
    const r = await a.index(changed);
    assert.deepEqual([r.embedded, r.cached], [1, 39]);
    await a.dispose();
    // And on disk: a fresh index finds all 40 (the old vector of entry 7 is kept as an extra row).
    const b = new SemanticIndex({ model: modelDir, cacheDir });
    assert.deepEqual([(await b.index(changed)).embedded], [0]);
    await b.dispose();
    const folders = readdirSync(join(cacheDir, 'vectors'));
    assert.equal(folders.length, 1);
    const index = JSON.parse(readFileSync(join(cacheDir, 'vectors', folders[0], 'index.json'), 'utf8'));
    assert.equal(index.version, 1);
    assert.equal(index.hashes.length, 41);
  });

  it('finds papers described in other words', async () => {
    const s = new SemanticIndex({ model: modelDir, cacheDir: tempDir() });
    await s.index(papers);
    // No word in common with the title "Improving Grey-Box Fuzzing by Modeling Program Behavior" but "fuzzing".
    const hits = s.nearest(await s.embedQuery('Fuzzing programs to find security bugs.'), 5);
    assert.match(hits[0].paper.title, /Fuzzing/);
    const rl = s.nearest(await s.embedQuery('agents that plan ahead by simulating moves in board games'), 10).map((h) => h.paper.title);
    assert.ok(rl.some((t) => /Atari, Go, Chess|Monte Carlo Tree/.test(t)), rl.join('\n'));
    await s.dispose();
  });

  it('keeps "nothing related" for off-topic text and adds related papers to an on-topic list', async () => {
    const s = new SemanticIndex({ model: modelDir, cacheDir: tempDir() });
    await s.index(papers);
    const offTopic = 'My grandmother grows tomatoes and roses in her garden every summer.';
    assert.deepEqual(await s.related(offTopic, []), []);
    const onTopic = 'Large language models can be fine-tuned with human feedback to follow instructions.';
    // Meaning never opens a list the lexical gate kept closed; once open, it adds to it.
    assert.deepEqual(await s.related(onTopic, []), []);
    const lexical = [{ paper: papers[0], score: 1, matched: [] }];
    const related = await s.related(onTopic, lexical, { limit: papers.length });
    assert.equal(related[0].paper.key, papers[0].key);
    assert.ok(related.length > 1);
    assert.ok(related.length < papers.length / 4, `${related.length} related`);
    await s.dispose();
  });

  it('answers lexically while the model is not ready', async () => {
    const s = new SemanticIndex({ model: modelDir, cacheDir: tempDir() });
    assert.equal(s.queryVectorIfReady('anything'), undefined);
    const lexical: Hit[] = [{ paper: papers[3], score: 2, matched: ['x'] }];
    assert.deepEqual(await s.search('anything', lexical), lexical);
    await s.dispose();
  });

  it('computes query vectors in the background for the keystroke path', async () => {
    const s = new SemanticIndex({ model: modelDir, cacheDir: tempDir() });
    await s.index(papers.slice(0, 20));
    const text = 'reinforcement learning with a learned model';
    assert.equal(s.queryVectorIfReady(text), undefined);
    await s.embedQuery(text); // the same request the background started
    assert.ok(s.queryVectorIfReady(text) instanceof Float32Array);
    await s.dispose();
  });
});

describe('one-shot semantic search (the CLI --semantic path)', function () {
  this.timeout(60_000);
  const papers = sourcePapers();
  let model: string;
  before(() => {
    model = tempTestModel().dir;
  });

  it('fuses the lexical hits with the nearest papers', async () => {
    const lexical: Hit[] = [{ paper: papers[5], score: 3, matched: ['x'] }];
    const { index, status } = await openSemanticIndex(papers, { model, cacheDir: tempDir() });
    try {
      assert.equal(status.state, 'ready');
      assert.equal(index!.size, papers.length);
      const hits = await index!.search('Fuzzing programs to find security bugs.', lexical, { limit: 5 });
      assert.equal(hits.length, 5);
      assert.ok(hits.some((h) => h.paper.key === papers[5].key));
      assert.ok(hits.some((h) => /Fuzzing/.test(h.paper.title)));
    } finally {
      await index?.dispose();
    }
  });

  it('related: [] for off-topic text; no index and a failed status when the model is missing', async () => {
    const { index } = await openSemanticIndex(papers, { model, cacheDir: tempDir() });
    try {
      assert.deepEqual(await index!.related('My grandmother grows tomatoes and roses in her garden every summer.', []), []);
    } finally {
      await index?.dispose();
    }
    const broken = await openSemanticIndex(papers, { model: join(tempDir(), 'missing'), cacheDir: tempDir() });
    assert.equal(broken.status.state, 'failed');
    assert.equal(broken.index, null);
  });
});

describe('semantic failures degrade to lexical', function () {
  this.timeout(60_000);
  const papers = sourcePapers().slice(0, 5);
  const lexical: Hit[] = [{ paper: papers[0], score: 1, matched: ['a'] }];

  it('missing model folder → failed state, lexical answers', async () => {
    const s = new SemanticIndex({ model: join(tempDir(), 'no-such-model'), cacheDir: tempDir() });
    const r = await s.index(papers);
    assert.equal(r.embedded, -1);
    assert.equal(s.status.state, 'failed');
    assert.match(s.status.message ?? '', /not a model folder/);
    assert.deepEqual(await s.related('text', lexical), lexical);
    assert.equal(s.queryVectorIfReady('text'), undefined);
    await s.dispose();
  });

  it('broken ONNX file → failed state with the reason', async () => {
    const dir = join(tempDir(), 'broken');
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{"model_type":"bert"}');
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    writeFileSync(join(dir, 'tokenizer_config.json'), '{}');
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a model');
    const s = new SemanticIndex({ model: dir, cacheDir: tempDir() });
    await s.index(papers);
    assert.equal(s.status.state, 'failed');
    assert.match(s.status.message ?? '', /could not be loaded/);
    await assert.rejects(s.embedQuery('x'));
    await s.dispose();
  });

  it('a worker that dies after loading → failed state, queries reject at once', async () => {
    const s = new SemanticIndex({ model: tempTestModel().dir, cacheDir: tempDir() });
    await s.index(papers);
    assert.equal(s.status.state, 'ready');
    // A real crash of the embedding process, as the kernel's OOM killer would do it.
    const worker = (s as unknown as { embedder: { worker: ChildProcess } }).embedder.worker;
    const exited = new Promise((done) => worker.once('exit', done));
    worker.kill('SIGKILL');
    await exited;
    assert.equal(s.status.state, 'failed');
    assert.match(s.status.message ?? '', /worker stopped: signal SIGKILL/);
    await assert.rejects(s.embedQuery('anything'));
    assert.equal(s.queryVectorIfReady('anything'), undefined);
    await s.dispose();
  });

  it('a model id with downloads off never goes to the network', async () => {
    const s = new SemanticIndex({ model: 'Xenova/all-MiniLM-L6-v2', cacheDir: tempDir(), allowDownloads: false });
    await s.index(papers);
    assert.equal(s.status.state, 'failed');
    assert.match(s.status.message ?? '', /downloads are off/);
    await s.dispose();
  });
});

describe('fusion', () => {
  const p = (key: string): Paper => ({ key, title: key, authors: [], origin: { file: 'x', line: 1, kind: 'corpus' } });
  const lex = (...keys: string[]): Hit[] => keys.map((k, i) => ({ paper: p(k), score: 10 - i, matched: [k] }));
  const sem = (...pairs: [string, number][]): SemanticHit[] => pairs.map(([k, s]) => ({ paper: p(k), score: s }));

  it('RRF puts papers found by both lists first and keeps lexical matches', () => {
    const hits = fuse(lex('a', 'b', 'c'), sem(['c', 0.9], ['d', 0.8], ['a', 0.7]), { method: 'rrf', semanticWeight: 0.5 });
    assert.deepEqual(hits.map((h) => h.paper.key).slice(0, 2), ['a', 'c']);
    assert.deepEqual(hits.find((h) => h.paper.key === 'c')!.matched, ['c']);
    assert.deepEqual(hits.find((h) => h.paper.key === 'd')!.matched, []);
  });

  it('score fusion scales each list by its best', () => {
    const hits = fuse(lex('a', 'b'), sem(['b', 0.9], ['z', 0.1]), { method: 'score', semanticWeight: 0.5 });
    assert.equal(hits[0].paper.key, 'b');
    assert.equal(hits.at(-1)!.paper.key, 'z');
  });

  it('semanticWeight 0 is the lexical ranking', () => {
    const hits = fuse(lex('a', 'b', 'c'), sem(['c', 0.9]), { semanticWeight: 0 });
    assert.deepEqual(hits.map((h) => h.paper.key), ['a', 'b', 'c']);
  });

  it('related: meaning adds papers past the cosine gate after the lexical list, never opens or reorders it', () => {
    assert.deepEqual(fuseRelated([], sem(['a', 0.3]), 0.5), []);
    assert.deepEqual(fuseRelated([], sem(['a', 0.6], ['b', 0.4]), 0.5), []);
    assert.deepEqual(fuseRelated(lex('x'), sem(['b', 0.4]), 0.5).map((h) => h.paper.key), ['x']);
    const hits = fuseRelated(lex('x', 'y'), sem(['z', 0.9], ['y', 0.95], ['w', 0.7]), 0.5, { limit: 3 });
    assert.deepEqual(hits.map((h) => h.paper.key), ['x', 'y', 'z']);
    const scores = hits.map((h) => h.score);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  });
});
