// Semantic search for one-off callers (the CLI's embed command and --semantic flags): the model
// and vector cache with command-line defaults, every paper given a vector. The language server
// keeps one SemanticIndex alive instead.
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../library/paper';
import { defaultSettings } from '../../protocol';
import { SemanticIndex, type EmbeddingStatus, type IndexReport } from './index';


export interface OneShotOptions {
  /** Model id or folder (default $LITLENS_MODEL, else the litlens.embeddings.model default). */
  model?: string;
  /** Vector cache folder (default defaultCacheDir()). */
  cacheDir?: string;
  /** May a model id be downloaded (default false: only a model already cached or a folder). */
  allowDownloads?: boolean;
  /** ONNX Runtime threads (default: every core — a one-off command has the machine to itself). */
  threads?: number;
}

/** $LITLENS_CACHE, else $XDG_CACHE_HOME/litlens, else ~/.cache/litlens. */
export function defaultCacheDir(): string {
  return process.env.LITLENS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'litlens');
}

export function defaultModel(): string {
  return process.env.LITLENS_MODEL || defaultSettings.embeddings.model;
}

function open(options: OneShotOptions): SemanticIndex {
  return new SemanticIndex({
    model: options.model ?? defaultModel(),
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    allowDownloads: options.allowDownloads,
    threads: options.threads ?? availableParallelism(),
  });
}

/** Vectors for every paper (cached ones read, the rest embedded); the report says how many of each. */
export async function embedLibrary(papers: readonly Paper[], options: OneShotOptions = {}): Promise<{ report: IndexReport; status: EmbeddingStatus }> {
  const index = open(options);
  try {
    const report = await index.index(papers);
    return { report, status: index.status };
  } finally {
    await index.dispose();
  }
}

/**
 * A SemanticIndex with a vector for every paper, ready for search()/related(); or null with the
 * reason (status 'failed') when the package, the model or the embedding fails. Dispose it after use.
 */
export async function openSemanticIndex(papers: readonly Paper[], options: OneShotOptions = {}): Promise<{ index: SemanticIndex | null; status: EmbeddingStatus }> {
  const index = open(options);
  await index.index(papers);
  if (index.ready) return { index, status: index.status };
  const status = index.status;
  await index.dispose();
  return { index: null, status };
}
