// Runs a sentence-embedding model (transformers.js, ONNX) in a child process so that loading and
// embedding never block the language server's event loop. A process, not a worker thread:
// onnxruntime-node aborts the whole process when a worker holding a session is terminated
// (seen here as `terminate called after throwing an instance of 'Napi::Error'`; see also
// microsoft/onnxruntime#24486), and a native crash must never take the language server down. The package is an optional
// dependency, loaded at run time: without it, or without a model, semantic search is off and
// everything works lexically.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { SEMANTIC_RUNTIME, SEMANTIC_RUNTIME_MISSING } from '../../protocol';

/** The transformers.js package LitLens loads (an optionalDependency, external to the bundle). */
export const TRANSFORMERS_PACKAGE = SEMANTIC_RUNTIME;

export interface EmbedderOptions {
  /** A Hugging Face model id ("Xenova/all-MiniLM-L6-v2") or a local model folder. */
  model: string;
  /** May a model id be downloaded? Only when the user agreed. A folder never needs the network. */
  allowDownloads?: boolean;
  /** Where downloaded models are kept (the extension's global storage). */
  modelCacheDir?: string;
  /** Texts per model call; small batches keep memory bounded (default 16). */
  batchSize?: number;
  /** ONNX Runtime threads (default 1: the editor and the language server keep the other cores). */
  threads?: number;
  /** Download progress, 0..1, for the status bar. */
  onProgress?: (fraction: number, file: string) => void;
  /** The worker died after loading (crash, out of memory): later calls reject at once. */
  onDead?: (message: string) => void;
}

/** A model that resolves to a local folder: an absolute or ./relative path, or an existing folder. */
export function isModelFolder(model: string): boolean {
  return isAbsolute(model) || model.startsWith('.') || model.startsWith('~') || existsSync(model);
}

/** The absolute folder of a model given as a path ("~/models/x" included). */
export function modelFolder(model: string): string {
  return resolve(model === '~' || model.startsWith('~/') || model.startsWith('~\\') ? join(homedir(), model.slice(1)) : model);
}

/** What identifies the model's vectors: the id, or a folder plus its ONNX file's size and time. */
export function modelKey(model: string): string {
  if (!isModelFolder(model)) return model;
  const dir = modelFolder(model);
  for (const file of ['onnx/model.onnx', 'onnx/model_quantized.onnx']) {
    const path = join(dir, file);
    if (existsSync(path)) {
      const s = statSync(path);
      return `${dir}#${file}:${s.size}:${Math.round(s.mtimeMs)}`;
    }
  }
  return dir;
}

/** The worker's code, plain CommonJS so it runs the same from the bundle, from tsx and in tests. */
const WORKER_SOURCE = `
const parentPort = { postMessage: (m) => process.send(m), on: (e, f) => process.on(e, f) };
process.on('disconnect', () => process.exit(0));
let extract = null;
let pooling = 'mean';
parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'load') {
      const t = require(msg.packagePath);
      t.env.allowLocalModels = true;
      t.env.allowRemoteModels = msg.allowRemote;
      if (msg.modelCacheDir) t.env.cacheDir = msg.modelCacheDir;
      pooling = msg.pooling;
      const options = {
        dtype: msg.dtype,
        local_files_only: !msg.allowRemote,
        session_options: { intraOpNumThreads: msg.threads, interOpNumThreads: 1 },
      };
      if (msg.allowRemote) {
        options.progress_callback = (p) => {
          if (p && p.status === 'progress') parentPort.postMessage({ type: 'progress', file: p.file, fraction: (p.progress || 0) / 100 });
        };
      }
      extract = await t.pipeline('feature-extraction', msg.model, options);
      const probe = await extract(['probe'], { pooling, normalize: true });
      parentPort.postMessage({ type: 'loaded', id: msg.id, dims: probe.dims[probe.dims.length - 1] });
    } else if (msg.type === 'embed') {
      const out = await extract(msg.texts, { pooling, normalize: true });
      const data = Float32Array.from(out.data);
      if (typeof out.dispose === 'function') out.dispose();
      parentPort.postMessage({ type: 'vectors', id: msg.id, data, dims: out.dims[out.dims.length - 1] });
    }
  } catch (err) {
    parentPort.postMessage({ type: 'error', id: msg.id, message: String((err && err.message) || err) });
  }
});
`;

type WorkerReply =
  | { type: 'loaded'; id: number; dims: number }
  | { type: 'vectors'; id: number; data: Float32Array; dims: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'progress'; file: string; fraction: number };

/** Why the model cannot be used, in words for the status bar and the CLI. */
export class EmbedderError extends Error {}

/** Where the transformers.js package is, or an EmbedderError saying it is not installed. */
export function transformersPath(): string {
  try {
    return require.resolve(TRANSFORMERS_PACKAGE);
  } catch {
    throw new EmbedderError(SEMANTIC_RUNTIME_MISSING);
  }
}

