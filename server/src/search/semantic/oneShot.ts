// Semantic ranking for one-off callers (the CLI's --semantic flags, eval, bench): open the model
// and the vector cache, make sure every paper has a vector, fuse, close. The language server
// keeps one SemanticIndex alive instead.
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../library/paper';
import type { Hit } from '../index';
import type { FusionMethod } from './fusion';
import { SemanticIndex, type EmbeddingStatus, type IndexReport } from './index';

/** The model LitLens suggests: small (23 MB quantized), fast on a CPU, 384 dims, mean pooling. */
export const DEFAULT_MODEL = 'Xenova/all-MiniLM-L6-v2';

export interface OneShotOptions {
  /** Model id or folder (default $LITLENS_MODEL, else DEFAULT_MODEL). */
  model?: string;
  /** Vector cache folder (default defaultCacheDir()). */
  cacheDir?: string;
  /** May a model id be downloaded (default false: only a model already cached or a folder). */
  allowDownloads?: boolean;
  method?: FusionMethod;
  limit?: number;
  /** ONNX Runtime threads (default: every core — a one-off command has the machine to itself). */
  threads?: number;
  /** related only: 0..1, as litlens.relatedThreshold. */
  threshold?: number;
}

export interface OneShotResult {
  hits: Hit[];
  /** 'ready', or 'failed' with the reason — then `hits` is the lexical answer. */
  status: EmbeddingStatus;
  report: IndexReport;
}

/** $LITLENS_CACHE, else $XDG_CACHE_HOME/litlens, else ~/.cache/litlens. */
export function defaultCacheDir(): string {
  return process.env.LITLENS_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'litlens');
}

export function defaultModel(): string {
  return process.env.LITLENS_MODEL || DEFAULT_MODEL;
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

/** Fused search: `lexical` is what SearchIndex.context()/typed() returned for `query`. */
export async function semanticSearch(papers: readonly Paper[], query: string, lexical: readonly Hit[], options: OneShotOptions = {}): Promise<OneShotResult> {
  const index = open(options);
  try {
    const report = await index.index(papers);
    const hits = await index.search(query, lexical, { method: options.method, limit: options.limit });
    return { hits, status: index.status, report };
  } catch (err) {
    return { hits: lexical.slice(0, options.limit ?? 20), status: { state: 'failed', message: (err as Error).message }, report: { model: index.model, embedded: -1, cached: -1, seconds: 0 } };
  } finally {
    await index.dispose();
  }
}

/** Fused related papers: `lexicalRelated` is SearchIndex.related(text); [] stays [] unless the semantic gate passes. */
export async function semanticRelated(papers: readonly Paper[], text: string, lexicalRelated: readonly Hit[], options: OneShotOptions = {}): Promise<OneShotResult> {
  const index = open(options);
  try {
    const report = await index.index(papers);
    const hits = await index.related(text, lexicalRelated, { method: options.method, limit: options.limit, threshold: options.threshold });
    return { hits, status: index.status, report };
  } catch (err) {
    return { hits: lexicalRelated.slice(0, options.limit ?? 20), status: { state: 'failed', message: (err as Error).message }, report: { model: index.model, embedded: -1, cached: -1, seconds: 0 } };
  } finally {
    await index.dispose();
  }
}
