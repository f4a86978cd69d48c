// `litlens search`: rank the library for a query, as the search panel does.
import { defaultSettings } from '../protocol';
import type { Hit } from '../search';
import { RANKING, SHARED_CORPUS_NOTE, UsageError, parse, type Command } from './args';
import { closeRanker, openLibrary, openRanker, readBatch, writeBatch, writeHits } from './io';

/**
 * A match scoring under this share of the best is weak: "gaussian process" scores 2.08 for the one
 * paper on Gaussian processes and 0.09-0.15 for nine on splatting or "process supervision".
 * Relative, so it holds for typed and sentence queries alike; it cuts, never reorders.
 */
export const WEAK_BELOW = 0.2;

/** The index of the first weak hit (hits are best first); hits.length when none is. */
export function weakFrom(hits: readonly Hit[]): number {
  const best = hits[0]?.score ?? 0;
  const i = hits.findIndex((h) => h.score < best * WEAK_BELOW);
  return i < 0 ? hits.length : i;
}

export const search: Command = {
  summary: 'rank the library for a query (typed words or a sentence)',
  usage: [
    '[--json] [--limit N] [--all] [--library PATH]... [--no-corpus] [--no-workspace] [--zotero [DIR]] [--mode typed|context] [--cache DIR] "text"',
    '[--corpus FILE|URL]... [--categories cs.LG,stat.ML] ...   (arXiv snapshots or CSL JSON lines, saved in DIR/corpora with --cache; or postgresql://…)',
    '[--semantic [--model ID|PATH] [--download]] ...   (fused with the nearest papers by meaning)',
    '[--json] ... --queries FILE.jsonl   (lines {"id","query"} -> lines {"id","results":[{"key","title","score"}]})',
  ],
  notes: [
    'The library: the bundled corpus, --library, --corpus, and unless --no-workspace the .bib/CSL-JSON files of the current folder.',
    `Plain output: columns score, key, title (tab-separated when piped); matches scoring under ${WEAK_BELOW * 100}% of the best are left out`,
    '(the count on stderr); --all lists them below a line. --json lists every match with its score.',
    "A shared corpus's papers join the library's by score, in the search panel's order.",
    SHARED_CORPUS_NOTE,
  ],
  run: runSearch,
};

const FLAGS = { ...RANKING, mode: { type: 'choice', choices: ['typed', 'context'] }, all: { type: 'boolean' } } as const;

async function runSearch(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, FLAGS, { positionals: true });
  const query = positionals.join(' ');
  const queries = values.queries;
  if (!queries && !query.trim()) throw new UsageError('nothing to search for: give the query text or --queries FILE');
  if (queries && query.trim()) throw new UsageError('give either the query text or --queries, not both');
  const batch = queries ? await readBatch(queries) : null;
  const library = await openLibrary(values, { folder: process.cwd() });
  const ranker = await openRanker(library, values);
  const limit = values.limit ?? defaultSettings.maxSuggestions;
  const answer = (q: string): Promise<Hit[]> => ranker.search(q, { limit, mode: values.mode });
  try {
    if (!batch) {
      const hits = await answer(query);
      const weak = weakFrom(hits);
      const note = `weaker matches: under ${WEAK_BELOW * 100}% of the best score`;
      // With --zotero, --json also says each paper's authors, year and source.
      const described = values.zotero !== undefined ? library : undefined;
      if (values.json || values.all) writeHits(hits, !!values.json, 'litlens search: no paper matches', { weakFrom: weak, weakNote: note }, described);
      else {
        writeHits(hits.slice(0, weak), false, 'litlens search: no paper matches');
        if (weak < hits.length) process.stderr.write(`litlens search: left out ${hits.length - weak} weaker matches (scoring under ${WEAK_BELOW * 100}% of the best; --all lists them)\n`);
      }
      return 0;
    }
    return await writeBatch(batch, queries!, (value) => {
      if (typeof value.query !== 'string') throw new Error('needs a string "query"');
      return answer(value.query);
    });
  } finally {
    await closeRanker(ranker);
  }
}
