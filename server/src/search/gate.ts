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
//   - the evidence needed: a passage of n topical words shares about PER_WORD x n of them with some
//     paper by coincidence (the tune halves' off-topic texts and other fields' paragraphs), plus
//     MIN_EVIDENCE for the two words any sentence can share: MIN + PER_WORD x mass.
//   - chance's score (the library null, ChanceBar): what the top paper of a passage of the same
//     length drawn at random from the library's own titles scores against the library: a passage in
//     the library's words but about none of its papers. Scores are the ranking's (0..1).
// One paper opens the gate when it beats chance on both at once: (its evidence over the evidence
// needed) x (its score over chance's) reaches OVER_CHANCE. Neither alone decides: on npm run eval's
// tune half each ratio alone lets some off-topic text come closer than the weakest paraphrase, their
// product leaves a gap of x2 (docs/related.md). The bar comes from the library, so it moves with
// the library's size and field; no absolute score cut remains. Without a null (index.related asked
// directly: a shared corpus's candidates) the absolute rule stands in: the normalised score (the
// paper's index score over the best the passage's words could reach, times the share of its words
// held, square-rooted) must reach the threshold, and the evidence its need.
//   - the document null (ChanceBar again), when the passage's document is known: passages of the
//     same length drawn at random from the document's own words; the passage's top score must reach
//     STAND_OUT x their chance. A library of one field and a document of another share
//     general-science words ("matrix", "linear", "Monte Carlo"); a bag of the document's words
//     matches them as well as its paragraphs do, so they no longer count.
// The passage passes when one paper opens the gate (and, given the passage's document, its top
// paper stands out from the document null and the document is within the field of the source the
// papers come from: inField below). Once it does, the list is every paper past the per-paper bar
// (LISTED x the library's chance), best first, up to the limit.
// Every constant here was chosen on the tune halves: eval/queries/*.tune.jsonl (npm run eval) and
// the tune papers of npm run eval:real; see docs/related.md.

import { defaultSettings } from '../protocol';

/** litlens.relatedThreshold's default: the threshold at which the gate asks for OVER_CHANCE. */
const DEFAULT_THRESHOLD = defaultSettings.relatedThreshold;

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
/**
 * How far over chance the paper that opens the gate must be: (evidence / evidenceNeeded) x (score /
 * chance). Chosen on npm run eval's tune half (library null): the weakest paraphrase or paragraph
 * reaches 1.08, the off-topic text closest to passing 0.51; OVER_CHANCE sits at their geometric middle.
 */
export const OVER_CHANCE = 0.75;

/** What the gate knows of the passage. */
export interface PassageFacts {
  /** Distinct content words. */
  words: number;
  /** Topical mass: the informative words' evidence summed (see the header). */
  mass: number;
}

