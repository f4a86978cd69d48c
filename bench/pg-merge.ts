// Does the search box's merge of a shared corpus with the local library (Ranker.search: by score)
// lose to plain BM25F over the same papers? The
// bundled corpus is split in two (every other paper): one half stays local, the other is imported
// into PostgreSQL as a shared corpus; the eval's queries (eval/queries: search, citing, paragraphs;
// each half apart) are put to the search box (Ranker.search) and ranked by:
//   merged    the local half's index and the shared half, merged as the panel and `litlens search` do
//   shares    the same two lists merged by shares of each list's best (the panel's merge before)
//   embedded  LitLens' search box over both halves in one index (what the split costs)
//   bm25f     plain BM25F (search/bm25f.ts) over both halves
// R@1, MRR and nDCG@10 of each (eval/queries.ts rankMetrics), top 10. `--local N`: one paper in N
// stays local (default 2: halves); `--noise SNAPSHOT`: an arXiv snapshot's papers join the shared
// corpus (and both baselines' collection), so the two sources' statistics differ as a lab's large
// corpus and a small library do (bench/generate.ts --arxiv makes one).
//
//   npm run build && node --import tsx bench/pg-merge.ts --url postgresql://USER@HOST:PORT/DB [--local N] [--noise SNAPSHOT]
//
// URL names an empty database (its `litlens` schema is dropped and imported again).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { rankMetrics, readQueries, type Half, type Kind } from '../eval/queries';
import { arxivPaper } from '../server/src/library/arxiv';
import { toCslItem } from '../server/src/library/bibwriter';
import type { Paper } from '../server/src/library/paper';
import { loadCorpus } from '../server/src/library/corpus';
import { SearchIndex, type Hit } from '../server/src/search';
import { PlainBm25f } from '../server/src/search/bm25f';
import { Ranker } from '../server/src/search/rank';
import { SharedCorpus } from '../server/src/shared/corpus';
import { arg, urlArg } from './pgBench';

const LIMIT = 10;
const url = urlArg('usage: bench/pg-merge.ts --url postgresql://USER@HOST:PORT/DB [--local N] [--noise SNAPSHOT]');
const every = Number(arg('--local', '2'));
const noiseFile = arg('--noise');

async function main(): Promise<void> {
  const bundled = (await loadCorpus()).papers;
  const local = bundled.filter((_, i) => i % every === 0);
  const sharedHalf = bundled.filter((_, i) => i % every !== 0);
  const noise = noiseFile
    ? readFileSync(noiseFile, 'utf8').split('\n').filter(Boolean).map((l, i) => arxivPaper(JSON.parse(l), noiseFile, i + 1)).filter((p): p is Paper => typeof p !== 'string')
    : [];
  const papers = [...bundled, ...noise];
  const dir = mkdtempSync(join(tmpdir(), 'litlens-pg-merge-'));
  try {
    const file = join(dir, 'half.jsonl');
    writeFileSync(file, sharedHalf.map((p) => JSON.stringify(toCslItem(p))).join('\n') + '\n');
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('DROP SCHEMA IF EXISTS litlens CASCADE');
    await db.end();
    const run = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'cli.js'), 'corpus', 'import', file, ...(noiseFile ? [noiseFile] : []), '--to', url], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    console.log(`local: ${local.length} papers; shared: ${run.stdout.trim()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const shared = new SharedCorpus(url, { statementMs: 60_000 });
  if (!(await shared.open())) throw new Error(shared.message);
  const localIndex = SearchIndex.fromSources([{ id: 'local', papers: local, kind: 'corpus' }]);
  const merged = new Ranker(localIndex, null, [shared], 60_000);
  const whole = SearchIndex.fromSources([{ id: 'whole', papers, kind: 'corpus' }]);
  const plain = PlainBm25f.build(papers);
  const keys = (hits: readonly { paper: { key: string } }[]) => hits.map((h) => h.paper.key);
  const rankings: Record<string, (q: string) => Promise<string[]>> = {
    merged: async (q) => keys(await merged.search(q, { limit: LIMIT })),
    shares: async (q) => {
      const share = (hits: Hit[]) => hits.map((h) => ({ paper: h.paper, score: h.score / Math.max(...hits.map((x) => x.score)) }));
      const both = [...share(localIndex.searchBox(q, { limit: LIMIT }).hits), ...share(await shared.search(q, LIMIT))];
      return keys(both.sort((a, b) => b.score - a.score).slice(0, LIMIT));
    },
    embedded: async (q) => keys(whole.searchBox(q, { limit: LIMIT }).hits),
    bm25f: async (q) => keys(plain.rank(q, LIMIT)),
  };
  for (const half of ['tune', 'test'] as Half[]) {
    for (const kind of ['search', 'citing', 'paragraphs'] as Kind[]) {
      const queries = readQueries(kind, half);
      const row: string[] = [];
      for (const [name, rank] of Object.entries(rankings)) {
        const runs = [];
        for (const q of queries) runs.push({ ranked: await rank(q.query), relevant: q.relevant ?? {} });
        const m = rankMetrics(runs);
        row.push(`${name} ${m.r1.toFixed(3)} / ${m.mrr.toFixed(3)} / ${m.ndcg10.toFixed(3)}`);
      }
      console.log(`${half} ${kind} (${queries.length}; R@1 / MRR / nDCG@10): ${row.join(' | ')}`);
    }
  }
  await shared.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
