// `litlens related`: the papers a passage is about, with the editor's extraction and threshold.
import { readFile } from 'node:fs/promises';
import { syntaxOfFile, textAround, type Scope, type Syntax } from '../documents';
import { defaultSettings } from '../protocol';
import type { Hit } from '../search';
import { RELATED_LIST_RELATIVE } from '../features/related';
import { RANKING, UsageError, parse, type Command } from './args';
import { closeRanker, openLibrary, openRanker, readBatch, writeBatch, writeHits } from './io';

export const related: Command = {
  summary: 'papers related to a passage or to a position in a document ([] when none)',
  usage: [
    '[--json] [--limit N] [--threshold T] [--library PATH]... [--no-corpus] [--cache DIR] --text "passage"',
    '[--corpus FILE]... [--categories cs.LG,stat.ML] ...   (arXiv snapshots or CSL JSON lines; saved in DIR/corpora with --cache)',
    '[--semantic [--model ID|PATH] [--download]] ...   (fused with the nearest papers by meaning)',
    '[--json] ... --file F --line L [--character C] [--scope sentence|paragraph|section]   (line, character: 1-based)',
    '[--json] ... --queries FILE.jsonl   (lines {"id","query"} or {"id","file","line","character"})',
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

/** The passage around a position, as the editor picks it for a scope; '' when the position is not in prose. */
export async function passageOfPosition(file: string, line: number, character: number, scope: Scope): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  return textAround(text, offsetOf(file, text, line, character), documentSyntax(file), scope);
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
  const passage = file !== undefined ? await passageOfPosition(file, line!, character, scope) : text;
  const ranker = await openRanker(await openLibrary(values), values);
  const limits = { limit: values.limit ?? defaultSettings.maxSuggestions, threshold: values.threshold ?? defaultSettings.relatedThreshold, relative: RELATED_LIST_RELATIVE };
  const answer = async (t: string): Promise<Hit[]> => (t.trim() ? ranker.related(t, limits) : []);
  try {
    if (!batch) {
      writeHits(
        await answer(passage ?? ''),
        !!values.json,
        passage?.trim() ? 'litlens related: no paper in the library is about this passage (--threshold 0 ranks them anyway)' : 'litlens related: no prose at that position',
      );
      return 0;
    }
    return await writeBatch(batch, queries!, async (value) => {
      if (typeof value.query === 'string') return answer(value.query);
      if (typeof value.file !== 'string' || typeof value.line !== 'number') throw new Error('needs "query", or "file" and "line"');
      return answer(await passageOfPosition(value.file, value.line, typeof value.character === 'number' ? value.character : 1, scope));
    });
  } finally {
    await closeRanker(ranker);
  }
}
