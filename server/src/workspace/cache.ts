// LitLens' cache folder, bounded: one saved index per workspace (index/<id>/), one per corpus and
// filter (corpora/<id>/), one vector file per model (vectors/<id>/). Each such folder is a unit; when
// the cache is over its limit, the units used least recently go first (never one in use). A unit's
// "last used" is its folder's mtime: writing into it sets it, and trimming touches the units in use.
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import * as path from 'node:path';

/** The cache's parts that hold units; anything else in the cache folder is counted, never removed. */
const UNIT_FOLDERS = ['index', 'corpora', 'vectors'];

export interface CacheUse {
  /** Bytes in the cache folder after trimming. */
  bytes: number;
  /** The limit, in bytes. */
  limit: number;
  /** The units removed this time (absolute paths). */
  removed: string[];
}

/**
 * Touches the units in use (`inUse`: folders under the cache), then removes the least recently
 * used others until the cache is at most `limit` bytes (a cache whose units in use alone are over
 * the limit keeps those). Never throws: a cache that cannot be read or trimmed only costs space.
 */
export async function trimCache(cacheDir: string, limit: number, inUse: readonly string[]): Promise<CacheUse> {
  const now = new Date();
  const used = new Set(inUse.map((p) => path.resolve(p)));
  for (const dir of used) await utimes(dir, now, now).catch(() => {});
  const units: { dir: string; bytes: number; usedAt: number }[] = [];
  let bytes = 0;
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    const full = path.join(cacheDir, name);
    if (!UNIT_FOLDERS.includes(name)) {
      bytes += await sizeOf(full);
      continue;
    }
    for (const unit of await readdir(full).catch(() => [] as string[])) {
      const dir = path.join(full, unit);
      const s = await stat(dir).catch(() => null);
      if (!s) continue;
      const size = await sizeOf(dir);
      bytes += size;
      units.push({ dir, bytes: size, usedAt: s.mtimeMs });
    }
  }
  const removed: string[] = [];
  units.sort((a, b) => a.usedAt - b.usedAt);
  for (const unit of units) {
    if (bytes <= limit) break;
    if (used.has(unit.dir)) continue;
    try {
      await rm(unit.dir, { recursive: true, force: true });
      bytes -= unit.bytes;
      removed.push(unit.dir);
    } catch {
      // another window's process may hold it; the next trim tries again
    }
  }
  return { bytes, limit, removed };
}

/** Bytes of a file, or of everything below a folder. */
export async function sizeOf(p: string): Promise<number> {
  const s = await stat(p).catch(() => null);
  if (!s) return 0;
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const name of await readdir(p).catch(() => [] as string[])) total += await sizeOf(path.join(p, name));
  return total;
}