/** One model in one worker process. Calls are queued; each batch is one message. */
export class Embedder {
  readonly model: string;
  readonly key: string;
  dims = 0;
  private worker: ChildProcess | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private loading: Promise<number> | null = null;
  private dead: Error | null = null;

  constructor(private readonly options: EmbedderOptions) {
    this.model = isModelFolder(options.model) ? modelFolder(options.model) : options.model;
    this.key = modelKey(options.model);
  }

  /** Starts the worker and loads the model; resolves to the vector size. Rejects with an EmbedderError. */
  load(): Promise<number> {
    this.loading ??= this.start();
    return this.loading;
  }

  private async start(): Promise<number> {
    const folder = isModelFolder(this.options.model);
    let dtype = 'q8';
    if (folder) {
      if (!existsSync(join(this.model, 'config.json'))) throw new EmbedderError(`${this.model}: not a model folder (no config.json)`);
      if (existsSync(join(this.model, 'onnx', 'model.onnx'))) dtype = 'fp32';
      else if (!existsSync(join(this.model, 'onnx', 'model_quantized.onnx'))) throw new EmbedderError(`${this.model}: no onnx/model.onnx or onnx/model_quantized.onnx`);
    }
    const packagePath = transformersPath();
    // 'advanced' serialization carries Float32Arrays; stderr is kept for the reason of a crash.
    const worker = spawn(process.execPath, ['-e', WORKER_SOURCE], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: process.env,
    });
    let stderr = '';
    worker.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    // Idle, the worker must not keep a CLI or a test alive; busy, it must (see hold()).
    worker.unref();
    worker.channel?.unref();
    (worker.stderr as Socket | null)?.unref();
    this.worker = worker;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') {
        this.options.onProgress?.(reply.fraction, reply.file);
        return;
      }
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiting.reject(new EmbedderError(reply.message));
      else waiting.resolve(reply);
    });
    const fail = (err: Error) => {
      if (this.dead) return; // disposed on purpose, or already reported
      this.dead = new EmbedderError(`the embedding worker stopped: ${err.message}`);
      this.rejectPending(this.dead);
      this.options.onDead?.(this.dead.message);
    };
    worker.on('error', fail);
    worker.on('exit', (code, signal) => {
      const last = stderr.trim().split('\n').pop();
      fail(new Error(`${signal ? `signal ${signal}` : `exit code ${code}`}${last ? ` (${last})` : ''}`));
    });
    const allowRemote = !folder && this.options.allowDownloads === true;
    const reply = await this.call({
      type: 'load',
      packagePath,
      model: this.model,
      dtype,
      allowRemote,
      modelCacheDir: this.options.modelCacheDir,
      pooling: /bge|gte|arctic/i.test(this.model) && !folder ? 'cls' : 'mean',
      threads: Math.max(1, Math.floor(this.options.threads ?? 1)),
    }).catch((err: Error) => {
      void this.dispose();
      throw new EmbedderError(explain(err.message, this.options.model, folder, allowRemote));
    });
    this.dims = (reply as { dims: number }).dims;
    return this.dims;
  }

  private call(message: Record<string, unknown>): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    if (!this.worker) return Promise.reject(new EmbedderError('the model is not loaded'));
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.hold(true);
      this.worker!.send({ ...message, id });
    }).finally(() => this.hold(this.pending.size > 0));
  }

  /** Keeps the event loop alive while a call waits for the worker's reply. */
  private hold(busy: boolean): void {
    const channel = this.worker?.channel;
    if (busy) channel?.ref();
    else channel?.unref();
  }

  /** Unit vectors for `texts`, in order, `batchSize` texts per model call. `onBatch` reports progress. */
  async embed(texts: string[], onBatch?: (done: number) => void): Promise<Float32Array[]> {
    const dims = await this.load();
    const batch = this.options.batchSize ?? 16;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch) {
      const reply = (await this.call({ type: 'embed', texts: texts.slice(i, i + batch) })) as { data: Float32Array; dims: number };
      for (let j = 0; j * dims < reply.data.length; j++) out.push(reply.data.subarray(j * dims, (j + 1) * dims));
      onBatch?.(out.length);
    }
    return out;
  }

  private rejectPending(err: Error): void {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.dead ??= new EmbedderError('the model was unloaded');
    this.rejectPending(this.dead);
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise<void>((done) => worker.once('exit', () => done()));
      worker.ref(); // an unreferenced child would let the process end before 'exit' arrives
      worker.kill();
      await exited;
    }
  }
}

function explain(message: string, model: string, folder: boolean, allowRemote: boolean): string {
  if (!folder && !allowRemote && /local_files_only|allowRemoteModels|not found locally/i.test(message)) {
    return `model ${model} is not downloaded and downloads are off (allow them with litlens.embeddings.enabled, or --download on the command line; or give a local model folder)`;
  }
  return `model ${model} could not be loaded: ${message.split('\n')[0]}`;
}
