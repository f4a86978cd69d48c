// Where a suggested paper is cited (litlens/citePlace): a code lens or Show Related Papers suggests
// papers for a paragraph (or section); the citation goes at the end of the sentence of that passage
// that shares the most words with the paper (its last sentence when none does), before the full
// stop, in the document's syntax. The client cites at its cursor instead when the cursor is inside
// the passage. Reads no file.
import { citationSpot, passageAt, sentences, type Passage } from '../documents';
import type { Paper } from '../library/paper';
import { contentTerms } from '../search/text';
import type { FeatureContext } from '../workspace/project';

export interface CitePlace {
  /** The passage the papers were suggested for (source offsets). */
  start: number;
  end: number;
  /** Where the citation goes when the cursor is not inside the passage. */
  at: number;
}

/** The place for citing `key` in the paragraph (or section) around the context's offset; null outside prose. */
export function citePlace(ctx: FeatureContext, key: string, scope: 'paragraph' | 'section' = 'paragraph'): CitePlace | null {
  const { doc } = ctx;
  const around = passageAt(doc.text, ctx.offset, doc.syntax);
  const passage = scope === 'section' ? (around.section ?? around.paragraph) : (around.paragraph ?? around.section);
  if (!passage) return null;
  const inside = sentences(doc.text, doc.syntax).filter((s) => s.start >= passage.start && s.end <= passage.end);
  if (inside.length === 0) return null;
  const paper = ctx.library?.get(key);
  const sentence = paper ? closest(inside, paper) : inside[inside.length - 1]!;
  return { start: passage.start, end: passage.end, at: citationSpot(doc.text, sentence.end, doc.syntax) };
}

/** The sentence sharing the most words with the paper (a title word counts three times); the last one on a tie at zero. */
function closest(candidates: Passage[], paper: Paper): Passage {
  const weight = new Map<string, number>();
  for (const { stem } of contentTerms(paper.abstract ?? '')) weight.set(stem, 1);
  for (const { stem } of contentTerms(paper.title)) weight.set(stem, 3);
  let best = candidates[candidates.length - 1]!;
  let bestScore = 0;
  for (const s of candidates) {
    const stems = new Set(contentTerms(s.text).map((t) => t.stem));
    let score = 0;
    for (const stem of stems) score += weight.get(stem) ?? 0;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}
