// Hover: on a cited key, the paper's card; on prose, the papers related to the sentence. Reads no file.
import { trimText } from '../display';
import { citedKeys, keyAt, onProse, passageAt } from '../documents';
import type { Ranker } from '../search/rank';
import { folderOf } from '../workspace/documents';
import type { FeatureContext } from '../workspace/project';
import { escapeMarkdown, paperCard } from './cards';

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

async function relatedHover({ doc, offset, config }: FeatureContext, index: Ranker): Promise<HoverAnswer | null> {
  const sentence = passageAt(doc.text, offset, doc.syntax).sentence;
  if (!sentence || sentence.text.trim() === '') return null;
  const hits = await index.related(sentence.text, { limit: Math.min(RELATED_IN_HOVER, config.maxSuggestions), threshold: config.relatedThreshold });
  if (hits.length === 0) return null;
  const cited = new Set(citedKeys(doc.text, doc.syntax).map((k) => k.key));
  const lines = ['**Related papers**', ''];
  for (const hit of hits) {
    const why = hit.matched.length ? ` — *shared: ${escapeMarkdown(hit.matched.slice(0, 5).join(', '))}*` : '';
    const mark = cited.has(hit.paper.key) ? ' (cited)' : '';
    lines.push(`- \`${hit.paper.key}\`${mark} ${escapeMarkdown(trimText(hit.paper.title, 90))}${why}`);
  }
  return { markdown: lines.join('\n'), start: sentence.start, end: sentence.end };
}
