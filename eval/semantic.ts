// Lexical vs semantic vs fused ranking on the eval set (eval/queries/*.jsonl), for one model.
//
//   node --import tsx eval/semantic.ts [--model ID|PATH] [--cache DIR] [--half tune|test] [--json]
//
// Without --model it uses the suite's test model (.litlens-cache/test-model, built when missing).
// That model is LSA over the corpus itself, so its numbers say the code works, not how good
// all-MiniLM-L6-v2 is: run again with --model pointing at a downloaded model for that.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestModel } from '../scripts/make-test-model';
import { loadCorpus } from '../server/src/library/corpus';
import { DEFAULT_RELATED_THRESHOLD, type Hit, SearchIndex } from '../server/src/search';
import { SemanticIndex, fuse, fuseRelated, type FuseOptions } from '../server/src/search/semantic';
import { Ranker } from '../server/src/search/rank';
import { defaultCacheDir } from '../server/src/search/semantic/oneShot';
import { type ListReport, listReport } from './eval';
import { type Half, type RankMetrics, rankMetrics, readQueries } from './queries';

const DEPTH = 100;
const ROOT = join(__dirname, '..');

export interface SemanticEvalReport {
  model: string;
  half: Half;
  papers: number;
  /** Per ranking (lexical, semantic, rrf, score…) and query set. */
  rankings: Record<string, Record<'citing' | 'search' | 'paragraphs', RankMetrics>>;
  /** The related rule: lexical alone vs fused (lexical gate OR semantic gate). */
  related: Record<string, { offtopicRejected: number; citingAccepted: number; citingTargetFound: number; paragraphsAccepted: number }>;
  gate: number;
  /** Issue 17's figures on the lists a user sees (eval.ts listReport): lexical alone and fused with meaning. */
  lists: { lexical: ListReport; fused: ListReport };
}

export async function evalSemantic(options: { model?: string; cacheDir?: string; half?: Half } = {}): Promise<SemanticEvalReport> {
  const half = options.half ?? 'test';
  let model = options.model;
  if (!model) {
    model = join(ROOT, '.litlens-cache', 'test-model');
    if (!existsSync(join(model, 'onnx', 'model.onnx'))) buildTestModel(model);
  }
  const corpus = await loadCorpus();
  const papers = corpus.papers;
  const lexical = SearchIndex.build(papers);
  const semantic = new SemanticIndex({ model, cacheDir: options.cacheDir ?? defaultCacheDir() });
  await semantic.index(papers);
  if (semantic.status.state !== 'ready') throw new Error(semantic.status.message ?? 'semantic index not ready');

  const sets = { citing: readQueries('citing', half), search: readQueries('search', half), paragraphs: readQueries('paragraphs', half) };
  const vectors = new Map<string, Float32Array>();
  for (const q of [...sets.citing, ...sets.search, ...sets.paragraphs, ...readQueries('offtopic', half)]) vectors.set(q.query, await semantic.embedQuery(q.query));

  const keys = (hits: readonly { paper: { key: string } }[]) => hits.map((h) => h.paper.key);
  const lexicalOf = (kind: string, q: string): Hit[] => (kind === 'search' ? lexical.search(q, { limit: DEPTH }) : lexical.context(q, { limit: DEPTH }));
  const rankers: Record<string, (kind: string, q: string) => string[]> = {
    lexical: (kind, q) => keys(lexicalOf(kind, q)),
    semantic: (_kind, q) => keys(semantic.nearest(vectors.get(q)!, DEPTH)),
  };
  const variants: [string, FuseOptions][] = [
    ['rrf', { method: 'rrf', semanticWeight: 0.5 }],
    ['rrf w=0.3', { method: 'rrf', semanticWeight: 0.3 }],
    ['score', { method: 'score', semanticWeight: 0.5 }],
    ['score w=0.3', { method: 'score', semanticWeight: 0.3 }],
  ];
  for (const [name, opts] of variants) {
    rankers[name] = (kind, q) => keys(fuse(lexicalOf(kind, q), semantic.nearest(vectors.get(q)!, DEPTH), { ...opts, limit: DEPTH }));
  }
  const rankings: SemanticEvalReport['rankings'] = {};
  for (const [name, rank] of Object.entries(rankers)) {
    rankings[name] = {
      citing: rankMetrics(sets.citing.map((q) => ({ ranked: rank('citing', q.query), relevant: q.relevant ?? {} }))),
      search: rankMetrics(sets.search.map((q) => ({ ranked: rank('search', q.query), relevant: q.relevant ?? {} }))),
      paragraphs: rankMetrics(sets.paragraphs.map((q) => ({ ranked: rank('paragraphs', q.query), relevant: q.relevant ?? {} }))),
    };
  }

  const threshold = DEFAULT_RELATED_THRESHOLD;
  const gate = semantic.gate(threshold);
  const off = readQueries('offtopic', half);
  const relatedBy: Record<string, (q: string) => string[]> = {
    lexical: (q) => keys(lexical.related(q, { threshold, limit: 10 })),
    semantic: (q) => keys(semantic.nearest(vectors.get(q)!, 10).filter((h) => h.score >= gate)),
    fused: (q) => keys(fuseRelated(lexical.related(q, { threshold, limit: 10 }), semantic.nearest(vectors.get(q)!, 10), gate, { limit: 10 })),
  };
  const related: SemanticEvalReport['related'] = {};
  for (const [name, rel] of Object.entries(relatedBy)) {
    related[name] = {
      offtopicRejected: off.filter((q) => rel(q.query).length === 0).length / off.length,
      citingAccepted: sets.citing.filter((q) => rel(q.query).length > 0).length / sets.citing.length,
      citingTargetFound: sets.citing.filter((q) => rel(q.query).some((k) => (q.relevant?.[k] ?? 0) >= 2)).length / sets.citing.length,
      paragraphsAccepted: sets.paragraphs.filter((q) => rel(q.query).length > 0).length / sets.paragraphs.length,
    };
  }
  // The lexical list a user sees for a text alone (the library null and the per-paper bar), then fused as the Ranker fuses it.
  const ranker = new Ranker(lexical);
  const userList = (q: string) => ranker.relatedNow(q, { threshold, relative: 0, limit: 20 }).hits;
  const lists = {
    lexical: listReport((q) => keys(userList(q)), half),
    fused: listReport((q) => keys(fuseRelated(userList(q), semantic.nearest(vectors.get(q)!, 20), gate, { limit: 20 })), half),
  };
  await semantic.dispose();
  return { model, half, papers: papers.length, rankings, related, gate, lists };
}

