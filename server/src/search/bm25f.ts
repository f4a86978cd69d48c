// Plain BM25F over title and abstract: the baseline every ranking a user sees must not lose to,
// and the scorer other parts call for "the BM25F score of a paper given collection statistics".
//
//   const plain = PlainBm25f.build(papers);          // collection statistics over these papers
//   plain.rank(sentence, 10)                          // [{ paper, score }], best first, no gate
//   bm25fScore(queryStems(text), fieldCounts(paper), plain.stats)   // one paper, any statistics
//
// Robertson & Zaragoza's BM25F: each field's term frequency is normalised by its own length,
// weighted and summed, then saturated once:
//   tf~(t, d) = sum_f w_f * tf_f(t, d) / (1 - b + b * len_f(d) / avglen_f)
//   score(q, d) = sum_{t in q, distinct} idf(t) * tf~ / (k1 + tf~),  idf = ln(1 + (N - df + 0.5) / (df + 0.5))
// Words are the index's (text.ts): folded, English stopwords out, Porter stems. Nothing else: no
// gate, no coordination, no term cap, exact floats. npm run eval and npm run eval:real print it
// beside LitLens on every query set.
import type { Paper } from '../library/paper';
import { contentTerms } from './text';

export interface Bm25fParams {
  /** Term-frequency saturation (Robertson's usual 1.2). */
  k1: number;
  /** Length normalisation, 0 (none) to 1 (full), the same for both fields (the usual 0.75). */
  b: number;
  /** Field weights: a title word counts this many abstract words. */
  titleWeight: number;
  abstractWeight: number;
}

/** The baseline of issue 17: title x2 + abstract, k1 1.2, b 0.75 (textbook values, not tuned). */
export const PLAIN_BM25F: Readonly<Bm25fParams> = { k1: 1.2, b: 0.75, titleWeight: 2, abstractWeight: 1 };

/** What BM25F needs to know about the collection. */
export interface CollectionStats {
  papers: number;
  /** Papers whose title or abstract holds the stem. */
  df(stem: string): number;
  avgTitle: number;
  avgAbstract: number;
}

/** A paper's stems per field, counted. */
export interface FieldCounts {
  title: Map<string, number>;
  abstract: Map<string, number>;
  titleLength: number;
  abstractLength: number;
}

function counts(text: string | undefined): { tf: Map<string, number>; length: number } {
  const tf = new Map<string, number>();
  let length = 0;
  for (const { stem } of contentTerms(text ?? '')) {
    tf.set(stem, (tf.get(stem) ?? 0) + 1);
    length++;
  }
  return { tf, length };
}

export function fieldCounts(paper: Pick<Paper, 'title' | 'abstract'>): FieldCounts {
  const t = counts(paper.title);
  const a = counts(paper.abstract);
  return { title: t.tf, abstract: a.tf, titleLength: t.length, abstractLength: a.length };
}

/** The distinct stems of a query text (stopwords out). */
export function queryStems(text: string): string[] {
  return [...new Set(contentTerms(text).map((t) => t.stem))];
}

export function bm25Idf(df: number, papers: number): number {
  return Math.log(1 + (papers - df + 0.5) / (df + 0.5));
}

/** BM25F score of one paper for distinct query stems, given the collection's statistics. */
export function bm25fScore(stems: readonly string[], doc: FieldCounts, stats: CollectionStats, params: Bm25fParams = PLAIN_BM25F): number {
  const normTitle = 1 - params.b + (params.b * doc.titleLength) / Math.max(1e-9, stats.avgTitle);
  const normAbstract = 1 - params.b + (params.b * doc.abstractLength) / Math.max(1e-9, stats.avgAbstract);
  let score = 0;
  for (const s of stems) {
    const tf = (params.titleWeight * (doc.title.get(s) ?? 0)) / normTitle + (params.abstractWeight * (doc.abstract.get(s) ?? 0)) / normAbstract;
    if (tf > 0) score += (bm25Idf(stats.df(s), stats.papers) * tf) / (params.k1 + tf);
  }
  return score;
}

/** A plain BM25F over a list of papers, its statistics computed from them. */
export class PlainBm25f {
  private constructor(
    readonly papers: readonly Paper[],
    private readonly docs: FieldCounts[],
    readonly stats: CollectionStats,
    /** stem -> the papers holding it (postings, so a query touches only them). */
    private readonly postings: Map<string, number[]>,
  ) {}

  /** PlainBm25f.build, once per list of papers (a segment's papers never change): ~50 ms per 1,000 papers. */
  static of(papers: readonly Paper[]): PlainBm25f {
    let plain = built.get(papers);
    if (!plain) built.set(papers, (plain = PlainBm25f.build(papers)));
    return plain;
  }

  /**
   * PlainBm25f.of ahead of need for background work: the papers counted `sliceMs` at a time with
   * `pause()` between, so no single step holds a keystroke.
   */
  static async ahead(papers: readonly Paper[], pause: () => Promise<void>, sliceMs = 5): Promise<void> {
    if (built.has(papers)) return;
    const docs: FieldCounts[] = [];
    let started = performance.now();
    for (const p of papers) {
      docs.push(fieldCounts(p));
      if (performance.now() - started < sliceMs) continue;
      await pause();
      started = performance.now();
    }
    if (!built.has(papers)) built.set(papers, PlainBm25f.build(papers, docs));
  }

  static build(papers: readonly Paper[], docs: FieldCounts[] = papers.map(fieldCounts)): PlainBm25f {
    const postings = new Map<string, number[]>();
    for (const [i, d] of docs.entries()) {
      for (const s of new Set([...d.title.keys(), ...d.abstract.keys()])) {
        const list = postings.get(s);
        if (list) list.push(i);
        else postings.set(s, [i]);
      }
    }
    const n = Math.max(1, docs.length);
    const stats: CollectionStats = {
      papers: docs.length,
      df: (s) => postings.get(s)?.length ?? 0,
      avgTitle: docs.reduce((a, d) => a + d.titleLength, 0) / n,
      avgAbstract: docs.reduce((a, d) => a + d.abstractLength, 0) / n,
    };
    return new PlainBm25f(papers, docs, stats, postings);
  }

  /** The top `limit` papers for `text`, best first (ties: earlier paper first); papers sharing no word are left out. */
  rank(text: string, limit = 10, params: Bm25fParams = PLAIN_BM25F): { paper: Paper; score: number }[] {
    const stems = queryStems(text);
    const candidates = new Set<number>();
    for (const s of stems) for (const i of this.postings.get(s) ?? []) candidates.add(i);
    return [...candidates]
      .map((i) => ({ i, score: bm25fScore(stems, this.docs[i], this.stats, params) }))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, limit)
      .map(({ i, score }) => ({ paper: this.papers[i], score }));
  }
}

const built = new WeakMap<readonly Paper[], PlainBm25f>();
