// Semantic search: paper vectors from a sentence-embedding model, cached on disk, searched by
// brute-force cosine, fused with the lexical ranking. Optional by design: with no model, no
// package or a broken model the state says why and callers keep the lexical answer.
//
//   const semantic = new SemanticIndex({ model, cacheDir, allowDownloads, onStatus });
//   await semantic.index(library.papers);           // background; embeds only new/changed papers
//   const vec = semantic.queryVectorIfReady(text);  // keystroke path: never waits
//   const hits = semantic.fuseWith(vec, lexicalHits);  // or await semantic.search(text, lexicalHits)
// Which lexical ranking to fuse, how deep, and when to wait for a vector: search/rank.ts.
//
// Non-goals: an approximate (ANN) index — brute force over Float32 rows takes <1 ms at 353
// papers, ~10 ms at 10k and ~70-100 ms at 100k (384 dims, bench/semantic.ts) while embedding the
// query itself takes ~10-30 ms, so below ~10k papers an ANN index would save nothing that
// matters; training or fine-tuning models.
import type { Paper } from '../../library/paper';
import { defaultSettings, type Status } from '../../protocol';
import type { Hit } from '../index';
import { Embedder, EmbedderError } from './embedder';
import { FUSION_DEPTH, fuse, fuseRelated, type FuseOptions, type SemanticHit } from './fusion';
import { VectorCache, paperText, textHash } from './vectorCache';

export { DEFAULT_FUSION, DEFAULT_SEMANTIC_WEIGHT, FUSION_DEPTH, fuse, fuseRelated, type FuseOptions, type FusionMethod, type SemanticHit } from './fusion';
export { Embedder, EmbedderError, isModelFolder, modelKey, TRANSFORMERS_PACKAGE } from './embedder';
export { VectorCache, paperText, textHash, VECTOR_CACHE_VERSION } from './vectorCache';

export type EmbeddingStatus = Status['embeddings'];

export interface SemanticOptions {
  /** Hugging Face model id or local model folder (Settings.embeddings.model). */
  model: string;
  /** Folder for the vector cache (e.g. <globalStorage>/ or ~/.cache/litlens). */
  cacheDir: string;
  /** May a model id be downloaded (Settings.embeddings.enabled)? A folder never downloads. */
  allowDownloads?: boolean;
  /** Where downloaded models go (default: <cacheDir>/models). */
  modelCacheDir?: string;
  /** Texts per model call (default 16). */
  batchSize?: number;
  /** ONNX Runtime threads (default 1; the CLI uses every core). */
  threads?: number;
  /** Called on every state change: loading, embedding n/total, ready, failed. */
  onStatus?: (status: EmbeddingStatus) => void;
}

export interface IndexReport {
  model: string;
  embedded: number;
  cached: number;
  seconds: number;
}

const QUERY_CACHE_SIZE = 64;

/**
 * Passages about nothing a research library holds. How close they come to the library is what
 * "unrelated" looks like for this model, whatever its cosine scale.
 */
const OFF_TOPIC_PROBES = [
  'Preheat the oven, mix the flour with butter and sugar, and bake the cake for forty minutes.',
  'The tenant shall pay the rent on the first day of each month to the landlord.',
  'I went to the beach yesterday and the weather was lovely.',
  'The home team scored twice in the second half and won the championship.',
  'Please remember to water the plants and feed the cat while we are away.',
  'The museum is open from ten to six, except on public holidays.',
  'She painted the kitchen walls yellow and hung new curtains.',
  'Our flight was delayed by three hours because of the snow storm.',
  'Add salt and pepper to taste and serve the soup hot with fresh bread.',
  'The wedding ceremony took place in a small church near the river.',
  'He bought a second-hand bicycle and rode it to work every morning.',
  'The novel tells the story of a family across three generations.',
  'Turn left at the traffic lights and the post office is on your right.',
  'The concert was sold out and the band played until midnight.',
  'Dear customer, your order has been shipped and will arrive on Monday.',
  'The garden needs weeding and the fence should be repainted before winter.',
];

