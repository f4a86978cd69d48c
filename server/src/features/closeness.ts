// How close the papers of the library are to a passage, for the uncited-claim hints and the gap
// report: the one call both make into the related ranking (search/rank.ts), so a change of that
// ranking is followed here alone. Never waits for the model (hints are computed for many
// sentences at once): `final` is false while the passage's vector is still being computed.
import type { Hit } from '../search';
import type { Ranker } from '../search/rank';

export interface Closeness {
  hits: Hit[];
  /** False when meaning would take part but is not ready for this passage yet: ask again later. */
  final: boolean;
}

/**
 * Papers close to `text`, best first, each with its related score (0..1); `threshold` 0 ranks
 * every paper that shares a word. No cut relative to the best paper: the callers weigh sources.
 * `within`: only the papers of these sources, judged by statistics over them (a bibliography
 * ranked as a collection of its own, as completion ranks it).
 */
export function closePapers(ranker: Ranker, text: string, limits: { limit: number; threshold: number; within?: ReadonlySet<string> }): Closeness {
  return ranker.relatedNow(text, { limit: limits.limit, threshold: limits.threshold, relative: 0, within: limits.within });
}
