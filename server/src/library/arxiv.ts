// arXiv's metadata snapshot (arxiv-metadata-oai-snapshot.json: one JSON object per line) → Paper.
//
// Keys are `arXiv:<id>` ("arXiv:2101.00001", "arXiv:hep-th/9901001"), not the corpus rule
// (family name + year + title word): an id is unique and never changes between snapshots or
// versions, so a key a writer cited stays valid when the snapshot is refreshed, and anyone can
// look it up; author-year-word keys collide by the thousand among 2.7M papers, and the suffixes
// that tell them apart would depend on which papers a snapshot holds. `arXiv:ID` is also what
// Zotero and Google Scholar show and a valid key for BibTeX, biblatex and pandoc.
// The year is the first version's (when the paper appeared), not update_date (the last change).
import { decodeLatexText } from './latex';
import type { Paper } from './paper';

/** A snapshot record as arXiv writes it; any field may be missing or null in a damaged file. */
export interface ArxivRecord {
  id?: unknown;
  submitter?: unknown;
  authors?: unknown;
  title?: unknown;
  comments?: unknown;
  'journal-ref'?: unknown;
  doi?: unknown;
  'report-no'?: unknown;
  categories?: unknown;
  license?: unknown;
  abstract?: unknown;
  versions?: unknown;
  update_date?: unknown;
  authors_parsed?: unknown;
}

export const ARXIV_KEY_PREFIX = 'arXiv:';

/** The citation key of an arXiv id; a version suffix ("v2") is dropped. */
export function arxivKey(id: string): string {
  return ARXIV_KEY_PREFIX + id.trim().replace(/v\d+$/, '');
}

/** The record's categories, primary first ("cs.LG stat.ML" → ["cs.LG", "stat.ML"]). */
export function arxivCategories(record: ArxivRecord): string[] {
  return typeof record.categories === 'string' ? record.categories.split(/\s+/).filter(Boolean) : [];
}

/**
 * A test for a record's categories, null when `filter` is empty (everything passes). A record
 * passes when any of its categories (primary or cross-listed, as arXiv's listings count them) is
 * in the filter; a filter entry without a subject class ("cs", "astro-ph") stands for the whole
 * archive ("cs.LG", "astro-ph.CO"…).
 */
export function categoryFilter(filter: readonly string[]): ((categories: readonly string[]) => boolean) | null {
  const wanted = filter.map((c) => c.trim()).filter(Boolean);
  if (wanted.length === 0) return null;
  const exact = new Set(wanted);
  const archives = new Set(wanted.filter((c) => !c.includes('.')));
  const archiveOf = (c: string) => (c.includes('.') ? c.slice(0, c.indexOf('.')) : c);
  return (categories) => categories.some((c) => exact.has(c) || archives.has(archiveOf(c)));
}

/**
 * The categories field of a snapshot line without parsing the line (arXiv writes it as a plain
 * string): lets a category filter skip most of a 4.5 GB snapshot before JSON.parse. Undefined
 * when the line does not have it in that form; the caller then parses the line.
 */
export function categoriesInLine(line: string): string[] | undefined {
  const at = line.indexOf('"categories":"');
  if (at < 0) return undefined;
  const from = at + 14;
  const end = line.indexOf('"', from);
  if (end < 0 || line.lastIndexOf('\\', end) >= from) return undefined;
  return line.slice(from, end).split(/\s+/).filter(Boolean);
}

const MONTH_YEAR = /\b(1[89]\d\d|2\d\d\d)\b/;

/**
 * The year the paper appeared: from its first version's date ("Mon, 2 Apr 2007 19:18:42 GMT"),
 * else from a new-style id (2101.00001 → 2021) or an old-style one (hep-th/9901001 → 1999),
 * else from update_date.
 */
