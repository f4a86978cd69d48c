// What the features read: the library and its search index, once both are built.
import type { Passage } from '../documents';
import type { Library } from '../library/library';
import type { Ranker } from '../search/rank';

/** A consistent pair: the index was built from exactly this library version. */
export interface Ready {
  library: Library;
  index: Ranker;
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
