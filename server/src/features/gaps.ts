// The related-work gap report (litlens/gaps, `litlens gaps`): the papers of the libraries the
// document can cite from that it does not cite, ranked by how close they come to one of its
// paragraphs (the whole document, or one section), each with the section and the paragraph it
// matches. The document's own bibliography is ranked as a collection of its own (ownCloseness) and
// weighs more than a larger library (GAP_OTHER_WEIGHT). Reads no file.
import { backMatterSpans, citedKeys, documentProse, inBackMatter, paragraphs, sections, sentences, wordCount, type Passage, type Section } from '../documents';
import type { Paper } from '../library/paper';
import { defaultSettings, type PaperSummary } from '../protocol';
import { bm25Idf, PlainBm25f, queryStems } from '../search/bm25f';
import type { Ranker } from '../search/rank';
import { keyWords } from '../search/segment';
import type { FeatureContext } from '../workspace/project';
import { sourceNames, summary } from './cards';
import { relatedDocument } from './related';
import { MIN_WORDS } from './codeLens';
import { inside, nonClaimSpans, tierHits, tiersOf, type Tiers } from './uncitedClaims';

export interface Gap {
  key: string;
  title: string;
  /** 0..1: an entry of the document's bibliography by ownCloseness; another library's paper by the related score of its closest paragraph × GAP_OTHER_WEIGHT. */
  score: number;
  /** The title of the innermost section holding that paragraph; '' before the first heading. */
  section: string;
  /** The paragraph's source span, and its first line (1-based). */
  start: number;
  end: number;
  line: number;
}

export interface GapOptions {
  /** Only this section (index into documents/sections(), 0-based); default: the whole document. */
  section?: number;
  /** How many papers at most (default GAP_LIMIT). */
  limit?: number;
  /** A paper of another library must pass the related gate at this threshold (default litlens.relatedThreshold's default, as lenses). */
  otherThreshold?: number;
  /** The document's id for the gate's document null (its uri; default: made from its prose). */
  documentId?: string;
  /** The titles of the library entries the document cites: the gate's field rule (search/gate.ts) reads them. */
  cites?: readonly string[];
  /** The keys of those entries, title for title. */
  citeKeys?: readonly string[];
  /** A paper of another library than the document's own bibliography weighs this (default GAP_OTHER_WEIGHT). */
  otherWeight?: number;
}

export const GAP_LIMIT = 50;
/**
 * A paper of another library weighs this against an uncited entry of the document's own
 * bibliography: an entry the writer put in their .bib and never cited is the likeliest gap.
 * Chosen on the tune half of eval:uncited (npm run eval:uncited -- --half tune --tune), the
 * removed keys' recall within 2x: 0, 0.1, 0.2: 0.853; 0.3: 0.813; 0.5: 0.667; 0.9: 0.133. 0.2,
 * the largest of the best, keeps a very close paper of a larger library above a remote entry.
 * Over the ranking of 6 Dec 2026: 0: 0.867; 0.1-0.3: 0.853; 0.5: 0.773; 0.9: 0.573 (at 0 other
 * libraries' papers would all score 0, so 0.2 stays).
 * With the own tier by ownCloseness (7 Dec 2026): 0-0.2: 0.867; 0.3: 0.827; 0.5: 0.733; 0.9: 0.213.
 */
export const GAP_OTHER_WEIGHT = 0.2;
/** Papers below this related score are not asked for; a ranking, not a gate (the report lists best first). */
const GAP_FLOOR = 0.1;
/** How deep the ranking is asked per paragraph. */
const GAP_DEPTH = 100;

/** Papers close to the document (or one section) that it does not cite, best first; [] before the index is ready. */
export function gaps(ctx: FeatureContext, options: GapOptions = {}): Gap[] {
  const { doc, index, library } = ctx;
  if (!index || !library) return [];
  const { cites, citeKeys } = relatedDocument(doc.uri, doc.text, doc.syntax, library);
  return rankGaps(index, doc.text, doc.syntax, tiersOf(ctx).tiers, { documentId: doc.uri, cites, citeKeys, ...options });
}

