// Retrieval quality of LitLens search on the bundled corpus.
//
//   npm run eval [-- --json] [-- --threshold T] [-- --relative R] [-- --sweep] [-- --half tune|test] [-- --set DIR]
//
// The queries live in eval/queries/<kind>.<half>.jsonl, one {"id","query","relevant":{key:grade}}
// per line (grade 2 = the paper meant, 1 = related; off-topic lines have no "relevant"; keys are
// corpus/papers.json ids). `--set DIR` measures a set kept outside the project in the same format
// (docs/related.md, "Measuring your own set"): its missing files are kinds it does not measure, a
// half with no file is not printed.
//   citing      a sentence paraphrasing one paper without its title words   -> index.context
//   search      what a user types in the search box (typos, partial words)  -> the search box logic
//   paragraphs  a related-work paragraph, several papers graded 2 / 1        -> index.context
//   offtopic    text about something the library does not cover             -> index.related must be []
// Related lists (Ranker.relatedNow, the editor's rule for a text given alone, with the editor's limit) are judged for citing sentences and
// paragraphs: papers returned, precision (grade >= 1), recall of the graded papers, and whether
// a grade-2 paper is among them. `--sweep` prints, for the tune half only, the threshold against
// rejection and the relative cut against list precision.
// Then issue 17's figures for the lists a user sees (Show Related Papers, lenses: Ranker.relatedNow with
// relative 0, limit 20), printed beside the plain BM25F baseline (search/bm25f.ts, top 10, no gate)
// on both halves: paragraphs nDCG@10 and share with a list, citing R@1 / R@5 / nDCG@10 and share
// with a list, off-topic texts with no list.
// Tune on the tune half only; the test half is for reporting.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCorpus } from '../server/src/library/corpus';
import type { Paper } from '../server/src/library/paper';
import { RELATED_LIST_RELATIVE } from '../server/src/features/related';
import { defaultSettings } from '../server/src/protocol';
import { DEFAULT_RELATED_RELATIVE, DEFAULT_RELATED_THRESHOLD, Hit, SearchIndex } from '../server/src/search';
import { PlainBm25f } from '../server/src/search/bm25f';
import { Ranker } from '../server/src/search/rank';
import { contentTerms } from '../server/src/search/text';
import { type Half, type Kind, type RankMetrics, queriesDir, rankMetrics, readQueries } from './queries';

const KINDS: Kind[] = ['citing', 'search', 'paragraphs', 'offtopic'];
const HALVES: Half[] = ['tune', 'test'];
const DEPTH = 100;

/** Related lists, averaged over the texts that got a non-empty list (precision, recall) or all (the rest). */
export interface ListMetrics {
  /** Papers returned per text. */
  papers: number;
  /** Share of returned papers graded >= 1. */
  precision: number;
  /** Share of graded papers (grade >= 1, at most `limit`) returned. */
  recall: number;
  /** Share of texts whose list holds a grade-2 paper. */
  target: number;
}
export interface HalfReport {
  citing: RankMetrics & { accepted: number; acceptedCorrect: number; acceptedFirst: number; list: ListMetrics };
  search: RankMetrics;
  paragraphs: RankMetrics & { accepted: number; list: ListMetrics };
  offtopic: { queries: number; rejected: number };
}
/** The related rule under evaluation. */
export interface RelatedRule {
  threshold: number;
  relative: number;
}
/** Lists as long as the editor asks for (code lenses use litlens.maxSuggestions). */
const LIST_LIMIT = defaultSettings.maxSuggestions;

function listMetrics(runs: { list: string[]; relevant: Record<string, number> }[]): ListMetrics {
  const answered = runs.filter((r) => r.list.length > 0);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const hits = (r: { list: string[]; relevant: Record<string, number> }) => r.list.filter((k) => (r.relevant[k] ?? 0) >= 1).length;
  const graded = (r: { relevant: Record<string, number> }) => Object.values(r.relevant).filter((g) => g >= 1).length;
  return {
    papers: mean(runs.map((r) => r.list.length)),
    precision: mean(answered.map((r) => hits(r) / r.list.length)),
    recall: mean(answered.map((r) => hits(r) / Math.min(LIST_LIMIT, graded(r)))),
    target: mean(runs.map((r) => (r.list.some((k) => (r.relevant[k] ?? 0) >= 2) ? 1 : 0))),
  };
}

