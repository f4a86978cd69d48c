// The Zotero reading thread (thread.ts starts it; bundled as dist/zoteroWorker.js): one read, then it ends.
import { parentPort } from 'node:worker_threads';
import { loadZotero, type ZoteroLoaded, type ZoteroOptions } from './source';

// The read is posted as soon as it is made; saving it in the cache folder follows, then the thread ends.
parentPort!.once('message', (options: ZoteroOptions) => {
  let posted = false;
  const post = (read: ZoteroLoaded | null): void => {
    if (!posted) parentPort!.postMessage({ type: 'done', read });
    posted = true;
  };
  loadZotero({ ...options, onRead: post }).then(post, (err: unknown) => posted || parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
