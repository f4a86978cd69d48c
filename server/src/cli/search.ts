// `litlens search`: rank the library for a query, as the search panel does.
import { defaultSettings } from '../protocol';
import type { Hit } from '../search';
import { RANKING, UsageError, parse, type Command } from './args';
import { closeRanker, openLibrary, openRanker, readBatch, writeBatch, writeHits } from './io';

export const search: Command = {
  summary: 'rank the library for a query (typed words or a sentence)',
  usage: [
    '[--json] [--limit N] [--library PATH]... [--no-corpus] [--mode typed|context] [--cache DIR] "text"',
    '[--corpus FILE]... [--categories cs.LG,stat.ML] ...   (arXiv snapshots or CSL JSON lines; saved in DIR/corpora with --cache)',
    '[--semantic [--model ID|PATH] [--download]] ...   (fused with the nearest papers by meaning)',
    '[--json] ... --queries FILE.jsonl   (lines {"id","query"} -> lines {"id","results":[{"key","title","score"}]})',
  ],
  run: runSearch,
};

const FLAGS = { ...RANKING, mode: { type: 'choice', choices: ['typed', 'context'] } } as const;

async function runSearch(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, FLAGS, { positionals: true });
  const query = positionals.join(' ');
  const queries = values.queries;
  if (!queries && !query.trim()) throw new UsageError('nothing to search for: give the query text or --queries FILE');
  if (queries && query.trim()) throw new UsageError('give either the query text or --queries, not both');
  const batch = queries ? await readBatch(queries) : null;
  const ranker = await openRanker(await openLibrary(values), values);
  const limit = values.limit ?? defaultSettings.maxSuggestions;
  const answer = (q: string): Promise<Hit[]> => ranker.search(q, { limit, mode: values.mode });
  try {
    if (!batch) {
      writeHits(await answer(query), !!values.json, 'litlens search: no paper matches');
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
