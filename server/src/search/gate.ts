// The related gate: "is anything in this library about this passage?", asked apart from the
// ordering (search/index.ts ranks with plain BM25F; this module only says yes or no).
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
//   - the document null (ChanceBar), when the passage's document is known: passages of the same
//     length drawn at random from the document's own words are ranked against the same library; the
//     passage's top score must reach STAND_OUT x their 90th percentile. A library of one field and a
//     document of another share general-science words ("matrix", "linear", "Monte Carlo"); a bag of
//     the document's words matches them as well as its paragraphs do, so they no longer count.
// The passage passes when one paper meets both (and, given the passage's document, its top paper
// stands out from the document null: ChanceBar below; and the document is within the field of the
// source the papers come from: inField below). Once it does, the list is the ranking's,
// best first, up to the limit: the gate never shortens a good list to the few papers that pass it.
// (A per-paper bar, two shared words one of them topical, changed nothing on any tune half and
// was removed.)
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
/** The paper that opens the gate shares at least this many of the passage's words (fewer when it has fewer). */
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


/**
 * How many times the score of chance a passage's top paper must reach: the 90th percentile of the
 * top scores of NULL_SAMPLES passages of the same length drawn at random from the document's own
 * words. Tuned on npm run eval:real's tune half: lenses naming corpus papers per 50 paragraphs of
 * the non-ML papers / share of their sentences whose hover names corpus papers / lenses per 10
 * paragraphs of the ML papers were 4.2 / 9.7% / 1.45 without the null, 2.9 / 4.8% / 0.97 at 1.0,
 * 1.1 / 1.6% / 0.32 at 1.15, 1.01 / 0.9% / 0.16 at 1.2, 0.67 / 0.5% / 0 at 1.25, 0.34 / 0.3% / 0
 * at 1.3: 1.25 is the least tried that keeps both under issue 17's bars (1 per 50, 2% of hovers).
 */
export const STAND_OUT = 1.25;
/** Random passages per length (more: a steadier bar, slower first lens or hover of a document). */
export const NULL_SAMPLES = 16;
/** Passage lengths share a bar within this ratio (lengths 20 and 24 are judged alike). */
const LENGTH_STEP = 1.25;

/**
 * The document null: what passages of the document's own words score against the library by
 * chance, per length. `topScore` ranks one text and gives its top paper's score (0 when none).
 * A passage is about something in the library only when its top score stands out from these: a
 * statistics paper's paragraph that matches ML papers on "model", "matrix" and "linear" matches
 * them about as well as a random bag of that paper's words does.
 */
export class ChanceBar {
  private readonly bars = new Map<number, number>();
  private readonly bag: string[];

  constructor(
    prose: string,
    private readonly topScore: (text: string) => number,
  ) {
    this.bag = prose.match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? [];
  }

  /** How many words the document had. */
  get words(): number {
    return this.bag.length;
  }

  /** The score the top paper of a passage of `length` words must reach; 0 when the document has too few words to judge. */
  bar(length: number): number {
    if (this.bag.length < 200 || length < 1) return 0;
    const bucket = Math.round(Math.log(length) / Math.log(LENGTH_STEP));
    let bar = this.bars.get(bucket);
    if (bar === undefined) {
      const n = Math.max(1, Math.round(LENGTH_STEP ** bucket));
      let seed = 0x9e3779b9 ^ bucket;
      const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      const tops: number[] = [];
      for (let i = 0; i < NULL_SAMPLES; i++) {
        const bag = Array.from({ length: n }, () => this.bag[Math.floor(next() * this.bag.length)]).join(' ');
        tops.push(this.topScore(bag));
      }
      tops.sort((a, b) => a - b);
      bar = STAND_OUT * tops[Math.floor(0.9 * (tops.length - 1))];
      this.bars.set(bucket, bar);
    }
    return bar;
  }
}

/**
 * The field rule: is a document within a source's field at all? A library of one field and a
 * document of another still share whole topics' words ("Monte Carlo simulation", "Kalman
 * filter"), so a paragraph of a statistics paper can stand out from its own document's words and
 * still be about nothing in an ML library. The document is judged by the works it cites: the
 * titles of its cited entries, each ranked against the source, score about as high as the
 * source's own titles do against the rest of the source when the document is of the source's
 * field. The document is within the field when the median top score of its cited titles reaches
 * the FIELD_QUANTILE of the source's own titles' top scores (each ranked against the source without
 * itself, FIELD_SAMPLE of them). Outside it, that source gives the document's passages nothing.
 * A document citing fewer than FIELD_MIN_CITES entries of the library is not judged (all sources
 * stay), nor is a text given alone. Chosen on npm run eval:real's tune half (docs/related.md): the
 * median cited-title score of its two ML papers is 0.49-0.50 against the bundled corpus, of its
 * eight other papers at most 0.446; the corpus's own 25th percentile is 0.475.
 */
export const FIELD_QUANTILE = 0.25;
/** How many of a source's titles (and of a document's cited titles) the field rule ranks, once. */
export const FIELD_SAMPLE = 150;
/** Cited entries a document needs in the library before its field is judged. */
export const FIELD_MIN_CITES = 5;

/** The q-quantile of `xs` (0 when empty). */
function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? 0;
}

/** The score a document's cited titles must reach (their median) to be within a source's field. */
export function fieldBar(ownTops: readonly number[]): number {
  return quantile(ownTops, FIELD_QUANTILE);
}

/** True when the cited titles' top scores say the document is within the field whose bar is `bar`. */
export function inField(citedTops: readonly number[], bar: number): boolean {
  return quantile(citedTops, 0.5) >= bar;
}