export function evaluate(index: SearchIndex, rule: RelatedRule, half: Half, dir = queriesDir): HalfReport {
  const keys = (hits: Hit[]) => hits.map((h) => h.paper.key);
  const ranker = new Ranker(index);
  const related = (text: string) => keys(ranker.relatedNow(text, { ...rule, limit: LIST_LIMIT }).hits);
  const citing = readQueries('citing', half, dir);
  const paragraphs = readQueries('paragraphs', half, dir);
  const citingLists = citing.map((q) => ({ list: related(q.query), relevant: q.relevant ?? {} }));
  const paragraphLists = paragraphs.map((q) => ({ list: related(q.query), relevant: q.relevant ?? {} }));
  const off = readQueries('offtopic', half, dir);
  return {
    citing: {
      ...rankMetrics(citing.map((q) => ({ ranked: keys(index.context(q.query, { limit: DEPTH })), relevant: q.relevant ?? {} }))),
      accepted: citingLists.filter((r) => r.list.length > 0).length / Math.max(1, citing.length),
      acceptedCorrect: citingLists.filter((r) => r.list.some((k) => (r.relevant[k] ?? 0) >= 2)).length / Math.max(1, citing.length),
      acceptedFirst: citingLists.filter((r) => r.list.length > 0 && (r.relevant[r.list[0]] ?? 0) >= 2).length / Math.max(1, citing.length),
      list: listMetrics(citingLists),
    },
    search: rankMetrics(readQueries('search', half, dir).map((q) => ({ ranked: keys(index.search(q.query, { limit: DEPTH })), relevant: q.relevant ?? {} }))),
    paragraphs: {
      ...rankMetrics(paragraphs.map((q) => ({ ranked: keys(index.context(q.query, { limit: DEPTH })), relevant: q.relevant ?? {} }))),
      accepted: paragraphLists.filter((r) => r.list.length > 0).length / Math.max(1, paragraphs.length),
      list: listMetrics(paragraphLists),
    },
    offtopic: { queries: off.length, rejected: off.filter((q) => related(q.query).length === 0).length / Math.max(1, off.length) },
  };
}

/** What issue 17 measures on the lists a user sees (lenses, Show Related Papers), for one ranking. */
export interface ListReport {
  /** Related-work paragraphs: nDCG@10 of the list (graded), share with a list, papers per list. */
  paragraphs: { n: number; ndcg10: number; listed: number; papers: number };
  /** Citing sentences: the paper meant first / in the top 5 of the list, share with a list, papers per list. */
  citing: { n: number; r1: number; r5: number; ndcg10: number; listed: number; papers: number };
  /** Off-topic texts: share with no list. */
  offtopic: { n: number; silent: number };
}

/** The lists `list` gives, judged as issue 17 asks; an empty list counts as nothing found. */
export function listReport(list: (text: string) => string[], half: Half, dir = queriesDir): ListReport {
  const judge = (kind: Kind) => readQueries(kind, half, dir).map((q) => ({ ranked: list(q.query), relevant: q.relevant ?? {} }));
  const share = (runs: { ranked: string[] }[], f: (r: string[]) => boolean) => runs.filter((r) => f(r.ranked)).length / Math.max(1, runs.length);
  const paragraphs = judge('paragraphs');
  const citing = judge('citing');
  const off = judge('offtopic');
  const cm = rankMetrics(citing);
  const papers = (runs: { ranked: string[] }[]) => runs.reduce((sum, r) => sum + r.ranked.length, 0) / Math.max(1, runs.length);
  return {
    paragraphs: { n: paragraphs.length, ndcg10: rankMetrics(paragraphs).ndcg10, listed: share(paragraphs, (r) => r.length > 0), papers: papers(paragraphs) },
    citing: { n: citing.length, r1: cm.r1, r5: cm.r5, ndcg10: cm.ndcg10, listed: share(citing, (r) => r.length > 0), papers: papers(citing) },
    offtopic: { n: off.length, silent: share(off, (r) => r.length === 0) },
  };
}

/** The plain BM25F baseline's lists: its top 10, no gate. */
export function baselineLists(papers: readonly Paper[]): (text: string) => string[] {
  const plain = PlainBm25f.build(papers);
  return (text) => plain.rank(text, 10).map((h) => h.paper.key);
}

