// `litlens related`: the papers a passage is about, with the editor's extraction and threshold.
// With --file, the library is the one the editor would read for that document: its bibliography
// and the folder's .bib/CSL-JSON files; papers the passage already cites are left out, as lenses do.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { bibliographyFiles, citedKeys, paragraphs, passageAt, syntaxOfFile, textAround, type Scope, type Syntax } from '../documents';
import { defaultSettings } from '../protocol';
import type { Hit } from '../search';
import type { Library } from '../library/library';
import { LENS_COUNT, blockEnd, citedIn, lensAsks, lensPapers } from '../features/codeLens';
import { RELATED_IN_HOVER, hoverPapers } from '../features/hover';
import { RELATED_LIST_RELATIVE, relatedDocument } from '../features/related';
import { RANKING, SHARED_CORPUS_NOTE, UsageError, parse, type Command } from './args';
import { closeRanker, openLibrary, openRanker, readBatch, writeBatch, writeHits } from './io';

export const related: Command = {
  summary: 'papers related to a passage or to a position in a document ([] when none)',
  usage: [
    '[--json] [--limit N] [--threshold T] [--library PATH]... [--no-corpus] [--zotero [DIR]] [--cache DIR] --text "passage"',
    '[--corpus FILE|URL]... [--categories cs.LG,stat.ML] ...   (arXiv snapshots or CSL JSON lines, saved in DIR/corpora with --cache; or postgresql://…)',
    '[--semantic [--model ID|PATH] [--download]] ...   (fused with the nearest papers by meaning)',
    '[--json] ... --file F --line L [--character C] [--scope sentence|paragraph|section] [--keep-cited]   (line, character: 1-based)',
    '[--no-workspace] ...   (without it: F\'s bibliography and the .bib/CSL-JSON files of F\'s folder, else of the current folder)',
    '[--json] ... --queries FILE.jsonl   (lines {"id","query"} or {"id","file","line","character"})',
  ],
  notes: [
    'With --file, papers cited in the passage (at least its paragraph) are left out; --keep-cited lists them too.',
    'With --file, a sentence (the default scope) gets the list its prose hover shows: the best few, within the hover\'s cut of the best;',
    'a paragraph, the list its code lens shows (not-yet-cited first), then the rest its title counts (up to 100, or --limit); with --keep-cited, the ranking.',
    'The library is the bundled corpus, --library and --corpus, and unless --no-workspace the bibliography F names',
    '(\\bibliography, \\addbibresource, front matter) and the .bib/CSL-JSON files of F\'s folder (of the current folder without --file).',
    SHARED_CORPUS_NOTE,
  ],
  run: runRelated,
};

const FLAGS = {
  ...RANKING,
  threshold: { type: 'number', min: 0, max: 1 },
  text: { type: 'string' },
  file: { type: 'string' },
  line: { type: 'number', min: 1, max: 1e9 },
  character: { type: 'number', min: 1, max: 1e9 },
  scope: { type: 'choice', choices: ['sentence', 'paragraph', 'section'] },
  'keep-cited': { type: 'boolean' },
} as const;

function documentSyntax(file: string): Syntax {
  const syntax = syntaxOfFile(file);
  if (!syntax) throw new UsageError(`${file}: not a LaTeX (.tex) or Markdown (.md, .qmd, .rmd) file`);
  return syntax;
}

/** UTF-16 offset of a 1-based line and character; errors name the file and line. */
export function offsetOf(file: string, text: string, line: number, character: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) throw new UsageError(`${file}:${line}: the file has only ${l} lines`);
    at = nl + 1;
  }
  const eol = text.indexOf('\n', at);
  const lineLen = (eol < 0 ? text.length : eol) - at;
  return at + Math.min(Math.max(0, character - 1), lineLen);
}

/** A document as the CLI reads it: its text, syntax and the bibliography files it names (absolute). */
interface Document {
  file: string;
  text: string;
  syntax: Syntax;
  named: string[];
}

