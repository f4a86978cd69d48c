// Index building off the server's main thread. At 100k papers a cold build takes 15-30 s and
// re-indexing one chunk of a source seconds: on the main thread no hover or completion would be
// answered meanwhile. A worker thread (workerMain.ts, bundled as dist/indexWorker.js) gets the
// papers' indexed fields, indexes them (reusing the segments saved in `dir`), and sends each
// source's segments back in the saved format (persist.ts) as transferred buffers; the main
// thread decodes them one source at a time. One worker per build; it exits when done.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import type { Paper, PaperList } from '../library/paper';
import { PackedPaperStore, type StoreColumns } from '../library/store';
import type { Reread, StreamFormat } from '../library/stream';
import { startThread } from '../thread';
import type { Corpus, CorpusOptions, CorpusProgress } from './corpus';
import { SearchIndex, type EncodedSource, type IndexSource } from './index';
import { decodeSegment } from './persist';
import { completePapers, type Segment } from './segment';

/** What the worker needs of each source: its papers' indexed fields travel separately. */
export interface WorkerSource {
  id: string;
  kind: 'corpus' | 'workspace';
}

/** Main thread -> worker. */
export type WorkerRequest =
  /** Read a corpus file as a stream and index it (search/corpus.ts), saving it in `dir` when given. */
  | { type: 'corpus'; file: string; dir: string | null; options: CorpusJob }
  /** Open the corpus saved in `dir` (its files read and their checksums checked here). */
  | { type: 'open-corpus'; file: string; dir: string; options: CorpusJob }
  /** Read a BibTeX file again against a store's entry hashes (library/stream.ts rereadBibtex). */
  | { type: 'reread'; file: string; hashes: Float64Array; strings: string; maxFresh: number }
  /** More papers of source number `source` (sent in slices, so no single copy blocks long). */
  | { type: 'papers'; source: number; papers: IndexedFields[] }
  /**
   * Index what was sent; `dir`: the saved index to reuse and, with `save`, to update. `unless`:
   * the content hash the receiver has for the one source sent; when it still matches, nothing is built.
   */
  | { type: 'build'; sources: WorkerSource[]; dir: string | null; save: boolean; unless?: string };

/** Worker -> main thread. */
export type WorkerReply =
  | { type: 'built'; sources: EncodedSource[] }
  | { type: 'progress'; progress: CorpusProgress }
  /**
   * The corpus's store columns and segments travel as transferred buffers: the worker keeps no copy.
   * A saved corpus (open-corpus) sends them ahead, as they are read (corpus-store, corpus-chunk): then
   * `columns` is absent and the chunks' bytes are empty here.
   */
  | { type: 'corpus'; corpus: Omit<Corpus, 'store'> & { format: StreamFormat; columns?: StoreColumns; strings?: string } }
  /** open-corpus: the store, read and checked, before its segments; `chunks`: how they split its papers. */
  | { type: 'corpus-store'; format: StreamFormat; columns: StoreColumns; strings: string; chunks: { hash: string; papers: number }[] }
  /** open-corpus: segment file `index` of the store's chunks, read and checked. */
  | { type: 'corpus-chunk'; index: number; bytes: Uint8Array }
  | { type: 'reread'; reread: Reread }
  /** open-corpus found nothing it can use; why. */
  | { type: 'no-corpus'; reason: string }
  | { type: 'error'; message: string };

/** What of CorpusOptions crosses to the worker (callbacks and signals stay here). */
export type CorpusJob = Pick<CorpusOptions, 'format' | 'categories' | 'chunkPapers'>;

/** The fields of a Paper the index reads (hashPapers, buildSegment): all a worker is sent. */
export type IndexedFields = Pick<Paper, 'key' | 'title' | 'abstract' | 'authors' | 'year' | 'venue'>;

/** Papers per message: copying 8k papers takes ~20 ms of the main thread. */
const SLICE = 8192;

/**
 * A SearchIndex over `sources` (in precedence order), built in a worker; saved to `dir` when
 * given. Aborting `signal` stops the worker (the promise then rejects).
 */
export async function buildIndex(sources: readonly IndexSource[], dir: string | null, signal?: AbortSignal): Promise<SearchIndex> {
  const encoded = await inWorker(sources, dir, true, signal);
  const index = SearchIndex.fromSources([]);
  for (const [i, source] of sources.entries()) {
    await nextTurn(); // one source at a time: requests waiting are answered in between
    index.setEncodedSource(source, encoded[i]);
  }
  return index;
}

