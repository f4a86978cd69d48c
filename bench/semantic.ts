// Semantic search costs, with the suite's test model (or --model): embedding throughput, query
// embedding latency, fused query p95, vector cache size, brute-force cosine at 353 and 100k rows.
//
//   node --import tsx bench/semantic.ts [--model ID|PATH | --encoder-layers 6] [--threads N] [--json]
// --encoder-layers builds a random-weight encoder sized like all-MiniLM-L6-v2 to time the real
// cost of such a model here (no pretrained weights can be downloaded on these machines).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestModel } from '../scripts/make-test-model';
import { loadCorpus } from '../server/src/library/corpus';
import { SearchIndex } from '../server/src/search';
import { SemanticIndex, fuse, nearestRows } from '../server/src/search/semantic';

export interface SemanticBench {
  model: string;
  papers: number;
  /** Cold cache: papers embedded per second (batches of 16, one worker thread). */
  textsPerSecond: number;
  embedSeconds: number;
  /** CPU time per paper (all threads): what the machine pays, whatever else runs on it. */
  cpuMsPerText: number;
  /** Warm cache: a second index over the same cache. */
  cachedIndexMs: number;
  /** One new query through the worker, ms. */
  queryEmbedMs: { p50: number; p95: number };
  /** Lexical context + query vector (new text) + nearest + fuse, ms. */
  fusedQueryMs: { p50: number; p95: number };
  /** The same with the query vector already computed (the keystroke path once ready), ms. */
  fusedCachedQueryMs: { p50: number; p95: number };
  vectorCacheBytes: number;
  /** Brute-force top-20 over random unit vectors, ms per query. */
  bruteForceMs: { rows: number; dims: number; ms: number }[];
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 100) / 100;
};

function randomUnitRows(rows: number, dims: number, seed = 1): Float32Array {
  const m = new Float32Array(rows * dims);
  for (let i = 0; i < m.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    m[i] = seed / 4294967296 - 0.5;
  }
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let j = 0; j < dims; j++) norm += m[r * dims + j] ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dims; j++) m[r * dims + j] /= norm;
  }
  return m;
}

function timeBruteForce(rows: number, dims: number): number {
  const matrix = randomUnitRows(rows, dims);
  const queries = randomUnitRows(20, dims, 99);
  for (let w = 0; w < 3; w++) nearestRows(matrix, dims, queries.subarray(0, dims), 20); // warm up
  const started = performance.now();
  for (let q = 0; q < 20; q++) nearestRows(matrix, dims, queries.subarray(q * dims, (q + 1) * dims), 20);
  return Math.round(((performance.now() - started) / 20) * 100) / 100;
}

export interface SemanticBenchOptions {
  /** A model id or folder; default: the suite's test model. */
  model?: string;
  /** Build a MiniLM-sized random-weight encoder with this many layers instead (timing only). */
  encoderLayers?: number;
  /** ONNX Runtime threads (default 1, as in the language server). */
  threads?: number;
}