async function readDocument(file: string): Promise<Document> {
  const syntax = documentSyntax(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  return { file, text, syntax, named: bibliographyFiles(text, syntax).map((f) => path.resolve(path.dirname(file), f)) };
}

/**
 * The passage around a position, as the editor picks it for a scope ('' when the position is not in
 * prose), the keys it cites, and its document as the related gate reads it (relatedDocument: its
 * prose, and the titles of the entries it cites in `library`); `inDocument`: every key the document cites.
 */
export function passageOf(doc: Document, line: number, character: number, scope: Scope, library?: Library): { text: string; cited: Set<string>; inDocument: Set<string>; document: ReturnType<typeof relatedDocument> } {
  const offset = offsetOf(doc.file, doc.text, line, character);
  const text = textAround(doc.text, offset, doc.syntax, scope);
  // The keys cited in the passage, and at least in its paragraph, as a lens leaves out its paragraph's.
  const at = passageAt(doc.text, offset, doc.syntax);
  const span = scope === 'section' ? at.section : (at.paragraph ?? at.sentence);
  // A paragraph's citations end where its lens's do: at the blank line, or the next paragraph.
  const next = scope === 'paragraph' && span ? paragraphs(doc.text, doc.syntax).find((p) => p.start > span.start)?.start : undefined;
  const keys = citedKeys(doc.text, doc.syntax);
  const cited = span ? citedIn(keys, span.start, scope === 'section' ? span.end : blockEnd(doc.text, span.end, next)) : new Set<string>();
  return { text, cited, inDocument: new Set(keys.map((k) => k.key)), document: relatedDocument(doc.file, doc.text, doc.syntax, library) };
}

async function runRelated(args: string[]): Promise<number> {
  const { values } = parse(args, FLAGS);
  const { text, file, line, queries } = values;
  const character = values.character ?? 1;
  const scope = values.scope ?? 'sentence';
  const given = [text !== undefined, file !== undefined, queries !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one of --text, --file (with --line) or --queries');
  if (file !== undefined && line === undefined) throw new UsageError('--file needs --line');
  const batch = queries ? await readBatch(queries) : null;
  const doc = file !== undefined ? await readDocument(file) : null;
  const workspace = doc ? { folder: path.dirname(path.resolve(doc.file)), named: doc.named } : { folder: process.cwd() };
  const library = await openLibrary(values, workspace);
  const at = doc ? passageOf(doc, line!, character, scope, library) : null;
  const passage = at ? at.text : text;
  const ranker = await openRanker(library, values);
  const limits = { limit: values.limit ?? defaultSettings.maxSuggestions, threshold: values.threshold ?? defaultSettings.relatedThreshold, relative: RELATED_LIST_RELATIVE };
  // In a document, the gate asks what the editor asks (its null: the document's own words), and papers
  // the passage cites are left out before it, as lenses do (--keep-cited keeps them).
  // A sentence in a document lists what its prose hover lists (hoverPapers: its cut, and its length unless --limit).
  // A paragraph lists what its code lens lists (lensAsks, lensPapers), then the rest its title counts.
  const answer = async (t: string, found?: { cited: ReadonlySet<string>; inDocument: ReadonlySet<string>; document: ReturnType<typeof relatedDocument> }): Promise<Hit[]> => {
    if (!t.trim()) return [];
    const exclude = found && !values['keep-cited'] ? found.cited : undefined;
    if (found && scope === 'sentence') {
      const limit = values.limit ?? Math.min(RELATED_IN_HOVER, defaultSettings.maxSuggestions);
      return hoverPapers(ranker, t, exclude ?? new Set(), { limit, relatedThreshold: limits.threshold }, found.document);
    }
    if (found && scope === 'paragraph' && exclude) {
      const config = { maxSuggestions: defaultSettings.maxSuggestions, relatedThreshold: limits.threshold };
      const { offered, listed } = lensPapers(await ranker.related(t, lensAsks(config, exclude, found.document)), exclude, found.inDocument, config.maxSuggestions);
      // The scores do not fall down the table then: say why, once (a batch's JSON needs no such line).
      if (!batch && !values.json && listed.some((h) => found.inDocument.has(h.paper.key))) {
        process.stderr.write(`litlens related: in the code lens's order: its first ${listed.length} with the papers the document cites nowhere first, then the rest it counts\n`);
      }
      return [...listed, ...offered.slice(listed.length)].slice(0, values.limit ?? LENS_COUNT);
    }
    return ranker.related(t, { ...limits, document: found?.document, exclude });
  };
  try {
    if (!batch) {
      writeHits(
        await answer(passage ?? '', at ?? undefined),
        !!values.json,
        passage?.trim() ? 'litlens related: no paper in the library is about this passage (--threshold 0 ranks them anyway)' : 'litlens related: no prose at that position',
        {},
        values.zotero !== undefined ? library : undefined,
      );
      return 0;
    }
    return await writeBatch(batch, queries!, async (value) => {
      if (typeof value.query === 'string') return answer(value.query);
      if (typeof value.file !== 'string' || typeof value.line !== 'number') throw new Error('needs "query", or "file" and "line"');
      const one = passageOf(await readDocument(value.file), value.line, typeof value.character === 'number' ? value.character : 1, scope, library);
      return answer(one.text, one);
    });
  } finally {
    await closeRanker(ranker);
  }
}
