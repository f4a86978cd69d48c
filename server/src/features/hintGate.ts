// The gate an uncited-claim hint must pass: stricter than the lenses' (a hint marks the writer's
// own sentence as wanting a citation, so a wrong one costs more than a lens nobody opens).
// Chosen on the tune half of eval/uncited.ts by cross-validation (npm run eval:uncited:cv); the test
// half was only measured. Pure data: a ranking change re-fits these numbers only.

/** The numbers a hint's score is summed from (uncitedClaims.ts claimFeatures, and the document-level four). */
export interface ClaimFeatures {
  /** The best related score (0..1) of the document's own bibliography, ranked by statistics over it alone. */
  own: number;
  /** The best related score (0..1) of any other library (workspace, user, corpora, bundled corpus). */
  other: number;
  /** Words the sentence shares with its best paper, up to 8. */
  matched: number;
  /** 1 when the best paper, weighted (HintGate.otherWeight), is the bibliography's. */
  bestIsOwn: number;
  /** The bibliography's best score less its second's. */
  margin: number;
  /** The weighted best score less the median of the document's candidate sentences' (the document's null). */
  overDoc: number;
  /** Claim cues (uncitedClaims.ts claimCues: "proposed", "widely used", names, years…, 0..3). */
  claim: number;
  /** Verb phrases of a claim resting on someone's work ("is used", "has been shown", "proposed by", "based on"…, up to 3; uncitedClaims.ts citableCues). */
  citable: number;
  /** 1/n when the sentence names a tool or method a bibliography entry's title names ("Astropy: …", NumPy), n = the document's sentences naming it; 0 for none (uncitedClaims.ts titledScore). */
  titled: number;
  /** Prior-work words ("has been", "previous", "existing", "standard"…, up to 3). */
  priorWork: number;
  /** "et al.", "e.g.", "such as", "for example" (up to 3). */
  etAl: number;
  /** Capitalised or CamelCase names inside the sentence, years (up to 3). */
  names: number;
  /** Numbers (up to 3). */
  numbers: number;
  /** "we", "our", "this paper", "this package"… (up to 3). */
  ownWork: number;
  /** "Figure", "Table", "Section", "below", "here"… (up to 3). */
  docRefs: number;
  /** 1 in an introduction, background or related-work section (uncitedClaims.ts sectionCue). */
  section: number;
  /** 1 for the first candidate sentence of its paragraph. */
  first: number;
  /** 1 when the sentence names the first author of a bibliography entry (uncitedClaims.ts namedKeys). */
  named: number;
  /** ln(1 + n), n = how many of the document's candidate sentences have the same paper first (uncitedClaims.ts topicCounts). */
  topic: number;
}

export interface HintGate {
  /** Papers below this related score (0..1) are not asked for at all; 0: the plain ranking, the gate below judges. */
  floor: number;
  /** A sentence is hinted when Σ weights × features reaches this. */
  threshold: number;
  /** Each feature's weight, in the feature's own units (a logistic regression's, its intercept moved into `threshold`). */
  weights: ClaimFeatures;
  /**
   * A paper of the document's own bibliography weighs 1 in a hint's keys, any other library's this
   * much: a writer's own .bib is where the paper they left uncited most likely is, and a larger
   * library holds many near neighbours they never meant.
   */
  otherWeight: number;
  /** Sentences with fewer words make no claim worth a hint ("See below.", list labels). */
  minWords: number;
  /** At most this many hints per paragraph (the highest scoring sentences). */
  perParagraph: number;
}

// Chosen by leave-one-paper-out cross-validation on the tune half (npm run eval:uncited:cv): each
// candidate rule fitted on nine tune papers (a logistic regression, L2 λ on standardised features,
// then the threshold with the best precision at recall ≥ 0.25 and top-3 ≥ 0.6 on the nine) and
// scored on the tenth, the held-out hints pooled; the test half only measured. The third and fourth
// passes (6-7 Dec 2026) chose 17 features at λ 30 (held out 0.614 at recall ≥ 0.25; the former
// hand-weighted gate 0.515, stronger λ, fewer features, per-paper z-scores and macro fits no better).
// Issue 22's fifth pass (7 Dec 2026) added two cues of a citable claim, `citable` and `titled`:
// held out 0.721 at recall ≥ 0.25 (top-3 0.774), λ 10 0.705, λ 100 0.681, either cue alone
// 0.633 / 0.649; a per-paper ceiling on hints (a fraction of its paragraphs) 0.689. The weights
// below are its refit on all ten (in sample 0.795 / 0.250 / 0.742, 78 hints); docs/uncited.md has
// the tables and the test half's figures.
export const HINT_GATE: HintGate = {
  floor: 0,
  threshold: 1.22009, // fitted: the score of its last hint
  weights: {
    own: 0.540917,
    other: -2.904515,
    matched: 0.267996,
    bestIsOwn: 0.192636,
    margin: 0.568411,
    overDoc: 3.992607,
    claim: 0.558816,
    citable: 0.316456,
    titled: 1.914742,
    priorWork: 0.437648,
    etAl: 0.193954,
    names: -0.020153,
    numbers: 0.314045,
    ownWork: -0.102932,
    docRefs: -0.457521,
    section: 0.151969,
    first: -0.002605,
    named: 1.580582,
    topic: -0.381825,
  },
  otherWeight: 0.4,
  minWords: 8,
  perParagraph: 1,
};

/** Σ weights × features over the features given (the others count 0). */
export function weighFeatures(features: Partial<ClaimFeatures>, gate: HintGate = HINT_GATE): number {
  let sum = 0;
  for (const [k, v] of Object.entries(features) as [keyof ClaimFeatures, number][]) sum += gate.weights[k] * v;
  return sum;
}

/** Whether a sentence whose summed score is `score` gets a hint. */
export function passesHintGate(score: number, gate: HintGate = HINT_GATE): boolean {
  return score >= gate.threshold;
}
