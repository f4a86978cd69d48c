// The related ranking: is the passage about anything in the library, and which papers.
//
// Related (lenses, hovers, Show Related Papers, completion tiers 2-3, the panel, the CLI): the
// ranking is exactly plain BM25F's (bm25f.ts, with PlainBm25f's statistics; it measured best on
// every tune half: docs/related.md): the index's RELATED_CANDIDATES best by its own scores set a
// bar, BM25F's upper bounds add every paper that can pass it (exactCandidates), plain BM25F
// orders them; papers sharing only an author, venue or key word (BM25F 0) follow, in a list only on an author or key word. The gate (gate.ts) says whether the
// passage is about anything in the library at all: a paper other than those the paragraph cites
// (`exclude`) must share more of the passage's topical words and score higher than chance gives a
// passage of the same length (`chance`: random passages of the library's titles) and, given the
// passage's document, stand out from what random passages of the document's own words score
// (`standOut`; both computed by rank.ts with gate.ts ChanceBar). Once it passes, every paper past
// the per-paper bar is listed (gate.ts pastBar), best first, up to the limit. Where it does not, a
// library with a null lists the user's own papers (the workspace sources: .bib, CSL-JSON, Zotero)
// the ranking has, own-library papers only (gate.ts ownOpens). Either way an own-library paper is
// listed only when it shares a word specific in its own source (gate.ts ownListed), a word of the
// document's own title aside (RelatedOptions.subject: the package a paper is about). `score` is
// the BM25F score over the passage's ideal (sum of its words' idf), square-rooted, in list order.
// Threshold 0 asks for a ranking (the panel's "similar papers"): no gate, no cut.
import type { Paper } from '../library/paper';
import { defaultSettings } from '../protocol';
import { type CollectionStats, type FieldCounts, PlainBm25f, bm25Idf, bm25fScore, fieldCounts } from './bm25f';
import { ones, type ContextRanking } from './context';
import { GENERIC_STEMS, SCIENTIFIC_STEMS } from './generic';
import { INFORMATIVE_IDF, normalisedScore, opensGate, ownListed, ownOpens, ownPassesStrict, pastBar, type PaperFacts, type PassageFacts } from './gate';
import { impactOf } from './postings';
import { MAX_CONTEXT_TERMS, RELATED_CANDIDATES, RELATED_COORD } from './scoring';
import { familyNames, keyWords } from './segment';
import type { Segments } from './segments';
import { contentTerms, type Token } from './text';
import { DEFAULT_LIMIT, type Hit, type QueryTerm, type RelatedOptions } from './types';

/** The litlens.relatedThreshold default (tuned on eval/queries/*.tune.jsonl, see the header). */
export const DEFAULT_RELATED_THRESHOLD = defaultSettings.relatedThreshold;
/**
 * A related paper needs this share of the top related paper's score. Scores are square-rooted,
 * so 0.75 is 0.56 of the top paper's unrooted score. Tuned on eval/queries/*.tune.jsonl
 * (`npm run eval -- --sweep`): lists fall from 9.3 to 2.1 papers per citing sentence and from
 * 11.8 to 5.8 per graded paragraph, precision (grade >= 1) from 0.195 to 0.695 and 0.679 to 0.829;
 * 0.775 scored a little higher but sits just before 0.8, where paragraph recall drops from 0.46 to 0.35.
 * With the informative-word rule and the larger tune set (29 citing, 36 off-topic): 1.83 and 5.2
 * papers, precision 0.714 and 0.893, paragraph recall 0.472; threshold 0.3 sits on a plateau
 * (0.25-0.325) of 97.2% off-topic rejection with every paraphrase accepted.
 */
export const DEFAULT_RELATED_RELATIVE = 0.75;

export class RelatedRanking {
  constructor(
    private readonly segments: Segments,
    private readonly contextRanking: ContextRanking,
  ) {}

