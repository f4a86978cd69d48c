// A reproducible synthetic library for the search benchmark, written as BibTeX and CSL-JSON.
//
//   node --import tsx bench/generate.ts [--papers 100000] [--seed 1] [--out bench/out]
//
// Term statistics should look like a real library's, not like a few repeated sentences:
//  - abstracts recombine sentences of the bundled corpus' 353 abstracts (real syntax, real
//    function-word and domain-word frequencies) ...
//  - ... with ~12% of their words replaced: half by a corpus word drawn by corpus frequency,
//    half by a synthetic word from a 400k-word Zipf-distributed vocabulary (the long tail of
//    method names, datasets, domain terms a real library has);
//  - each paper has 2-4 topic words (Zipf over the synthetic vocabulary) repeated in its title
//    and abstract, so papers cluster into topics of very different sizes;
//  - titles follow corpus titles with words swapped for topic words; authors from a few thousand
//    family names (some accented), 1-8 per paper; years skewed to recent; keys like smith2021deep.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Paper } from '../server/src/library/paper';

interface CorpusItem {
  id: string;
  title: string;
  abstract?: string;
  custom?: { plainTitle?: string };
}

/** mulberry32: small, fast, good enough, and the same everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samples ranks 0..n-1 with P(r) ∝ 1/(r+1)^s, by inverting a precomputed CDF. */
function zipf(n: number, s: number, rand: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const SYLLABLES = 'ka ro mi tel van sor quin bra lu dex mor phi zan tri gel nos ul ver cy dra hem lio sta pen gra vol bel cor fin mak'.split(' ');
const SUFFIXES = ['', '', '', 'net', 'former', 'ation', 'ic', 'ity', 'ing', 'ed', 's', 'ive', 'gan', 'bert'];

/** The i-th synthetic word: unique, pronounceable, stable across runs. */
function syntheticWord(i: number): string {
  let w = '';
  let x = i + SYLLABLES.length; // at least two syllables
  while (x > 0) {
    w += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  }
  return w + SUFFIXES[i % SUFFIXES.length];
}

const FAMILY_BASE = [
  'Smith', 'Wang', 'Li', 'Zhang', 'Chen', 'Liu', 'Kim', 'Lee', 'Park', 'Nguyen', 'García', 'Martínez', 'Müller', 'Schmidt',
  'Schrödinger', 'Gödel', 'Dupont', 'Lefèvre', 'Rossi', 'Bianchi', 'Kowalski', 'Nowak', 'Łukasiewicz', 'Ivanov', 'Petrov',
  'Johnson', 'Brown', 'Taylor', 'Anderson', 'Thomas', 'Jackson', 'White', 'Harris', 'Martin', 'Thompson', 'Moore', 'Young',
  'Silver', 'Hinton', 'Bengio', 'LeCun', 'Vaswani', 'Sutskever', 'Goodfellow', 'Schmidhuber', 'Hochreiter', 'Kingma', 'Welling',
  'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Yamamoto', 'Singh', 'Kumar', 'Sharma', 'Gupta', 'Patel', 'Öztürk', 'Yılmaz', 'Søndergaard',
];
const GIVEN = [
  'Ada', 'Alan', 'Wei', 'Jun', 'Min', 'Sara', 'José', 'María', 'Jörg', 'Renée', 'François', 'Łukasz', 'Anna', 'David', 'Yoshua',
  'Geoffrey', 'Ilya', 'Ashish', 'Noam', 'Julian', 'Ioannis', 'Chloé', 'Zoë', 'Søren', 'Priya', 'Kenji', 'Hiroshi', 'Olga', 'Ivan',
];
const VENUES = [
  'Advances in Neural Information Processing Systems', 'International Conference on Machine Learning', 'International Conference on Learning Representations',
  'Conference on Computer Vision and Pattern Recognition', 'Annual Meeting of the Association for Computational Linguistics',
  'Journal of Machine Learning Research', 'Transactions on Machine Learning Research', 'AAAI Conference on Artificial Intelligence',
  'Empirical Methods in Natural Language Processing', 'International Conference on Robotics and Automation', 'Nature Machine Intelligence',
];

function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
}

