// Hover: on a cited key, the paper's card; on prose, the papers related to the sentence. Reads no file.
import { trimText } from '../display';
import { backMatterSpans, citedKeys, inBackMatter, keyAt, onProse, passageAt } from '../documents';
import { DEFAULT_RELATED_RELATIVE, type Hit } from '../search';
import type { Ranker, RelatedLimits } from '../search/rank';
import { folderOf } from '../workspace/documents';
import type { FeatureContext } from '../workspace/project';
import { escapeMarkdown, paperCard } from './cards';
import { blockEnd, citedIn } from './codeLens';
import { relatedDocument } from './related';

export interface HoverAnswer {
  markdown: string;
  /** The hovered key's span, or the sentence's: never the whole line. */
  start: number;
  end: number;
}

/** How many related papers a prose hover lists (the best few, not a search result page). */
export const RELATED_IN_HOVER = 5;

/** Key cards answer as soon as the library is read; related papers once the index is built. */
export async function hover(ctx: FeatureContext): Promise<HoverAnswer | null> {
  const { doc, offset, config } = ctx;
  const cited = keyAt(doc.text, offset, doc.syntax);
  if (cited) {
    const paper = await ctx.library?.fullEntry(cited.key); // a corpus store's entry is read from disk (abstract, venue…)
    if (!paper) return null;
    return { markdown: paperCard(paper, { base: folderOf(doc.path, ctx.folders) ?? undefined, library: ctx.library }), start: cited.start, end: cited.end };
  }
  if (!ctx.index || !config.proseHover || !onProse(doc.text, offset, doc.syntax)) return null;
  return relatedHover(ctx, ctx.index);
}

async function relatedHover({ doc, offset, config, library }: FeatureContext, index: Ranker): Promise<HoverAnswer | null> {
  const at = passageAt(doc.text, offset, doc.syntax);
  const sentence = at.sentence;
  if (!sentence || sentence.text.trim() === '') return null;
  if (inBackMatter(backMatterSpans(doc.text, doc.syntax), sentence.start)) return null;
  const all = citedKeys(doc.text, doc.syntax);
  // Papers the paragraph already cites are not offered; the others that pass the gate are, the
  // best few within the usual cut of the best of them.
  const here = at.paragraph ? citedIn(all, at.paragraph.start, blockEnd(doc.text, at.paragraph.end)) : new Set<string>();
  const hits = await hoverPapers(index, sentence.text, here, { ...config, limit: Math.min(RELATED_IN_HOVER, config.maxSuggestions) }, relatedDocument(doc.uri, doc.text, doc.syntax, library));
  if (hits.length === 0) return null;
  const cited = new Set(all.map((k) => k.key));
  const lines = ['**Related papers**', ''];
  for (const hit of hits) {
    const words = sharedWords(hit.matched);
    const why = words.length ? ` — *shared: ${escapeMarkdown(words.slice(0, 5).join(', '))}*` : '';
    const mark = cited.has(hit.paper.key) ? ' (cited)' : '';
    lines.push(`- \`${hit.paper.key}\`${mark} ${escapeMarkdown(trimText(hit.paper.title, 90))}${why}`);
  }
  return { markdown: lines.join('\n'), start: sentence.start, end: sentence.end };
}

/**
 * The papers a prose hover lists for a sentence (`litlens related --file` lists the same): those past
 * the gate, not cited in its paragraph (`here`), within the usual cut of the best of them, up to `limit`.
 */
export async function hoverPapers(index: Ranker, sentence: string, here: ReadonlySet<string>, config: { limit: number; relatedThreshold: number }, document: RelatedLimits['document']): Promise<Hit[]> {
  const found = await index.related(sentence, { limit: config.limit + here.size, threshold: config.relatedThreshold, relative: 0, exclude: here, document });
  const offered = found.filter((h) => !here.has(h.paper.key));
  const best = offered.reduce((m, h) => Math.max(m, h.score), 0);
  return offered.filter((h) => h.score >= best * DEFAULT_RELATED_RELATIVE).slice(0, config.limit);
}

/**
 * The shared words to show, each once: "model-based" stands for its parts ("model", "based"), and
 * a word differing only in case is the same word.
 */
export function sharedWords(matched: readonly string[]): string[] {
  const parts = new Set(matched.filter((w) => /[-\u2010\u2011]/.test(w)).flatMap((w) => w.toLowerCase().split(/[-\u2010\u2011]/)));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const w of matched) {
    const k = w.toLowerCase();
    if (seen.has(k) || (!/[-\u2010\u2011]/.test(w) && parts.has(k))) continue;
    seen.add(k);
    out.push(w);
  }
  return out;
}