/** What the gate knows of one paper against the passage. */
export interface PaperFacts {
  /** The normalised 0..1 score of the absolute rule, when there is no null (see the header). */
  score: number;
  /** The ranking's 0..1 score (the list's), weighed against chance's. */
  ranked: number;
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

/**
 * The per-paper bar: once the gate passes, a paper is listed when its score reaches LISTED x
 * chance's (the first always is), so a list's length says how many papers stand near or above
 * chance. Chosen on npm run eval's tune half (library null), the lists a user sees: papers per
 * paragraph / citing sentence were 20 / 20 with no bar, 19.4 / 7.6 at 0.7, 17.9 / 6.2 at 0.725,
 * 16.0 / 5.3 at 0.75, with nDCG@10 unchanged (0.860 / 0.980); at 0.775 a citing sentence's paper
 * is cut (0.966). 0.7 keeps a step of margin below that.
 */
export const LISTED = 0.7;

/**
 * The user's own libraries (the index's workspace sources: the document's .bib, workspace .bib and
 * CSL-JSON, Zotero) were collected by the user for their field and are often titles only: a real
 * citing sentence shares a word or two with its paper's title, and the product above stays under
 * OVER_CHANCE for 56% of them (eval/pooled.ts, tune half), though the ranking has the cited paper
 * in its top 10 for 42%. So where the library has a null (chance > 0), the strict gate's "no" is
 * not the last word for own-library papers: they are listed in the ranking's order, with no bar of
 * their own (`ownOpens`); such a list holds own-library papers only (a corpus paper still needs the
 * product above), and the document null is not asked (a bag of the document's words matches its
 * own bibliography by construction). Why no bar (eval/pooled.ts --half tune, the rule written down
 * before the test half was computed; docs/related.md): a bar of f x chance for f in 0-0.45 ties
 * plain BM25F on R@10, R@20 and MRR@20 (190 / 220 of 487, 0.2337); 0.5, the bar before, lost R@20
 * (218) and MRR@20 (0.2335) on tune and R@10 on test; a bar on a shared specific word (topical
 * evidence > 0, the null's own argument) lost 10 cited papers of R@10. Ties go to the gate that
 * closes less: none. The price: a sentence sharing a word with one of its own papers gets a list.
 */
/** True when own-library papers are listed though the strict gate is closed: the library has a null. */
export function ownOpens(chance: number): boolean {
  return chance > 0;
}

/**
 * Passage words an own-library paper whose only specific word is a general-science one ("simulating",
 * "algorithms": evidence 0.5) must share in all to be listed (ownListed). Tune half of eval/pooled.ts:
 * 2 and 3 tie plain BM25F's R@10 (0.390), 4 loses it (0.384); 3 is the strictest that does not.
 */
export const OWN_SCIENTIFIC_SHARED = 3;

/**
 * What an own-library paper must share to be listed (in a list ownOpens or the strict gate opened;
 * the first paper of a list the strict gate opened always is): topical evidence judged against its
 * own source alone (RelatedRanking.ownEvidence: the passage's words rare in that source, df <= ~1/6.4
 * of it, and not generic): a field word, or a general-science word (half) beside at least two more
 * shared words (OWN_SCIENTIFIC_SHARED). A .bib is a library of one field: in a .bib on
 * approximate Bayesian computation "approximate", "Bayesian", "computation", "inference" are in
 * half the titles, and a paragraph sharing only them (or "models", "use", "complex") with an entry
 * says nothing of it; before this rule a paragraph's lens counted 49 of a 51-entry .bib. Chosen on
 * eval/pooled.ts's tune half (487 citations, the rule written down first: admissible when the
 * gated list ties or beats plain BM25F on R@10, R@20 and MRR@20; then the strictest admissible):
 * no rule R@10 / R@20 / MRR@20 0.390 / 0.452 / 0.234 (= BM25F); evidence > 0 0.390 / 0.466 /
 * 0.243 (R@1 0.160 -> 0.170: papers sharing nothing specific no longer stand before the cited one);
 * evidence >= 1 (one field word, not one general-science word such as "simulating") 0.384 / 0.458
 * / 0.239 (0.380-0.384 when the first one to three papers need only > 0), and a bar growing with the
 * passage (EVIDENCE_PER_WORD x its mass in the source, at least 0.5) 0.372, at half that 0.388: not
 * admissible; >= 1, or > 0 with three words shared (this rule) 0.390 / 0.468 / 0.243, the strictest
 * admissible (a general-science word alone listed an entry in hovers: "simulating" a simulator's
 * title). Test half once: 0.411 / 0.485 / 0.238 (BM25F 0.398 / 0.485 / 0.236). docs/related.md.
 * The words of the passage's document's own title are no evidence (RelatedOptions.subject, left out
 * before ownEvidence): "SymPy" names every paragraph of a paper on SymPy, not one of them.
 */
export function ownListed(evidence: number, shared: number): boolean {
  return evidence >= 1 || (evidence > 0 && shared >= OWN_SCIENTIFIC_SHARED);
}

/**
 * Completion's rows from elsewhere ask the strict gate (RelatedOptions.strict): they displace the
 * document's own entries, so ownOpens's "a word shared" is not enough. But the document null
 * (STAND_OUT) held it shut on the very sentence a paper of the user's other libraries (Zotero,
 * another .bib) is about: in a long paper whose prose is all on one topic, "missing observations ...
 * Kalman smoother" scores no higher than passages of the document's own words, though the Zotero
 * paper shares four of its words and the prose hover lists it. The document null is there for a
 * corpus of another field (general-science words); a bag of the document's words matches the user's
 * own libraries by construction (as ownOpens says). So an own-library paper passes when it opens the
 * gate against the library null alone (opensGate: two words shared, its evidence and score over
 * chance's); one shared word ("ice" for a glaciology sentence about fieldwork) still takes no row.
 * Corpus papers keep the whole strict gate. Measured (each of the 20 real papers, the other 19 .bib
 * files as litlens.libraries, no corpus, the first 60 citations each re-asked): citations showing a
 * row from elsewhere 2 -> 34 of 706, re-cite MRR@20 unchanged; sharing two informative words instead
 * (no score bar) gave 222 of 706.
 */
export function ownPassesStrict(paper: { own: boolean; open: boolean }): boolean {
  return paper.own && paper.open;
}

/**
 * The papers past the per-paper bar, in the list's order: the first, every own-library paper
 * (`own`, see ownOpens), and those reaching LISTED x chance; all when chance is 0.
 */
export function pastBar<T extends { score: number }>(hits: readonly T[], chance: number, own: (hit: T) => boolean = () => false): T[] {
  return hits.filter((h, i) => i === 0 || own(h) || h.score >= LISTED * chance);
}

/** How many times chance's evidence and score together this paper reaches (see the header); `chance` > 0. */
export function overChance(passage: PassageFacts, paper: PaperFacts, chance: number): number {
  const needed = evidenceNeeded(passage);
  return (needed > 0 ? paper.evidence / needed : 1) * (paper.ranked / chance);
}

/**
 * True when this paper shows the passage is about something in the library. `chance`: what the top
 * paper of a passage of the same length scores by chance (ChanceBar; 0 or absent: the absolute
 * rule). `threshold` (litlens.relatedThreshold) scales the bar: its default asks for OVER_CHANCE.
 */
export function opensGate(passage: PassageFacts, paper: PaperFacts, threshold: number, chance?: number): boolean {
  if (paper.shared < Math.min(MIN_SHARED, passage.words)) return false;
  if (!chance) return paper.score >= threshold && paper.evidence >= evidenceNeeded(passage);
  return overChance(passage, paper, chance) >= (OVER_CHANCE * threshold) / DEFAULT_THRESHOLD;
}


/** Chance's score: this quantile of the top scores of NULL_SAMPLES random passages of one length. */
export const CHANCE_QUANTILE = 0.9;
/**
 * How many times the document null's chance a passage's top paper must reach. Tuned on npm run
 * eval:real's tune half (with the absolute cut of 0.3 then in place of the library null): lenses
 * naming corpus papers per 50 paragraphs of the non-ML papers / share of their sentences whose hover
 * names corpus papers / lenses per 10 paragraphs of the ML papers were 4.2 / 9.7% / 1.45 without the
 * null, 2.9 / 4.8% / 0.97 at 1.0, 1.1 / 1.6% / 0.32 at 1.15, 1.01 / 0.9% / 0.16 at 1.2, 0.67 / 0.5%
 * / 0 at 1.25, 0.34 / 0.3% / 0 at 1.3: 1.25 is the least tried that keeps both under issue 17's
 * bars (1 per 50, 2% of hovers).
 */
export const STAND_OUT = 1.25;
/** Random passages per length (more: a steadier bar, slower first lens or hover of a document). */
export const NULL_SAMPLES = 16;
/** Prose of fewer words is too little to draw a null from (a document that short is judged by the library's). */
export const NULL_MIN_WORDS = 200;
/**
 * A library's titles are drawn from down to this many words: a .bib of 20 entries holds ~150 words
 * of titles, and without a null its passages met the absolute rule alone (no own-library bar), so
 * a paper with a small titles-only bibliography got no lens or hover from it at all.
 */
export const LIBRARY_NULL_MIN_WORDS = 40;
/** Passage lengths share a bar within this ratio (lengths 20 and 24 are judged alike). */
const LENGTH_STEP = 1.25;

/** The bar a passage of `length` words shares with lengths within LENGTH_STEP of it. */
function bucketOf(length: number): number {
  return Math.round(Math.log(length) / Math.log(LENGTH_STEP));
}

/**
 * A null: what passages of some prose's words (the document's, or the library's titles) score
 * against the library by chance, per length. `topScore` ranks one text and gives its top paper's
 * score (0 when none). A statistics paper's paragraph that matches ML papers on "model", "matrix"
 * and "linear" matches them about as well as a random bag of that paper's words does.
 */
export class ChanceBar {
  private readonly bars = new Map<number, number>();
  private readonly bag: string[];

