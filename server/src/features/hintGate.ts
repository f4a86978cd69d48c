// The gate an uncited-claim hint must pass: stricter than the lenses' (a hint marks the writer's
// own sentence as wanting a citation, so a wrong one costs more than a lens nobody opens).
// Tuned on the tune half of eval/uncited.ts (npm run eval:uncited -- --half tune); the test half
// was only measured. Pure data and one predicate: a ranking change re-tunes these numbers only.

export interface HintGate {
  /** Papers below this related score (0..1) are not asked for at all; 0: the plain ranking, the gate below judges. */
  floor: number;
  /** A sentence is hinted when its score (best paper's weighted related score + cues + shared words) reaches this. */
  threshold: number;
  /**
   * A paper of the document's own bibliography weighs 1; any other library's paper (workspace,
   * user, corpora, bundled corpus) weighs this: a writer's own .bib is where the paper they left
   * uncited most likely is, and a larger library holds many near neighbours they never meant.
   */
  otherWeight: number;
  /** Each claim cue (uncitedClaims.ts claimCues: "proposed", "widely used", a name, a year…, 0..3) adds this to the score. */
  cueWeight: number;
  /** Each own-work cue (uncitedClaims.ts ownCues: "we", "our", "this paper", "Figure"…, 0..2) takes this off. */
  ownCueWeight: number;
  /** Each word the sentence shares with its best paper (up to 8) adds this: a long specific overlap is a claim about that paper. */
  matchWeight: number;
  /** A sentence in an introduction, background or related-work section (uncitedClaims.ts sectionCue) adds this. */
  sectionWeight: number;
  /** Sentences with fewer words make no claim worth a hint ("See below.", list labels). */
  minWords: number;
  /** At most this many hints per paragraph (the highest scoring sentences). */
  perParagraph: number;
}

// Chosen on the tune half (npm run eval:uncited -- --half tune --tune): the best precision at
// recall ≥ 0.25 there, 0.53 at recall 0.27 (top-3 0.74); the test half gives 0.34 at 0.21 (plain
// BM25 there: 0.28 at 0.23). The related score alone reached precision 0.24 at that recall on the
// tune half (0.17 of its candidate sentences cited something); the cues, shared words and the
// section carry the rest.
export const HINT_GATE: HintGate = {
  floor: 0,
  threshold: 1.1,
  otherWeight: 0.4,
  cueWeight: 0.25,
  ownCueWeight: 0.2,
  matchWeight: 0.15,
  sectionWeight: 0.2,
  minWords: 8,
  perParagraph: 1,
};

/** Whether a sentence whose best weighted score is `score` gets a hint. */
export function passesHintGate(score: number, gate: HintGate = HINT_GATE): boolean {
  return score >= gate.threshold;
}