export function arxivYear(record: ArxivRecord): number | undefined {
  if (Array.isArray(record.versions) && record.versions.length > 0) {
    const first = record.versions[0] as { created?: unknown } | null;
    const m = typeof first?.created === 'string' ? MONTH_YEAR.exec(first.created) : null;
    if (m) return Number(m[1]);
  }
  if (typeof record.id === 'string') {
    const m = /^(?:[a-z-]+(?:\.[A-Z]{2})?\/)?(\d\d)(\d\d)[.\d]/.exec(record.id.trim());
    if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) {
      const yy = Number(m[1]);
      return yy >= 91 ? 1900 + yy : 2000 + yy;
    }
  }
  const m = typeof record.update_date === 'string' ? MONTH_YEAR.exec(record.update_date) : null;
  return m ? Number(m[1]) : undefined;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
/** arXiv's text is LaTeX: accents, escapes and inline maths decoded where simple, kept as written otherwise. */
const text = (v: unknown): string => (typeof v === 'string' ? squash(MAYBE_LATEX.test(v) ? (decodeLatexText(v) ?? v) : v) : '');
/** What decodeLatexText would change: commands, braces, maths, ties, dashes and TeX quotes (most abstracts have none). */
const MAYBE_LATEX = /[\\{}~$]|--|``|''/;
const field = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? squash(v) : undefined);

/** "Family, Given" (", Suffix") from authors_parsed, else split from the authors string. */
export function arxivAuthors(record: ArxivRecord): string[] {
  if (Array.isArray(record.authors_parsed) && record.authors_parsed.length > 0) {
    const out: string[] = [];
    for (const entry of record.authors_parsed) {
      if (!Array.isArray(entry)) continue;
      const [family, given, suffix] = entry.map(text);
      if (!family && !given) continue;
      const name = family && given ? `${family}, ${given}` : family || given;
      out.push(suffix ? `${name}, ${suffix}` : name);
    }
    if (out.length) return out;
  }
  if (typeof record.authors !== 'string') return [];
  return text(record.authors)
    .replace(/\s+and\s+/g, ', ')
    .split(/\s*,\s*/)
    .filter(Boolean)
    .map((name) => {
      const words = name.split(' ');
      return words.length > 1 ? `${words[words.length - 1]}, ${words.slice(0, -1).join(' ')}` : name;
    });
}

/**
 * The Paper of one snapshot record, complete for a .bib entry (authors, title, year, eprint with
 * archivePrefix and primaryClass, doi and journal when present), or why it cannot be one.
 */
export function arxivPaper(record: ArxivRecord, file: string, line: number): Paper | string {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not a JSON object';
  // A number is refused, not read as an id: arXiv's snapshot writes ids as strings, and a tool that
  // wrote them as numbers has lost their zeros (0704.0010 is 704.001).
  if (typeof record.id === 'number') return `"id" is a number (${record.id}), not a string as in arXiv's snapshot: a number loses an id's zeros (0704.0010 reads as 704.001); skipped`;
  const id = typeof record.id === 'string' ? record.id.trim() : '';
  if (!id) return 'no "id"; skipped';
  const title = text(record.title);
  if (!title) return `arXiv ${id} has no title; skipped`;
  const categories = arxivCategories(record);
  const paper: Paper = {
    key: arxivKey(id),
    title,
    authors: arxivAuthors(record),
    type: field(record['journal-ref']) ? 'article' : 'misc',
    url: `https://arxiv.org/abs/${id}`,
    eprint: { id, archivePrefix: 'arXiv', ...(categories[0] ? { primaryClass: categories[0] } : {}) },
    origin: { file, line, kind: 'arxiv' },
  };
  const year = arxivYear(record);
  if (year) paper.year = year;
  const journal = field(record['journal-ref']);
  if (journal) paper.venue = journal;
  // Now and then a record lists two DOIs separated by a space: the first is the paper's.
  const doi = field(record.doi)?.split(' ')[0];
  if (doi) paper.doi = doi;
  const abstract = text(record.abstract);
  if (abstract) paper.abstract = abstract;
  return paper;
}
