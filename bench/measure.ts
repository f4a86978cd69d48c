// What the benchmarks measure the same way: per-query latency (wall and CPU time) and the
// queries themselves, drawn (seeded) from a library plus the eval set's citing sentences.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Paper } from '../server/src/library/paper';
import { prng } from './generate';

export interface Latency {
  n: number;
  p50: number;
  p95: number;
  max: number;
  /** The same percentiles of process CPU time per query: less disturbed by other load. */
  cpuP50: number;
  cpuP95: number;
}

export const f0 = (x: number) => x.toFixed(0);
export const f1 = (x: number) => x.toFixed(1);

/** The two report rows of one kind of query: wall-clock and CPU-time p50 / p95. */
export function latencyRows<R>(row: (label: string, cell: (r: R) => string) => void, label: string, pick: (r: R) => Latency): void {
  row(`${label} p50/p95 ms`, (r) => `${f1(pick(r).p50)} / ${f1(pick(r).p95)}`);
  row(`  (CPU time) p50/p95 ms`, (r) => `${f1(pick(r).cpuP50)} / ${f1(pick(r).cpuP95)}`);
}

export const rssMb = () => process.memoryUsage().rss / 1e6;
export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

export function latency(run: (i: number) => void, n: number): Latency {
  for (let i = 0; i < Math.min(20, n); i++) run(i); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    run(i);
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const q = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
  return { n, p50: q(times, 0.5), p95: q(times, 0.95), max: times[times.length - 1], cpuP50: q(cpu, 0.5), cpuP95: q(cpu, 0.95) };
}

/** Queries drawn (seeded) from the library itself plus the eval set's citing sentences. */
export function makeQueries(papers: Paper[], seed: number) {
  const rand = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const sentencesOf = (p: Paper) => (p.abstract ?? '').split(/(?<=[.!?])\s+/).filter((s) => s.length > 40);
  const evalSentences: string[] = [];
  for (const half of ['tune', 'test']) {
    const file = join(__dirname, '..', 'eval', 'queries', `citing.${half}.jsonl`);
    if (existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) evalSentences.push((JSON.parse(line) as { query: string }).query);
  }
  const sentences: string[] = [...evalSentences];
  while (sentences.length < 300) {
    const s = sentencesOf(pick(papers));
    if (s.length) sentences.push(pick(s));
  }
  const paragraphs: string[] = [];
  while (paragraphs.length < 60) {
    let text = '';
    while (text.split(/\s+/).length < 100) text += `${pick(sentences)} `;
    paragraphs.push(text.trim());
  }
  const typo = (w: string) => {
    if (w.length < 5) return w;
    const i = 1 + Math.floor(rand() * (w.length - 2));
    const k = rand();
    if (k < 0.33) return w.slice(0, i) + w.slice(i + 1); // deletion
    if (k < 0.66) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2); // transposition
    return w.slice(0, i) + 'e' + w.slice(i + 1); // substitution
  };
  const typed: string[] = [];
  while (typed.length < 400) {
    const p = pick(papers);
    const words = p.title.split(/\s+/).filter((w) => /^[\p{L}]{3,}$/u.test(w));
    const family = (p.authors[0] ?? 'smith').split(',')[0];
    switch (typed.length % 5) {
      case 0:
        typed.push(p.key.slice(0, 3 + Math.floor(rand() * 7)));
        break;
      case 1:
        typed.push(`${family.slice(0, Math.max(3, family.length - 2))}`);
        break;
      case 2:
        if (words.length >= 2) typed.push(`${words[0]} ${words[1].slice(0, Math.max(2, words[1].length - 3))}`);
        break;
      case 3:
        if (words.length >= 1) typed.push(typo(pick(words).toLowerCase()));
        break;
      default:
        if (words.length >= 3) typed.push(`${family} ${p.year ?? ''} ${pick(words)}`.trim());
    }
  }
  return { sentences, paragraphs, typed };
}