/** litlens/gaps: the whole document, or the section at the cursor (the whole document outside any). */
export function gapReport(ctx: FeatureContext, scope: 'document' | 'section' = 'document', limit?: number): { gap: Gap; paper: PaperSummary }[] {
  const { library, folders, doc } = ctx;
  if (!library) return [];
  const section = scope === 'section' ? sectionIndexAt(doc.text, doc.syntax, ctx.offset) : undefined;
  const names = sourceNames(library, folders);
  return gaps(ctx, { section, limit }).flatMap((gap) => {
    const paper = library.get(gap.key);
    return paper ? [{ gap, paper: summary(paper, names.get(paper.key) ?? '') }] : [];
  });
}

/** gaps() for a text and a ranking: the CLI and the evaluation call it directly. */
export function rankGaps(index: Ranker, text: string, syntax: FeatureContext['doc']['syntax'], tiers: Tiers, options: GapOptions = {}): Gap[] {
  const otherWeight = options.otherWeight ?? GAP_OTHER_WEIGHT;
  const otherThreshold = options.otherThreshold ?? defaultSettings.relatedThreshold;
  // Papers of other libraries (Zotero, corpora, the bundled corpus) come as lenses name them: past
  // the related gate with the document null, not merely sharing words with a paragraph.
  const prose = documentProse(text, syntax);
  const document = { id: options.documentId ?? `gaps:${prose.length}:${prose.slice(0, 200)}`, prose, cites: options.cites, citeKeys: options.citeKeys };
  const secs = sections(text, syntax);
  const within = options.section === undefined ? null : secs[options.section];
  if (options.section !== undefined && !within) return [];
  const cited = new Set(citedKeys(text, syntax).map((k) => k.key));
  const back = backMatterSpans(text, syntax);
  const paras = proseParagraphs(text, syntax).filter(
    (p) => (!within || (p.start >= within.headingStart && p.start < Math.max(within.end, within.headingEnd))) && wordCount(p.text) >= MIN_WORDS && !inBackMatter(back, p.start),
  );
  const uncited = tiers.own.size ? index.index.papersOf(tiers.own).filter((p) => !cited.has(p.key) && !tiers.self?.has(p.key)) : [];
  const gapAt = (paper: Paper, score: number, p: Passage): Gap => ({ key: paper.key, title: paper.title, score, section: sectionAt(secs, p.start)?.title ?? '', start: p.start, end: p.end, line: lineOf(text, p.start) });
  const best = new Map<string, Gap>();
  for (const { paper, score, paragraph } of ownCloseness(uncited, paras)) best.set(paper.key, gapAt(paper, score, paras[paragraph]!));
  const others: Tiers = { own: new Set(), other: tiers.other, self: tiers.self };
  for (const p of tiers.other.size ? paras : []) {
    for (const h of tierHits(index, p.text, others, GAP_FLOOR, GAP_DEPTH, { threshold: otherThreshold, document }).other) {
      const score = h.score * otherWeight;
      if (cited.has(h.paper.key) || (best.get(h.paper.key)?.score ?? -1) >= score) continue;
      best.set(h.paper.key, gapAt(h.paper, score, p));
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || a.line - b.line).slice(0, options.limit ?? GAP_LIMIT);
}

/**
 * A second close paragraph adds this share of its score to an entry's best: a key the writer
 * cites leaves traces in each paragraph citing it, where an entry never cited matches one by
 * chance. Chosen on eval:uncited's tune half and 35 extra tune papers (docs/uncited.md): the best
 * paragraph alone, + 0.5 × the second, + the second, the root of the sum of squares, the sum.
 */
const SECOND_PARAGRAPH = 0.5;

/**
 * The document's uncited bibliography entries, each with its score and its closest paragraph
 * (an index into `paragraphs`): plain BM25 over each entry's whole record (title, authors, venue,
 * abstract, key's words, as one field), with statistics over these entries alone; each entry's
 * raw score in its closest paragraph, plus SECOND_PARAGRAPH × its score in the next closest,
 * square-rooted over the ideal of the document's median paragraph (0..1, the related score's
 * scale, one denominator for every paragraph). Not the related ranking: its score is a
 * paragraph's share of that paragraph's own ideal, which puts an entry sharing two words with a
 * short paragraph above one sharing four with a long citing paragraph, over the statistics of
 * every entry, cited or not, and over titles and abstracts only; on eval:uncited's tune half and
 * 35 extra tune papers each of the three cost keys (docs/uncited.md).
 */
export function ownCloseness(entries: readonly Paper[], paragraphs: readonly Passage[]): { paper: Paper; score: number; paragraph: number }[] {
  if (entries.length === 0 || paragraphs.length === 0) return [];
  const records = new Map(entries.map((p) => [record(p), p]));
  const plain = PlainBm25f.build([...records.keys()]);
  const idealOf = (text: string) => queryStems(text).reduce((sum, s) => sum + bm25Idf(plain.stats.df(s), plain.stats.papers), 0);
  const ideals = paragraphs.map((p) => idealOf(p.text)).sort((a, b) => a - b);
  const ideal = ideals[Math.floor(ideals.length / 2)]!;
  if (ideal <= 0) return [];
  const close = new Map<Paper, { best: number; second: number; paragraph: number }>();
  for (const [i, p] of paragraphs.entries()) {
    for (const { paper, score } of plain.rank(p.text, entries.length)) {
      const c = close.get(paper);
      if (!c) close.set(paper, { best: score, second: 0, paragraph: i });
      else if (score > c.best) Object.assign(c, { best: score, second: c.best, paragraph: i });
      else c.second = Math.max(c.second, score);
    }
  }
  return [...close].map(([r, c]) => ({ paper: records.get(r)!, score: Math.sqrt(Math.min(1, (c.best + SECOND_PARAGRAPH * c.second) / ideal)), paragraph: c.paragraph }));
}

/** An entry as ownCloseness reads it: its whole record as one field (PlainBm25f's abstract; no title field). */
function record(paper: Paper): Paper {
  return { ...paper, title: '', abstract: [paper.title, paper.authors.join(' '), paper.venue ?? '', paper.abstract ?? '', keyWords(paper.key)].join('\n') };
}

/**
 * The paragraphs as the report reads them: each less its sentences on the title page, in the
 * preamble or in a caption (uncitedClaims.ts nonClaimSpans, what hints skip), starting at its first
 * sentence kept; a paragraph with none is left out.
 */
export function proseParagraphs(text: string, syntax: FeatureContext['doc']['syntax']): Passage[] {
  const noClaims = nonClaimSpans(text, syntax);
  const all = sentences(text, syntax);
  const out: Passage[] = [];
  let k = 0;
  for (const p of paragraphs(text, syntax)) {
    while (k < all.length && all[k]!.start < p.start) k++;
    const own: Passage[] = [];
    for (; k < all.length && all[k]!.end <= p.end; k++) own.push(all[k]!);
    const kept = own.filter((x) => !inside(noClaims, x.start));
    if (kept.length === own.length && own.length > 0) out.push(p);
    else if (kept.length > 0) out.push({ text: kept.map((x) => x.text).join(' '), start: kept[0]!.start, end: p.end });
  }
  return out;
}

/** The innermost section holding a source offset. */
export function sectionAt(secs: readonly Section[], offset: number): Section | null {
  let found: Section | null = null;
  for (const s of secs) if (s.headingStart <= offset && offset < Math.max(s.end, s.headingEnd)) found = s;
  return found;
}

/** The index (into documents/sections()) of the innermost section around an offset; undefined outside any. */
export function sectionIndexAt(text: string, syntax: FeatureContext['doc']['syntax'], offset: number): number | undefined {
  const secs = sections(text, syntax);
  const s = sectionAt(secs, offset);
  return s ? secs.indexOf(s) : undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