/**
 * One source indexed in a worker (chunks saved in `dir` are reused; nothing is saved), for
 * `SearchIndex.setEncodedSource`; null when its content hash is still `unless`.
 */
export async function buildSource(source: IndexSource, dir: string | null, unless?: string): Promise<EncodedSource | null> {
  return (await inWorker([source], dir, false, undefined, unless))[0] ?? null;
}

/**
 * One source re-indexed by what changed: only the chunks `index` does not hold are sent to a
 * worker and built there (their saved segments in `dir` reused), never on the server's main thread;
 * the others go back empty, which `setEncodedSource` on the same index keeps.
 * null when the source's content hash is unchanged.
 */
export async function rebuildSource(index: SearchIndex, source: IndexSource, dir: string | null): Promise<EncodedSource | null> {
  const plan = index.chunkPlan(source);
  if (plan.unchanged) return null;
  const missing = plan.chunks.filter((c) => !c.held);
  // Each missing chunk as a source of its own: its papers form exactly one chunk again, of the same hash.
  const alone = missing.map((c, i) => ({ id: `${source.id}#${i}`, kind: kindOf(source), papers: c.papers as Paper[] }));
  const built = missing.length === 0 ? [] : await inWorker(alone, dir, false);
  const bytes = new Map(built.flatMap((e) => (e.chunks.length === 1 ? [[e.chunks[0].hash, e.chunks[0]] as const] : [])));
  if (missing.some((c) => !bytes.has(c.hash))) return buildSource(source, dir); // not expected: the whole source, as before
  const chunks = plan.chunks.map((c) => (c.held ? { hash: c.hash, papers: c.papers.length, bytes: new Uint8Array(0) } : bytes.get(c.hash)!));
  return { id: source.id, hash: plan.hash, chunks };
}

async function inWorker(sources: readonly IndexSource[], dir: string | null, save: boolean, signal?: AbortSignal, unless?: string): Promise<EncodedSource[]> {
  const result = await workerJob(async (worker) => {
    for (const [i, s] of sources.entries()) {
      for (let start = 0; start < s.papers.length; start += SLICE) {
        const papers = completePapers(s.papers).slice(start, start + SLICE).map(({ key, title, abstract, authors, year, venue }) => ({ key, title, abstract, authors, year, venue }));
        worker.postMessage({ type: 'papers', source: i, papers } satisfies WorkerRequest);
        await nextTurn();
      }
    }
    const kinds = sources.map((s) => ({ id: s.id, kind: kindOf(s) }));
    worker.postMessage({ type: 'build', sources: kinds, dir, save, unless } satisfies WorkerRequest);
  }, signal);
  if (result.type === 'error') throw new Error(`indexing failed: ${result.message}`);
  if (result.type !== 'built') throw new Error(`the indexing worker answered ${result.type}`);
  return result.sources;
}

/**
 * A corpus file read and indexed in a worker (see search/corpus.ts buildCorpus), saved in `dir`
 * when given; progress arrives through `options.onProgress`. The main thread never holds the
 * papers: it receives the packed store and the encoded segments. Aborting stops the worker.
 */
