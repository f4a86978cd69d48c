// The entry LitLens writes for a paper from the user's own libraries: the source entry with all its
// fields, in the target file's format. BibTeX → BibTeX copies the entry's text as written (its
// @string macros expanded when the target lacks them); CSL-JSON → CSL-JSON copies the item; across
// formats every field that has a counterpart is converted. Papers of other sources (the bundled
// corpus, arXiv snapshots) and entries no longer where the paper says are written by toBibtex /
// toCslItem from the complete Paper.
import { stat } from 'node:fs/promises';
import { parse as parseJsonc } from 'jsonc-parser';
import { definedStrings, entryAt, loadBibtexParser, type EntryText } from './bibtex';
import { escapeLatex, toBibtex, type PreparedEntry } from './bibwriter';
import { readLibraryText } from './files';
import { escapeRegExp, type Paper } from './paper';

/** Source files up to this size are read again for an entry's fields (a 100k-entry .bib is ~50 MB). */
const MAX_REREAD = 64 * 1024 * 1024;

/** The entry to write for `paper` into a target of the given format (`json`: CSL-JSON). Never throws. */
export async function prepareEntry(paper: Paper, json: boolean): Promise<PreparedEntry> {
  try {
    if (paper.origin.kind === 'bibtex' && (await stat(paper.origin.file)).size <= MAX_REREAD) {
      const read = await readLibraryText(paper.origin.file);
      if ('issue' in read) return { paper };
      await loadBibtexParser();
      const entry = entryAt(read.text, paper.origin.line, paper.key);
      if (!entry) return { paper };
      return json ? { paper, csl: bibtexToCsl(entry) } : { paper, bibtex: (target) => copyBibtex(entry, target) };
    }
    if (paper.origin.kind === 'csl-json' || paper.origin.kind === 'corpus') {
      const item = await cslItemOf(paper);
      if (!item) return { paper };
      if (json) return paper.origin.kind === 'corpus' ? { paper } : { paper, csl: item };
      // The corpus's papers are written by toBibtex (a @misc saying where it came from), with the title as written (its maths kept).
      if (paper.origin.kind === 'corpus') {
        const custom = isObject(item.custom) ? item.custom : {};
        const titleTex = typeof custom.plainTitle === 'string' && typeof item.title === 'string' && item.title.includes('$') ? item.title : undefined;
        return titleTex ? { paper, bibtex: () => toBibtex(paper, { titleTex }) } : { paper };
      }
      return { paper, bibtex: () => cslToBibtex(item, paper.key) };
    }
  } catch {
    // the file changed or went away: the paper as the library holds it
  }
  return { paper };
}