  /**
   * The topical evidence paper `doc` shares with the passage: the passage's informative words it
   * holds, a hyphenated compound and its parts counting once ("post-hoc", "post", "hoc"), general
   * scientific words half.
   */
  evidence(informative: QueryTerm[], doc: number, tokens: { stem: string; token: Token }[], compounds: readonly Compound[] = []): number {
    const partIndex = this.segments.parts.indexOf(this.segments.partOf(doc));
    const part = this.segments.parts[partIndex];
    const holds = (q: QueryTerm) => q.ids[partIndex] >= 0 && impactOf(part.seg.ctx, q.ids[partIndex], doc - part.base) > 0;
    const held = new Set<string>();
    for (const q of informative) if (holds(q)) held.add(q.stem);
    // A compound of the passage ("state-space") is held by a paper holding its parts ("state space").
    for (const c of compounds) if (c.parts.every(holds)) held.add(c.stem);
    if (held.size === 0) return 0;
    // Words of one compound share a group: the joined form spans its parts.
    const group = new Map<string, string>([...held].map((h) => [h, h]));
    let outer: { stem: string; token: Token } | null = null;
    for (const t of tokens) {
      if (!held.has(t.stem)) continue;
      if (outer && t.token.start < outer.token.end) {
        group.set(t.stem, group.get(outer.stem)!);
        if (t.token.end > outer.token.end) outer = { stem: outer.stem, token: { term: outer.token.term, start: outer.token.start, end: t.token.end } };
      } else outer = t;
    }
    const value = new Map<string, number>();
    for (const h of held) value.set(group.get(h)!, Math.max(value.get(group.get(h)!) ?? 0, wordEvidence(h)));
    let sum = 0;
    for (const v of value.values()) sum += v;
    return sum;
  }

  /**
   * The topical evidence an own-library paper `doc` shares with the passage, judged against its own
   * source alone: a word is informative when it is rare in that source (INFORMATIVE_IDF over the
   * source's own df and size) and not generic. In a .bib on approximate Bayesian computation,
   * "approximate", "Bayesian" and "computation" are in half the titles and say nothing of a passage.
   * `terms` leave out the words of the document's own title (RelatedOptions.subject). A hyphenated
   * compound of generic parts ("state-space", "time-series") counts as one word, held by a paper
   * holding all its parts and as rare as those papers are in the source (eval/pooled.ts, tune half:
   * R@10 0.456 -> 0.462, over plain BM25F's 0.460; docs/related.md).
   */
  ownEvidence(terms: QueryTerm[], doc: number, tokens: { stem: string; token: Token }[], memo: Map<string, OwnWords>): number {
    const id = this.segments.partOf(doc).id;
    let words = memo.get(id);
    if (!words) {
      const parts = this.segments.parts.flatMap((p, i) => (p.id === id ? [i] : []));
      const papers = parts.reduce((sum, i) => sum + this.segments.parts[i].seg.papers.length, 0);
      const dfIn = (q: QueryTerm) =>
        parts.reduce((sum, i) => {
          const t = q.ids[i];
          const p = this.segments.parts[i].seg.ctx;
          return sum + (t >= 0 ? p.offsets[t + 1] - p.offsets[t] : 0);
        }, 0);
      // A word one entry holds singles it out, however small the source (in 9 entries or fewer no word reaches INFORMATIVE_IDF).
      const rare = (df: number) => df <= 1 || Math.log(1 + papers / (df + 0.5)) >= INFORMATIVE_IDF;
      const informative = terms.filter((q) => rare(dfIn(q)) && !GENERIC_STEMS.has(q.stem));
      // A hyphenated compound whose parts are generic ("state-space", "time-series") is as rare as
      // the papers holding all its parts: titles write "state space", the passage "state-space".
      const byStem = new Map(terms.map((q) => [q.stem, q]));
      const compounds: Compound[] = [];
      const starts = new Map<number, number>();
      for (const t of tokens) starts.set(t.token.start, (starts.get(t.token.start) ?? 0) + 1);
      for (const c of tokens) {
        // A joined compound starts where its first part does.
        if (starts.get(c.token.start)! < 2 || !byStem.has(c.stem) || GENERIC_STEMS.has(c.stem) || compounds.some((x) => x.stem === c.stem)) continue;
        const inner = tokens.filter((t) => t !== c && t.token.start >= c.token.start && t.token.end <= c.token.end);
        if (inner.length < 2) continue;
        const partTerms = inner.map((t) => byStem.get(t.stem));
        if (partTerms.some((p) => !p)) continue;
        const holders = parts.reduce((sum, i) => sum + this.holdingAll(partTerms as QueryTerm[], i), 0);
        if (rare(holders)) compounds.push({ stem: c.stem, parts: partTerms as QueryTerm[] });
      }
      memo.set(id, (words = { informative, compounds }));
    }
    return this.evidence(words.informative, doc, tokens, words.compounds);
  }

