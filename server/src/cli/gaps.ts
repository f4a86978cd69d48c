// `litlens gaps`: the related-work gap report of a document (features/gaps.ts), as the editor's
// "Find Uncited Related Papers" makes it: papers of the libraries that the document does not cite,
// best first, with the section and line of the paragraph each is closest to.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { trimText } from '../display';
import { bibliographyFiles, sections, syntaxOfFile } from '../documents';
import { GAP_LIMIT, rankGaps } from '../features/gaps';
import { relatedDocument } from '../features/related';
import { tiersFor } from '../features/uncitedClaims';
import { UsageError, parse, LIBRARY, CACHE, CORPUS, OUTPUT, type Command } from './args';
import { displayUrl, isSharedCorpusUrl } from '../shared/schema';
import { openLibrary, openRanker, tableLines } from './io';

export const gaps: Command = {
  summary: "papers of the libraries a document does not cite, closest to its paragraphs first",
  usage: ['--file F [--section N] [--json] [--limit N] [--library PATH]... [--no-corpus] [--corpus FILE]... [--cache DIR]'],
  notes: [
    "The document's own bibliography files, as it names them, are read too and ranked first.",
    '--section N: only the Nth section heading of the document, 1-based; --json: [{key, title, score, section, line}].',
    "--corpus FILE: arXiv snapshots or CSL JSON lines; not a lab's shared postgresql:// corpus (search and related read one).",
  ],
  run: runGaps,
};

const FLAGS = {
  ...OUTPUT,
  ...LIBRARY,
  ...CORPUS,
  ...CACHE,
  file: { type: 'string' },
  section: { type: 'number', min: 1, max: 1e6 },
  limit: { type: 'number', min: 1, max: 10000 },
} as const;

async function runGaps(args: string[]): Promise<number> {
  const { values } = parse(args, FLAGS);
  const file = values.file;
  if (!file) throw new UsageError('--file is required');
  // The report asks for many paragraphs at once, never waiting for a shared corpus: it would leave its papers out.
  const shared = [values.corpus ?? []].flat().find(isSharedCorpusUrl);
  if (shared) throw new UsageError(`${displayUrl(shared)}: gaps does not read a shared corpus (search and related do); give --corpus files`);
  const syntax = syntaxOfFile(file);
  if (!syntax) throw new UsageError(`${file}: not a LaTeX (.tex) or Markdown (.md, .qmd, .rmd) file`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const secs = sections(text, syntax);
  if (values.section !== undefined && values.section > secs.length) {
    throw new UsageError(`${file}: --section ${values.section}, but the document has ${secs.length} section heading${secs.length === 1 ? '' : 's'}`);
  }
  const dir = path.dirname(path.resolve(file));
  const named = bibliographyFiles(text, syntax).map((f) => path.resolve(dir, f));
  const library = await openLibrary({ ...values, library: [...(values.library ?? []), ...named.filter((f) => !(values.library ?? []).includes(f))] });
  const ranker = await openRanker(library, { ...values, semantic: false });
  const { cites, citeKeys, self } = relatedDocument(file, text, syntax, library);
  const found = rankGaps(ranker, text, syntax, { ...tiersFor(library, named, [dir]), self: new Set(self) }, { section: values.section === undefined ? undefined : values.section - 1, limit: values.limit ?? GAP_LIMIT, documentId: file, cites, citeKeys });
  const rows = found.map((g) => ({ key: g.key, title: g.title, score: Math.round(g.score * 1000) / 1000, section: g.section, line: g.line }));
  if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (rows.length === 0) process.stderr.write('litlens gaps: every paper close to this document is cited (or nothing in the libraries is close)\n');
  else {
    const aligned = !!process.stdout.isTTY;
    const table = [['score', 'key', 'line', 'section', 'title'], ...rows.map((r) => [r.score.toFixed(3), r.key, String(r.line), aligned ? trimText(r.section, 32) : r.section, r.title])];
    process.stdout.write(`${tableLines(table, { aligned, right: [0, 2], width: process.stdout.columns }).join('\n')}\n`);
  }
  return 0;
}