/** The source entry's text, or with its @strings expanded when `target` does not define them all. */
export function copyBibtex(entry: EntryText, target: string): string {
  const defined = entry.macros.length ? definedStrings(target) : new Set<string>();
  const parent = entry.parent;
  // A crossref the target cannot resolve: the parent's fields go into the copy (BibTeX's own inheritance).
  const orphan = parent !== undefined && !new RegExp(`@\\s*[A-Za-z]+\\s*[{(]\\s*${escapeRegExp(parent.key)}\\s*,`, 'i').test(target);
  if (entry.macros.every((m) => defined.has(m)) && !orphan) return `${entry.text}\n`;
  const raw = new Map(entry.raw);
  if (orphan) {
    raw.delete('crossref');
    for (const [k, v] of parent.raw) {
      const name = k === 'title' && CONTAINERS.has(parent.type) ? 'booktitle' : k;
      if (!raw.has(name) && name !== 'crossref') raw.set(name, v);
    }
  }
  const fields = [...raw].map(([k, v]) => [k, k === 'month' && MONTHS[Number(v) - 1] ? MONTHS[Number(v) - 1] : `{${v}}`] as const);
  const width = Math.max(0, ...fields.map(([k]) => k.length));
  return `@${entry.type}{${entry.key},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = ${v}`).join(',\n')}\n}\n`;
}

const CONTAINERS = new Set(['proceedings', 'book', 'collection', 'mvbook', 'mvproceedings', 'mvcollection']);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The CSL item `paper` was read from, from its file (the first item with its id). */
async function cslItemOf(paper: Paper): Promise<Record<string, unknown> | null> {
  // A big file (a streamed corpus, JSON lines) is not parsed whole for one item: its Paper is complete enough.
  if (!/\.json$/i.test(paper.origin.file) || (await stat(paper.origin.file)).size > MAX_REREAD) return null;
  const read = await readLibraryText(paper.origin.file);
  if ('issue' in read) return null;
  const data = parseJsonc(read.text.replace(/^\ufeff/, '')) as unknown;
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.items) ? data.items : [];
  const found = (items as unknown[]).find((i) => isObject(i) && String(i.id ?? '').trim() === paper.key);
  return isObject(found) ? found : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// BibTeX → CSL-JSON

const BIBTEX_TO_CSL_TYPE: Record<string, string> = {
  article: 'article-journal', inproceedings: 'paper-conference', conference: 'paper-conference', proceedings: 'book',
  book: 'book', mvbook: 'book', incollection: 'chapter', inbook: 'chapter', phdthesis: 'thesis', mastersthesis: 'thesis',
  thesis: 'thesis', techreport: 'report', report: 'report', online: 'webpage', misc: 'article', unpublished: 'manuscript',
  manual: 'book', dataset: 'dataset', software: 'software', patent: 'patent',
};
/** BibTeX fields with one CSL variable each. */
const TO_CSL: Record<string, string> = {
  title: 'title', volume: 'volume', pages: 'page', publisher: 'publisher', address: 'publisher-place', location: 'publisher-place',
  edition: 'edition', isbn: 'ISBN', issn: 'ISSN', doi: 'DOI', url: 'URL', abstract: 'abstract', note: 'note', series: 'collection-title',
  language: 'language', langid: 'language', keywords: 'keyword', pmid: 'PMID', pmcid: 'PMCID', school: 'publisher',
  institution: 'publisher', organization: 'publisher', howpublished: 'medium', chapter: 'chapter-number', type: 'genre',
  subtitle: 'title-short', eid: 'number',
};

/** A CSL item with every field of `entry` that has a CSL counterpart. */
export function bibtexToCsl(entry: EntryText): Record<string, unknown> {
  const f = entry.fields;
  const item: Record<string, unknown> = { id: entry.key, type: BIBTEX_TO_CSL_TYPE[entry.type] ?? 'article' };
  const names = (list: string[] | undefined) =>
    (list ?? []).filter((n) => n !== 'others').map((n) => {
      const comma = n.indexOf(',');
      return comma < 0 ? { literal: n } : { family: n.slice(0, comma).trim(), given: n.slice(comma + 1).trim() };
    });
  if (entry.author?.length) item.author = names(entry.author);
  if (entry.editor?.length) item.editor = names(entry.editor);
  for (const [k, v] of Object.entries(f)) if (TO_CSL[k] && v && item[TO_CSL[k]] === undefined) item[TO_CSL[k]] = v;
  const container = f.journal ?? f.journaltitle ?? f.booktitle;
  if (container) item['container-title'] = container;
  if (f.number) item[entry.type === 'article' ? 'issue' : 'number'] = f.number;
  const year = /\b(\d{4})\b/.exec(f.year ?? '')?.[1] ?? /^(\d{4})/.exec(f.date ?? '')?.[1];
  const month = /^(\d{1,2})$/.exec(f.month ?? '')?.[1] ?? /^\d{4}-(\d{2})/.exec(f.date ?? '')?.[1];
  if (year) item.issued = { 'date-parts': [month ? [Number(year), Number(month)] : [Number(year)]] };
  if (f.urldate && /^\d{4}-\d{2}-\d{2}/.test(f.urldate)) item.accessed = { 'date-parts': [f.urldate.slice(0, 10).split('-').map(Number)] };
  const prefix = (f.archiveprefix ?? f.eprinttype ?? '').toLowerCase();
  if (f.eprint && prefix === 'arxiv') {
    item.number ??= `arXiv:${f.eprint}`;
    item.publisher ??= 'arXiv';
    item.URL ??= `https://arxiv.org/abs/${f.eprint}`;
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// CSL-JSON → BibTeX

