// The import thread (import.ts starts it; bundled as dist/importWorker.js): prepares the batches
// it is sent, in order, one at a time; the first batch with papers fixes the averages for the rest.
import { parentPort } from 'node:worker_threads';
import { prepareBatch, type Averages, type BatchRequest } from './importRows';

let averages: Averages | null = null;
parentPort!.on('message', (req: BatchRequest) => {
  averages ??= req.averages;
  const out = prepareBatch({ ...req, averages });
  averages = out.averages;
  parentPort!.postMessage(out);
});
