// The reading thread (worker.ts starts it; bundled as dist/libraryWorker.js): reads BibTeX files
// with its own cache and sends their papers back a slice at a time.
import { parentPort } from 'node:worker_threads';
import { BibtexCache } from './bibtex';
import { readLibraryFile } from './files';
import { SLICE, type ReaderReply, type ReaderRequest } from './worker';

const port = parentPort!;
const cache = new BibtexCache();
const waiting = new Map<number, () => void>();

port.on('message', (msg: ReaderRequest) => {
  if (msg.type === 'forget') cache.forget(msg.file);
  else if (msg.type === 'more') waiting.get(msg.id)?.();
  else void read(msg);
});

async function read(msg: Extract<ReaderRequest, { type: 'read' }>): Promise<void> {
  const { papers, issues, hash } = await readLibraryFile(msg.file, { cache, maxBytes: msg.maxBytes });
  for (let start = 0; start < papers.length; start += SLICE) {
    const taken = new Promise<void>((resolve) => waiting.set(msg.id, resolve));
    port.postMessage({ type: 'papers', id: msg.id, papers: papers.slice(start, start + SLICE) } satisfies ReaderReply);
    await taken;
  }
  waiting.delete(msg.id);
  port.postMessage({ type: 'done', id: msg.id, issues, hash } satisfies ReaderReply);
}
