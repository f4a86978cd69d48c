// When a library file being rewritten has settled: a reference manager's auto-export, a sync client
// or `git checkout` rewrites a .bib in place, and a read in the middle sees half of it. The workspace
// keeps serving the last good state until the file has stopped changing (these functions), then applies it.
import { stat } from 'node:fs/promises';
import type { LoadIssue, SourceResult } from '../library/paper';

export interface SettleOptions {
  /** The file counts as settled once its size and mtime (or its absence) stayed the same this long. */
  quietMs: number;
  /** A settled file that still ends inside an entry is applied anyway after this long (a user's own unfinished entry). */
  maxMs: number;
}

export const DEFAULT_SETTLE: SettleOptions = { quietMs: 750, maxMs: 5000 };

const POLL_MS = 100;

/**
 * Resolves once `file`'s size and mtime (or its absence) have not changed for `quietMs`, with that
 * signature (a read is applied only if the file still has it afterwards); null when `stopped()` first.
 */
export async function untilStable(file: string, quietMs: number, stopped: () => boolean): Promise<string | null> {
  let last = await signature(file);
  let since = Date.now();
  while (!stopped()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, quietMs)));
    const now = await signature(file);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
  }
  return null;
}

/** Size, mtime and inode of `file`, or 'missing'. */
export async function signature(file: string): Promise<string> {
  const s = await stat(file).catch(() => null);
  return s ? `${s.size}:${s.mtimeMs}:${s.ino}` : 'missing';
}

/**
 * Can a read of a file be applied at once, before the file has settled? Only when it loses nothing
 * the applied state has: every key is still there and no new error appeared (a half-written file
 * loses the entries after the cut, or ends inside one).
 */
export function keepsEverything(applied: { papers: readonly { key: string }[]; issues: readonly LoadIssue[] }, read: SourceResult): boolean {
  const keys = new Set(read.papers.map((p) => p.key));
  return applied.papers.every((p) => keys.has(p.key)) && errors(read.issues) <= errors(applied.issues);
}

/** Does the read end inside an entry (an unclosed entry or JSON value at the end of the file)? */
export function endsInsideEntry(read: SourceResult): boolean {
  return read.issues.some((i) => i.severity === 'error' && /end of the file|^invalid JSON.* is not closed/.test(i.message));
}

const errors = (issues: readonly LoadIssue[]): number => issues.filter((i) => i.severity === 'error').length;