export class SemanticIndex {
  status: EmbeddingStatus = { state: 'off' };
  private readonly embedder: Embedder;
  private papers: Paper[] = [];
  private matrix = new Float32Array(0);
  private dims = 0;
  private cosineStats = { mean: 0, std: 0.1 };
  private offTopicCeiling = 0.5;
  private probes: Float32Array[] | null = null;
  private queries = new Map<string, Float32Array | Promise<Float32Array>>();
  private indexing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SemanticOptions) {
    this.embedder = new Embedder({
      model: options.model,
      allowDownloads: options.allowDownloads,
      modelCacheDir: options.modelCacheDir ?? `${options.cacheDir}/models`,
      batchSize: options.batchSize,
      threads: options.threads,
      onDead: (message) => this.setStatus({ state: 'failed', message }),
      onProgress: (fraction, file) => this.setStatus({ state: 'loading', done: Math.round(fraction * 100), total: 100, message: `downloading ${file}` }),
    });
  }

  get model(): string {
    return this.options.model;
  }

  /** True once paper vectors can be searched. */
  get ready(): boolean {
    return !this.disposed && this.status.state === 'ready';
  }

  /** How many papers have vectors. */
  get size(): number {
    return this.papers.length;
  }

  private disposed = false;

  private setStatus(status: EmbeddingStatus): void {
    // After dispose() a new index may own the status: an old, still running index stays quiet.
    if (this.disposed) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  /**
   * Gives every paper a vector: cached ones are read, the rest embedded in batches and saved.
   * Calls are serialised; never rejects — a failure becomes status 'failed' (report has -1s).
   */
  index(papers: readonly Paper[]): Promise<IndexReport> {
    const run = this.indexing.then(() => this.indexNow(papers));
    this.indexing = run.catch(() => undefined);
    return run;
  }

  private async indexNow(papers: readonly Paper[]): Promise<IndexReport> {
    const started = Date.now();
    const report = (embedded: number, cached: number): IndexReport => ({ model: this.options.model, embedded, cached, seconds: (Date.now() - started) / 1000 });
    if (this.status.state === 'failed') return report(-1, -1);
    try {
      if (!this.embedder.dims) this.setStatus({ state: 'loading' });
      const dims = await this.embedder.load();
      const cache = await VectorCache.open(this.options.cacheDir, this.embedder.key);
      const hashes = papers.map((p) => textHash(paperText(p)));
      const missing = [...new Set(hashes.filter((h) => cache.get(h)?.length !== dims))];
      const textOf = new Map(papers.map((p, i) => [hashes[i], paperText(p)]));
      if (missing.length > 0) {
        this.setStatus({ state: 'embedding', done: 0, total: missing.length });
        const vectors = await this.embedder.embed(
          missing.map((h) => textOf.get(h)!),
          (done) => this.setStatus({ state: 'embedding', done, total: missing.length }),
        );
        missing.forEach((h, i) => cache.set(h, vectors[i]));
        await cache.save(new Set(hashes));
      }
      const matrix = new Float32Array(papers.length * dims);
      hashes.forEach((h, i) => matrix.set(cache.get(h)!, i * dims));
      this.papers = [...papers];
      this.matrix = matrix;
      this.dims = dims;
      this.cosineStats = pairStats(matrix, dims, papers.length);
      this.probes ??= await this.embedder.embed(OFF_TOPIC_PROBES);
      const best = this.probes.map((v) => this.nearest(v, 1)[0]?.score ?? 0).sort((a, b) => b - a);
      // The second highest: one probe that happens to match a paper (a cookbook in the library) must not close the gate.
      this.offTopicCeiling = best[1] ?? best[0] ?? 0.5;
      this.setStatus({ state: 'ready', done: papers.length, total: papers.length });
      return report(missing.length, papers.length - missing.length);
    } catch (err) {
      this.setStatus({ state: 'failed', message: err instanceof EmbedderError ? err.message : `semantic search failed: ${String((err as Error)?.message ?? err)}` });
      return report(-1, -1);
    }
  }

  /** The query's unit vector (a small LRU keeps recent ones). Rejects when the model failed. */
  embedQuery(text: string): Promise<Float32Array> {
    const key = text.trim();
    const known = this.queries.get(key);
    if (known) {
      this.queries.delete(key);
      this.queries.set(key, known);
      return Promise.resolve(known);
    }
    const pending = this.embedder.embed([key]).then((v) => {
      if (this.queries.get(key) === pending) this.queries.set(key, v[0]);
      return v[0];
    });
    pending.catch(() => this.queries.delete(key));
    this.queries.set(key, pending);
    while (this.queries.size > QUERY_CACHE_SIZE) this.queries.delete(this.queries.keys().next().value!);
    return pending;
  }

  /**
   * For the keystroke path: the query vector if it was computed before, else undefined — and
   * then it is computed in the background so that the next request for the same text has it.
   */
  queryVectorIfReady(text: string): Float32Array | undefined {
    if (!this.ready) return undefined;
    const known = this.queries.get(text.trim());
    if (known instanceof Float32Array) return known;
    if (!known) this.embedQuery(text).catch(() => undefined);
    return undefined;
  }

  /** The k papers whose vectors are closest to `vector` (cosine, best first). Brute force. */
  nearest(vector: Float32Array, k = 20): SemanticHit[] {
    if (this.papers.length === 0 || vector.length !== this.dims) return [];
    return nearestRows(this.matrix, this.dims, vector, k).map(({ row, score }) => ({ paper: this.papers[row], score }));
  }

  /**
   * The cosine a paper needs to count as related to a passage without lexical support.
   * Calibrated per model and library: the cosine that everyday off-topic passages reach against
   * this library, plus `threshold` (0..1, litlens.relatedThreshold) standard deviations of the
   * cosine between the library's own papers — so one threshold works for any model.
   */
  gate(threshold = defaultSettings.relatedThreshold): number {
    return Math.min(0.98, this.offTopicCeiling + threshold * this.cosineStats.std);
  }

  /** Fused search: lexical hits plus the nearest papers to the query. */
  async search(query: string, lexical: readonly Hit[], options: FuseOptions = {}): Promise<Hit[]> {
    if (!this.ready) return lexical.slice(0, options.limit ?? 20);
    return this.fuseWith(await this.embedQuery(query), lexical, options);
  }

  /** As search(), with the query's vector at hand. */
  fuseWith(vector: Float32Array, lexical: readonly Hit[], options: FuseOptions = {}): Hit[] {
    return fuse(lexical, this.nearest(vector, Math.max(FUSION_DEPTH, options.limit ?? 20)), options);
  }

  /** Fused related papers; [] when neither the lexical rule nor the semantic gate finds any. */
  async related(text: string, lexicalRelated: readonly Hit[], options: FuseOptions & { threshold?: number } = {}): Promise<Hit[]> {
    if (!this.ready) return lexicalRelated.slice(0, options.limit ?? 20);
    return this.relatedWith(await this.embedQuery(text), lexicalRelated, options);
  }

  /** As related(), with the passage's vector at hand. */
  relatedWith(vector: Float32Array, lexicalRelated: readonly Hit[], options: FuseOptions & { threshold?: number } = {}): Hit[] {
    return fuseRelated(lexicalRelated, this.nearest(vector, Math.max(FUSION_DEPTH, options.limit ?? 20)), this.gate(options.threshold), options);
  }

  /** Stops the worker (the vector cache stays on disk). Reports nothing more through onStatus. */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.status.state !== 'failed') this.status = { state: 'off' };
    await this.embedder.dispose();
  }
}

