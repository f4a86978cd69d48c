// The related gate: "is anything in this library about this passage?", asked apart from the
// ordering (search/index.ts ranks, this module only says yes or no and which papers may be listed).
//
// Null model. A passage that is about nothing in the library still shares words with its papers:
// words any field's prose uses ("model", "design", "inference", "estimation"; generic.ts), and a
// few words that happen to be rare in this library ("carbon emissions" in an ML library). So the
// gate does not ask "does a paper score high?" but "does a paper share more of what is specific to
// this passage than chance would give a passage of the same length?":
//   - what is specific: the passage's informative words, those in at most ~1/6 of the library
//     (idf >= INFORMATIVE_IDF) and not on the background list of words every field's prose uses;
//     general scientific words ("simulation", "equation") count half, a hyphenated compound and its
//     parts once. Their sum is the passage's topical mass.
//   - chance: a passage of n topical words shares about PER_WORD x n of them with some paper by
//     coincidence (the tune halves' off-topic texts and other fields' paragraphs), plus MIN_EVIDENCE
//     for the two words any sentence can share. A paper must share more: MIN + PER_WORD x mass.
//   - scale: the paper's score over the best score the passage's own words could reach in this
//     library (every word at its highest impact anywhere; words the library never saw count as
//     fully matchable, so off-topic text scores low), times the share of the words the paper
//     holds, square-rooted: 0..1 for a sentence and a section alike, whatever the library's size.
//     It must reach the threshold (litlens.relatedThreshold).
// The passage passes when one paper meets both. Once it does, the list is every paper past the
// per-paper bar (`listed`), best first in the ranking's order, up to the limit: the gate never
// shortens a good list to the few papers that pass it.
// Every constant here was chosen on the tune halves: eval/queries/*.tune.jsonl (npm run eval) and
// the tune papers of npm run eval:real; see docs/related.md.

/** A word is informative when idf = ln(1 + N / (df + 0.5)) reaches this: in at most ~1 paper in 6.4. */
export const INFORMATIVE_IDF = 2;
/** Topical evidence any two-word coincidence gives: the least a paper must share (tune: eval). */
export const MIN_EVIDENCE = 2;
/** What chance adds per topical word of the passage (tune: eval and eval:real). */
export const EVIDENCE_PER_WORD = 0.07;
/** The normalised score is scaled by FLOOR + (1 - FLOOR) x sqrt(share of the passage's words held). */
export const COVERAGE_FLOOR = 0.5;
/** A listed paper shares at least this many of the passage's words (fewer when it has fewer). */
export const MIN_SHARED = 2;

/** What the gate knows of the passage. */
export interface PassageFacts {
  /** Distinct content words. */
  words: number;
  /** Topical mass: the informative words' evidence summed (see the header). */
  mass: number;
}

/** What the gate knows of one paper against the passage. */
export interface PaperFacts {
  /** The normalised 0..1 score (see the header). */
  score: number;
  /** Passage words the paper holds. */
  shared: number;
  /** Topical evidence the paper shares. */
  evidence: number;
}

/** The evidence one paper must share for the passage to pass; a word or two (a name) asks only for what it has. */
export function evidenceNeeded(passage: PassageFacts): number {
  return passage.words <= 2 ? Math.min(passage.mass, MIN_EVIDENCE) : MIN_EVIDENCE + EVIDENCE_PER_WORD * passage.mass;
}

/** The normalised score of a paper: its score over the passage's ideal, weighed by the share of words held. */
export function normalisedScore(score: number, ideal: number, held: number, idealWords: number): number {
  const coverage = COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * Math.sqrt(held / Math.max(1, idealWords));
  // The square root spreads the useful range (0.1-0.5 of the ideal) over the 0..1 scale.
  return Math.sqrt(Math.min(1, (score / ideal) * coverage));
}

/** True when this paper shows the passage is about something in the library. */
export function opensGate(passage: PassageFacts, paper: PaperFacts, threshold: number): boolean {
  return paper.score >= threshold && paper.shared >= Math.min(MIN_SHARED, passage.words) && paper.evidence >= evidenceNeeded(passage);
}

/** True when, the gate open, this paper is listed: it shares a sentence's worth (two words, one of them topical). */
export function listed(passage: PassageFacts, paper: PaperFacts): boolean {
  return paper.shared >= Math.min(MIN_SHARED, passage.words) && paper.evidence >= Math.min(1, passage.mass);
}