const CSL_TO_BIBTEX_TYPE: Record<string, string> = {
  'article-journal': 'article', 'article-magazine': 'article', 'article-newspaper': 'article', article: 'article',
  'paper-conference': 'inproceedings', chapter: 'incollection', book: 'book', thesis: 'phdthesis', report: 'techreport',
  manuscript: 'unpublished', webpage: 'misc', dataset: 'misc', software: 'misc', patent: 'misc',
};
/** CSL variables with one BibTeX field each (text, escaped). */
const TO_BIBTEX: [string, string][] = [
  ['title', 'title'], ['volume', 'volume'], ['page', 'pages'], ['publisher-place', 'address'], ['edition', 'edition'],
  ['collection-title', 'series'], ['chapter-number', 'chapter'], ['language', 'language'], ['keyword', 'keywords'],
  ['note', 'note'], ['ISBN', 'isbn'], ['ISSN', 'issn'], ['PMID', 'pmid'], ['PMCID', 'pmcid'], ['abstract', 'abstract'],
];
const VERBATIM_CSL = new Set(['DOI', 'URL']);

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.replace(/<\/?(?:i|b|sup|sub|sc|span)(?:\s[^<>]*)?>/g, '').replace(/\s+/g, ' ').trim() : typeof v === 'number' ? String(v) : undefined);

function cslNames(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const names = v.filter(isObject).map((n) => {
    if (typeof n.literal === 'string') return `{${escapeLatex(n.literal.trim())}}`;
    const family = [n['non-dropping-particle'], n.family].filter((x) => typeof x === 'string' && x).join(' ');
    const given = [n.given, n['dropping-particle']].filter((x) => typeof x === 'string' && x).join(' ');
    const suffix = typeof n.suffix === 'string' && n.suffix ? `, ${n.suffix}` : '';
    return family ? escapeLatex(given ? `${family}${suffix}, ${given}` : family) : escapeLatex(given);
  }).filter(Boolean);
  return names.length ? names.join(' and ') : undefined;
}

function dateParts(v: unknown): number[] | undefined {
  if (!isObject(v)) return undefined;
  const parts = Array.isArray(v['date-parts']) && Array.isArray(v['date-parts'][0]) ? (v['date-parts'][0] as unknown[]).map(Number) : undefined;
  if (parts?.length && parts.every(Number.isFinite)) return parts;
  const raw = typeof v.raw === 'string' ? /^(\d{4})(?:-(\d{2}))?/.exec(v.raw) : null;
  return raw ? [Number(raw[1]), ...(raw[2] ? [Number(raw[2])] : [])] : undefined;
}

/** A BibTeX entry with every variable of CSL `item` that has a BibTeX counterpart, ending with a newline. */
export function cslToBibtex(item: Record<string, unknown>, key: string): string {
  const cslType = typeof item.type === 'string' ? item.type : 'article';
  const type = CSL_TO_BIBTEX_TYPE[cslType] ?? 'misc';
  const fields: [string, string][] = [];
  const author = cslNames(item.author);
  if (author) fields.push(['author', author]);
  const editor = cslNames(item.editor);
  if (editor) fields.push(['editor', editor]);
  for (const [from, to] of TO_BIBTEX) {
    const v = text(item[from]);
    if (v) fields.push([to, escapeLatex(v)]);
  }
  const container = text(item['container-title']);
  if (container) fields.push([type === 'article' ? 'journal' : type === 'misc' ? 'howpublished' : 'booktitle', escapeLatex(container)]);
  const publisher = text(item.publisher);
  if (publisher) fields.push([type === 'phdthesis' ? 'school' : type === 'techreport' ? 'institution' : 'publisher', escapeLatex(publisher)]);
  const issue = text(item.issue) ?? text(item.number);
  if (issue) fields.push(['number', escapeLatex(issue)]);
  const issued = dateParts(item.issued);
  if (issued?.[0]) fields.push(['year', String(issued[0])]);
  if (issued?.[1] && issued[1] >= 1 && issued[1] <= 12) fields.push(['month', MONTHS[issued[1] - 1]]);
  const accessed = dateParts(item.accessed);
  if (accessed?.length === 3) fields.push(['urldate', accessed.map((n, i) => String(n).padStart(i ? 2 : 4, '0')).join('-')]);
  for (const k of VERBATIM_CSL) {
    const v = text(item[k]);
    if (v) fields.push([k.toLowerCase(), v.replace(/[{}]/g, '').replace(/[%#]/g, (c) => `\\${c}`)]);
  }
  const width = Math.max(...fields.map(([k]) => k.length), 5);
  return `@${type}{${key},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = ${k === 'month' ? v : `{${v}}`}`).join(',\n')}\n}\n`;
}
