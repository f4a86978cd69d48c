// Paper vectors on disk, one folder per model: index.json (version, model, dims, text hashes in
// row order) and vectors.f32 (little-endian Float32 rows). A restart or an unchanged library
// embeds nothing; a changed paper has a new text hash and is embedded alone.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Paper } from '../../library/paper';

export const VECTOR_CACHE_VERSION = 1;

/** Rows kept beyond the current library (other workspaces share the cache); oldest go first. */
const MAX_EXTRA_ROWS = 50_000;

interface CacheIndex {
  version: number;
  model: string;
  dims: number;
  /** The vectors file this index describes; a new one is written per save, so a crash mid-save
   * leaves the old pair intact. */
  file: string;
  hashes: string[];
}

/** What a paper's vector is computed from. */
export function paperText(paper: Paper): string {
  return paper.abstract ? `${paper.title}\n${paper.abstract}` : paper.title;
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export class VectorCache {
  private rows = new Map<string, Float32Array>();
  private file = '';
  private constructor(
    readonly dir: string,
    readonly model: string,
    public dims: number,
  ) {}

  /** The folder for `model` under `cacheDir` (see vectorDir); a missing, old or damaged cache opens empty. */
  static async open(cacheDir: string, model: string): Promise<VectorCache> {
    const dir = vectorDir(cacheDir, model);
    const cache = new VectorCache(dir, model, 0);
    try {
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as CacheIndex;
      if (index.version !== VECTOR_CACHE_VERSION || index.model !== model || !(index.dims > 0)) return cache;
      const bytes = await readFile(join(dir, index.file));
      if (bytes.byteLength !== index.hashes.length * index.dims * 4) return cache;
      const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      cache.dims = index.dims;
      cache.file = index.file;
      index.hashes.forEach((h, i) => cache.rows.set(h, all.subarray(i * index.dims, (i + 1) * index.dims)));
    } catch {
      // No cache yet, or unreadable: start empty.
    }
    return cache;
  }

  get size(): number {
    return this.rows.size;
  }

  get(hash: string): Float32Array | undefined {
    return this.rows.get(hash);
  }

  set(hash: string, vector: Float32Array): void {
    if (this.dims !== vector.length) {
      // A model with a different size under the same key: the old rows are useless.
      if (this.rows.size > 0) this.rows.clear();
      this.dims = vector.length;
    }
    this.rows.delete(hash);
    this.rows.set(hash, vector);
  }

  /** Writes both files (temp file + rename). Rows in `keep` always stay; others up to a cap. */
  async save(keep: Set<string>): Promise<{ bytes: number }> {
    let extra = [...this.rows.keys()].filter((h) => !keep.has(h));
    if (extra.length > MAX_EXTRA_ROWS) {
      for (const h of extra.slice(0, extra.length - MAX_EXTRA_ROWS)) this.rows.delete(h);
      extra = extra.slice(extra.length - MAX_EXTRA_ROWS);
    }
    const hashes = [...this.rows.keys()];
    const all = new Float32Array(hashes.length * this.dims);
    hashes.forEach((h, i) => all.set(this.rows.get(h)!, i * this.dims));
    await mkdir(this.dir, { recursive: true });
    const stamp = `${process.pid}-${Date.now()}`;
    const file = `vectors-${stamp}.f32`;
    const index: CacheIndex = { version: VECTOR_CACHE_VERSION, model: this.model, dims: this.dims, file, hashes };
    await writeFile(join(this.dir, file), Buffer.from(all.buffer, all.byteOffset, all.byteLength));
    await writeFile(join(this.dir, `index.json.${stamp}`), JSON.stringify(index));
    await rename(join(this.dir, `index.json.${stamp}`), join(this.dir, 'index.json'));
    if (this.file && this.file !== file) await rm(join(this.dir, this.file), { force: true });
    this.file = file;
    return { bytes: all.byteLength };
  }
}

/** The folder of `model`'s vectors under the cache folder `cacheDir`. */
export function vectorDir(cacheDir: string, model: string): string {
  return join(cacheDir, 'vectors', textHash(model).slice(0, 16));
}
