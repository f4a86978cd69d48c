// Where a shared corpus loses the embedded ranking's papers: for each of the eval's citing sentences
// and paragraphs (eval/queries/*.jsonl, both halves), each paper of the embedded top 10 the shared
// top 10 misses is put in one bin: among the candidates but ranked out; among the first MAX_CONTEXT_ROWS
// rows of the GIN query but not its CANDIDATES by ts_rank; matching the GIN query but cut by that
// cap; or matching no rare term or pair of it and not among the lists' best (litlens.top).
//
//   node --max-old-space-size=8192 --import tsx bench/pg-misses.ts --file SNAPSHOT --url postgresql://… --cache DIR
//
// The snapshot must be the one imported at URL; --cache as bench/pg-overlap.ts (its saved index).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { corpusSource, openCorpus } from '../server/src/search/corpus';
import { SearchIndex } from '../server/src/search/index';
import { contentTerms } from '../server/src/search/text';
import { SharedCorpus } from '../server/src/shared/corpus';
import { arg } from './pgBench';

const CAP = 8000; // shared/corpus.ts MAX_CONTEXT_ROWS

async function main(): Promise<void> {
  const [file, url, cache] = [arg('--file'), arg('--url'), arg('--cache')];
  if (!file || !url || !cache) throw new Error('usage: bench/pg-misses.ts --file SNAPSHOT --url postgresql://… --cache DIR');
  const corpus = await openCorpus(file, cache);
  if (typeof corpus === 'string') throw new Error(corpus);
  const embedded = SearchIndex.fromSources([]);
  embedded.setEncodedSource(corpusSource(corpus), corpus.encoded);
  const shared = new SharedCorpus(url, { statementMs: 60_000 });
  if (!(await shared.open())) throw new Error(shared.message);
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  // The GIN query and both candidate sets of the last request, caught on their way out.
  const inner = shared as unknown as { fetch: (...a: unknown[]) => Promise<{ paper: { key: string } }[]>; topCandidates: (...a: unknown[]) => Promise<{ paper: { key: string } }[]> };
  let gin: string[] = [];
  let lists: string[] = [];
  let tsquery = '';
  const fetch = inner.fetch.bind(shared);
  const top = inner.topCandidates.bind(shared);
  inner.fetch = async (...a) => {
    tsquery = String(a[1]);
    const r = await fetch(...a);
    gin = r.map((c) => c.paper.key);
    return r;
  };
  inner.topCandidates = async (...a) => {
    const r = await top(...a);
    lists = r.map((c) => c.paper.key);
    return r;
  };
  const texts = ['citing', 'paragraphs'].flatMap((kind) =>
    ['tune', 'test'].flatMap((half) =>
      readFileSync(join(__dirname, '..', 'eval', 'queries', `${kind}.${half}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ kind, query: (JSON.parse(l) as { query: string }).query })),
    ),
  );
  const tally = new Map<string, Map<string, number>>();
  for (const { kind, query } of texts) {
    const want = embedded.context(query, { limit: 10 }).map((h) => h.paper.key);
    if (want.length === 0) continue;
    gin = [];
    lists = [];
    const got = new Set((await shared.context(query, 10)).map((h) => h.paper.key));
    const rows = Number((await db.query('SELECT count(*) FROM (SELECT 1 FROM litlens.papers WHERE tsv @@ $1::tsquery LIMIT $2) x', [tsquery, 2.5 * CAP])).rows[0].count);
    const first = new Set((await db.query('SELECT id FROM litlens.papers WHERE tsv @@ $1::tsquery LIMIT $2', [tsquery, CAP])).rows.map((r) => r.id as string));
    const matching = new Set((await db.query('SELECT id FROM litlens.papers WHERE id = ANY($2) AND tsv @@ $1::tsquery', [tsquery, want])).rows.map((r) => r.id as string));
    const t = tally.get(kind) ?? new Map<string, number>();
    tally.set(kind, t);
    const add = (bin: string, n = 1) => t.set(bin, (t.get(bin) ?? 0) + n);
    add('queries');
    add('terms', new Set(contentTerms(query).map((x) => x.stem)).size);
    add(`GIN rows (counted to ${2.5 * CAP})`, rows);
    add('GIN query over the cap', rows > CAP ? 1 : 0);
    for (const key of want) {
      add('embedded top-10 papers');
      if (got.has(key)) add('found');
      else if (gin.includes(key) || lists.includes(key)) add('missed: a candidate, ranked out');
      else if (first.has(key)) add('missed: in the first rows, not among the best by ts_rank');
      else if (matching.has(key)) add('missed: matches the GIN query, cut by the cap');
      else add('missed: holds no rare term or pair, not among the lists\' best');
    }
  }
  for (const [kind, t] of tally) console.log(`${kind}: ${[...t].map(([k, v]) => `${k} ${v}`).join('; ')}`);
  await db.end();
  await shared.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