  /** How many papers of part `i` hold every one of `terms`. */
  private holdingAll(terms: QueryTerm[], i: number): number {
    const p = this.segments.parts[i].seg.ctx;
    let docs: Set<number> | null = null;
    for (const q of terms) {
      const t = q.ids[i];
      if (t < 0) return 0;
      const next = new Set<number>();
      for (let j = p.offsets[t]; j < p.offsets[t + 1]; j++) if (!docs || docs.has(p.docs[j])) next.add(p.docs[j]);
      docs = next;
    }
    return docs?.size ?? 0;
  }

  /**
   * Plain BM25F (bm25f.ts) over the searched parts' statistics. Up to EXACT_PAPERS papers (`exact`),
   * counted as PlainBm25f counts them: df over titles and abstracts (the index's postings also hold
   * authors, venue and key, whose df costs the pooled re-cite's tune half R@1 and MRR:
   * docs/related.md) and the fields' average lengths, per segment once (PlainBm25f.of). Larger
   * libraries take df from the index and lengths from the segments (counting them costs seconds).
   * Null when a part keeps its papers off the heap (a corpus store holds no abstracts in memory):
   * the index's own scores rank there.
   */
  plainScorer(terms: QueryTerm[]): { score(paper: Paper): number; ideal: number; idf(stem: string): number; exact: boolean } | null {
    const parts: Paper[][] = [];
    for (const [i, part] of this.segments.parts.entries()) {
      if (!this.segments.searched(i)) continue;
      if (!Array.isArray(part.seg.papers)) return null;
      parts.push(part.seg.papers);
    }
    const papers = parts.reduce((sum, p) => sum + p.length, 0);
    if (papers === 0) return null;
    const exact = papers <= EXACT_PAPERS;
    let df: Map<string, number>;
    let avgTitle = 0;
    let avgAbstract = 0;
    if (exact) {
      // Each segment's statistics as PlainBm25f counts them (df over titles and abstracts), summed.
      const stats = parts.map((p) => PlainBm25f.of(p).stats);
      df = new Map(terms.map((q) => [q.stem, stats.reduce((sum, f) => sum + f.df(q.stem), 0)]));
      for (const f of stats) (avgTitle += (f.avgTitle * f.papers) / papers), (avgAbstract += (f.avgAbstract * f.papers) / papers);
    } else {
      df = new Map(terms.map((q) => [q.stem, q.df]));
      for (const [i, part] of this.segments.parts.entries()) {
        if (!this.segments.searched(i)) continue;
        avgTitle += (part.seg.avg.title * part.seg.papers.length) / papers;
        avgAbstract += (part.seg.avg.abstract * part.seg.papers.length) / papers;
      }
    }
    const stats: CollectionStats = { papers, df: (s) => df.get(s) ?? 0, avgTitle, avgAbstract };
    const stems = terms.map((q) => q.stem);
    const idf = (s: string) => (stats.df(s) > 0 ? bm25Idf(stats.df(s), papers) : 0);
    const ideal = stems.reduce((sum, s) => sum + bm25Idf(stats.df(s), papers), 0);
    return { score: (paper) => bm25fScore(stems, fieldCountsOf(paper), stats), ideal, idf, exact };
  }

