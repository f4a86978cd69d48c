// What the commands share besides flags: the library and its rankings, opened once per run; JSONL
// batch files read; answers written. A mistake of the caller is a UsageError (exit 2).
import { readFile, stat } from 'node:fs/promises';
import { sourceNames } from '../features/cards';
import { findLibraryFiles, whyMissing } from '../library/files';
import { defaultDataDir, loadZotero, zoteroSources } from '../library/zotero/source';
import type { Library } from '../library/library';
import { loadLibrary } from '../library/load';
import { formatIssue } from '../library/paper';
import { trimText } from '../display';
import { SearchIndex, sourcesOf, type Hit } from '../search';
import { Ranker } from '../search/rank';
import { defaultModel, openSemanticIndex } from '../search/semantic/oneShot';
import { join, relative, resolve } from 'node:path';
import { joinByTitle } from '../library/join';
import { buildCorpus, corpusSource, openCorpus } from '../search/corpus';
import { SharedCorpus } from '../shared/corpus';
import { isSharedCorpusUrl } from '../shared/schema';
import { UsageError, type CACHE, type CORPUS, type LIBRARY, type SEMANTIC, type Values, type WORKSPACE } from './args';

/** The folder a command reads as its workspace, as the editor reads a workspace folder. */
export interface CliWorkspace {
  folder: string;
  /** Bibliography files the document names (absolute), read whether or not they are in `folder`. */
  named?: string[];
}

/**
 * The library the flags name (every --library path must exist), and unless --no-workspace the
 * workspace's: the .bib/CSL-JSON files of its folder (not of its subfolders: a run in a home folder
 * stays quick) and the bibliography files its document names. Which files were added, and every
 * problem, go to stderr.
 */