  constructor(
    prose: string,
    private readonly topScore: (text: string) => number,
    /** Fewer words than this: no null (bar() is 0). */
    private readonly minWords = NULL_MIN_WORDS,
    /** topScore in steps, awaiting `turn` between them (draw's queries: requests are answered within one); default topScore. */
    private readonly topScoreInTurns?: (text: string, turn: () => Promise<unknown>) => Promise<number>,
  ) {
    this.bag = prose.match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? [];
  }

  /** One passage length per length bucket, from 1 to `most` words: what drawing every bar up to `most` asks for. */
  static lengths(most: number): number[] {
    const seen = new Set<number>();
    const lengths: number[] = [];
    for (let n = 1; n <= most; n++) {
      const bucket = bucketOf(n);
      if (!seen.has(bucket)) (seen.add(bucket), lengths.push(n));
    }
    return lengths;
  }

  /** The bars drawn so far, by length bucket (to be saved: Ranker.drawnBars). */
  drawn(): [number, number][] {
    return [...this.bars];
  }

  /** Bars drawn before over the same library (saved by drawn()): they are not drawn again. */
  seed(bars: readonly (readonly [number, number])[]): void {
    for (const [bucket, bar] of bars) if (Number.isInteger(bucket) && Number.isFinite(bar)) this.bars.set(bucket, bar);
  }

