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

// Chosen on the tune half (npm run eval:uncited -- --half tune --tune) over the related ranking as
// it is since issue 17 (plain BM25F, threshold 0: closeness.ts): every combination of the weights
// below (other 0.3-0.6, cue 0.15-0.35, own 0.1-0.3, match 0.05-0.2, section 0.1-0.3, threshold
// 0.6-1.8) reaching recall ≥ 0.25 and top-3 ≥ 0.6 was listed (best precision 0.516); of those
// near the top, one whose neighbours (section weight 0.1-0.3, own-cue weight 0.15) reach the
// targets too: precision 0.504 at recall 0.262, top-3 0.667, 2.56 hints
// per 10 paragraphs (the gate before issue 17's ranking gave 0.535 / 0.214 / 0.717 with it). The
// target sits on an edge: threshold 1.10 gives 0.486 / 0.282, 1.20 gives 0.496 / 0.226. Test half:
// see docs/uncited.md. The related score alone is a weak signal (0.17 of the tune half's candidate
// sentences cited something); the cues, shared words and the section carry the rest.
export const HINT_GATE: HintGate = {
  floor: 0,
  threshold: 1.15,
  otherWeight: 0.4,
  cueWeight: 0.35,
  ownCueWeight: 0.1,
  matchWeight: 0.15,
  sectionWeight: 0.2,
  minWords: 8,
  perParagraph: 1,
};

/** Whether a sentence whose best weighted score is `score` gets a hint. */
export function passesHintGate(score: number, gate: HintGate = HINT_GATE): boolean {
  return score >= gate.threshold;
}
