// How a paper reads in an editor (one-line detail, markdown card; names and trimming come from
// display.ts) and as the client receives it (PaperSummary, SearchResult). Reads no file.
import * as path from 'node:path';
import { authorList, shortAuthors, trimText } from '../display';
import type { Library } from '../library/library';
import type { Paper } from '../library/paper';
import type { PaperStore } from '../library/store';
import type { PaperSummary, SearchResult } from '../protocol';
import type { Hit } from '../search';
import { fileUri, isInside } from '../workspace/documents';
import { sourceName } from '../workspace/project';

/** Completion detail: "Authors year — Title" (parts that are unknown are left out). */
export function detailLine(paper: Paper): string {
  const who = [shortAuthors(paper.authors), paper.year ? String(paper.year) : ''].filter(Boolean).join(' ');
  return who ? `${who} — ${paper.title}` : paper.title;
}

/** "refs.bib:12" or "papers.json:2", relative to `base` when given; "Zotero" for a Zotero item. */
export function entryLocation(paper: Paper, base?: string): string {
  if (paper.origin.kind === 'zotero') return 'Zotero';
  const file = base && isInside(paper.origin.file, base) ? path.relative(base, paper.origin.file) : path.basename(paper.origin.file);
  return `${file}:${paper.origin.line}`;
}

/**
 * The paper card: title as heading, then authors, year, venue, DOI and URL as links, the trimmed
 * abstract (a workspace entry without one borrows the bundled corpus's copy of the same paper,
 * when `library` has it, and says so), and where the entry lives (a link to its file and line).
 */
export function paperCard(paper: Paper, options: { abstractChars?: number; base?: string; library?: Library | null } = {}): string {
  const lines = [`### ${escapeMarkdown(paper.title)}`, ''];
  const meta = [
    paper.authors.length ? escapeMarkdown(authorList(paper.authors, Infinity, paper.moreAuthors)) : '',
    paper.year ? String(paper.year) : '',
    paper.venue ? `*${escapeMarkdown(paper.venue)}*` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  if (meta) lines.push(meta, '');
  const doiLink = paper.doi ? `https://doi.org/${paper.doi.split('/').map(encodeURIComponent).join('/')}` : '';
  const url = paper.url && /^https?:\/\//i.test(paper.url) && !sameUrl(paper.url, doiLink) ? paper.url : '';
  const links = [doiLink ? `DOI ${link(paper.doi!, doiLink)}` : '', url ? link(trimText(url.replace(/^https?:\/\//i, ''), 60), url) : ''].filter(Boolean);
  if (links.length) lines.push(links.join(' · '), '');
  const borrowed = !paper.abstract && paper.origin.kind !== 'corpus' ? options.library?.inCorpus(paper)?.abstract : undefined;
  const abstract = paper.abstract ?? borrowed;
  if (abstract) lines.push(escapeMarkdown(trimText(abstract, options.abstractChars ?? 600)), '');
  if (borrowed) lines.push('*Abstract from the bundled corpus.*', '');
  lines.push(`\`${paper.key}\` · ${entryPlace(paper, options.base)}`);
  return lines.join('\n');
}

/** "bundled corpus", or a link to the entry's file and line ("refs.bib:12"; editors open file:…#L12 at the line). */
function entryPlace(paper: Paper, base?: string): string {
  if (paper.origin.kind === 'corpus') return 'bundled corpus';
  if (paper.origin.kind === 'zotero') return paper.link ? link('open in Zotero', paper.link) : 'Zotero';
  return link(entryLocation(paper, base), `${fileUri(paper.origin.file)}#L${paper.origin.line}`);
}

/** A markdown link; the target's spaces and parentheses are escaped so the link stays one. */
function link(text: string, target: string): string {
  return `[${escapeMarkdown(text)}](${target.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}

const sameUrl = (a: string, b: string): boolean => !!b && decodeURIComponent(a).replace(/^https?:\/\/(dx\.)?/i, '').toLowerCase() === decodeURIComponent(b).replace(/^https?:\/\//i, '').toLowerCase();

/** Escapes characters markdown would interpret (titles hold `*`, `_`, `[`… now and then). */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>#|~])/g, '\\$1');
}

/** Names of the papers held as objects, and a store's name for its papers, looked up by key (a million keys are never listed). */
class SourceNames extends Map<string, string> {
  constructor(private readonly stores: { store: PaperStore; name: string }[]) {
    super();
  }
  override get(key: string): string | undefined {
    return super.get(key) ?? this.stores.find((s) => s.store.docOf(key) >= 0)?.name;
  }
}

/** The display name of the source each key's paper came from; the search panel filters by it. */
export function sourceNames(library: Library, folders: readonly string[]): Map<string, string> {
  const names = new SourceNames(library.stores.map((s) => ({ store: s.store!, name: sourceName(s, folders) })));
  // Workspace sources win a duplicate key over the corpus, as in Library.papers.
  const ordered = [...library.sources].sort((a, b) => Number(a.kind === 'corpus') - Number(b.kind === 'corpus'));
  for (const source of ordered) {
    const name = sourceName(source, folders);
    for (const p of source.papers) if (!names.has(p.key)) names.set(p.key, name);
  }
  return names;
}

export function summary(paper: Paper, source: string): PaperSummary {
  return {
    key: paper.key,
    title: paper.title,
    authors: paper.authors,
    ...(paper.moreAuthors ? { moreAuthors: true } : {}),
    ...(paper.year !== undefined ? { year: paper.year } : {}),
    ...(paper.venue ? { venue: paper.venue } : {}),
    ...(paper.abstract ? { abstract: paper.abstract } : {}),
    source,
    file: paper.origin.file,
    line: paper.origin.line,
  };
}

export function toResults(library: Library, hits: readonly Hit[], names: Map<string, string>): SearchResult[] {
  return hits.map((h) => {
    const paper = library.get(h.paper.key) ?? h.paper;
    return { ...summary(paper, names.get(paper.key) ?? ''), score: h.score, matched: h.matched };
  });
}

/** A request's `limit`, within 1..500; the setting when the request gives none. */
export function clampLimit(limit: number | undefined, fallback: number): number {
  return typeof limit === 'number' && Number.isFinite(limit) ? Math.max(1, Math.min(500, Math.round(limit))) : fallback;
}