  /**
   * Every paper that can be among plain BM25F's top `wanted` besides `seeded` (already scored,
   * best first): MaxScore over BM25F's upper bounds. A term adds less than its idf to any paper
   * (tf / (k1 + tf) < 1), so a paper holding only the weakest terms, whose idfs sum to at most
   * the `wanted`-th seeded score, cannot enter: the candidates are the postings of the other terms
   * (the index's postings hold every paper whose title or abstract has the word). Exact, for any
   * number of terms (the impacts' candidates keep 32).
   */
  private exactCandidates(terms: QueryTerm[], idf: (stem: string) => number, seeded: number[], score: Map<number, number>, wanted: number): number[] {
    const bar = seeded.length >= wanted ? score.get(seeded[wanted - 1])! : 0;
    const byBound = terms.filter((q) => idf(q.stem) > 0).sort((a, b) => idf(a.stem) - idf(b.stem));
    let weak = 0;
    let skipped = 0;
    while (skipped < byBound.length && weak + idf(byBound[skipped].stem) <= bar) weak += idf(byBound[skipped++].stem);
    const seen = new Set(seeded);
    const more: number[] = [];
    for (const q of byBound.slice(skipped)) {
      for (const [s, part] of this.segments.parts.entries()) {
        const t = q.ids[s];
        if (t < 0) continue;
        const p = part.seg.ctx;
        for (let i = p.offsets[t], end = p.offsets[t + 1]; i < end; i++) {
          const d = part.base + p.docs[i];
          if (!this.segments.dead[d] && !seen.has(d)) (seen.add(d), more.push(d));
        }
      }
    }
    return more;
  }

  /**
   * Papers the text is about, best first, each with the ranking's score over the passage's ideal
   * (0..1, in list order) as `score`; [] when the gate (gate.ts) finds nothing in the library about
   * the text. Once it passes, every paper past the per-paper bar is listed up to the limit (see
   * RelatedOptions.relative for a cut near the best); threshold 0 returns a plain ranking.
   */
  related(text: string, options: RelatedOptions = {}): Hit[] {
    return this.segments.scoped(options.within, () => {
      const asked = this.asked(text, options);
      return asked ? this.answer(asked, this.contextRanking.accumulateTop(asked.terms, asked.depth, asked.factor)) : [];
    });
  }

  /**
   * related() in steps: it yields between the index's parts while scoring the candidates
   * (ContextRanking.accumulateTopSteps), so that a background query (Ranker's chance bars) lets
   * requests be answered in between. The same answer as related(); the index must not change
   * meanwhile.
   */
  *relatedSteps(text: string, options: RelatedOptions = {}): Generator<void, Hit[]> {
    const asked = this.segments.scoped(options.within, () => this.asked(text, options));
    if (!asked) return [];
    const n = yield* this.contextRanking.accumulateTopSteps(asked.terms, asked.depth, asked.factor);
    return this.segments.scoped(options.within, () => this.answer(asked, n));
  }

  /** What related() asks of the index for a text (its terms, the ideal, the candidates' depth and coordination); null when nothing can be about it. */
  private asked(text: string, options: RelatedOptions) {
    const limit = options.limit ?? DEFAULT_LIMIT;
    const threshold = options.threshold ?? DEFAULT_RELATED_THRESHOLD;
    const ranking = threshold <= 0;
    const relative = ranking ? 0 : (options.relative ?? DEFAULT_RELATED_RELATIVE);
    const terms = this.contextRanking.contextTerms(text);
    // Informative: rare in the library and not a word every field's prose uses (generic.ts).
    const informativeTerms = terms.filter((q) => this.segments.idf(q.df) >= INFORMATIVE_IDF && !GENERIC_STEMS.has(q.stem));
    const tokens = contentTerms(text);
    const passage: PassageFacts = { words: terms.length, mass: informativeTerms.reduce((sum, q) => sum + wordEvidence(q.stem), 0) };
    // The ideal is over the query's most informative terms (unknown words first), as many as a
    // context query scores: a section is judged by its key words, not diluted by all of them.
    const idealTerms = [...terms].sort((a, b) => b.weight - a.weight).slice(0, MAX_CONTEXT_TERMS);
    const ideal = idealTerms.reduce((sum, q) => sum + q.weight * this.contextRanking.bestImpact(q), 0);
    if (ideal <= 0) return null;
    const wanted = Math.max(limit, DEFAULT_LIMIT) * 2;
    const plain = this.plainScorer(terms);
    // Candidates by the index's scores, then every paper BM25F's bounds say can beat them
    // (exactCandidates); the order is plain BM25F's (bm25f.ts), where every paper is held whole.
    const depth = plain ? Math.max(wanted, RELATED_CANDIDATES) : wanted;
    const factor = plain ? ones : (k: number) => Float64Array.from({ length: k + 1 }, (_, held) => Math.pow(held / k, RELATED_COORD));
    return { options, limit, threshold, ranking, relative, terms, informativeTerms, tokens, passage, idealTerms, ideal, wanted, plain, depth, factor };
  }