export async function buildCorpusInWorker(file: string, dir: string | null, options: CorpusOptions & { heapMb?: number } = {}): Promise<Corpus> {
  const result = await corpusJob((job) => ({ type: 'corpus', file, dir, options: job }), options);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

/**
 * The corpus saved in `dir` (search/corpus.ts openCorpus), its files read and their checksums
 * checked in a worker, so the main thread only decodes, each segment as it arrives (while the
 * worker reads the next: `encoded.decoded`); a string says why there is none.
 */
export async function openCorpusInWorker(file: string, dir: string, options: CorpusOptions = {}): Promise<Corpus | string> {
  return corpusJob((job) => ({ type: 'open-corpus', file, dir, options: job }), options);
}

async function corpusJob(request: (job: CorpusJob) => WorkerRequest, options: CorpusOptions & { heapMb?: number }): Promise<Corpus | string> {
  const message = request({ format: options.format, categories: options.categories, chunkPapers: options.chunkPapers });
  // What a saved corpus sends ahead: its store, then each segment, decoded here as it arrives (one
  // message per turn of the event loop: requests are answered in between) while the worker reads the next.
  let ahead: { store: PackedPaperStore; chunks: { hash: string; papers: number; bytes: Uint8Array }[]; decoded: Segment[]; slices: PaperList[] } | undefined;
  const onPart = (part: Extract<WorkerReply, { type: 'corpus-store' | 'corpus-chunk' }>) => {
    if (part.type === 'corpus-store') {
      const store = new PackedPaperStore('file' in message ? message.file : '', part.format, part.columns);
      store.strings = part.strings;
      let start = 0;
      const slices = part.chunks.map((c) => (part.chunks.length === 1 ? store : store.slice(start, (start += c.papers))));
      ahead = { store, chunks: part.chunks.map((c) => ({ ...c, bytes: new Uint8Array(0) })), decoded: [], slices };
      return;
    }
    const chunk = ahead?.chunks[part.index];
    if (!ahead || !chunk) return;
    chunk.bytes = part.bytes;
    const seg = decodeSegment(Buffer.from(part.bytes.buffer, part.bytes.byteOffset, part.bytes.byteLength), chunk.hash, ahead.slices[part.index], true);
    if (typeof seg !== 'string') ahead.decoded[part.index] = seg; // one that does not decode: setEncodedSource says why
  };
  const job = (heapMb?: number) => workerJob((worker) => worker.postMessage(message satisfies WorkerRequest), options.signal, options.onProgress, heapMb, onPart);
  // A capped heap that runs out: the same job again without the cap (slower to collect, never refused).
  const result = options.heapMb ? await job(options.heapMb).catch((err: unknown) => ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? job() : Promise.reject(err))) : await job();
  if (result.type === 'error') throw new Error(`indexing ${'file' in message ? message.file : ''} failed: ${result.message}`);
  if (result.type === 'no-corpus') return result.reason;
  if (result.type !== 'corpus') throw new Error(`the indexing worker answered ${result.type}`);
  const { columns, format, strings, ...rest } = result.corpus;
  if (!columns) {
    const sent = ahead as typeof ahead | undefined; // set by onPart (TypeScript does not follow the callback)
    if (!sent) throw new Error('the indexing worker sent no store');
    return { ...rest, store: sent.store, encoded: { ...rest.encoded, chunks: sent.chunks, decoded: sent.decoded } };
  }
  const store = new PackedPaperStore(rest.file, format, columns);
  store.strings = strings ?? '';
  return { ...rest, store };
}

/**
 * A store-held BibTeX file read again by what changed, in a worker (library/stream.ts
 * rereadBibtex): its entries matched with the `known` entry hashes, only the others parsed.
 */
export async function rereadInWorker(file: string, known: { hashes: Float64Array; strings: string }, maxFresh: number): Promise<Reread> {
  const result = await workerJob((worker) => worker.postMessage({ type: 'reread', file, hashes: known.hashes, strings: known.strings, maxFresh } satisfies WorkerRequest));
  if (result.type === 'error') throw new Error(`reading ${file} again failed: ${result.message}`);
  if (result.type !== 'reread') throw new Error(`the indexing worker answered ${result.type}`);
  return result.reread;
}

/**
 * One job in a new indexing worker: `send` posts its messages; answers the worker's reply, with
 * progress messages passed to `onProgress` on the way. The worker is terminated at the end, and
 * at once on abort.
 */
async function workerJob(
  send: (worker: Worker) => unknown,
  signal?: AbortSignal,
  onProgress?: (progress: CorpusProgress) => void,
  heapMb?: number,
  onPart?: (part: Extract<WorkerReply, { type: 'corpus-store' | 'corpus-chunk' }>) => void,
): Promise<WorkerReply> {
  signal?.throwIfAborted();
  const worker = startWorker(heapMb);
  const stop = () => void worker.terminate();
  signal?.addEventListener('abort', stop);
  try {
    const reply = new Promise<WorkerReply>((resolve, reject) => {
      worker.on('message', (msg: WorkerReply) => (msg.type === 'progress' ? onProgress?.(msg.progress) : msg.type === 'corpus-store' || msg.type === 'corpus-chunk' ? onPart?.(msg) : resolve(msg)));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(signal?.aborted ? 'aborted' : `the indexing worker exited with code ${code}`)));
    });
    await send(worker);
    const result = await reply;
    signal?.throwIfAborted();
    return result;
  } finally {
    signal?.removeEventListener('abort', stop);
    stop();
  }
}

function kindOf(s: IndexSource): 'corpus' | 'workspace' {
  return s.kind ?? (s.papers.at(0)?.origin.kind === 'corpus' ? 'corpus' : 'workspace');
}

/** Bundled: dist/indexWorker.js beside dist/server.js and dist/cli.js. From sources: workerMain.ts through tsx. */
function startWorker(heapMb?: number): Worker {
  return startThread(__dirname, 'indexWorker.js', 'workerMain.ts', heapMb ? { maxOldGenerationSizeMb: heapMb } : undefined);
}
