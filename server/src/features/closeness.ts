// How close the papers of the library are to a passage, for the uncited-claim hints and the gap
// report: the one call both make into the related ranking (search/rank.ts: plain BM25F over the
// index's candidates), so a change of that ranking is followed here alone. Never waits for the
// model (hints are computed for many sentences at once): `final` is false while the passage's
// vector is still being computed.
// A plain ranking (threshold 0, no document null): the hint gate (hintGate.ts) and the gap
// report's order judge. On the tune half of eval:uncited, asking the related gate with the document
// null first (threshold 0.3, `document: { id, prose: documentProse(...) }`) left no combination of
// the hint gate's weights reaching recall 0.25 at top-3 0.6 (npm run eval:uncited -- --half tune --tune).
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
 * ranked as a collection of its own, as completion ranks it). `exclude`: papers never listed.
 */
export function closePapers(ranker: Ranker, text: string, limits: { limit: number; threshold: number; within?: ReadonlySet<string>; exclude?: ReadonlySet<string>; document?: { id: string; prose: string } }): Closeness {
  return ranker.relatedNow(text, { limit: limits.limit, threshold: limits.threshold, relative: 0, within: limits.within, exclude: limits.exclude, document: limits.document });
}
