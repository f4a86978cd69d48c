// Uncited-claim hints: a sentence that cites nothing yet is close to a paper of the libraries the
// document can cite from (its bibliography, workspace and user libraries, corpora, the bundled
// corpus when it is on) past a stricter gate than lenses use (hintGate.ts). At most one per
// paragraph, none in back matter, headings, captions, the title page or what is not prose. Each sentence's papers
// are memoised by its text: after an edit only the edited paragraph's sentences are ranked again.
// Computed when diagnostics are (lsp/diagnostics.ts, after the writer pauses), never on the
// keystroke path. Reads no file.
import { citationText, citeCommand } from '../documents/citationText';
import { familyName, shortAuthors, trimText } from '../display';
import { backMatterSpans, citationSpot, citedKeys, inBackMatter, paragraphs, sections, sentences, type Passage, type Section, type Syntax } from '../documents';
import { matchGroup, preambleAbstract } from '../documents/latex';
import type { Library } from '../library/library';
import { escapeRegExp } from '../library/paper';
import type { Hit } from '../search';
import type { Ranker } from '../search/rank';
import { countFieldsAhead } from '../search/related';
import type { FeatureContext } from '../workspace/project';
import { closePapers } from './closeness';
import { blockEnd } from './codeLens';
import { completionTiers } from './completion';
import { relatedDocument } from './related';
import { HINT_GATE, passesHintGate, weighFeatures, type ClaimFeatures, type HintGate } from './hintGate';

/** A sentence that may get a hint: prose, outside back matter and captions, citing nothing. */
export interface ClaimSentence extends Passage {
  /** Index of its paragraph among the document's paragraphs. */
  paragraph: number;
  /** The title of the innermost section holding it ('' before the first heading). */
  section: string;
  /** The keys its paragraph cites elsewhere (a hint never asks to cite them again: uncitedClaims). */
  paragraphCites: readonly string[];
}

export interface Suggestion {
  /** Keys best first (weighted by source, see HintGate.otherWeight). */
  keys: string[];
  /** The sentence's part of the hint's score: Σ weights × its own features (claimFeatures); 0 when nothing is close. */
  score: number;
  /** The best key's weighted related score (0 when nothing is close), for the document's median (overDoc). */
  best: number;
  /** The bibliography's keys whose title names a tool or method the sentence names (titleNamedKeys), for the document's counts (titled). */
  titled?: string[];
}

export interface ClaimHint {
  /** The sentence (source span). */
  start: number;
  end: number;
  /** Where a citation of it goes: its end, before the full stop. */
  at: number;
  keys: string[];
  score: number;
  message: string;
}

/** How many keys a hint carries (the quick fixes cite the first three). */
export const HINT_KEYS = 5;
/**
 * How deep the document's bibliography is ranked per sentence: deep enough to find an entry whose
 * author the sentence names (namedFirst). Other libraries are asked for HINT_KEYS only: a key of
 * theirs past that could never be among a hint's keys, and the score is the best paper's.
 */
export const HINT_DEPTH = 30;

