// Builds corpus/papers.json (CSL-JSON) from corpus/source.txt, the scraped listing of papers.
//
//   node --import tsx corpus/build.ts [--check]
//
// source.txt: two lines of page chrome, then one title line and one abstract line per paper.
// Keys follow the rule in corpus/README.md; keys already in papers.json are kept, so adding a
// paper never changes an existing key.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface SourcePaper {
  title: string;
  abstract: string;
  /** 1-based line of the title in source.txt. */
  line: number;
}

export interface CorpusItem {
  id: string;
  type: 'article';
  title: string;
  abstract: string;
  source: string;
  custom: { plainTitle: string; sourceLine: number; truncatedAbstract?: boolean };
}

const CHROME_LINES = 2;
const STRAY_PREFIX = 'Subscribe';

/** Splits the scrape into papers, removing page chrome and the stray "Subscribe" prefix. */
export function readSource(text: string): SourcePaper[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const body = lines.slice(CHROME_LINES);
  if (body.length % 2 !== 0) {
    throw new Error(`corpus/source.txt:${lines.length}: expected title/abstract line pairs, found an odd number of lines`);
  }
  const papers: SourcePaper[] = [];
  for (let i = 0; i < body.length; i += 2) {
    let title = body[i].trim();
    if (i === 0 && title.startsWith(STRAY_PREFIX)) title = title.slice(STRAY_PREFIX.length);
    const abstract = body[i + 1].trim();
    const line = CHROME_LINES + i + 1;
    if (!title) throw new Error(`corpus/source.txt:${line}: empty title`);
    if (!abstract) throw new Error(`corpus/source.txt:${line + 1}: empty abstract`);
    papers.push({ title, abstract, line });
  }
  return papers;
}

/** Plain text of a title that may hold LaTeX math: `AstroM$^3$` -> `AstroM3`, `$K$-wise` -> `K-wise`. */
export function plainTitle(title: string): string {
  return title
    .replace(/\$([^$]*)\$/g, (_, math: string) => math.replace(/\\[a-zA-Z]+\s*/g, '').replace(/[\^_{}]/g, ''))
    .replace(/\\[a-zA-Z]+\s*/g, '')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const KEY_STOPWORDS = new Set(
  ('a an the of for and or in on at to by with from via into over under as is are be its it this that ' +
    'towards toward through using use can do does we our your how what when why which beyond without').split(' '),
);

/** The significant words of a title: ASCII-folded, lower case, short function words dropped. */
export function keyWords(title: string): string[] {
  return plainTitle(title)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !KEY_STOPWORDS.has(w));
}

/** The key rule (corpus/README.md): the first three significant title words joined by '-'. */
export function baseKey(title: string): string {
  return keyWords(title).slice(0, 3).join('-') || 'paper';
}

/**
 * Assigns keys in source order: a title that already has a key keeps it; a new title takes its
 * first three significant words, one more word while that key is taken, then a numeric suffix.
 */
export function assignKeys(papers: SourcePaper[], existing: Map<string, string>): string[] {
  const taken = new Set(existing.values());
  return papers.map((p) => {
    let key = existing.get(p.title);
    if (!key) {
      const words = keyWords(p.title);
      key = baseKey(p.title);
      for (let n = 4; taken.has(key) && n <= words.length; n++) key = words.slice(0, n).join('-');
      const base = key;
      for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
    }
    taken.add(key);
    return key;
  });
}

/** A scraped abstract cut off mid-sentence ends without terminal punctuation. */
export function isTruncated(abstract: string): boolean {
  const end = abstract.trim();
  return !/[.!?)"'\]]$/.test(end) && !/https?:\/\/\S+$/.test(end);
}

export function buildCorpus(sourceText: string, existing: Map<string, string> = new Map()): CorpusItem[] {
  const papers = readSource(sourceText);
  const keys = assignKeys(papers, existing);
  return papers.map((p, i) => {
    const item: CorpusItem = {
      id: keys[i],
      type: 'article',
      title: p.title,
      abstract: p.abstract,
      source: 'LitLens bundled corpus',
      custom: { plainTitle: plainTitle(p.title), sourceLine: p.line },
    };
    if (isTruncated(p.abstract)) item.custom.truncatedAbstract = true;
    return item;
  });
}

/** One item per line: diffs stay readable and each entry's line is its index + 2. */
export function serialize(items: CorpusItem[]): string {
  return `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]\n`;
}

export function existingKeys(json: string): Map<string, string> {
  const items = JSON.parse(json) as CorpusItem[];
  return new Map(items.map((item) => [item.title, item.id]));
}

if (require.main === module) {
  const dir = __dirname;
  const out = join(dir, 'papers.json');
  const previous = existsSync(out) ? readFileSync(out, 'utf8') : null;
  const items = buildCorpus(readFileSync(join(dir, 'source.txt'), 'utf8'), previous ? existingKeys(previous) : new Map());
  const text = serialize(items);
  if (process.argv.includes('--check')) {
    if (text !== previous) {
      console.error('corpus/papers.json is out of date: run `npm run corpus`');
      process.exit(1);
    }
    console.log(`corpus/papers.json is up to date (${items.length} papers)`);
  } else {
    writeFileSync(out, text);
    console.log(`wrote ${out}: ${items.length} papers`);
  }
}