  /** How many words the document had. */
  get words(): number {
    return this.bag.length;
  }

  /** True when bar(length) answers without a query (drawn, or no null to draw). */
  has(length: number): boolean {
    return this.bag.length < this.minWords || length < 1 || this.bars.has(bucketOf(length));
  }

  /** What the top paper of a random passage of `length` words scores (CHANCE_QUANTILE); 0 when the prose has too few words to judge. */
  bar(length: number): number {
    if (this.bag.length < this.minWords || length < 1) return 0;
    const bucket = bucketOf(length);
    let bar = this.bars.get(bucket);
    if (bar === undefined) this.bars.set(bucket, (bar = chanceOf(this.passages(bucket).map(this.topScore))));
    return bar;
  }

  /**
   * As bar(), one passage per event-loop turn (`turn`: what is awaited before each), so that requests
   * are answered between them (at a million papers one passage of a paragraph's length takes tens
   * of ms, its bar hundreds). A request that needs the bar meanwhile draws it itself (the same
   * passages: the same bar).
   */
  async draw(length: number, turn: () => Promise<unknown> = () => new Promise((resolve) => setImmediate(resolve))): Promise<number> {
    if (this.bag.length < this.minWords || length < 1) return 0;
    const bucket = bucketOf(length);
    if (this.bars.has(bucket)) return this.bars.get(bucket)!;
    const tops: number[] = [];
    for (const passage of this.passages(bucket)) {
      await turn();
      const drawn = this.bars.get(bucket);
      if (drawn !== undefined) return drawn;
      const top = this.topScoreInTurns ? await this.topScoreInTurns(passage, turn) : this.topScore(passage);
      if (this.bars.has(bucket)) return this.bars.get(bucket)!; // drawn by a request between the steps
      tops.push(top);
    }
    const bar = chanceOf(tops);
    this.bars.set(bucket, bar);
    return bar;
  }

  /** The NULL_SAMPLES random passages of a bucket's length (seeded by the bucket: the same every time). */
  private passages(bucket: number): string[] {
    const n = Math.max(1, Math.round(LENGTH_STEP ** bucket));
    let seed = 0x9e3779b9 ^ bucket;
    const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    return Array.from({ length: NULL_SAMPLES }, () => Array.from({ length: n }, () => this.bag[Math.floor(next() * this.bag.length)]).join(' '));
  }
}

/** Chance's score from the top scores of a bucket's passages: their CHANCE_QUANTILE. */
function chanceOf(tops: number[]): number {
  tops.sort((a, b) => a - b);
  return tops[Math.floor(CHANCE_QUANTILE * (tops.length - 1))];
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
