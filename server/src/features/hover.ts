// Hover: on a cited key, the paper's card; on prose, the papers related to the sentence.
import { citedKeys, keyAt, passageAt } from '../documents';
import type { Library } from '../library/library';
import type { Settings } from '../protocol';
import { escapeMarkdown, paperCard, trimText } from './cards';
import type { Doc } from './document';
import { onProse } from './markup';
import type { Ready } from './state';

export interface HoverAnswer {
  markdown: string;
  /** The hovered key's span, or the sentence's: never the whole line. */
  start: number;
  end: number;
}

/** How many related papers a prose hover lists (the best few, not a search result page). */
export const RELATED_IN_HOVER = 5;

/** `library`: for key cards while the index is still building (defaults to the ready one). */
export async function hoverAt(ready: Ready | null, doc: Doc, offset: number, config: Settings, base?: string, library: Library | null = ready?.library ?? null): Promise<HoverAnswer | null> {
  const cited = keyAt(doc.text, offset, doc.syntax);
  if (cited) {
    const paper = library?.get(cited.key);
    if (!paper) return null;
    return { markdown: paperCard(paper, { base }), start: cited.start, end: cited.end };
  }
  if (!ready || !config.proseHover || !onProse(doc.text, offset, doc.syntax)) return null;
  return relatedHover(ready, doc, offset, config);
}

async function relatedHover(ready: Ready, doc: Doc, offset: number, config: Settings): Promise<HoverAnswer | null> {
  const sentence = passageAt(doc.text, offset, doc.syntax).sentence;
  if (!sentence || sentence.text.trim() === '') return null;
  const hits = await ready.index.related(sentence.text, { limit: Math.min(RELATED_IN_HOVER, config.maxSuggestions), threshold: config.relatedThreshold });
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
