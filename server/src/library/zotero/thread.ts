// Zotero read in a thread of its own, one per read: sql.js's WebAssembly heap (which never shrinks)
// and the read's garbage go when the thread ends, and the main thread keeps answering meanwhile.
// The papers come back in one message (20k papers: ~100 ms to take in), before the thread saves the read.
import { startThread } from '../../thread';
import type { ZoteroLoaded, ZoteroOptions } from './source';

type Reply = { type: 'done'; read: ZoteroLoaded | null } | { type: 'error'; message: string };

/** loadZotero (source.ts) in a new thread; never rejects: a thread that fails is the read's one error. */
export function loadZoteroInThread(options: ZoteroOptions): Promise<ZoteroLoaded | null> {
  const worker = startThread(__dirname, 'zoteroWorker.js', 'threadMain.ts');
  return new Promise<ZoteroLoaded | null>((resolve) => {
    const fail = (why: string): void => resolve({ file: options.setting, libraries: [], issues: [{ file: options.setting, line: 0, severity: 'error', message: `Zotero could not be read: ${why}` }], fingerprint: '', way: { kind: 'database', dataDir: '' } });
    worker.once('message', (reply: Reply) => (reply.type === 'done' ? resolve(reply.read) : fail(reply.message)));
    worker.once('error', (err) => fail(err.message.split('\n')[0]));
    worker.once('exit', (code) => fail(`the reading thread stopped (exit code ${code})`));
    worker.postMessage(options);
    // It ends by itself once the read is saved; it never holds the server's exit.
    worker.unref();
  });
}
