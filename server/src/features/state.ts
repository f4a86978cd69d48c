// What the features read: the library and its search index, once both are built.
import type { Passage } from '../documents';
import type { Library } from '../library/library';
import type { SearchIndex } from '../search';
import type { SemanticIndex } from '../search/semantic';

/** A consistent pair: the index was built from exactly this library version. */
export interface Ready {
  library: Library;
  index: SearchIndex;
  /** Embeddings, when the user turned them on (check `.ready` before use). */
  semantic?: SemanticIndex | null;
}

/** The query text for "what is being written here": the sentence, or the paragraph when the sentence is too short to say much. */
export function contextOf(passage: { sentence: Passage | null; paragraph: Passage | null }): string {
  const sentence = passage.sentence?.text.trim() ?? '';
  if (wordCount(sentence) >= 6 || !passage.paragraph) return sentence;
  return passage.paragraph.text;
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
}
