// What the writer is writing: plain text, sentences, paragraphs and sections, citations and bibliography
// files of a LaTeX or Markdown document. Pure functions; all offsets are UTF-16 offsets into the text.
export { LANGUAGES, syntaxOf, syntaxOfFile, type Syntax } from './syntax';
export type { Passage, Section, CitationContext, CitedKey } from './types';
export { plainText, paragraphs, sections, sentences, passageAt, documentProse } from './passages';
export { type PlainText, type Heading, plainIndexAt, isExcluded } from './plain';
export { citationAt, citationSpot, citedKeys, keyAt } from './citations';
export { bibliographyFiles } from './bibliography';
export { splitSentences } from './sentences';
export { citingText, contextOf, textAround, wordCount, type Scope } from './context';
export { onProse } from './prose';
export { backMatterSpans, inBackMatter, isBackMatterTitle } from './backmatter';
export { documentTitle, titleKey } from './title';
