// Pooled re-cite on real papers: the real-text check of the ranking lenses and hovers use.
// All the papers' .bib entries are one library (first holder of a key wins); every citation whose
// key has an entry is taken out of its document and the citing text (the server's rule, citingText)
// is ranked by the related ranking over the pooled library (SearchIndex.related, threshold 0: the
// order lenses, hovers and Show Related Papers list in; and gated as a user would see a text alone,
// Ranker.relatedNow: the library null and the per-paper bar, no document null)
// and by the plain BM25F baseline (search/bm25f.ts) over the same entries. Co-cited keys are left
// out of both rankings. R@1, R@10, MRR@20 per half of eval/real.ts's split (the half of the paper
// the citation is in; papers outside the split, a held-out folder's, are the "held-out" half).
// In-process: no server, nothing from the corpus. `--half tune` computes the tune half alone (the
// library is still every paper's entries).
//
//   node --import tsx eval/pooled.ts [DIR] [--half tune|test|held-out] [--json]      (also printed at the end of npm run eval:real)
import type { Syntax } from '../server/src/documents';
import { citationAt, citedKeys, sentences } from '../server/src/documents';
import type { Paper } from '../server/src/library/paper';
import { DEFAULT_RELATED_THRESHOLD, SearchIndex } from '../server/src/search';
import { PlainBm25f } from '../server/src/search/bm25f';
import { Ranker } from '../server/src/search/rank';
import { readQueries } from './queries';
import { LIST_DEPTH, citingText, exactRank, reciteMetrics, reciteOccurrences, withoutKey, type ReciteMetrics } from './recite';

export interface PooledPaper {
  name: string;
  half: 'tune' | 'test' | null;
  text: string;
  syntax: Syntax;
  entries: Map<string, Paper>;
}

export interface PooledReport {
  library: number;
  halves: Record<string, { related: ReciteMetrics; gated: ReciteMetrics & { listed: number }; bm25f: ReciteMetrics; uncited: Listed; offTopic: Listed }>;
}

/** How many texts were asked and how many got a gated list. */
export interface Listed {
  texts: number;
  listed: number;
}

/** The half a paper's citations count in: eval/real.ts's split, or "held-out" for papers outside it. */
const halfName = (p: PooledPaper) => p.half ?? 'held-out';

