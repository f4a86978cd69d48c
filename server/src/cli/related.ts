// `litlens related`: the papers a passage is about, with the editor's extraction and threshold.
import { readFile } from 'node:fs/promises';
import { passageAt, syntaxOfFile, type Syntax } from '../documents';
import { defaultSettings } from '../protocol';
import type { Hit } from '../search';
import { Ranker } from '../search/rank';
import type { Command } from './commands';
import { IndexArgs, UsageError, flagValue, indexFlag, numberArg, openIndex, openSemantic, readBatch, semanticArgs, semanticFlag, writeBatch, writeHits } from './search';

type Scope = 'sentence' | 'paragraph' | 'section';

export const related: Command = {
  summary: 'papers related to a passage or to a position in a document ([] when none)',
  usage: [
    '[--json] [--limit N] [--threshold T] [--library PATH]... [--no-corpus] [--cache DIR] --text "passage"',
    '[--semantic [--model ID|PATH] [--download]] ...   (fused with the nearest papers by meaning)',
    '[--json] ... --file F --line L [--character C] [--scope sentence|paragraph|section]   (line, character: 1-based)',
    '[--json] ... --queries FILE.jsonl   (lines {"id","query"} or {"id","file","line","character"})',
  ],
  run: runRelated,
};

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

/** The passage around a position, as the editor would pick it; '' when the position is not in prose. */
export async function passageOfPosition(file: string, line: number, character: number, scope: Scope): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const at = passageAt(text, offsetOf(file, text, line, character), documentSyntax(file));
  const order: Scope[] = scope === 'sentence' ? ['sentence', 'paragraph'] : scope === 'paragraph' ? ['paragraph', 'sentence'] : ['section', 'paragraph'];
  for (const s of order) if (at[s]) return at[s]!.text;
  return '';
}

async function runRelated(args: string[]): Promise<number> {
  let json = false;
  let limit = defaultSettings.maxSuggestions;
  let threshold = defaultSettings.relatedThreshold;
  let scope: Scope = 'sentence';
  let text: string | undefined;
  let file: string | undefined;
  let line: number | undefined;
  let character = 1;
  let queries: string | undefined;
  const opts: IndexArgs = { libraries: [], corpus: true };
  const sem = semanticArgs();
  for (const i = { at: 0 }; i.at < args.length; i.at++) {
    const a = args[i.at];
    let v: string | undefined;
    if (semanticFlag(args, i, sem) || indexFlag(args, i, opts)) continue;
    if (a === '--json') json = true;
    else if ((v = flagValue(args, i, '--limit')) !== undefined) limit = numberArg('--limit', v, 1, 10000);
    else if ((v = flagValue(args, i, '--threshold')) !== undefined) threshold = numberArg('--threshold', v, 0, 1);
    else if ((v = flagValue(args, i, '--queries')) !== undefined) queries = v;
    else if ((v = flagValue(args, i, '--text')) !== undefined) text = v;
    else if ((v = flagValue(args, i, '--file')) !== undefined) file = v;
    else if ((v = flagValue(args, i, '--line')) !== undefined) line = numberArg('--line', v, 1, 1e9);
    else if ((v = flagValue(args, i, '--character')) !== undefined) character = numberArg('--character', v, 1, 1e9);
    else if ((v = flagValue(args, i, '--scope')) !== undefined) {
      if (v !== 'sentence' && v !== 'paragraph' && v !== 'section') throw new UsageError(`--scope must be sentence, paragraph or section, got "${v}"`);
      scope = v;
    } else throw new UsageError(`unexpected argument "${a}"`);
  }
  const given = [text !== undefined, file !== undefined, queries !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one of --text, --file (with --line) or --queries');
  if (file !== undefined && line === undefined) throw new UsageError('--file needs --line');
  const batch = queries ? await readBatch(queries) : null;
  const passage = file !== undefined ? await passageOfPosition(file, line!, character, scope) : text;
  const { index, papers } = await openIndex(opts);
  const semantic = await openSemantic(sem, papers, opts.cache);
  const ranker = new Ranker(index, semantic);
  const answer = async (t: string): Promise<Hit[]> => (t.trim() ? ranker.related(t, { limit, threshold }) : []);
  try {
    if (!batch) {
      writeHits(await answer(passage ?? ''), json);
      return 0;
    }
    return await writeBatch(batch, queries!, async (value) => {
      if (typeof value.query === 'string') return answer(value.query);
      if (typeof value.file !== 'string' || typeof value.line !== 'number') throw new Error('needs "query", or "file" and "line"');
      const character = typeof value.character === 'number' ? value.character : 1;
      return answer(await passageOfPosition(value.file, value.line, character, scope));
    });
  } finally {
    await semantic?.dispose();
  }
}
