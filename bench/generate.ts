// A reproducible synthetic library for the search benchmark, written as BibTeX and CSL-JSON,
// or as an arXiv metadata snapshot (JSON lines, the fields of arxiv-metadata-oai-snapshot.json).
//
//   node --import tsx bench/generate.ts [--papers 100000] [--seed 1] [--out bench/out] [--arxiv | --jsonl]
//
// --arxiv writes <out>/arxiv-<n>-s<seed>.jsonl streaming (1M papers are ~1.7 GB; never in memory),
// --jsonl <out>/library-<n>-s<seed>.jsonl (JSON lines of CSL items).
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
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
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
  return [...paperStream(corpus, n, seed, file)];
}

/** The same papers one at a time: only the key set is held (for 1M papers, a few tens of MB). */
export function* paperStream(corpus: CorpusItem[], n: number, seed = 1, file = 'library.bib'): Generator<Paper> {
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
    yield paper;
  }
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

function cslItem(p: Paper): Record<string, unknown> {
  return {
    id: p.key,
    type: 'article-journal',
    title: p.title,
    author: p.authors.map((a) => ({ family: a.split(', ')[0], given: a.split(', ')[1] ?? '' })),
    issued: { 'date-parts': [[p.year]] },
    'container-title': p.venue,
    abstract: p.abstract,
  };
}

export function toCslJson(papers: readonly Paper[]): string {
  return JSON.stringify(papers.map(cslItem));
}

// ---------------------------------------------------------------- arXiv snapshot format