function printLists(half: Half, ours: ListReport, base: ListReport): void {
  const row = (name: string, a: number, b: number, p = false) =>
    console.log(`  ${name.padEnd(40)} ${(p ? pct(a) + '%' : num(a)).padStart(7)}  ${(p ? pct(b) + '%' : num(b)).padStart(7)}`);
  console.log(`\n${half} half, the lists a user sees (Show Related Papers, lenses)   LitLens  BM25F`);
  row(`paragraphs nDCG@10 (n=${ours.paragraphs.n})`, ours.paragraphs.ndcg10, base.paragraphs.ndcg10);
  row('paragraphs with a list', ours.paragraphs.listed, base.paragraphs.listed, true);
  row('paragraphs: papers per list', ours.paragraphs.papers, base.paragraphs.papers);
  row(`citing R@1 (n=${ours.citing.n})`, ours.citing.r1, base.citing.r1);
  row('citing R@5', ours.citing.r5, base.citing.r5);
  row('citing nDCG@10', ours.citing.ndcg10, base.citing.ndcg10);
  row('citing with a list', ours.citing.listed, base.citing.listed, true);
  row('citing: papers per list', ours.citing.papers, base.citing.papers);
  row(`off-topic silent (n=${ours.offtopic.n})`, ours.offtopic.silent, base.offtopic.silent, true);
}

/** Problems with the eval set itself: unknown keys, citing sentences that reuse title words. */
function checkQueries(papers: Paper[], dir: string): string[] {
  const byKey = new Map(papers.map((p) => [p.key, p]));
  const problems: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    const [kind, half] = file.split('.') as [Kind, Half];
    if (!KINDS.includes(kind) || !HALVES.includes(half)) problems.push(`${file}: name is not <kind>.<tune|test>.jsonl`);
  }
  const seen = new Set<string>();
  for (const kind of KINDS) {
    for (const half of HALVES) {
      for (const q of readQueries(kind, half, dir)) {
        if (seen.has(q.id)) problems.push(`${kind}.${half}: duplicate id ${q.id}`);
        seen.add(q.id);
        for (const key of Object.keys(q.relevant ?? {})) if (!byKey.has(key)) problems.push(`${kind}.${half} ${q.id}: unknown key ${key}`);
        if (kind === 'citing') {
          const target = Object.keys(q.relevant ?? {}).find((k) => q.relevant![k] >= 2);
          const title = new Set(contentTerms(byKey.get(target ?? '')?.title ?? '').map((t) => t.stem));
          const reused = contentTerms(q.query).filter((t) => title.has(t.stem));
          if (reused.length) problems.push(`${kind}.${half} ${q.id}: uses title words ${reused.map((t) => t.token.term).join(', ')}`);
        }
      }
    }
  }
  return problems;
}

const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
const num = (x: number) => x.toFixed(3);

