// Code lenses: above each paragraph (or section heading) with related papers, "n related papers: …".
// The related papers of a block are memoised by its text, so editing one paragraph of a long
// document recomputes one query; the lens title and its papers are only made on codeLens/resolve.
// Reads no file.
import { trimText } from '../display';
import { backMatterSpans, citedKeys, inBackMatter, paragraphs, sections, wordCount, type CitedKey } from '../documents';
import type { Settings, ShowPapersArgs } from '../protocol';
import type { Hit } from '../search';
import type { Ranker, RelatedLimits } from '../search/rank';
import type { FeatureContext, LibraryContext } from '../workspace/project';
import { sourceNames, summary } from './cards';
import { RELATED_LIST_RELATIVE, relatedDocument } from './related';

export interface Lens {
  /** Where the lens sits (start of the paragraph, or of the section heading). */
  anchor: number;
  /** Related papers, not-yet-cited first; never one cited in this paragraph. */
  keys: string[];
  titles: string[];
  /** How many of them the document does not cite yet. */
  uncited: number;
  /** Papers past the per-paper bar (up to LENS_COUNT), when more than `keys` holds: the title's number. */
  count?: number;
  /** Papers of the libraries the list is drawn from (the user's own when it holds only theirs): a count near it says nothing. */
  of?: number;
}

/**
 * How many papers past the per-paper bar a lens counts for its title ("64 related papers: …"); the
 * list behind it is litlens.maxSuggestions long. A count at the list's limit would say the limit.
 */
export const LENS_COUNT = 100;

/**
 * Where a paragraph's citations end: a paragraph's text stops at its last word, a citation after
 * it (`…the value~\cite{a}` before a blank line) still belongs to it, up to the blank line or the
 * next block.
 */
export function blockEnd(text: string, end: number, next: number = text.length): number {
  const blank = /\n[ \t]*\r?\n/g;
  blank.lastIndex = end;
  return Math.max(end, Math.min(blank.exec(text)?.index ?? text.length, next));
}

/** Keys cited in [start, end) of the document. */
export function citedIn(cited: readonly CitedKey[], start: number, end: number): Set<string> {
  return new Set(cited.filter((k) => k.start >= start && k.start < end).map((k) => k.key));
}

/** Blocks with fewer words than this get no lens: headings, captions, one-line commands. */
export const MIN_WORDS = 8;

/** What a lens asks the ranker for a block whose citations are `cited` (`litlens related --scope paragraph` asks the same). */
export function lensAsks(config: Pick<Settings, 'maxSuggestions' | 'relatedThreshold'>, cited: ReadonlySet<string>, document: RelatedLimits['document']): RelatedLimits {
  return { limit: Math.max(LENS_COUNT, config.maxSuggestions), threshold: config.relatedThreshold, relative: RELATED_LIST_RELATIVE, exclude: cited, document };
}

/**
 * A lens's papers from the ranker's answer (`litlens related --scope paragraph` lists the same):
 * `offered`, every paper past the bar not cited in the block (`here`), up to LENS_COUNT; `listed`,
 * the best maxSuggestions of them, those the document (`cited`) does not cite yet first.
 */
export function lensPapers(hits: readonly Hit[], here: ReadonlySet<string>, cited: ReadonlySet<string>, maxSuggestions: number): { offered: Hit[]; listed: Hit[] } {
  const offered = hits.filter((h) => !here.has(h.paper.key)).slice(0, LENS_COUNT);
  const best = offered.slice(0, maxSuggestions);
  return { offered, listed: [...best.filter((h) => !cited.has(h.paper.key)), ...best.filter((h) => cited.has(h.paper.key))] };
}

export class LensMemo {
  private ranking: unknown[] = [];
  private memo = new Map<string, Hit[]>();

  /** `cited`: the keys the paragraph cites, left out before the gate is asked. */
  related(ranker: Ranker, text: string, config: Settings, cited: ReadonlySet<string> = new Set(), document?: { id: string; prose: string; cites?: readonly string[]; self?: readonly string[]; title?: string | null }): Hit[] {
    const ranking = [ranker.index, ranker.fuses && ranker.semantic, config.relatedThreshold, config.maxSuggestions];
    if (ranking.some((x, i) => x !== this.ranking[i])) {
      this.ranking = ranking;
      this.memo.clear();
    }
    const memoKey = `${[...cited].sort().join(',')}\u0000${document?.self?.join(',') ?? ''}\u0000${document?.title ?? ''}\u0000${text}`;
    let hits = this.memo.get(memoKey);
    if (!hits) {
      // Never waits for the model: a paragraph whose vector is still being computed is ranked again next time.
      const answer = ranker.relatedNow(text, lensAsks(config, cited, document));
      hits = answer.hits;
      if (this.memo.size > 5000) this.memo.clear(); // bounded: a long session must not grow without end
      if (answer.final) this.memo.set(memoKey, hits);
    }
    return hits;
  }
}