/** Brute-force cosine (dot products of unit vectors) over row-major rows: the k best rows, best first. */
export function nearestRows(matrix: Float32Array, dims: number, vector: Float32Array, k: number): { row: number; score: number }[] {
  const n = Math.floor(matrix.length / dims);
  const scores = new Float32Array(n);
  const tail = dims - (dims % 4);
  for (let i = 0; i < n; i++) {
    // Four partial sums let V8 overlap the multiplies (~15% faster at 100k rows).
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    const base = i * dims;
    for (let j = 0; j < tail; j += 4) {
      d0 += matrix[base + j] * vector[j];
      d1 += matrix[base + j + 1] * vector[j + 1];
      d2 += matrix[base + j + 2] * vector[j + 2];
      d3 += matrix[base + j + 3] * vector[j + 3];
    }
    for (let j = tail; j < dims; j++) d0 += matrix[base + j] * vector[j];
    scores[i] = d0 + d1 + d2 + d3;
  }
  return topK(scores, k).map((row) => ({ row, score: scores[row] }));
}

/** Indices of the k largest scores, best first (partial selection; k is small). */
function topK(scores: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (top.length === k && s <= scores[top[k - 1]]) continue;
    let at = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(i);
    while (at > 0 && scores[top[at - 1]] < s) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = i;
  }
  return top;
}

/** Mean and standard deviation of the cosine between distinct papers (sampled above ~200 papers). */
function pairStats(matrix: Float32Array, dims: number, n: number): { mean: number; std: number } {
  if (n < 2) return { mean: 0, std: 0.1 };
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const pairs = Math.min(20_000, (n * (n - 1)) / 2);
  let sum = 0;
  let sq = 0;
  for (let p = 0; p < pairs; p++) {
    const a = Math.floor(next() * n);
    let b = Math.floor(next() * (n - 1));
    if (b >= a) b++;
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += matrix[a * dims + j] * matrix[b * dims + j];
    sum += dot;
    sq += dot * dot;
  }
  const mean = sum / pairs;
  return { mean, std: Math.sqrt(Math.max(0, sq / pairs - mean * mean)) || 0.1 };
}