function printHalf(half: Half, r: HalfReport, rule: RelatedRule): void {
  console.log(`\n${half} half (related threshold ${rule.threshold}, relative cut ${rule.relative})`);
  console.log('  set          n     R@1    R@5    MRR   nDCG@10');
  for (const kind of ['citing', 'search', 'paragraphs'] as const) {
    const m = r[kind];
    console.log(`  ${kind.padEnd(11)} ${String(m.queries).padStart(2)}  ${num(m.r1)}  ${num(m.r5)}  ${num(m.mrr)}  ${num(m.ndcg10)}`);
  }
  console.log(`  off-topic rejected:            ${pct(r.offtopic.rejected)}%  (${r.offtopic.queries} texts)`);
  console.log(`  paraphrases accepted:          ${pct(r.citing.accepted)}%  (target among them: ${pct(r.citing.acceptedCorrect)}%, first: ${pct(r.citing.acceptedFirst)}%)`);
  console.log(`  paragraphs accepted:           ${pct(r.paragraphs.accepted)}%`);
  console.log(`  related lists (limit ${LIST_LIMIT})   papers  precision  recall  target kept`);
  for (const kind of ['citing', 'paragraphs'] as const) {
    const l = r[kind].list;
    console.log(`  ${kind.padEnd(26)} ${l.papers.toFixed(2).padStart(6)}  ${num(l.precision).padStart(9)}  ${num(l.recall).padStart(6)}  ${pct(l.target).padStart(10)}%`);
  }
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const ti = argv.indexOf('--threshold');
  const threshold = ti >= 0 ? Number(argv[ti + 1]) : DEFAULT_RELATED_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    process.stderr.write('eval: --threshold must be a number from 0 to 1\n');
    return 2;
  }
  const ri = argv.indexOf('--relative');
  const relative = ri >= 0 ? Number(argv[ri + 1]) : DEFAULT_RELATED_RELATIVE;
  if (!(relative >= 0 && relative <= 1)) {
    process.stderr.write('eval: --relative must be a number from 0 to 1\n');
    return 2;
  }
  const rule: RelatedRule = { threshold, relative };
  const corpus = await loadCorpus();
  if (corpus.papers.length === 0) {
    process.stderr.write(`eval: the corpus did not load: ${corpus.issues.map((i) => i.message).join('; ')}\n`);
    return 1;
  }
  const si = argv.indexOf('--set');
  const dir = si >= 0 ? resolve(argv[si + 1] ?? '') : queriesDir;
  if (si >= 0 && !existsSync(dir)) {
    process.stderr.write(`eval: --set ${argv[si + 1] ?? ''}: no such folder\n`);
    return 2;
  }
  const problems = checkQueries(corpus.papers, dir);
  for (const p of problems) process.stderr.write(`${dir === queriesDir ? 'eval/queries' : dir}: ${p}\n`);
  const index = SearchIndex.build(corpus.papers);
  if (argv.includes('--sweep')) {
    if (dir !== queriesDir) {
      process.stderr.write('eval: --sweep tunes on eval/queries\' tune half only, never on a --set\n');
      return 2;
    }
    // Tune half only: how the threshold trades off-topic rejection against paraphrase acceptance.
    console.log('threshold  off-topic rejected  paraphrases accepted (target, first)  paragraphs accepted');
    for (let t = 0.05; t <= 0.401; t += 0.025) {
      const r = evaluate(index, { threshold: t, relative }, 'tune');
      console.log(`  ${t.toFixed(3)}        ${pct(r.offtopic.rejected)}%            ${pct(r.citing.accepted)}% (${pct(r.citing.acceptedCorrect)}%, ${pct(r.citing.acceptedFirst)}%)     ${pct(r.paragraphs.accepted)}%`);
    }
    // Tune half only: how the relative cut trades list length and precision against recall.
    console.log(`\nrelative  citing: papers precision target kept   paragraphs: papers precision recall   (threshold ${threshold})`);
    for (let c = 0; c <= 0.901; c += c < 0.6 ? 0.3 : 0.025) {
      const r = evaluate(index, { threshold, relative: c }, 'tune');
      const [cl, pl] = [r.citing.list, r.paragraphs.list];
      console.log(`  ${c.toFixed(3)}           ${cl.papers.toFixed(2).padStart(5)}    ${num(cl.precision)}    ${pct(cl.target)}%              ${pl.papers.toFixed(2).padStart(5)}    ${num(pl.precision)}  ${num(pl.recall)}`);
    }
    return 0;
  }
  // `--half tune` while tuning: the test half is not even computed.
  const hi = argv.indexOf('--half');
  const only = hi >= 0 ? (argv[hi + 1] as Half) : undefined;
  if (only !== undefined && !HALVES.includes(only)) {
    process.stderr.write('eval: --half must be tune or test\n');
    return 2;
  }
  const halves = (only ? [only] : HALVES).filter((h) => KINDS.some((k) => existsSync(join(dir, `${k}.${h}.jsonl`))));
  if (halves.length === 0) {
    process.stderr.write(`eval: ${dir} holds no <kind>.<tune|test>.jsonl (kinds: ${KINDS.join(', ')})\n`);
    return 2;
  }
  const baseline = baselineLists(corpus.papers);
  const ranker = new Ranker(index);
  const userLists = (text: string) => ranker.relatedNow(text, { ...rule, relative: RELATED_LIST_RELATIVE, limit: LIST_LIMIT }).hits.map((h) => h.paper.key);
  const lists = Object.fromEntries(halves.map((h) => [h, { litlens: listReport(userLists, h, dir), bm25f: listReport(baseline, h, dir) }]));
  const report = { ...rule, papers: corpus.papers.length, set: dir, ...Object.fromEntries(halves.map((h) => [h, evaluate(index, rule, h, dir)])), lists, problems };
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`LitLens search eval: ${corpus.papers.length} papers (bundled corpus), queries from ${dir === queriesDir ? 'eval/queries' : dir}`);
    for (const h of halves) printHalf(h, (report as unknown as Record<Half, HalfReport>)[h], rule);
    for (const h of halves) printLists(h, lists[h].litlens, lists[h].bm25f);
  }
  // An outside set may paraphrase with title words: reported, not failed.
  const failing = dir === queriesDir ? problems : problems.filter((p) => !p.includes('uses title words'));
  return failing.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`eval: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