  /** related()'s answer once the candidates' sums are in the accumulators (`n` of them). */
  private answer(asked: NonNullable<ReturnType<RelatedRanking['asked']>>, n: number): Hit[] {
    const { options, limit, threshold, ranking, relative, terms, informativeTerms, tokens, passage, idealTerms, ideal, wanted, plain } = asked;
    const rank = this.segments.final;
    const k = Math.max(1, this.contextRanking.keptTerms);
    for (let i = 0; i < n; i++) {
      const d = this.segments.touched[i];
      rank[d] = this.segments.acc[d] * Math.pow(this.segments.termHits[d] / k, RELATED_COORD);
    }
    const docs = plain ? this.segments.top(this.segments.acc, this.segments.touched, n, Math.max(wanted, RELATED_CANDIDATES)) : this.segments.top(rank, this.segments.touched, n, wanted);
    // Plain BM25F's scores in full precision (rank is float32: its rounding would tie papers BM25F orders).
    const plainScore = new Map<number, number>();
    const byPlain = (a: number, b: number) => plainScore.get(b)! - plainScore.get(a)! || a - b;
    let top = 0;
    if (plain) {
      for (const d of docs) plainScore.set(d, plain.score(this.segments.paper(d)));
      docs.sort(byPlain);
      for (const d of plain.exact ? this.exactCandidates(terms, plain.idf, docs, plainScore, wanted) : []) {
        const x = plain.score(this.segments.paper(d));
        if (x > 0) (plainScore.set(d, x), docs.push(d));
      }
      docs.sort(byPlain);
      docs.length = Math.min(docs.length, wanted);
      for (const d of docs) rank[d] = plainScore.get(d)!;
      top = plain.ideal;
    } else top = ideal;
    const hits: (Hit & { open: boolean; own: boolean; specific: boolean })[] = [];
    const bySource = new Map<string, OwnWords>();
    // The document's own title says what all of it is about: no evidence for one passage (RelatedOptions.subject).
    const subject = new Set(contentTerms(options.subject ?? '').map((t) => t.stem));
    const ownTerms = subject.size > 0 ? terms.filter((q) => !subject.has(q.stem)) : terms;
    for (const d of docs) {
      const matched = this.contextRanking.matchedContext(terms, d);
      const score = Math.sqrt(Math.min(1, (plainScore.get(d) ?? rank[d]) / top));
      const facts: PaperFacts = {
        score: normalisedScore(this.segments.acc[d], ideal, this.contextRanking.matchedContext(idealTerms, d).length, idealTerms.length),
        ranked: score,
        shared: matched.length,
        evidence: ranking ? 0 : this.evidence(informativeTerms, d, tokens),
      };
      const paper = this.segments.paper(d);
      if (options.exclude?.has(paper.key)) continue;
      // BM25F 0 (titles and abstracts share nothing): listed on a named author or key, never on a venue word alone ("Nature", "15").
      if (!ranking && plainScore.get(d) === 0 && !namesPaper(terms, paper)) continue;
      const own = !this.segments.partOf(d).corpus;
      // An own-library paper is listed on what it shares that is specific in its own source (gate.ts ownListed).
      const specific = ranking || !own || !!options.strict || ownListed(this.ownEvidence(ownTerms, d, tokens, bySource), facts.shared);
      hits.push({ paper, score, matched, open: ranking || opensGate(passage, facts, threshold, options.chance), own, specific });
    }
    for (let i = 0; i < n; i++) rank[this.segments.touched[i]] = 0;
    for (const d of docs) rank[d] = 0;
    this.contextRanking.clearAcc(n);
    const best = hits[0]?.score ?? 0;
    const cut = (list: typeof hits) =>
      list
        .filter((h) => h.score >= list[0].score * relative)
        .slice(0, limit)
        .map(({ paper, score, matched }) => ({ paper, score, matched }));
    if (ranking) return cut(hits);
    const chance = options.chance ?? 0;
    // The document null (gate.ts ChanceBar): the top paper must stand out from chance.
    const opened = hits.some((h) => h.open) && (options.standOut === undefined || best >= options.standOut);
    // The strict gate (completion's rows from elsewhere); an own-library paper past the library null alone (gate.ts ownPassesStrict).
    if (options.strict) return opened ? cut(pastBar(hits, chance)) : cut(hits.filter(ownPassesStrict));
    if (opened) return cut(pastBar(hits, chance, (h) => h.own).filter((h, i) => i === 0 || h.specific));
    // The user's own libraries speak on less (gate.ts ownOpens): their papers only, each on a word specific in its source.
    const own = hits.filter((h) => h.own && h.specific);
    return own.length > 0 && ownOpens(chance) ? cut(own) : [];
  }
}