/** Generates `n` papers deterministically from the corpus and a seed. */
export function generatePapers(corpus: CorpusItem[], n: number, seed = 1, file = 'library.bib'): Paper[] {
  const rand = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const sentences: string[] = [];
  const corpusWords: string[] = [];
  for (const item of corpus) {
    for (const s of (item.abstract ?? '').split(/(?<=[.!?])\s+(?=[A-Z])/)) if (s.length > 30) sentences.push(s.trim());
    corpusWords.push(...words(item.abstract ?? ''));
  }
  const titles = corpus.map((c) => c.custom?.plainTitle ?? c.title);
  const SYNTH = 400_000;
  const synth = zipf(SYNTH, 1.0, rand);
  const topicRank = zipf(60_000, 0.9, rand);
  const families: string[] = [];
  for (let i = 0; i < 3000; i++) families.push(i < FAMILY_BASE.length ? FAMILY_BASE[i] : cap(syntheticWord(i * 7 + 3).replace(/(net|former|gan|bert)$/, '')));
  const familyRank = zipf(families.length, 0.8, rand);
  const keys = new Set<string>();
  const papers: Paper[] = [];
  let line = 1;
  for (let i = 0; i < n; i++) {
    const topic = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syntheticWord(topicRank() * 5 + 11));
    const perturb = (w: string): string => {
      const x = rand();
      if (x < 0.06) return pick(corpusWords);
      if (x < 0.12) return syntheticWord(synth());
      if (x < 0.15) return pick(topic);
      return w;
    };
    const parts: string[] = [];
    let len = 0;
    const target = 600 + Math.floor(rand() * 1400);
    while (len < target) {
      const s = words(pick(sentences)).map(perturb).join(' ') + '.';
      parts.push(s[0].toUpperCase() + s.slice(1));
      len += s.length + 1;
    }
    const titleWords = words(pick(titles)).map((w) => (rand() < 0.15 ? pick(topic) : rand() < 0.1 ? syntheticWord(synth()) : w));
    const title = titleWords.join(' ');
    const authors = Array.from({ length: 1 + Math.floor(Math.pow(rand(), 1.5) * 8) }, () => `${families[familyRank()]}, ${pick(GIVEN)}`);
    const year = 2025 - Math.floor(Math.pow(rand(), 2.2) * 35);
    const first = ascii(authors[0].split(',')[0]).toLowerCase().replace(/[^a-z]/g, '') || 'anon';
    const word = ascii(titleWords.find((w) => w.length > 3 && !/^(with|from|this|that|their|towards|using|the)$/i.test(w)) ?? 'paper')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    let key = `${first}${year}${word}`;
    for (let k = 0; keys.has(key); k++) key = `${first}${year}${word}${String.fromCharCode(97 + (k % 26))}${k >= 26 ? k : ''}`;
    keys.add(key);
    const paper: Paper = { key, title, authors, year, venue: pick(VENUES), abstract: parts.join(' '), type: 'article', origin: { file, line, kind: 'bibtex' } };
    line += 8;
    papers.push(paper);
  }
  return papers;
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
function ascii(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/ı/g, 'i').replace(/ø/g, 'o');
}

/** BibTeX-safe text: braces, backslashes and specials out; & % # escaped. */
function bibText(s: string): string {
  return s.replace(/[{}\\$^_~]/g, ' ').replace(/([&%#])/g, '\\$1');
}

export function toBib(papers: readonly Paper[]): string {
  const out: string[] = ['% Generated by bench/generate.ts: a synthetic library for the search benchmark.\n'];
  for (const p of papers) {
    out.push(
      `@article{${p.key},\n  title = {${bibText(p.title)}},\n  author = {${p.authors.map(bibText).join(' and ')}},\n  journal = {${p.venue}},\n` +
        `  year = {${p.year}},\n  abstract = {${bibText(p.abstract ?? '')}},\n}\n`,
    );
  }
  return out.join('');
}

export function toCslJson(papers: readonly Paper[]): string {
  return JSON.stringify(
    papers.map((p) => ({
      id: p.key,
      type: 'article-journal',
      title: p.title,
      author: p.authors.map((a) => ({ family: a.split(', ')[0], given: a.split(', ')[1] ?? '' })),
      issued: { 'date-parts': [[p.year]] },
      'container-title': p.venue,
      abstract: p.abstract,
    })),
  );
}

export function corpusItems(): CorpusItem[] {
  return JSON.parse(readFileSync(join(__dirname, '..', 'corpus', 'papers.json'), 'utf8')) as CorpusItem[];
}

/** Writes <out>/library-<n>-s<seed>.bib and .json; returns their paths and the papers. */
export function writeLibrary(n: number, seed: number, outDir: string): { bib: string; json: string; papers: Paper[] } {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `library-${n}-s${seed}`);
  const papers = generatePapers(corpusItems(), n, seed, `${base}.bib`);
  writeFileSync(`${base}.bib`, toBib(papers));
  writeFileSync(`${base}.json`, toCslJson(papers));
  return { bib: `${base}.bib`, json: `${base}.json`, papers };
}

if (require.main === module) {
  const arg = (name: string, def: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const t0 = performance.now();
  const { bib, json, papers } = writeLibrary(Number(arg('--papers', '100000')), Number(arg('--seed', '1')), arg('--out', join(__dirname, 'out')));
  console.log(`${papers.length} papers -> ${bib}, ${json} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