/** A citation command of any kind, even an empty one being typed (`\cite{}`, `[@]`). */
const LATEX_CITE = /\\[A-Za-z]*cite[A-Za-z]*\*?\s*[[{]/;
const PANDOC_CITE = /\[[^\]\n]*@|(?:^|[\s(;])@[\p{L}\p{N}_]/u;

/** Source spans of figure and table captions (`\caption{…}`; Markdown `![…]` images, `Table:` / `:` caption lines). */
export function captionSpans(text: string, syntax: Syntax): [number, number][] {
  const spans: [number, number][] = [];
  if (syntax === 'latex') {
    const caption = /\\(?:sub|table)?caption\*?\s*(?:\[[^\]]*\]\s*)?\{/g;
    for (let m = caption.exec(text); m; m = caption.exec(text)) {
      const close = matchGroup(text, m.index + m[0].length - 1, text.length);
      spans.push([m.index, close < 0 ? m.index + m[0].length : close + 1]);
    }
  } else {
    const line = /^[ \t]*(?:!\[|Table:|:[ \t]).*$/gm;
    for (let m = line.exec(text); m; m = line.exec(text)) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/**
 * Source spans of run-in heads: a whole sentence set in emphasis at a line's start (`*Robust to
 * outliers.* The …`, `**Speed.**`, `\textbf{Speed.}`, `\emph{…:}`), a label rather than a claim.
 * The emphasis must close after the sentence's own full stop or colon: `*pyABC* is used …` is prose.
 */
export function runInHeadSpans(text: string, syntax: Syntax): [number, number][] {
  const spans: [number, number][] = [];
  if (syntax === 'latex') {
    const head = /^[ \t]*\\(?:textbf|textit|emph|textsc)\s*\{/gm;
    for (let m = head.exec(text); m; m = head.exec(text)) {
      const close = matchGroup(text, m.index + m[0].length - 1, text.length);
      if (close > 0 && /[.:!?]\s*$/.test(text.slice(m.index + m[0].length, close))) spans.push([m.index, close + 1]);
    }
  } else {
    const head = /^[ \t]*(?:[-+][ \t]+|\d+[.)][ \t]+)?(\*\*?|__?)(?=\S)[^\n]*?[.:!?]\1/gm;
    for (let m = head.exec(text); m; m = head.exec(text)) spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

/**
 * Source spans that state no claim: LaTeX's preamble (before `\begin{document}`, less an abstract written there) and the arguments of
 * title-page commands (`\title`, `\keywords`, `\author`, affiliations, `\date`, `\thanks`…),
 * wherever they stand; captions (captionSpans).
 */
export function nonClaimSpans(text: string, syntax: Syntax): [number, number][] {
  const spans = captionSpans(text, syntax);
  if (syntax !== 'latex') return spans;
  const begin = /\\begin\s*\{document\}/.exec(text);
  const abstract = begin && preambleAbstract(text, begin.index);
  if (abstract) spans.push([0, abstract[0]], [abstract[1], begin!.index]);
  else if (begin) spans.push([0, begin.index]);
  const titlePage = /\\(?:title|subtitle|shorttitle|keywords?|author|authors|affiliation|affil|address|institute|email|date|thanks|correspondingauthor|orcid)\*?\s*(?:\[[^\]]*\]\s*)?\{/g;
  for (let m = titlePage.exec(text); m; m = titlePage.exec(text)) {
    const close = matchGroup(text, m.index + m[0].length - 1, text.length);
    spans.push([m.index, close < 0 ? m.index + m[0].length : close + 1]);
  }
  return spans;
}

/** Whether `offset` lies in one of `spans`. */
export const inside = (spans: readonly [number, number][], offset: number) => spans.some(([s, e]) => s <= offset && offset < e);

/** The sentences a hint may go on, in document order. */
export function claimSentences(text: string, syntax: Syntax, gate: HintGate = HINT_GATE): ClaimSentence[] {
  const paras = paragraphs(text, syntax);
  const all = sentences(text, syntax);
  // In document order: one walk hands each paragraph its citations, and each sentence its zone's.
  const citedAt = [...citedKeys(text, syntax)].sort((a, b) => a.start - b.start);
  const back = backMatterSpans(text, syntax);
  const noClaims = nonClaimSpans(text, syntax);
  const heads = runInHeadSpans(text, syntax);
  const cite = syntax === 'latex' ? LATEX_CITE : PANDOC_CITE;
  const secs = sections(text, syntax);
  const out: ClaimSentence[] = [];
  let k = 0;
  let c = 0;
  for (const [i, p] of paras.entries()) {
    // A paragraph's citations run to its block's end (a citation after its last word still belongs to it), before the next paragraph.
    const end = blockEnd(text, p.end, paras[i + 1]?.start);
    while (k < all.length && all[k]!.start < p.start) k++;
    const own: Passage[] = [];
    for (; k < all.length && all[k]!.end <= p.end; k++) own.push(all[k]!);
    while (c < citedAt.length && citedAt[c]!.start < p.start) c++;
    const first = c;
    while (c < citedAt.length && citedAt[c]!.start < end) c++;
    const here = citedAt.slice(first, c);
    if (inBackMatter(back, p.start) || inside(noClaims, p.start)) continue;
    const paragraphCites = [...new Set(here.map((h) => h.key))];
    let h = 0;
    for (const [j, s] of own.entries()) {
      // A citation belongs to the sentence up to where the next one starts (`… value~\cite{a}. Next`).
      const zoneEnd = own[j + 1]?.start ?? end;
      while (h < here.length && here[h]!.start < s.start) h++;
      if ((h < here.length && here[h]!.start < zoneEnd) || cite.test(text.slice(s.start, zoneEnd))) continue;
      if (inside(noClaims, s.start) || inside(heads, s.start) || words(s.text) < gate.minWords) continue;
      out.push({ ...s, paragraph: i, section: sectionTitleAt(secs, s.start), paragraphCites });
    }
  }
  return out;
}

export const words = (text: string): number => (text.match(/\p{L}[\p{L}\p{N}'-]*/gu) ?? []).length;

/** Words that mark a claim resting on others' work (citation-worthiness cues), as whole words. */
const CUES = /\b(?:et al|e\.g|such as|previous(?:ly)?|recent(?:ly)?|widely|popular|commonly|proposed|introduced|developed|presented|described|shown|demonstrated|reported|known|studies|study|work|works|literature|approach(?:es)?|methods?|algorithms?|packages?|librar(?:y|ies)|tools?|software|frameworks?|models?|based on|following|inspired|original(?:ly)?|standard|state of the art|state-of-the-art)\b/gi;
/** A name a reader would look up: a capitalised or CamelCase word inside the sentence, or a year. */
const NAMES = /(?<=\S\s+)(?:[A-Z][a-z]*[A-Z]\w*|[A-Z]{2,}\w*)|\b(?:19|20)\d\d\b/g;

/** How much a sentence reads like a claim that rests on others' work: cue words and names, 0..3. */
export function claimCues(text: string): number {
  return Math.min(3, (text.match(CUES)?.length ?? 0) * 0.5 + (text.match(NAMES)?.length ?? 0) * 0.5);
}

/** Words of prior work: "has been", "previous", "existing", "widely", "standard"… */
const PRIOR_WORK = /\b(?:has been|have been|had been|previous(?:ly)?|prior|existing|widely|commonly|popular|standard|well[- ]known|recent(?:ly)?|traditional(?:ly)?|classic(?:al)?)\b/gi;
const EXAMPLES = /\b(?:et al|e\.g|i\.e|such as|for example|for instance)\b/gi;
const NUMBERS = /(?<![\p{L}])\d+(?:[.,]\d+)?/gu;
const OWN_WORK = /\b(?:we|our|us|this (?:paper|article|work|package|thesis|chapter|library|software))\b/gi;
const DOC_REFS = /\b(?:figures?|fig|tables?|sections?|chapters?|equations?|eq|appendix|below|here)\b/gi;
const count = (text: string, re: RegExp, max: number) => Math.min(max, text.match(re)?.length ?? 0);

/** Verbs of a claim resting on someone's work: "is used", "has been shown", "proposed by", "based on"… */
const CITABLE = /\b(?:(?:is|are|was|were|been|be)\s+(?:\w+ly\s+)?(?:used|shown|proposed|introduced|developed|described|applied|adopted|implemented|demonstrated|reported|studied|known|derived|defined|given|discussed|presented|employed|obtained)|(?:proposed|introduced|developed|described|presented|defined|derived|given|discussed|studied|shown|suggested|implemented|written|created|maintained|provided) (?:by|in)|according to|inspired by|based on|building on|builds on|follows?|following)\b/gi;

/** How many citable-claim verb phrases the sentence has (up to 3). */
export function citableCues(text: string): number {
  return count(text, CITABLE, 3);
}

/** The names a paper's title gives a tool or method: a one-word prefix before its colon ("Astropy: …"), CamelCase, ALLCAPS or letter-digit words. */
export function titleNames(title: string): string[] {
  const plain = title.replace(/\\[A-Za-z]+\s*/g, ' ').replace(/[{}]/g, '');
  const out = new Set<string>();
  const shouting = (plain.match(/\p{Lu}/gu)?.length ?? 0) > (plain.match(/\p{Ll}/gu)?.length ?? 0); // an all-caps title names nothing by its capitals
  const prefix = /^\s*([\p{L}\p{N}][\p{L}\p{N}._-]{2,})\s*:/u.exec(plain);
  if (prefix) out.add(prefix[1]!);
  for (const m of plain.matchAll(/[\p{L}\p{N}][\p{L}\p{N}._-]*[\p{L}\p{N}]/gu)) {
    const w = m[0];
    if (w.length >= 3 && (/\p{Ll}\p{Lu}/u.test(w) || (!shouting && /^\p{Lu}{3,}$/u.test(w)) || (/\p{L}/u.test(w) && /\p{N}/u.test(w) && !/^\d/.test(w)))) out.add(w);
  }
  return [...out];
}

/** Each entry's titleNames as whole-word patterns (by the entry object: a sentence's papers are ranked again and again). */
const TITLE_NAMES = new WeakMap<object, RegExp[]>();

function titleNamePatterns(p: { title: string }): RegExp[] {
  let out = TITLE_NAMES.get(p);
  if (!out) {
    // Longer names in any case (numpy, Numpy); three letters as written (SAM, not "sam").
    out = titleNames(p.title).map((n) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(n)}(?![\\p{L}\\p{N}])`, n.length > 3 ? 'iu' : 'u'));
    TITLE_NAMES.set(p, out);
  }
  return out;
}

/** The keys of `papers` whose title names a tool or method (titleNames) the sentence names too, as a whole word. */
export function titleNamedKeys(papers: readonly { key: string; title: string }[], text: string): string[] {
  return papers.filter((p) => titleNamePatterns(p).some((re) => re.test(text))).map((p) => p.key);
}

/** The features a sentence has whatever document it stands in (the memo's, by its text). */
export type SentenceFeatures = Omit<ClaimFeatures, 'overDoc' | 'section' | 'first' | 'topic' | 'titled'>;

/**
 * What a sentence and its close papers say about whether it wants a citation, as numbers: the best
 * paper of each tier, the shared words, the margin over the second paper, the sentence's cues.
 */
export function claimFeatures(text: string, hits: Pick<TierHits, 'own' | 'other'>, named: boolean, otherWeight = HINT_GATE.otherWeight): SentenceFeatures {
  const own = hits.own[0]?.score ?? 0;
  const other = hits.other[0]?.score ?? 0;
  return {
    own,
    other,
    matched: Math.min(MAX_MATCHED, weigh(hits, otherWeight).matched),
    bestIsOwn: own > 0 && own >= otherWeight * other ? 1 : 0,
    margin: own - (hits.own[1]?.score ?? 0),
    claim: claimCues(text),
    citable: citableCues(text),
    priorWork: count(text, PRIOR_WORK, 3),
    etAl: count(text, EXAMPLES, 3),
    names: count(text, NAMES, 3),
    numbers: count(text, NUMBERS, 3),
    ownWork: count(text, OWN_WORK, 3),
    docRefs: count(text, DOC_REFS, 3),
    named: named ? 1 : 0,
  };
}

/** The sources a document cites from: its bibliography's (own) and every other library's. */
export interface Tiers {
  own: ReadonlySet<string>;
  other: ReadonlySet<string>;
  /** The entries that are the document itself (features/related.ts selfKeys): never suggested. */
  self?: ReadonlySet<string>;
}

/** A sentence's close papers in each tier (own: ranked by statistics over the bibliography alone). */
export interface TierHits {
  own: Hit[];
  other: Hit[];
  final: boolean;
}

/** `floor` applies to other libraries; the bibliography's own entries are always ranked (threshold 0). */
/**
 * The papers close to `text`: the document's own bibliography ranked alone, and the other libraries
 * past `floor`, or, with `otherGate`, past the related gate lenses use (its threshold and the
 * document null), so another library's paper comes only where a lens would name it.
 * `otherDepth`: how deep other libraries are asked (default `depth`).
 */
export function tierHits(ranker: Ranker, text: string, tiers: Tiers, floor: number, depth: number, otherGate?: { threshold: number; document: { id: string; prose: string } }, otherDepth = depth): TierHits {
  const own = tiers.own.size ? closePapers(ranker, text, { limit: depth, threshold: 0, within: tiers.own, exclude: tiers.self }) : { hits: [], final: true };
  const other = tiers.other.size ? closePapers(ranker, text, { limit: otherDepth, threshold: otherGate?.threshold ?? floor, within: tiers.other, exclude: tiers.self, document: otherGate?.document }) : { hits: [], final: true };
  return { own: own.hits, other: other.hits, final: own.final && other.final };
}

/** Sections whose sentences lean on others' work: introduction, background, related and prior work, motivation. */
const CITING_SECTION = /\b(?:introduction|background|related|prior|previous|literature|overview|motivation|history|state of the art)\b/i;

/** 1 in a section whose title says it reviews others' work, else 0. */
export function sectionCue(title: string): number {
  return CITING_SECTION.test(title) ? 1 : 0;
}

function sectionTitleAt(secs: readonly Section[], offset: number): string {
  let title = '';
  for (const s of secs) if (s.headingStart <= offset && offset < Math.max(s.end, s.headingEnd)) title = s.title;
  return title;
}

/** The papers close to one sentence (the document's own bibliography weighted over other libraries), and its score. */
export function suggest(ranker: Ranker, text: string, tiers: Tiers, gate: HintGate = HINT_GATE): { suggestion: Suggestion; final: boolean } {
  const hits = tierHits(ranker, text, tiers, gate.floor, HINT_DEPTH, undefined, HINT_KEYS);
  return { suggestion: suggestionOf(hits, text, gate), final: hits.final };
}

/** A sentence's keys (a named author's entry first, then by weighted score) and its part of the score. */
export function suggestionOf(hits: Pick<TierHits, 'own' | 'other'>, text: string, gate: HintGate = HINT_GATE): Suggestion {
  const w = weigh(hits, gate.otherWeight);
  if (!w.keys.length) return { keys: [], score: 0, best: 0 };
  const named = namedKeys(hits.own, text);
  const titled = titleNamedKeys(hits.own.map((h) => h.paper), text);
  return namedFirst({ keys: w.keys, score: weighFeatures(claimFeatures(text, hits, named.length > 0, gate.otherWeight), gate), best: w.score, titled }, named);
}

/** The keys of the bibliography's entries whose first author the sentence names ("as Moser and Keller mapped"). */
export function namedKeys(own: readonly Hit[], text: string): string[] {
  return own.filter((h) => names(text, h.paper.authors[0])).map((h) => h.paper.key);
}

/** The suggestion with the `named` entries first: a name is the surest sign of which paper a sentence means. */
export function namedFirst(s: Suggestion, named: readonly string[]): Suggestion {
  return named.length ? { ...s, keys: [...new Set([...named, ...s.keys])].slice(0, HINT_KEYS) } : s;
}

function names(text: string, author: string | undefined): boolean {
  const family = familyOf(author);
  return family.length >= 3 && /^\p{Lu}/u.test(family) && text.includes(family) && new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(family)}(?![\\p{L}\\p{N}])`, 'u').test(text);
}

/** An author's family name as a sentence writes it (no BibTeX braces or backslashes); '' without one. */
function familyOf(author: string | undefined): string {
  return author ? familyName(author).replace(/[{}\\]/g, '') : '';
}

/** Shared words past this many add nothing more to a sentence's score. */
const MAX_MATCHED = 8;

/**
 * Both tiers' hits in one list, a key once: each tier keeps the related ranking's order (which puts
 * the paper a sentence paraphrases first), merged by weighted score (own 1, other libraries
 * `otherWeight`). The score is the best weighted score of either tier.
 */
export function weigh(hits: Pick<TierHits, 'own' | 'other'>, otherWeight: number): { keys: string[]; score: number; matched: number } {
  const own = hits.own.map((h) => ({ h, score: h.score }));
  const other = hits.other.map((h) => ({ h, score: h.score * otherWeight }));
  const merged: typeof own = [];
  while (own.length || other.length) merged.push((!other.length || (own.length && own[0]!.score >= other[0]!.score) ? own : other).shift()!);
  const best = [...hits.own.map((h) => ({ h, score: h.score })), ...hits.other.map((h) => ({ h, score: h.score * otherWeight }))].reduce<{ h: Hit; score: number } | null>((m, x) => (!m || x.score > m.score ? x : m), null);
  const keys = [...new Set(merged.map((w) => w.h.paper.key))];
  return { keys: keys.slice(0, HINT_KEYS), score: best?.score ?? 0, matched: best?.h.matched.length ?? 0 };
}

/** Each sentence's suggestion by its text, for one ranking, bibliography and gate. */
export class ClaimMemo {
  private ranking: unknown[] = [];
  private readonly memo = new Map<string, Suggestion>();
  private last: { text: string; syntax: Syntax; gate: HintGate; sentences: ClaimSentence[] } | null = null;

  /** The document's candidate sentences (claimSentences), read once per text: warming and hinting both ask. */
  sentences(text: string, syntax: Syntax, gate: HintGate): ClaimSentence[] {
    const l = this.last;
    if (l && l.text === text && l.syntax === syntax && l.gate === gate) return l.sentences;
    this.last = { text, syntax, gate, sentences: claimSentences(text, syntax, gate) };
    return this.last.sentences;
  }

  /** The sentence's suggestion when it is already ranked (never ranks). */
  peek(ranker: Ranker, text: string, tiersId: string, gate: HintGate): Suggestion | undefined {
    this.follow(ranker, tiersId, gate);
    return this.memo.get(text);
  }

  private follow(ranker: Ranker, tiersId: string, gate: HintGate): void {
    const ranking = [ranker.index, ranker.fuses && ranker.semantic, tiersId, gate];
    if (ranking.some((x, i) => x !== this.ranking[i])) {
      this.ranking = ranking;
      this.memo.clear();
    }
  }

  suggest(ranker: Ranker, text: string, tiers: Tiers, tiersId: string, gate: HintGate): Suggestion {
    this.follow(ranker, tiersId, gate);
    let s = this.memo.get(text);
    if (!s) {
      const answer = suggest(ranker, text, tiers, gate);
      s = answer.suggestion;
      if (this.memo.size > 20000) this.memo.clear(); // bounded: a long session must not grow without end
      if (answer.final) this.memo.set(text, s);
    }
    return s;
  }
}

/** How many of the document's candidate sentences have each paper first. */
export function topicCounts(suggestions: Iterable<Suggestion>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of suggestions) if (s.keys[0]) counts.set(s.keys[0], (counts.get(s.keys[0]) ?? 0) + 1);
  return counts;
}

/** What a sentence's score reads from the whole document: its candidates' first papers, the median of their best scores, and how many name each titled entry. */
export interface DocumentStats {
  topics: ReadonlyMap<string, number>;
  median: number;
  titled: ReadonlyMap<string, number>;
}

export function documentStats(suggestions: readonly Suggestion[]): DocumentStats {
  const best = suggestions.map((s) => s.best).sort((a, b) => a - b);
  const titled = new Map<string, number>();
  for (const s of suggestions) for (const k of s.titled ?? []) titled.set(k, (titled.get(k) ?? 0) + 1);
  return { topics: topicCounts(suggestions), median: best[Math.floor(best.length / 2)] ?? 0, titled };
}

/** 1/n for the rarest entry whose title names a tool the sentence names, n = the document's sentences naming it (a name in every other sentence is what the document is about); 0 for none. */
export function titledScore(s: Suggestion, doc: DocumentStats): number {
  return (s.titled ?? []).reduce((m, k) => Math.max(m, 1 / (doc.titled.get(k) ?? 1)), 0);
}

/**
 * The hints of a document: the best sentence of each paragraph whose score (its own part, plus
 * its section, place, closeness over the document's median and topic penalty) passes the gate;
 * the suggestions with that score, index for index. `doc`: over the whole document's candidates
 * (default: over `suggestions`).
 */
export function pickHints(candidates: readonly Pick<ClaimSentence, 'paragraph' | 'section'>[], suggestions: readonly Suggestion[], gate: HintGate = HINT_GATE, doc = documentStats(suggestions)): { picked: number[]; scored: Suggestion[] } {
  const scored = suggestions.map((s, i) => {
    if (!s.keys.length) return s;
    const c = candidates[i]!;
    const first = i === 0 || candidates[i - 1]!.paragraph !== c.paragraph ? 1 : 0;
    return { ...s, score: s.score + weighFeatures({ section: sectionCue(c.section), first, overDoc: s.best - doc.median, topic: Math.log(1 + (doc.topics.get(s.keys[0]!) ?? 1)), titled: titledScore(s, doc) }, gate) };
  });
  const byParagraph = new Map<number, number[]>();
  candidates.forEach((c, i) => {
    if (!scored[i]!.keys.length || !passesHintGate(scored[i]!.score, gate)) return;
    byParagraph.set(c.paragraph, [...(byParagraph.get(c.paragraph) ?? []), i]);
  });
  const picked: number[] = [];
  for (const list of byParagraph.values()) picked.push(...list.sort((a, b) => scored[b]!.score - scored[a]!.score).slice(0, gate.perParagraph));
  return { picked: picked.sort((a, b) => a - b), scored };
}

/** The document's tiers (completion's: its bibliography's sources, else the workspace's .bib files; its own entries left out), with an id that changes when they do. */
export function tiersOf(ctx: FeatureContext): { tiers: Tiers; id: string } {
  const { library, doc } = ctx;
  if (!library) return { tiers: { own: new Set(), other: new Set() }, id: '' };
  const self = relatedDocument(doc.uri, doc.text, doc.syntax, library).self;
  const tiers = { ...tiersFor(library, ctx.project.named, ctx.folders), self: new Set(self) };
  return { tiers, id: `${library.version}\n${[...tiers.own].join('\n')}\n${self.join('\n')}` };
}

/**
 * The hints' tiers (tiersOf, the libraries a hint is decided over, as eval/uncited.ts measures it)
 * and `hidden`: the other libraries whose field the document is outside (Ranker.inFieldSources, the
 * rule lenses and hovers follow). Their papers still weigh in the decision but are never named
 * (shownKeys): a statistics paper's hint never suggests a paper of the bundled ML corpus.
 */
export function hintTiersOf(ctx: FeatureContext): { tiers: Tiers; id: string; hidden: ReadonlySet<string> } {
  const { tiers, id } = tiersOf(ctx);
  if (!ctx.index || !ctx.library || tiers.other.size === 0) return { tiers, id, hidden: new Set() };
  const inField = ctx.index.inFieldSources(relatedDocument(ctx.doc.uri, ctx.doc.text, ctx.doc.syntax, ctx.library), tiers.other) ?? tiers.other;
  return { tiers, id, hidden: new Set([...tiers.other].filter((s) => !inField.has(s))) };
}

/** `keys` without the papers only `hidden` sources hold. */
export function shownKeys(ranker: Ranker, keys: readonly string[], tiers: Tiers, hidden: ReadonlySet<string>): string[] {
  if (hidden.size === 0) return [...keys];
  const shown = [...tiers.own, ...tiers.other].filter((s) => !hidden.has(s));
  return keys.filter((k) => ![...hidden].some((s) => ranker.index.holds(s, k)) || shown.some((s) => ranker.index.holds(s, k)));
}

/** The tiers of a document naming bibliography files `named` in `folders`. */
export function tiersFor(library: Library, named: readonly string[], folders: readonly string[]): Tiers {
  const { own } = completionTiers(library, named, folders);
  return { own, other: new Set(library.sources.filter((s) => !own.has(s.id)).map((s) => s.id)) };
}

/** How long warming runs before it lets other messages (a keystroke's completion) through. */
const SLICE_MS = 2;

/**
 * Ranks every candidate sentence not yet in the memo, yielding to the event loop every SLICE_MS so
 * a long paper's first ranking never holds up a completion; false when `stale()` says the document
 * changed meanwhile (what was ranked stays in the memo).
 */
export async function warmClaims(ctx: FeatureContext, memo: ClaimMemo, stale: () => boolean, turn: Turn = {}, gate: HintGate = HINT_GATE): Promise<boolean> {
  const { doc, index, library, config } = ctx;
  if (!index || !library || config.uncitedClaims === 'off') return true;
  const { tiers, id } = tiersOf(ctx);
  let slow = turn.slow;
  const pause = async () => {
    slow?.();
    slow = undefined;
    // Two turns: a message read while the last slice ran is handled in the first (its handler was queued before ours).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await turn.idle?.();
  };
  // The library's field statistics, counted once per index: at once they would be one step of 100-300 ms.
  await countFieldsAhead(index.index.parts, pause, SLICE_MS);
  if (stale()) return false;
  let started = performance.now();
  for (const c of memo.sentences(doc.text, doc.syntax, gate)) {
    memo.suggest(index, c.text, tiers, id, gate);
    if (performance.now() - started < SLICE_MS) continue;
    await pause();
    if (stale()) return false;
    started = performance.now();
  }
  return true;
}

/** How warming shares the main thread: `idle` resolves when no keystroke request is being answered; `slow` is told once, when the ranking first yields. */
export interface Turn {
  idle?: () => Promise<void>;
  slow?: () => void;
}

/** The uncited-claim hints of the context's document; [] when the setting is off or the index is not ready. */
/** `near`: only the paragraphs with a sentence overlapping this source span (a code action's range). */
export function uncitedClaims(ctx: FeatureContext, memo: ClaimMemo, gate: HintGate = HINT_GATE, near?: { from: number; to: number }): ClaimHint[] {
  const { doc, index, library, config } = ctx;
  if (!index || !library || config.uncitedClaims === 'off') return [];
  const { tiers, id, hidden } = hintTiersOf(ctx);
  const all = memo.sentences(doc.text, doc.syntax, gate);
  let candidates = all;
  if (near) {
    const touched = new Set(all.filter((c) => c.end >= near.from && c.start <= near.to).map((c) => c.paragraph));
    candidates = all.filter((c) => touched.has(c.paragraph));
  }
  const suggestions = candidates.map((c) => memo.suggest(index, c.text, tiers, id, gate));
  // The document's statistics count over the whole document: with `near`, the other sentences as far as they are ranked already.
  const stats = documentStats(near ? all.flatMap((c) => (candidates.includes(c) ? [] : (memo.peek(index, c.text, id, gate) ?? []))).concat(suggestions) : suggestions);
  const { picked, scored } = pickHints(candidates, suggestions, gate, stats);
  return picked.flatMap((i) => {
    const c = candidates[i]!;
    const s = scored[i]!;
    const shown = shownKeys(index, s.keys, tiers, hidden);
    // A sentence closest to a paper its paragraph cites already elaborates on it: no hint.
    if (shown[0] !== undefined && c.paragraphCites.includes(shown[0])) return [];
    const keys = shown.filter((k) => !c.paragraphCites.includes(k));
    return keys.length ? [{ start: c.start, end: proseEnd(doc.text, c.start, c.end), at: citationSpot(doc.text, c.end, doc.syntax), keys, score: s.score, message: hintMessage(library, keys) }] : [];
  });
}

/** Where display maths opens: \[, $$, or an equation-like environment. */
const DISPLAY_MATH = /\\\[|\$\$|\\begin\{(?:equation|align|alignat|gather|multline|eqnarray|displaymath|flalign)\*?\}/;

/**
 * The end of a hint's range: the sentence's prose before any display maths it runs into ("…
 * is written as \[ … \] where …"), so the squiggle does not cover the equation; the sentence itself
 * (what is ranked and where the citation goes) is unchanged.
 */
export function proseEnd(text: string, start: number, end: number): number {
  const at = text.slice(start, end).search(DISPLAY_MATH);
  if (at <= 0) return end;
  const cut = start + text.slice(start, start + at).trimEnd().length;
  return cut > start ? cut : end;
}

/**
 * "Close to Smith et al. 2019, 'Title…' — cite it? Also close: Lee 2020, Kalman 1960": the sentence
 * cites nothing yet. The others are named (as the quick fixes offer them), not only counted: the
 * prose hover beside the hint lists the related papers by another rule, so a count could not be
 * matched against it.
 */
export function hintMessage(library: Library, keys: readonly string[]): string {
  const paper = keys[0] ? library.get(keys[0]) : undefined;
  if (!paper) return 'This sentence cites nothing; papers in your library are close to it.';
  const who = [shortAuthors(paper.authors, paper.moreAuthors), paper.year].filter(Boolean).join(' ');
  const others = keys.slice(1);
  const more = others.length ? ` Also close: ${others.slice(0, 3).map((k) => paperLabel(library, k)).join(', ')}${others.length > 3 ? `, +${others.length - 3} more` : ''}.` : '';
  return `Close to ${who ? `${who}, ` : ''}'${trimText(paper.title, 60)}' — cite it?${more}`;
}

/** A paper as a hint names it: its first author's family name and year ("Pedregosa 2011"); its key when the entry has no author. */
export function paperLabel(library: Library | null | undefined, key: string): string {
  const p = library?.get(key);
  const name = familyOf(p?.authors[0]);
  return name ? [name, p?.year].filter(Boolean).join(' ') : key;
}

export interface ClaimFix {
  hint: ClaimHint;
  key: string;
  /** The quick fix's title: "Cite Pedregosa 2011 (scikitlearn2011)", the paper as the hint's message names it, and its key. */
  title: string;
  /** The source span the text replaces: empty at hint.at, or the "(1988)" of "Cohen (1988)" (namedYear). */
  from: number;
  to: number;
  /** The citation (`~\cite{key}` with the document's own command, citeCommand; ` [@key]`: the text the client's citing path writes; `[-@key]`, `\citeyearpar{key}` for a named year). */
  text: string;
}

/** Quick fixes "Cite Name Year (KEY)" for the first three keys of each hint between offsets `from` and `to` (only their paragraphs are ranked). */
export function claimFixes(ctx: FeatureContext, memo: ClaimMemo, from: number, to: number): ClaimFix[] {
  const { doc, library } = ctx;
  const command = doc.syntax === 'latex' ? citeCommand(doc.text) : undefined;
  return uncitedClaims(ctx, memo, HINT_GATE, { from, to })
    .filter((h) => h.end >= from && h.start <= to)
    .flatMap((hint) =>
      hint.keys.slice(0, 3).map((key) => {
        const label = paperLabel(library, key);
        const title = label === key ? `Cite ${key}` : `Cite ${label} (${key})`;
        const named = namedYear(doc.text, hint, library?.get(key), key, doc.syntax);
        if (named) return { hint, key, title, ...named };
        const before = doc.text.slice(Math.max(0, hint.at - 500), hint.at);
        const lineEnd = doc.text.indexOf('\n', hint.at);
        return { hint, key, title, from: hint.at, to: hint.at, text: citationText(before, doc.text.slice(hint.at, lineEnd < 0 ? undefined : lineEnd), key, doc.syntax, command) };
      }),
    )
    .filter((f) => f.text !== '');
}

/** natbib loaded by the document (`\usepackage[round]{natbib}`, on a line not commented out). */
const NATBIB = /^[^%\n]*\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\]\s*)?\{[^}]*\bnatbib\b[^}]*\}/m;

/**
 * A sentence naming the paper in words, "Cohen (1988)", "Cohen's (1988)", "Cohen et al. (1988)",
 * "Cohen and Lee (1988)": its "(1988)" becomes the year-only citation (pandoc `[-@key]`, natbib
 * `\citeyearpar{key}`), so author and year are not printed twice. Null otherwise (LaTeX without
 * natbib too: the citation goes at the sentence's end).
 */
export function namedYear(text: string, span: { start: number; end: number }, paper: { authors: readonly string[]; year?: number } | undefined, key: string, syntax: Syntax): { from: number; to: number; text: string } | null {
  const name = familyOf(paper?.authors[0]);
  if (!name || !paper?.year) return null;
  if (syntax === 'latex' && !NATBIB.test(text)) return null;
  const escaped = escapeRegExp(name);
  const possessive = "(?:['\u2019]s)?";
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?:\\s+et\\s+al\\.?|\\s+(?:and|&|\\\\&)\\s+\\p{Lu}[\\p{L}'-]*)?${possessive}[\\s~]*\\(${paper.year}\\)`, 'u');
  const m = re.exec(text.slice(span.start, span.end));
  if (!m) return null;
  const to = span.start + m.index + m[0].length;
  const from = to - `(${paper.year})`.length;
  return { from, to, text: syntax === 'latex' ? `\\citeyearpar{${key}}` : `[-@${key}]` };
}
