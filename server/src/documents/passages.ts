// Sentences, paragraphs and sections of a document, as plain text with source spans.
import { extractLatex } from './latex';
import { extractMarkdown } from './markdown';
import { isExcluded, plainIndexAt, type PlainText } from './plain';
import { splitSentences } from './sentences';
import type { Passage, Section, Syntax } from './types';

/** A document read once: its plain text and the passages built from it on demand. */
interface Reading {
  plain: PlainText;
  paragraphs?: ParagraphSpan[];
  sections?: Section[];
  /** Per section, where the next heading of the same or a higher level starts: the section owns the source up to it. */
  sectionRegionEnds?: number[];
}

interface ParagraphSpan {
  /** Plain-text span. */
  start: number;
  end: number;
  passage: Passage;
  sentences?: Passage[];
}

// One document per syntax is remembered: hover, completion and lenses ask about the same text in a row.
const remembered: Partial<Record<Syntax, { text: string; reading: Reading }>> = {};

function read(text: string, syntax: Syntax): Reading {
  const last = remembered[syntax];
  if (last && last.text === text) return last.reading;
  const reading: Reading = { plain: syntax === 'latex' ? extractLatex(text) : extractMarkdown(text) };
  remembered[syntax] = { text, reading };
  return reading;
}

/** The document's prose with markup dropped, and for each character its source offset. */
export function plainText(text: string, syntax: Syntax): PlainText {
  return read(text, syntax).plain;
}

/** Plain-text span [start, end) → passage with the source span of its first and last character. */
function passage(plain: PlainText, start: number, end: number): Passage {
  return { text: plain.text.slice(start, end), start: plain.offsets[start], end: plain.offsets[end - 1] + 1 };
}

/** A paragraph holds prose when a letter is left once math and code are gone. */
const PROSE = /\p{L}/u;

function paragraphSpans(reading: Reading): ParagraphSpan[] {
  if (reading.paragraphs) return reading.paragraphs;
  const { plain } = reading;
  const text = plain.text;
  const headingStarts = new Set(plain.headings.map((h) => h.plainStart));
  const spans: ParagraphSpan[] = [];
  let k = 0;
  while (k < text.length) {
    let e = text.indexOf('\n\n', k);
    if (e < 0) e = text.length;
    let s = k;
    while (s < e && /\s/.test(text[s])) s++;
    let f = e;
    while (f > s && /\s/.test(text[f - 1])) f--;
    if (f > s && !headingStarts.has(s) && PROSE.test(text.slice(s, f))) {
      spans.push({ start: s, end: f, passage: passage(plain, s, f) });
    }
    k = e + 2;
  }
  reading.paragraphs = spans;
  return spans;
}

/** A document as the related gate's null sees it (search/gate.ts ChanceBar): its paragraphs' prose. */
export function documentProse(text: string, syntax: Syntax): string {
  return paragraphs(text, syntax)
    .map((p) => p.text)
    .join('\n');
}

/** The paragraphs that hold prose, in document order (headings, pure math and code are not paragraphs). */
export function paragraphs(text: string, syntax: Syntax): Passage[] {
  return paragraphSpans(read(text, syntax)).map((p) => p.passage);
}

function sentencesOf(plain: PlainText, p: ParagraphSpan): Passage[] {
  if (!p.sentences) p.sentences = splitSentences(plain.text, p.start, p.end).map(([s, e]) => passage(plain, s, e));
  return p.sentences;
}

/** The sentences of a paragraph-level passage list, in order. */
export function sentences(text: string, syntax: Syntax): Passage[] {
  const reading = read(text, syntax);
  return paragraphSpans(reading).flatMap((p) => sentencesOf(reading.plain, p));
}

