// The rankings features ask for: lexical (SearchIndex) always, fused with semantic neighbours
// (SemanticIndex) when embeddings are on and ready. The keystroke path never waits for a model.
import type { Hit } from '../search';
import { fuse } from '../search/semantic';
import type { Ready } from './state';

/** How many semantic neighbours take part in a fusion. */
const NEIGHBOURS = 50;

/** Completion candidates. Typed text narrows by letters, so only an empty key is fused with meaning. */
export function completionHits(ready: Ready, typed: string, context: string, limit: number): Hit[] {
  const lexical = ready.index.completion(typed, context, { limit });
  const semantic = ready.semantic;
  if (typed.trim() || !context.trim() || !semantic?.ready) return lexical;
  const vector = semantic.queryVectorIfReady(context); // computed in the background when missing
  return vector ? fuse(lexical, semantic.nearest(vector, NEIGHBOURS), { limit }) : lexical;
}

/** Related papers: [] when nothing is about the text, under the lexical rule and the semantic gate. */
export async function relatedHits(ready: Ready, text: string, options: { limit: number; threshold: number }): Promise<Hit[]> {
  const lexical = ready.index.related(text, options);
  if (!ready.semantic?.ready) return lexical;
  try {
    return await ready.semantic.related(text, lexical, options);
  } catch {
    return lexical; // a failing model must not take the lexical answer with it
  }
}

/** The search box (SearchIndex.searchBox); an answer from the context ranking is fused with meaning. */
export async function searchBoxHits(ready: Ready, query: string, limit: number): Promise<Hit[]> {
  const { hits, mode } = ready.index.searchBox(query, { limit });
  if (mode !== 'context' || !ready.semantic?.ready) return hits;
  try {
    return await ready.semantic.search(query, hits, { limit });
  } catch {
    return hits;
  }
}