/** Primary categories, most frequent first (drawn Zipf-like), and how often a paper is cross-listed. */
const CATEGORIES = [
  'cs.LG', 'cs.CV', 'cs.CL', 'stat.ML', 'cs.AI', 'quant-ph', 'hep-th', 'hep-ph', 'math.OC', 'cs.RO', 'astro-ph.CO',
  'cond-mat.stat-mech', 'math.PR', 'cs.IR', 'cs.NE', 'eess.SP', 'math.ST', 'cs.CR', 'physics.comp-ph', 'eess.IV',
  'q-bio.NC', 'cs.DS', 'math.CO', 'gr-qc', 'econ.EM',
];
const LICENSES = [
  null, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/', 'http://creativecommons.org/licenses/by/4.0/',
  'http://creativecommons.org/licenses/by-nc-sa/4.0/', 'http://creativecommons.org/publicdomain/zero/1.0/',
];
const JOURNALS = ['Phys. Rev. D', 'Phys. Rev. Lett.', 'J. Mach. Learn. Res.', 'Neural Comput.', 'IEEE Trans. Pattern Anal. Mach. Intell.', 'Nature', 'Ann. Statist.', 'Astrophys. J.', 'Commun. Math. Phys.', 'Proc. ICML'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const COMBINING: Record<string, string> = { '\u0301': "'", '\u0300': '`', '\u0308': '"', '\u0302': '^', '\u0303': '~' };
const LATEX_LETTERS: Record<string, string> = { ł: '\\l{}', Ł: '\\L{}', ø: '{\\o}', ı: '{\\i}', ß: '{\\ss}', ç: '\\c{c}' };

/** A name as arXiv's metadata often has it: accents as LaTeX commands (`Schr\\"odinger`, `\\L{}ukasz`). */
function latexName(s: string): string {
  let out = '';
  for (const ch of s) {
    if (LATEX_LETTERS[ch]) {
      out += LATEX_LETTERS[ch];
      continue;
    }
    const d = ch.normalize('NFD');
    out += d.length === 2 && COMBINING[d[1]] ? `\\${COMBINING[d[1]]}${d[0]}` : ch;
  }
  return out;
}

/** Text wrapped at ~width columns the way arXiv's metadata is: `\n` plus `indent` between lines. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const w of text.split(' ')) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** "Mon, 2 Apr 2007 19:18:42 GMT" (arXiv's day is not zero-padded). */
function arxivDate(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}

/**
 * arXiv records for a paper stream: ids by submission month (old style `hep-th/9901001` before
 * April 2007, `0704.0001` after, five digits from 2015), a first version in the paper's year,
 * 0-3 later versions, Zipf-drawn categories with cross-lists, and a DOI, journal-ref, comments
 * or report-no on some. Draws from its own generator, so the papers are those of the .bib/.json.
 */
export function* arxivStream(papers: Iterable<Paper>, seed = 1): Generator<Record<string, unknown>> {
  const rand = prng(seed ^ 0x5eed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const category = zipf(CATEGORIES.length, 1.1, rand);
  const counters = new Map<string, number>();
  for (const p of papers) {
    const primary = CATEGORIES[category()];
    const cats = [primary];
    for (let k = Math.floor(rand() * rand() * 3); k > 0; k--) {
      const c = CATEGORIES[category()];
      if (!cats.includes(c)) cats.push(c);
    }
    const year = p.year ?? 2020;
    let month = 1 + Math.floor(rand() * 12);
    if (year === 2007 && month < 4 && rand() < 0.5) month += 3; // both id styles in 2007
    const created = Date.UTC(year, month - 1, 1 + Math.floor(rand() * 28), Math.floor(rand() * 24), Math.floor(rand() * 60), Math.floor(rand() * 60));
    const yymm = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}`;
    const oldStyle = year < 2007 || (year === 2007 && month < 4);
    const archive = primary.replace(/\..*$/, '');
    const counterKey = oldStyle ? `${archive}/${yymm}` : yymm;
    const seq = (counters.get(counterKey) ?? 0) + 1;
    counters.set(counterKey, seq);
    const id = oldStyle ? `${archive}/${yymm}${String(seq).padStart(3, '0')}` : `${yymm}.${String(seq).padStart(year >= 2015 ? 5 : 4, '0')}`;
    const versions = [{ version: 'v1', created: arxivDate(created) }];
    let t = created;
    for (let v = 2, more = Math.floor(rand() * rand() * 4); v <= more + 1; v++) {
      t += Math.floor((1 + rand() * 200) * 86_400_000);
      versions.push({ version: `v${v}`, created: arxivDate(t) });
    }
    const latex = rand() < 0.5; // half the records spell accents as LaTeX, as arXiv's do
    const names = p.authors.map((a) => {
      const [family, given = ''] = a.split(', ');
      const g = rand() < 0.5 && given ? `${given[0]}.` : given;
      return { family: latex ? latexName(family) : family, given: latex ? latexName(g) : g };
    });
    const shown = names.map((n) => `${n.given} ${n.family}`.trim());
    const authors = shown.length > 2 && rand() < 0.3 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown.join(', ');
    const title = rand() < 0.02 ? `${p.title} in $\\mathcal{O}(n \\log n)$ time` : p.title;
    const hasJournal = rand() < 0.35;
    yield {
      id,
      submitter: `${p.authors[0].split(', ')[1] ?? ''} ${p.authors[0].split(', ')[0]}`.trim(),
      authors,
      title: wrap(title, 72, '  '),
      comments: rand() < 0.6 ? `${4 + Math.floor(rand() * 40)} pages, ${Math.floor(rand() * 12)} figures` : null,
      'journal-ref': hasJournal ? `${pick(JOURNALS)} ${1 + Math.floor(rand() * 120)} (${year + Math.floor(rand() * 2)}) ${1 + Math.floor(rand() * 9000)}` : null,
      doi: hasJournal || rand() < 0.15 ? `10.${1000 + Math.floor(rand() * 9000)}/${id.replace('/', '.')}` : null,
      'report-no': rand() < 0.05 ? `LAB-${year}-${Math.floor(rand() * 999)}` : null,
      categories: cats.join(' '),
      license: pick(LICENSES),
      abstract: `  ${wrap(p.abstract ?? '', 80, '')}\n`,
      versions,
      update_date: new Date(t).toISOString().slice(0, 10),
      authors_parsed: names.map((n) => [n.family, n.given, '']),
    };
  }
}

/** Writes `lines` (one JSON value each) to `file` through a temp file, in ~8 MB writes: never the whole file in memory. */
function writeLines(file: string, lines: Iterable<unknown>): number {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  let buffer: string[] = [];
  let size = 0;
  let count = 0;
  try {
    for (const value of lines) {
      const line = `${JSON.stringify(value)}\n`;
      buffer.push(line);
      size += line.length;
      count++;
      if (size > 8_000_000) {
        writeSync(fd, buffer.join(''));
        buffer = [];
        size = 0;
      }
    }
    writeSync(fd, buffer.join(''));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return count;
}

/** The file `writeArxiv` writes for n papers and a seed. */
export function arxivFile(n: number, seed: number, outDir: string): string {
  return join(outDir, `arxiv-${n}-s${seed}.jsonl`);
}

/** Writes <out>/arxiv-<n>-s<seed>.jsonl: the library's papers (same seed) as an arXiv metadata snapshot. */
export function writeArxiv(n: number, seed: number, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = arxivFile(n, seed, outDir);
  writeLines(file, arxivStream(paperStream(corpusItems(), n, seed, file), seed));
  return file;
}

/** Writes <out>/library-<n>-s<seed>.jsonl: the library's papers as JSON lines of CSL items. */
export function writeCslLines(n: number, seed: number, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `library-${n}-s${seed}.jsonl`);
  writeLines(file, (function* () {
    for (const p of paperStream(corpusItems(), n, seed, file)) yield cslItem(p);
  })());
  return file;
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
  const [n, seed, out] = [Number(arg('--papers', '100000')), Number(arg('--seed', '1')), arg('--out', join(__dirname, 'out'))];
  const took = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  if (process.argv.includes('--arxiv')) console.log(`${n} papers -> ${writeArxiv(n, seed, out)} in ${took()}`);
  else if (process.argv.includes('--jsonl')) console.log(`${n} papers -> ${writeCslLines(n, seed, out)} in ${took()}`);
  else {
    const { bib, json, papers } = writeLibrary(n, seed, out);
    console.log(`${papers.length} papers -> ${bib}, ${json} in ${took()}`);
  }
}
