// The indexing thread (worker.ts starts it; bundled as dist/indexWorker.js): collects the papers
// sent, builds one index over them, and replies with each source's segments in the saved format.
import { parentPort } from 'node:worker_threads';
import { rereadBibtex } from '../library/stream';
import type { Paper } from '../library/paper';
import type { PackedPaperStore } from '../library/store';
import { buildCorpus, openCorpus } from './corpus';
import { SearchIndex, type IndexSource } from './index';
import { hashPapers } from './segment';
import type { IndexedFields, WorkerReply, WorkerRequest } from './worker';

const port = parentPort!;
const received: IndexedFields[][] = [];

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'papers') {
    (received[msg.source] ??= []).push(...msg.papers);
    return;
  }
  if (msg.type === 'reread') {
    rereadBibtex(msg.file, { hashes: msg.hashes, strings: msg.strings }, { maxFresh: msg.maxFresh }).then(
      (reread) => port.postMessage({ type: 'reread', reread } satisfies WorkerReply, [reread.offsets.buffer, reread.lengths.buffer, reread.lines.buffer, reread.lineCounts.buffer] as ArrayBuffer[]),
      (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply),
    );
    return;
  }
  if (msg.type === 'corpus' || msg.type === 'open-corpus') {
    corpus(msg).catch((err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply));
    return;
  }
  build(msg).then(
    (reply) => {
      // A segment's own buffer moves to the main thread without a copy (small ones share Node's pool: copied).
      const buffers = reply.sources.flatMap((s) => s.chunks.map((c) => c.bytes).filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer as ArrayBuffer));
      port.postMessage(reply, buffers);
    },
    (err: unknown) => port.postMessage({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerReply),
  );
});

/**
 * The buffers under these views, to move without a copy (views sharing one, like a loaded
 * store's columns, move with it). Node's shared pool for small buffers (Buffer.poolSize bytes)
 * must stay: the views into it are copied.
 */
const movable = (views: ArrayBufferView[]): ArrayBuffer[] => [
  ...new Set(views.map((v) => v.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > Buffer.poolSize)),
];

async function corpus(msg: Extract<WorkerRequest, { type: 'corpus' | 'open-corpus' }>): Promise<void> {
  // A saved corpus goes to the main thread as it is read, the store first, then each segment: the
  // main thread decodes one while the next is read here.
  const onStore = (store: PackedPaperStore, chunks: { hash: string; papers: number }[]) => {
    const columns = store.columns();
    port.postMessage({ type: 'corpus-store', format: store.format, columns, strings: store.strings, chunks } satisfies WorkerReply, movable(Object.values(columns)));
  };
  const onChunk = (index: number, bytes: Buffer) => port.postMessage({ type: 'corpus-chunk', index, bytes } satisfies WorkerReply, movable([bytes]));
  const built =
    msg.type === 'corpus'
      ? await buildCorpus(msg.file, msg.dir, { ...msg.options, onProgress: (progress) => port.postMessage({ type: 'progress', progress } satisfies WorkerReply) })
      : await openCorpus(msg.file, msg.dir, { ...msg.options, verify: true, onStore, onChunk });
  if (typeof built === 'string') {
    port.postMessage({ type: 'no-corpus', reason: built } satisfies WorkerReply);
    return;
  }
  const { store, ...rest } = built;
  if (msg.type === 'open-corpus') {
    // Store and segments were sent: the chunks' bytes here are what moved (empty).
    const encoded = { ...rest.encoded, chunks: rest.encoded.chunks.map((c) => ({ ...c, bytes: new Uint8Array(0) })) };
    port.postMessage({ type: 'corpus', corpus: { ...rest, encoded, format: store.format } } satisfies WorkerReply);
    return;
  }
  const columns = store.columns();
  const reply: WorkerReply = { type: 'corpus', corpus: { ...rest, format: store.format, columns, strings: store.strings } };
  port.postMessage(reply, movable([...Object.values(columns), ...built.encoded.chunks.map((c) => c.bytes)]));
}

async function build(msg: Extract<WorkerRequest, { type: 'build' }>): Promise<Extract<WorkerReply, { type: 'built' }>> {
  // Only the indexed fields arrived: the kind says which source loses a shared key.
  const sources: IndexSource[] = msg.sources.map((s, i) => ({ id: s.id, kind: s.kind, papers: (received[i] ?? []) as Paper[] }));
  if (msg.unless !== undefined && sources.length === 1 && hashPapers((received[0] ?? []) as Paper[]) === msg.unless) return { type: 'built', sources: [] };
  const index = msg.dir ? await SearchIndex.load(msg.dir, sources) : SearchIndex.fromSources(sources);
  if (msg.dir && msg.save) await index.save(msg.dir).catch(() => {}); // a cache that cannot be written only costs time next start
  return { type: 'built', sources: sources.map((s) => index.encodeSource(s.id)!) };
}