export function codeLenses(ctx: FeatureContext, memo: LensMemo): Lens[] {
  const { doc, config, index } = ctx;
  if (!index || config.codeLens === 'off') return [];
  const blocks =
    config.codeLens === 'section'
      ? sections(doc.text, doc.syntax).map((s) => ({ anchor: s.headingStart, text: s.text, end: Math.max(s.end, s.headingEnd) }))
      : paragraphs(doc.text, doc.syntax).map((p) => ({ anchor: p.start, text: p.text, end: p.end }));
  const all = citedKeys(doc.text, doc.syntax);
  const cited = new Set(all.map((k) => k.key));
  // Acknowledgments, funding, availability statements, references: nothing there is about a paper.
  const back = backMatterSpans(doc.text, doc.syntax);
  const lenses: Lens[] = [];
  const document = relatedDocument(doc.uri, doc.text, doc.syntax, ctx.library);
  const sources = index.index.sources;
  const papersOf = (own: boolean) => sources.reduce((n, s) => n + (own && s.corpus ? 0 : s.papers), 0);
  for (const [i, block] of blocks.entries()) {
    if (wordCount(block.text) < MIN_WORDS || inBackMatter(back, block.anchor)) continue;
    // A paper the paragraph already cites is not news to its writer, nor a sign that the library has more to say.
    const here = citedIn(all, block.anchor, blockEnd(doc.text, block.end, blocks[i + 1]?.anchor));
    const hits = memo.related(index, block.text, config, here, document);
    if (hits.length === 0) continue;
    const { offered, listed } = lensPapers(hits, here, cited, config.maxSuggestions);
    if (offered.length === 0) continue;
    // The best maxSuggestions, not-yet-cited first; the title counts every paper past the bar.
    lenses.push({
      anchor: block.anchor,
      keys: listed.map((h) => h.paper.key),
      titles: listed.map((h) => h.paper.title),
      uncited: listed.filter((h) => !cited.has(h.paper.key)).length,
      ...(offered.length > listed.length ? { count: offered.length } : {}),
      of: papersOf(offered.every((h) => OWN_KINDS.has(h.paper.origin.kind))),
    });
  }
  return lenses;
}

/** Where the user's own papers come from (a .bib, CSL-JSON, Zotero): a list of only these is counted against their libraries. */
const OWN_KINDS: ReadonlySet<string> = new Set(['bibtex', 'csl-json', 'zotero']);

/**
 * "7 related papers: Title A; Title B; +5 more"; three or fewer are all named. The number counts
 * every paper past the bar (`count`), the list behind it holds the best. A number over half the
 * papers the list is drawn from (`of`: "29 related papers" of a 51-entry .bib) says only "most of
 * them", so the title names the best three instead: "Related papers: A; B; C; …".
 */
export function lensTitle(lens: Lens): string {
  const n = lens.count ?? lens.keys.length;
  const informs = lens.of === undefined || 2 * n <= lens.of;
  const shown = lens.titles.slice(0, n <= 3 || !informs ? 3 : 2).map((t) => trimText(t, 48));
  if (!informs) return `Related papers: ${shown.join('; ')}${n > shown.length ? '; …' : ''}`;
  const more = n > shown.length ? `; +${n - shown.length} more` : '';
  return `${n} related paper${n === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
}

/** Which lens a codeLens/resolve asks about: the `index`th of what `list` gave for this version of the document. */
export interface LensRef {
  uri: string;
  version: number;
  index: number;
}

/** The lenses of open documents between codeLens (list) and codeLens/resolve. */
export class CodeLenses {
  private readonly memo = new LensMemo();
  private readonly listed = new Map<string, { version: number; lenses: Lens[] }>();

  list(ctx: FeatureContext): { lens: Lens; ref: LensRef }[] {
    const { uri, version } = ctx.doc;
    const lenses = codeLenses(ctx, this.memo);
    this.listed.set(uri, { version, lenses });
    return lenses.map((lens, index) => ({ lens, ref: { uri, version, index } }));
  }

  /** The lens's title and the papers it counts; null when the document changed since (the client asks for fresh lenses anyway). */
  resolve(ctx: LibraryContext, ref: LensRef | undefined): { title: string; args: ShowPapersArgs } | null {
    const listed = ref ? this.listed.get(ref.uri) : undefined;
    const lens = ref && listed?.version === ref.version ? listed.lenses[ref.index] : undefined;
    const library = ctx.index ? ctx.library : null;
    if (!lens || !library) return null;
    const names = sourceNames(library, ctx.folders);
    const papers = lens.keys.flatMap((k) => library.get(k) ?? []).map((p) => summary(p, names.get(p.key) ?? ''));
    return { title: lensTitle(lens), args: { uri: ref!.uri, scope: ctx.config.codeLens === 'section' ? 'section' : 'paragraph', papers, ...(lens.count !== undefined ? { count: lens.count } : {}) } };
  }

  forget(uri: string): void {
    this.listed.delete(uri);
  }

  clear(): void {
    this.listed.clear();
  }
}
