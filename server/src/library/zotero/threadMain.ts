// The Zotero reading thread (thread.ts starts it; bundled as dist/zoteroWorker.js): one read, then it ends.
import { parentPort } from 'node:worker_threads';
import { loadZotero, type ZoteroOptions } from './source';

parentPort!.once('message', (options: ZoteroOptions) => {
  loadZotero(options).then(
    (read) => parentPort!.postMessage({ type: 'done', read }),
    (err: unknown) => parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