export async function benchSemantic(options: SemanticBenchOptions = {}): Promise<SemanticBench> {
  const work = mkdtempSync(join(tmpdir(), 'litlens-bench-sem-'));
  try {
    const model = options.model ?? buildTestModel(join(work, 'model'), { encoderLayers: options.encoderLayers }).dir;
    const cacheDir = join(work, 'cache');
    const papers = (await loadCorpus()).papers;
    const lexical = SearchIndex.build(papers);

    const semantic = new SemanticIndex({ model, cacheDir, threads: options.threads });
    await semantic.index(papers.slice(0, 1)); // load the model before timing
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cold = await semantic.index(papers);
    const embedSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (semantic.status.state !== 'ready') throw new Error(semantic.status.message ?? 'not ready');

    const warm = new SemanticIndex({ model, cacheDir });
    await warm.index(papers.slice(0, 1));
    const t1 = performance.now();
    await warm.index(papers);
    const cachedIndexMs = performance.now() - t1;
    await warm.dispose();

    // Queries: first sentences of abstracts, reworded enough to be new texts.
    const queries = papers.slice(0, 60).map((p, i) => `${(p.abstract ?? p.title).split('. ')[0]} (${i})`);
    const embedMs: number[] = [];
    const fusedMs: number[] = [];
    const fusedCachedMs: number[] = [];
    for (const q of queries.slice(0, 30)) {
      const s = performance.now();
      await semantic.embedQuery(q);
      embedMs.push(performance.now() - s);
    }
    for (const q of queries.slice(30)) {
      const s = performance.now();
      const lex = lexical.context(q, { limit: 50 });
      const vec = await semantic.embedQuery(q);
      fuse(lex, semantic.nearest(vec, 50));
      fusedMs.push(performance.now() - s);
      const c = performance.now();
      fuse(lexical.context(q, { limit: 50 }), semantic.nearest(semantic.queryVectorIfReady(q)!, 50));
      fusedCachedMs.push(performance.now() - c);
    }
    await semantic.dispose();

    const vectorsDir = join(cacheDir, 'vectors', readdirSync(join(cacheDir, 'vectors'))[0]);
    const vectorCacheBytes = readdirSync(vectorsDir).reduce((s, f) => s + statSync(join(vectorsDir, f)).size, 0);
    const bruteForceMs = [
      [353, 384],
      [10_000, 384],
      [50_000, 384],
      [100_000, 384],
    ].map(([rows, dims]) => ({ rows, dims, ms: timeBruteForce(rows, dims) }));
    return {
      model: options.model ?? (options.encoderLayers ? `MiniLM-sized random encoder, ${options.encoderLayers} layers, ${options.threads ?? 1} thread(s)` : 'suite test model (LSA, 64 dims)'),
      papers: papers.length,
      textsPerSecond: Math.round(cold.embedded / embedSeconds),
      embedSeconds: Math.round(embedSeconds * 1000) / 1000,
      cpuMsPerText: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, cold.embedded)) * 10) / 10,
      cachedIndexMs: Math.round(cachedIndexMs * 10) / 10,
      queryEmbedMs: { p50: percentile(embedMs, 0.5), p95: percentile(embedMs, 0.95) },
      fusedQueryMs: { p50: percentile(fusedMs, 0.5), p95: percentile(fusedMs, 0.95) },
      fusedCachedQueryMs: { p50: percentile(fusedCachedMs, 0.5), p95: percentile(fusedCachedMs, 0.95) },
      vectorCacheBytes,
      bruteForceMs,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const layers = arg('--encoder-layers');
  const threads = arg('--threads');
  benchSemantic({ model: arg('--model'), encoderLayers: layers ? Number(layers) : undefined, threads: threads ? Number(threads) : undefined }).then(
    (r) => (argv.includes('--json') ? console.log(JSON.stringify(r, null, 2)) : printSemantic(r)),
    (e: unknown) => {
      process.stderr.write(`bench/semantic: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

export function printSemantic(r: SemanticBench): void {
  console.log(`semantic bench: ${r.papers} papers, model ${r.model}`);
  console.log(`  embed (cold cache)     ${r.textsPerSecond} texts/s (${r.embedSeconds} s), ${r.cpuMsPerText} CPU-ms per text`);
  console.log(`  index (warm cache)     ${r.cachedIndexMs} ms`);
  console.log(`  query embedding        p50 ${r.queryEmbedMs.p50} ms, p95 ${r.queryEmbedMs.p95} ms`);
  console.log(`  fused query (new text) p50 ${r.fusedQueryMs.p50} ms, p95 ${r.fusedQueryMs.p95} ms`);
  console.log(`  fused query (vector ready) p50 ${r.fusedCachedQueryMs.p50} ms, p95 ${r.fusedCachedQueryMs.p95} ms`);
  console.log(`  vector cache           ${(r.vectorCacheBytes / 1024).toFixed(0)} KB`);
  for (const b of r.bruteForceMs) console.log(`  brute-force top-20     ${b.rows} x ${b.dims}: ${b.ms} ms/query`);
}
