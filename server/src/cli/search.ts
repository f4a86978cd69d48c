// `litlens search`: rank the library for a query, as the search panel does.
import { readFile, stat } from 'node:fs/promises';
import { loadLibrary } from '../library/load';
import { formatIssue } from '../library/paper';
import type { Paper } from '../library/paper';
import { defaultSettings } from '../protocol';
import { Hit, SearchIndex, type SearchMode, sourcesOf } from '../search';
import type { SemanticIndex } from '../search/semantic';
import { Ranker } from '../search/rank';
import { defaultModel, openSemanticIndex } from '../search/semantic/oneShot';
import type { Command } from './commands';

/** Options every search-like command shares. */
export interface IndexArgs {
  libraries: string[];
  corpus: boolean;
  /** Folder of the saved index (loaded when valid, written after a build). */
  cache?: string;
}

export class UsageError extends Error {}

/** Reads `--flag value` / `--flag=value`; returns undefined when `a` is not that flag. */
export function flagValue(args: string[], i: { at: number }, name: string): string | undefined {
  const a = args[i.at];
  if (a === name) {
    const v = args[++i.at];
    if (v === undefined) throw new UsageError(`${name} needs a value`);
    return v;
  }
  if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  return undefined;
}

export function numberArg(name: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number from ${min} to ${max}, got "${v}"`);
  return n;
}

/** Loads the library (issues to stderr) and its index (from the saved index when `cache` is set). */
export async function openIndex(opts: IndexArgs): Promise<{ index: SearchIndex; papers: Paper[] }> {
  for (const p of opts.libraries) {
    try {
      await stat(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
  }
  const library = await loadLibrary({ libraries: opts.libraries, corpus: opts.corpus });
  for (const issue of library.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  const sources = sourcesOf(library);
  if (!opts.cache) return { index: SearchIndex.fromSources(sources), papers: library.papers };
  const index = await SearchIndex.load(opts.cache, sources);
  if (index.lastLoad.built.length > 0) await index.save(opts.cache);
  return { index, papers: library.papers };
}

/** Reads `--library PATH`, `--no-corpus` or `--cache DIR` at `i`; false when `args[i.at]` is none of them. */
export function indexFlag(args: string[], i: { at: number }, opts: IndexArgs): boolean {
  let v: string | undefined;
  if (args[i.at] === '--no-corpus') opts.corpus = false;
  else if ((v = flagValue(args, i, '--library')) !== undefined) opts.libraries.push(v);
  else if ((v = flagValue(args, i, '--cache')) !== undefined) opts.cache = v;
  else return false;
  return true;
}

/** `--semantic [--model ID|PATH] [--download]`: fuse the lexical ranking with the nearest papers by meaning. */
export interface SemanticArgs {
  semantic: boolean;
  model: string;
  download: boolean;
}

export function semanticArgs(): SemanticArgs {
  return { semantic: false, model: defaultModel(), download: false };
}

/** Reads one of the semantic flags at `i`; false when `args[i.at]` is none of them. */
export function semanticFlag(args: string[], i: { at: number }, s: SemanticArgs): boolean {
  let v: string | undefined;
  if (args[i.at] === '--semantic') s.semantic = true;
  else if (args[i.at] === '--download') s.download = true;
  else if ((v = flagValue(args, i, '--model')) !== undefined) s.model = v;
  else return false;
  return true;
}

/**
 * The library's vectors, loaded once for the whole run (cached vectors read, the rest embedded),
 * or null with the reason on stderr: the answers then stay lexical.
 */
export async function openSemantic(s: SemanticArgs, papers: readonly Paper[], cache: string | undefined): Promise<SemanticIndex | null> {
  if (!s.semantic) return null;
  const { index, status } = await openSemanticIndex(papers, { model: s.model, cacheDir: cache, allowDownloads: s.download });
  if (!index) process.stderr.write(`litlens: semantic search is off: ${status.message ?? status.state}; the ranking is lexical\n`);
  return index;
}

export function hitJson(h: Hit): { key: string; title: string; score: number } {
  return { key: h.paper.key, title: h.paper.title, score: Math.round(h.score * 10000) / 10000 };
}

export function hitLine(h: Hit): string {
  return `${h.score.toFixed(3)}\t${h.paper.key}\t${h.paper.title}\n`;
}

/** Reads a JSONL batch file: one object per non-empty line, with its 1-based line number. */
export async function readBatch(file: string): Promise<{ line: number; value: Record<string, unknown> | null; error?: string }[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const out: { line: number; value: Record<string, unknown> | null; error?: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const v = JSON.parse(raw) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push({ line: i + 1, value: v as Record<string, unknown> });
      else out.push({ line: i + 1, value: null, error: 'not a JSON object' });
    } catch (e) {
      out.push({ line: i + 1, value: null, error: (e as Error).message });
    }
  });
  return out;
}

type BatchLine = Awaited<ReturnType<typeof readBatch>>[number];

/** One query's answer: JSON (best first) or one `score<TAB>key<TAB>title` line per paper. */
export function writeHits(hits: Hit[], json: boolean): void {
  process.stdout.write(json ? `${JSON.stringify(hits.map(hitJson), null, 2)}\n` : hits.map(hitLine).join(''));
}

/**
 * One `{"id","results"}` line per batch line, the index loaded once. `answer` throws to reject
 * a line: its reason goes to stderr as `file:line: …` and into that line's `error`; exit code 1.
 */
export async function writeBatch(batch: BatchLine[], file: string, answer: (value: Record<string, unknown>) => Promise<Hit[]>): Promise<number> {
  let failed = 0;
  for (const { line, value, error } of batch) {
    const id = value?.id ?? null;
    let problem = error;
    let hits: Hit[] = [];
    if (value) {
      try {
        hits = await answer(value);
      } catch (e) {
        problem = (e as Error).message;
      }
    }
    if (problem) {
      process.stderr.write(`${file}:${line}: ${problem}\n`);
      process.stdout.write(`${JSON.stringify({ id, results: [], error: problem })}\n`);
      failed++;
    } else process.stdout.write(`${JSON.stringify({ id, results: hits.map(hitJson) })}\n`);
  }
  return failed > 0 ? 1 : 0;
}

export const search: Command = {
  summary: 'rank the library for a query (typed words or a sentence)',
  usage: [
    '[--json] [--limit N] [--library PATH]... [--no-corpus] [--mode typed|context] [--cache DIR] "text"',
    '[--semantic [--model ID|PATH] [--download]] ...   (fused with the nearest papers by meaning)',
    '[--json] ... --queries FILE.jsonl   (lines {"id","query"} -> lines {"id","results":[{"key","title","score"}]})',
  ],
  run: runSearchCommand,
};

async function runSearchCommand(args: string[]): Promise<number> {
  let json = false;
  let limit = defaultSettings.maxSuggestions;
  let mode: SearchMode | undefined;
  let queries: string | undefined;
  const opts: IndexArgs = { libraries: [], corpus: true };
  const sem = semanticArgs();
  const words: string[] = [];
  for (const i = { at: 0 }; i.at < args.length; i.at++) {
    const a = args[i.at];
    let v: string | undefined;
    if (semanticFlag(args, i, sem) || indexFlag(args, i, opts)) continue;
    if (a === '--json') json = true;
    else if ((v = flagValue(args, i, '--limit')) !== undefined) limit = numberArg('--limit', v, 1, 10000);
    else if ((v = flagValue(args, i, '--queries')) !== undefined) queries = v;
    else if ((v = flagValue(args, i, '--mode')) !== undefined) {
      if (v !== 'typed' && v !== 'context') throw new UsageError(`--mode must be typed or context, got "${v}"`);
      mode = v;
    } else if (a === '--') words.push(...args.slice(i.at + 1)), (i.at = args.length);
    else if (a.startsWith('--')) throw new UsageError(`unknown option "${a}"`);
    else words.push(a);
  }
  const query = words.join(' ');
  if (!queries && !query.trim()) throw new UsageError('nothing to search for: give the query text or --queries FILE');
  if (queries && query.trim()) throw new UsageError('give either the query text or --queries, not both');
  const batch = queries ? await readBatch(queries) : null;
  const { index, papers } = await openIndex(opts);
  const semantic = await openSemantic(sem, papers, opts.cache);
  const ranker = new Ranker(index, semantic);
  const answer = (q: string): Promise<Hit[]> => ranker.search(q, { limit, mode });
  try {
    if (!batch) {
      writeHits(await answer(query), json);
      return 0;
    }
    return await writeBatch(batch, queries!, (value) => {
      if (typeof value.query !== 'string') throw new Error('needs a string "query"');
      return answer(value.query);
    });
  } finally {
    await semantic?.dispose();
  }
}