function sectionList(reading: Reading): Section[] {
  if (reading.sections) return reading.sections;
  const { plain } = reading;
  const hs = plain.headings;
  const result: Section[] = [];
  const regionEnds: number[] = [];
  for (let i = 0; i < hs.length; i++) {
    const h = hs[i];
    let endPlain = plain.text.length;
    let regionEnd = Infinity;
    for (let j = i + 1; j < hs.length; j++) {
      if (hs[j].level <= h.level) {
        endPlain = hs[j].plainStart;
        regionEnd = hs[j].headingStart;
        break;
      }
    }
    regionEnds.push(regionEnd);
    let e = endPlain;
    while (e > h.plainEnd && /\s/.test(plain.text[e - 1])) e--;
    const body = plain.text.slice(h.plainEnd, e).replace(/^\s+/, '');
    const text = body ? `${h.title}\n\n${body}` : h.title;
    const end = e > h.plainStart ? plain.offsets[e - 1] + 1 : h.headingEnd;
    result.push({ text, start: h.headingStart, end: Math.max(end, h.headingEnd), title: h.title, headingStart: h.headingStart, headingEnd: h.headingEnd, level: h.level });
  }
  reading.sections = result;
  reading.sectionRegionEnds = regionEnds;
  return result;
}

/** Sections by \part/\chapter/\section/\subsection/\subsubsection or #-headings. A section runs to the next
 *  heading of the same or a higher level, so it includes its subsections; text = title + body plain text. */
export function sections(text: string, syntax: Syntax): Section[] {
  return sectionList(read(text, syntax));
}

/** The sentence, paragraph and innermost section around a source offset; null where there is none
 *  (in the preamble, between paragraphs, before the first heading). */
export function passageAt(
  text: string,
  offset: number,
  syntax: Syntax,
): { sentence: Passage | null; paragraph: Passage | null; section: Section | null } {
  const reading = read(text, syntax);
  const { plain } = reading;
  // In the preamble, front matter, code or a comment there is no prose around.
  if (isExcluded(plain, offset)) return { sentence: null, paragraph: null, section: null };
  const secs = sectionList(reading);
  const regionEnds = reading.sectionRegionEnds!;
  let section: Section | null = null;
  for (let i = 0; i < secs.length && secs[i].headingStart <= offset; i++) {
    if (offset < regionEnds[i]) section = secs[i];
  }
  if (plain.headings.some((h) => h.headingStart <= offset && offset <= h.headingEnd)) return { sentence: null, paragraph: null, section };
  const paras = paragraphSpans(reading);
  // The last paragraph starting at or before the offset…
  let lo = 0;
  let hi = paras.length - 1;
  let before = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (paras[mid].passage.start <= offset) {
      before = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // …unless a blank line or a heading lies between (then the offset is between paragraphs, or in markup
  // that opens the next one, as in "\citet{|} showed that…").
  const joined = (from: number, to: number) =>
    !/\n[ \t]*\r?\n/.test(text.slice(from, to)) && !plain.headings.some((h) => h.headingStart >= from && h.headingStart < to);
  let paragraph: ParagraphSpan | null = null;
  const at = plainIndexAt(plain, offset);
  if (
    before >= 0 &&
    (offset <= paras[before].passage.end ||
      (joined(paras[before].passage.end, offset) && !plain.text.slice(paras[before].end, at + 1).includes('\n\n')))
  ) {
    paragraph = paras[before];
  }
  else if (before + 1 < paras.length && joined(offset, paras[before + 1].passage.start)) paragraph = paras[before + 1];
  if (!paragraph) return { sentence: null, paragraph: null, section };
  const ss = sentencesOf(plain, paragraph);
  // The sentence holding the offset; in markup between two sentences, the one that follows; in whitespace, the one before.
  let sentence: Passage | null = ss[0] ?? null;
  for (let k = 0; k < ss.length && ss[k].start <= offset; k++) {
    sentence = ss[k];
    if (offset > ss[k].end && k + 1 < ss.length && /\S/.test(text.slice(ss[k].end, offset))) sentence = ss[k + 1];
  }
  return { sentence, paragraph: paragraph.passage, section };
}