function print(r: SemanticEvalReport): void {
  const f = (x: number) => x.toFixed(3);
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`.padStart(5);
  console.log(`semantic eval: ${r.papers} papers, ${r.half} half, model ${r.model}`);
  console.log('  ranking       citing MRR  R@1    R@5  | search MRR | paragraphs nDCG@10');
  for (const [name, m] of Object.entries(r.rankings)) {
    console.log(`  ${name.padEnd(12)}  ${f(m.citing.mrr)}  ${f(m.citing.r1)}  ${f(m.citing.r5)} | ${f(m.search.mrr)}      | ${f(m.paragraphs.ndcg10)}`);
  }
  console.log(`  related rule (threshold ${DEFAULT_RELATED_THRESHOLD}, semantic gate cosine ${r.gate.toFixed(3)}):`);
  for (const [name, m] of Object.entries(r.related)) {
    console.log(`    ${name.padEnd(8)} off-topic rejected ${pct(m.offtopicRejected)}  paraphrases accepted ${pct(m.citingAccepted)} (target in list ${pct(m.citingTargetFound)})  paragraphs accepted ${pct(m.paragraphsAccepted)}`);
  }
  console.log('  lists a user sees (issue 17)     paragraphs nDCG@10  citing R@1  R@5   with a list  off-topic silent');
  for (const [name, l] of Object.entries(r.lists)) {
    console.log(`    ${name.padEnd(8)}                       ${f(l.paragraphs.ndcg10)}        ${f(l.citing.r1)}  ${f(l.citing.r5)}  ${pct(l.citing.listed)}        ${pct(l.offtopic.silent)}`);
  }
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const half = arg('--half');
  if (half !== undefined && half !== 'tune' && half !== 'test') {
    process.stderr.write(`eval/semantic: --half must be tune or test, got "${half}"\n`);
    process.exit(2);
  }
  evalSemantic({ model: arg('--model'), cacheDir: arg('--cache'), half }).then(
    (r) => (argv.includes('--json') ? console.log(JSON.stringify(r, null, 2)) : print(r)),
    (e: unknown) => {
      process.stderr.write(`eval/semantic: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
