// Quick fixes: for a cited key the project's bibliography lacks but the library has, "add the entry"
// (running the ensure-in-bibliography command, features/addEntry.ts). Reads no file.
import type { FeatureContext } from '../workspace/project';
import { diagnostics, type Problem } from './diagnostics';

export interface AddEntryFix {
  problem: Problem;
  /** The file the entry goes to. */
  target: string | null;
}

/** Fixes for the problems between offsets `from` and `to`; none in an untrusted workspace. */
export function codeActions(ctx: FeatureContext, from: number, to: number): AddEntryFix[] {
  if (!ctx.trusted) return [];
  return (diagnostics(ctx) ?? [])
    .filter((p) => p.code === 'not-in-bibliography' && p.end >= from && p.start <= to)
    .map((problem) => ({ problem, target: ctx.project.target }));
}