/**
 * Libraries up to this many papers are ranked exactly as plain BM25F (plainScorer, exactCandidates):
 * every paper's words stay counted (COUNTED_PAPERS), so scoring all a query's candidates costs ~1 ms
 * (1,174 papers) where a 20,000-paper library took seconds per query and ~5 s to count df (measured
 * under load); larger libraries are ranked by BM25F over the index's RELATED_CANDIDATES best.
 */
const EXACT_PAPERS = 4096;

/**
 * A paper's words per field, counted once per Paper object: counting 200 candidates afresh costs
 * ~25 ms, a warm related query ~2 ms (bundled corpus). Bounded: at most COUNTED_PAPERS papers
 * (a few kB each), dropped all at once when full.
 */
const COUNTED_PAPERS = EXACT_PAPERS;
const countsOf = new Map<Paper, FieldCounts>();

function fieldCountsOf(paper: Paper): FieldCounts {
  let c = countsOf.get(paper);
  if (!c) {
    if (countsOf.size >= COUNTED_PAPERS) countsOf.clear();
    countsOf.set(paper, (c = fieldCounts(paper)));
  }
  return c;
}

/**
 * Counts what the first exact related query of each part would count at once (PlainBm25f.of,
 * ~50 ms per 1,000 papers), `sliceMs` at a time with `pause()` between: background work (a
 * paper's first hints) asks this first so no single step holds a keystroke.
 */
export async function countFieldsAhead(parts: readonly { seg: { papers: readonly Paper[] | unknown } }[], pause: () => Promise<void>, sliceMs = 5): Promise<void> {
  const lists = parts.flatMap((p) => (Array.isArray(p.seg.papers) ? [p.seg.papers as readonly Paper[]] : []));
  if (lists.reduce((sum, l) => sum + l.length, 0) > EXACT_PAPERS) return; // ranked from the index's own statistics (plainScorer)
  for (const papers of lists) await PlainBm25f.ahead(papers, pause, sliceMs);
}

/** A hyphenated compound of the passage and the terms of its parts. */
interface Compound {
  stem: string;
  parts: QueryTerm[];
}

/** The passage's words specific in one own-library source (RelatedRanking.ownEvidence). */
interface OwnWords {
  informative: QueryTerm[];
  compounds: Compound[];
}

/** What one shared informative word is worth as evidence of a shared topic: general scientific words half. */
function wordEvidence(stem: string): number {
  return SCIENTIFIC_STEMS.has(stem) ? 0.5 : 1;
}

/** True when the passage names the paper: one of its authors' family names or a word of its key. */
function namesPaper(terms: QueryTerm[], paper: Paper): boolean {
  const named = new Set(contentTerms(`${familyNames(paper).join(' ')} ${keyWords(paper.key)}`).map((t) => t.stem));
  return terms.some((q) => named.has(q.stem));
}
