// BibTeX files read and decoded off the main thread, so a language server keeps answering while a
// 100k-entry export (or one entry with a huge field) is decoded. One long-lived thread
// (workerMain.ts, bundled as dist/libraryWorker.js) keeps its own BibtexCache, so a re-read decodes
// only what changed; papers come back in slices, each asked for after the last was taken, so no
// single copy holds the main thread long.
import type { Worker } from 'node:worker_threads';
import { startThread } from '../thread';
import type { LoadIssue, Paper, SourceResult } from './paper';

/** Main thread -> reading thread. */
export type ReaderRequest =
  | { type: 'read'; id: number; file: string; maxBytes?: number }
  /** Send the next slice of read `id`. */
  | { type: 'more'; id: number }
  | { type: 'forget'; file: string };

/** Reading thread -> main thread: slices of papers, then the issues (`done`). */
export type ReaderReply = { type: 'papers'; id: number; papers: Paper[] } | { type: 'done'; id: number; issues: LoadIssue[]; hash?: string };

/** Papers per message: copying 8k papers takes ~20 ms of the main thread. */
export const SLICE = 8192;

interface Pending {
  file: string;
  papers: Paper[];
  resolve: (result: SourceResult) => void;
}

export class BibtexThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** Reads `file` there (as readLibraryFile does); never rejects: a thread that dies is the file's error. */
  read(file: string, maxBytes?: number): Promise<SourceResult> {
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, { file, papers: [], resolve });
      worker.ref(); // a pending read holds the event loop, an idle thread does not
      worker.postMessage({ type: 'read', id, file, maxBytes } satisfies ReaderRequest);
    });
  }

  forget(file: string): void {
    this.worker?.postMessage({ type: 'forget', file } satisfies ReaderRequest);
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread(__dirname, 'libraryWorker.js', 'workerMain.ts');
    worker.on('message', (reply: ReaderReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      if (reply.type === 'papers') {
        for (const paper of reply.papers) p.papers.push(paper);
        setImmediate(() => worker.postMessage({ type: 'more', id: reply.id } satisfies ReaderRequest));
        return;
      }
      this.pending.delete(reply.id);
      if (!this.pending.size) worker.unref();
      p.resolve({ papers: p.papers, issues: reply.issues, ...(reply.hash ? { hash: reply.hash } : {}) });
    });
    const fail = (why: string): void => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.resolve({ papers: [], issues: [{ file: p.file, line: 0, severity: 'error', message: `could not be read: the reading thread ${why}` }] });
      this.pending.clear();
    };
    worker.on('error', (err) => fail(`failed (${err.message.split('\n')[0]})`));
    worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