export function pooledRecite(papers: readonly PooledPaper[], only?: string): PooledReport {
  const pool = new Map<string, Paper>();
  for (const p of papers) for (const [k, e] of p.entries) if (!pool.has(k)) pool.set(k, e);
  const library = [...pool.values()];
  const index = SearchIndex.build(library);
  const ranker = new Ranker(index);
  const plain = PlainBm25f.build(library);
  const depth = LIST_DEPTH;
  const runs: { half: string; related: number | null; gated: number | null; listed: boolean; bm25f: number | null }[] = [];
  for (const p of papers) {
    if (only && halfName(p) !== only) continue;
    const { asked } = reciteOccurrences(p.text, p.syntax, (k) => pool.has(k));
    for (const cited of asked) {
      const copy = withoutKey(p.text, cited);
      const cite = citationAt(copy.text, copy.cursor, p.syntax);
      const text = cite ? citingText(copy.text, copy.cursor, p.syntax, cite.command) : '';
      const cocited = new Set(cite?.keys ?? []);
      const rankOf = (keys: string[]) => {
        const i = keys.filter((k) => !cocited.has(k)).slice(0, depth).indexOf(cited.key);
        return i >= 0 ? i + 1 : null;
      };
      const ask = depth + cocited.size;
      const ranked = text.trim() ? index.related(text, { limit: ask, threshold: 0 }).map((h) => h.paper.key) : [];
      const gated = text.trim() ? ranker.relatedNow(text, { limit: ask, threshold: DEFAULT_RELATED_THRESHOLD, relative: 0 }).hits.map((h) => h.paper.key) : [];
      const base = text.trim() ? plain.rank(text, ask).map((h) => h.paper.key) : [];
      runs.push({ half: halfName(p), related: rankOf(ranked), gated: rankOf(gated), listed: gated.length > 0, bm25f: rankOf(base) });
    }
  }
  const metrics = (rs: typeof runs, f: (r: (typeof runs)[number]) => number | null) => reciteMetrics(rs.map((r) => (f(r) === null ? null : exactRank(f(r)!))));
  // The gate's cost: sentences that cite nothing (the papers' own, each half), and npm run eval's
  // off-topic texts (eval/queries, same half), each with a list over the pooled library.
  const gatedList = (text: string) => ranker.relatedNow(text, { limit: depth, threshold: DEFAULT_RELATED_THRESHOLD, relative: 0 }).hits.length > 0;
  const count = (texts: string[]): Listed => ({ texts: texts.length, listed: texts.filter(gatedList).length });
  const uncitedSentences = (half: string) =>
    papers
      .filter((p) => halfName(p) === half)
      .flatMap((p) => {
        const cites = citedKeys(p.text, p.syntax);
        return sentences(p.text, p.syntax).filter((s) => !cites.some((k) => k.start >= s.start && k.start < s.end)).map((s) => s.text);
      });
  const halves: PooledReport['halves'] = {};
  for (const half of ['tune', 'test', 'held-out']) {
    const rs = runs.filter((r) => r.half === half);
    if (rs.length === 0) continue;
    halves[half] = {
      related: metrics(rs, (r) => r.related),
      gated: { ...metrics(rs, (r) => r.gated), listed: rs.filter((r) => r.listed).length / rs.length },
      bm25f: metrics(rs, (r) => r.bm25f),
      uncited: count(uncitedSentences(half)),
      // A held-out folder's citations are judged beside the off-topic texts of npm run eval's test half.
      offTopic: count(readQueries('offtopic', half === 'tune' ? 'tune' : 'test').map((q) => q.query)),
    };
  }
  return { library: library.length, halves };
}

export function printPooled(r: PooledReport): void {
  const num = (x: number) => x.toFixed(3);
  console.log(`\npooled re-cite: the related ranking over all the papers' .bib entries as one library (${r.library} entries)`);
  console.log('  half      citations   ranking                              R@1    R@10   R@20   MRR@20');
  for (const [half, h] of Object.entries(r.halves)) {
    const row = (name: string, m: ReciteMetrics) => console.log(`  ${half.padEnd(9)} ${String(m.occurrences).padStart(9)}   ${name.padEnd(35)} ${num(m.r1)}  ${num(m.r10)}  ${num(m.r20)}  ${num(m.mrr20)}`);
    row('LitLens related (ranking)', h.related);
    row(`LitLens related (gated, ${(100 * h.gated.listed).toFixed(0)}% listed)`, h.gated);
    row('plain BM25F', h.bm25f);
  }
  const share = (l: Listed) => `${((100 * l.listed) / Math.max(1, l.texts)).toFixed(1)}% of ${l.texts}`;
  for (const [half, h] of Object.entries(r.halves)) console.log(`  ${half.padEnd(9)} gated list for sentences citing nothing: ${share(h.uncited)}; for npm run eval's off-topic texts: ${share(h.offTopic)}`);
}

// Run directly: the pooled re-cite alone (a minute or two), over DIR or shared/real-papers.
if (require.main === module) {
  const argv = process.argv.slice(2);
  (async () => {
    const real = await import('./real.js');
    const hi = argv.indexOf('--half');
    const only = hi >= 0 ? argv[hi + 1] : undefined;
    if (only !== undefined && !['tune', 'test', 'held-out'].includes(only)) throw new Error('--half must be tune, test or held-out');
    const dir = argv.find((a, i) => !a.startsWith('--') && (hi < 0 || i !== hi + 1)) ?? real.defaultDir().dir;
    if (!dir) throw new Error('the real papers are not there: pass their folder (eval/pooled.ts DIR)');
    const report = pooledRecite(await real.pooledPapers(dir), only);
    if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
    else printPooled(report);
  })().catch((e: unknown) => {
    process.stderr.write(`eval/pooled.ts: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
