// The related gate's bars of a library (search/rank.ts GateBars), saved by the library's content
// beside its largest corpus's saved index (else in the workspace's index folder). Drawing them takes ~700 queries (~16 s of CPU beside a
// million-paper corpus, docs/benchmarks.md); a window opened again on the same library finds them
// here, so its first hovers and completions do not draw them on their requests.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { SearchIndex } from '../search';
import type { GateBars } from '../search/rank';

const FILE = 'gate-bars.json';
/** Bump when what a bar means changes (search/gate.ts); a changed ranking is caught by GateBars.probe. */
const VERSION = 1;
/** Library contents kept, the newest last (an edited .bib is another content). */
const KEPT = 4;

/**
 * The library's content as the bars depend on it: its sources in order (kind, content hash, size;
 * not their paths: the same library in another folder has the same bars) and the papers left out
 * of every ranking.
 */
export function gateKey(index: SearchIndex): string {
  const sources = index.sources.map((s) => `${s.corpus ? 'corpus' : 'workspace'}\u0000${s.hash}\u0000${s.papers}\u0000${s.chunks}`).join('\u0001');
  const what = [VERSION, process.env.LITLENS_EXHAUSTIVE ?? '', sources, [...index.hidden].sort().join('\u0000')].join('\u0003');
  return createHash('sha1').update(what).digest('hex');
}

/** The bars saved in `dir`, by gateKey; none when there are none or they cannot be read. */
export async function readGateBars(dir: string | null): Promise<Map<string, GateBars>> {
  if (!dir) return new Map();
  try {
    const saved = JSON.parse(await readFile(path.join(dir, FILE), 'utf8')) as { version: number; entries: [string, GateBars][] };
    if (saved.version !== VERSION || !Array.isArray(saved.entries)) return new Map();
    return new Map(saved.entries.filter(([key, bars]) => typeof key === 'string' && Array.isArray(bars?.fieldBars) && Array.isArray(bars.libraryNull) && typeof bars.probe?.score === 'number'));
  } catch {
    return new Map();
  }
}

/** Saves the newest KEPT entries (temp file + rename: a reader never sees half of it). */
export async function writeGateBars(dir: string, entries: ReadonlyMap<string, GateBars>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ version: VERSION, entries: [...entries].slice(-KEPT) }));
  await rename(tmp, file);
}