export async function openLibrary(flags: Values<typeof LIBRARY & Partial<typeof WORKSPACE>>, workspace?: CliWorkspace): Promise<Library> {
  const libraries = flags.library ?? [];
  for (const p of libraries) {
    try {
      await stat(p);
    } catch (err) {
      throw new UsageError(`${p}: ${await whyMissing(p, err)}`);
    }
  }
  const found = workspace && !flags['no-workspace'] ? await workspaceFiles(workspace) : [];
  if (found.length) {
    const names = found.map((f) => relative(workspace!.folder, f) || f);
    process.stderr.write(`litlens: also reading ${names.join(', ')} (--no-workspace leaves ${found.length === 1 ? 'it' : 'them'} out)\n`);
  }
  const library = await loadLibrary({ libraries: [...libraries, ...found], corpus: !flags['no-corpus'] });
  // --zotero [DIR]: the data directory's zotero.sqlite (the default directory without DIR), after the files.
  if (flags.zotero !== undefined) {
    const read = await loadZotero({ setting: flags.zotero || defaultDataDir() });
    for (const s of zoteroSources(read)) library.setSource(s.id, s.result, 'workspace', s.name, s.file);
  }
  for (const issue of library.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  return library;
}

/** The document's named bibliography files, then the library files of the folder, each once. */
async function workspaceFiles(workspace: CliWorkspace): Promise<string[]> {
  const inFolder = await findLibraryFiles(workspace.folder, { maxDepth: 0 });
  return [...new Set([...(workspace.named ?? []).map((f) => resolve(f)), ...inFolder.map((f) => resolve(f))])];
}

/** What --json lists for a paper beside its score: key, title, authors, year and the source's name ("refs.bib", "Zotero: My Library"). */
export function describedHits(library: Library, hits: readonly Hit[]): object[] {
  const names = sourceNames(library, []);
  return hits.map((h) => {
    const p = library.get(h.paper.key) ?? h.paper;
    return { ...hitJson(h), authors: p.authors, year: p.year ?? null, source: names.get(p.key) ?? '' };
  });
}

/**
 * The library's rankings: its index (from the saved index with --cache), fused with meaning with
 * --semantic (the vectors loaded once for the run; when the model cannot be had, the reason on
 * stderr and a lexical ranking). Dispose the semantic index after use.
 */
export async function openRanker(library: Library, flags: Values<typeof CACHE & typeof SEMANTIC & Partial<typeof CORPUS>>): Promise<Ranker> {
  const sources = sourcesOf(library);
  let index: SearchIndex;
  if (!flags.cache) index = SearchIndex.fromSources(sources);
  else {
    index = await SearchIndex.load(flags.cache, sources);
    if (index.lastLoad.built.length > 0) await index.save(flags.cache);
  }
  await addCorpora(library, flags, index);
  const shared = await openShared(flags);
  if (!flags.semantic) return new Ranker(index, null, shared, CLI_DEADLINE_MS);
  const model = flags.model ?? defaultModel();
  const { index: semantic, status } = await openSemanticIndex(library.papers, { model, cacheDir: flags.cache, allowDownloads: !!flags.download });
  if (!semantic) process.stderr.write(`litlens: semantic search is off: ${status.message ?? status.state}; the ranking is lexical\n`);
  return new Ranker(index, semantic, shared, CLI_DEADLINE_MS);
}

/** A command line waits for a shared corpus as long as a query may run there. */
const CLI_DEADLINE_MS = 60_000;

/** --corpus postgresql://…: each shared corpus connected; one that cannot be is a usage error with the reason. */
export async function openShared(flags: Values<Partial<typeof CORPUS>>): Promise<SharedCorpus[]> {
  const shared = [flags.corpus ?? []].flat().filter(isSharedCorpusUrl).map((url) => new SharedCorpus(url, { connectMs: 10_000, statementMs: 60_000 }));
  for (const s of shared) {
    if (await s.open()) continue;
    for (const t of shared) await t.dispose();
    throw new UsageError(s.message ?? `${s.name}: cannot connect`);
  }
  return shared;
}

/**
 * Closes what openRanker opened (the model, the database connections); a shared corpus lost on the
 * way (the server gone, a grant revoked) is one line on stderr: the answers were given without it.
 */
export async function closeRanker(ranker: Ranker): Promise<void> {
  await ranker.semantic?.dispose();
  for (const s of ranker.shared) {
    if (s.state !== 'ready') process.stderr.write(`litlens: ${s.message ?? `${s.name}: ${s.state}`}; its papers are not in these answers\n`);
    await s.dispose();
  }
}

/**
 * --corpus FILE…: each opened from `<cache>/corpora` when saved there for this file and filter,
 * else read and indexed (and saved with --cache); into the library and the index (when given)
 * together. The bundled corpus then gains authors and years from papers of the same title.
 */
export async function addCorpora(library: Library, flags: Values<Partial<typeof CORPUS> & typeof CACHE>, index?: SearchIndex): Promise<void> {
  const files = [flags.corpus ?? []].flat().filter((f) => !isSharedCorpusUrl(f)); // shared corpora: openShared
  if (!files.length) return;
  const categories = (flags.categories ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  const dir = flags.cache ? join(flags.cache, 'corpora') : null;
  for (const file of files) {
    try {
      await stat(file);
    } catch (err) {
      throw new UsageError(`${file}: ${await whyMissing(file, err)}`);
    }
    let corpus = dir ? await openCorpus(file, dir, { categories }) : 'no --cache';
    if (typeof corpus === 'string') {
      process.stderr.write(`litlens: indexing ${file}${categories.length ? ` (${categories.join(', ')})` : ''}…\n`);
      corpus = await buildCorpus(file, dir, { categories });
    }
    for (const issue of corpus.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    library.setStoreSource(file, corpus.store, corpus.issues, 'corpus', file);
    index?.setEncodedSource(corpusSource(corpus), corpus.encoded);
    if (corpus.store.size === 0 && categories.length) process.stderr.write(`litlens: ${file}: no paper in ${categories.join(', ')}\n`);
  }
  const bundled = library.sources.find((s) => s.id === 'corpus' && !s.store);
  if (!bundled) return;
  let papers = bundled.papers;
  const standIns: string[] = [];
  for (const { store } of library.stores) papers = await joinByTitle(papers, store!, standIns);
  library.setSource(bundled.id, { papers, issues: bundled.issues }, 'corpus', bundled.name, bundled.file);
  index?.setSource({ id: bundled.id, papers, kind: 'corpus', hash: index.sources.find((s) => s.id === bundled.id)?.hash }); // same segment, joined papers
  index?.hideKeys(standIns);
}

export function hitJson(h: Hit): { key: string; title: string; score: number } {
  return { key: h.paper.key, title: h.paper.title, score: Math.round(h.score * 10000) / 10000 };
}

/**
 * Rows (the first is the header) as lines: tab-separated for a pipe; on a terminal each column but
 * the last padded to its widest cell (the columns in `right` aligned right), so no cell overflows,
 * and the last cut to fit `width` columns (the terminal's; at least TABLE_LAST_MIN of it is kept).
 */
export function tableLines(rows: string[][], options: { aligned?: boolean; right?: number[]; width?: number } = {}): string[] {
  if (!options.aligned) return rows.map((r) => r.join('\t'));
  const last = rows[0]!.length - 1;
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const before = widths.slice(0, last).reduce((n, w) => n + w + 2, 0);
  const room = options.width ? Math.max(TABLE_LAST_MIN, options.width - before - 1) : Infinity;
  return rows.map((r) => r.map((cell, c) => (c === last ? (cell.length > room ? trimText(cell, room - 1) : cell) : options.right?.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  '));
}

/** The least of a terminal table's last column kept however narrow the terminal (tableLines). */
const TABLE_LAST_MIN = 24;

/**
 * The hits as labelled columns: a header `score key title`, then one line per paper; tab-separated
 * for a pipe, aligned with spaces on a terminal. Below `weakFrom` (an index), a line marks weaker matches.
 */
export function hitLines(hits: Hit[], options: { aligned?: boolean; width?: number; weakFrom?: number; weakNote?: string } = {}): string {
  if (hits.length === 0) return '';
  const out = tableLines([['score', 'key', 'title'], ...hits.map((h) => [h.score.toFixed(3), h.paper.key, h.paper.title])], { aligned: options.aligned, right: [0], width: options.width });
  if (options.weakFrom !== undefined && options.weakFrom < hits.length) out.splice(options.weakFrom + 1, 0, `-- ${options.weakNote ?? 'weaker matches'} --`);
  return `${out.join('\n')}\n`;
}

export interface BatchLine {
  line: number;
  value: Record<string, unknown> | null;
  error?: string;
}

/** Reads a JSONL batch file: one object per non-empty line, with its 1-based line number. */
export async function readBatch(file: string): Promise<BatchLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const out: BatchLine[] = [];
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

/**
 * One query's answer on stdout: JSON (best first, every hit; with `library`, each paper's authors, year
 * and source too), or labelled columns; with none (and no --json), `none` on stderr so an empty answer
 * is not mistaken for a failure.
 */
export function writeHits(hits: Hit[], json: boolean, none?: string, columns: { weakFrom?: number; weakNote?: string } = {}, library?: Library): void {
  const listed = library ? describedHits(library, hits) : hits.map(hitJson);
  process.stdout.write(json ? `${JSON.stringify(listed, null, 2)}\n` : hitLines(hits, { ...columns, aligned: !!process.stdout.isTTY, width: process.stdout.columns }));
  if (!json && hits.length === 0 && none) process.stderr.write(`${none}\n`);
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
