// Which text stands for "what is being written here" at a position: the passage a ranking asks
// about, and where to fall back when the asked-for passage is missing. Hovers, related papers and
// the CLI's `related --file` share it.
import { passageAt } from './passages';
import type { Syntax } from './syntax';
import type { Passage } from './types';

export type Scope = 'sentence' | 'paragraph' | 'section';

/** The sentence, or the paragraph when the sentence is too short to say much. */
export function contextOf(passage: { sentence: Passage | null; paragraph: Passage | null }): string {
  const sentence = passage.sentence?.text.trim() ?? '';
  if (wordCount(sentence) >= 6 || !passage.paragraph) return sentence;
  return passage.paragraph.text;
}

/** Where a scope falls back to when the position has none of it (a sentence outside paragraphs, a document without sections). */
const FALLBACK: Record<Scope, Scope[]> = { sentence: ['sentence', 'paragraph'], paragraph: ['paragraph', 'sentence'], section: ['section', 'paragraph'] };

/** The text of the `scope` passage around `offset` (contextOf without one); '' where there is no prose. */
export function textAround(text: string, offset: number, syntax: Syntax, scope?: Scope): string {
  const at = passageAt(text, offset, syntax);
  if (!scope) return contextOf(at);
  for (const s of FALLBACK[scope]) if (at[s]) return at[s]!.text;
  return '';
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
}
