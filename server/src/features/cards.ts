// How a paper reads in an editor (one-line detail, markdown card; names and trimming come from
// display.ts) and as the client receives it (PaperSummary, SearchResult). Reads no file.
import * as path from 'node:path';
import { authorList, shortAuthors, trimText } from '../display';
import type { Library } from '../library/library';
import type { Paper } from '../library/paper';
import type { PaperSummary, SearchResult } from '../protocol';
import type { Hit } from '../search';
import { isInside } from '../workspace/documents';
import { sourceName } from '../workspace/project';

/** Completion detail: "Authors year — Title" (parts that are unknown are left out). */
export function detailLine(paper: Paper): string {
  const who = [shortAuthors(paper.authors), paper.year ? String(paper.year) : ''].filter(Boolean).join(' ');
  return who ? `${who} — ${paper.title}` : paper.title;
}

/** "refs.bib:12" or "papers.json:2", relative to `base` when given. */
export function entryLocation(paper: Paper, base?: string): string {
  const file = base && isInside(paper.origin.file, base) ? path.relative(base, paper.origin.file) : path.basename(paper.origin.file);
  return `${file}:${paper.origin.line}`;
}

/** The paper card: title as heading, then authors, year, venue, trimmed abstract, where the entry lives. */
export function paperCard(paper: Paper, options: { abstractChars?: number; base?: string } = {}): string {
  const lines = [`### ${escapeMarkdown(paper.title)}`, ''];
  const meta = [
    paper.authors.length ? escapeMarkdown(authorList(paper.authors)) : '',
    paper.year ? String(paper.year) : '',
    paper.venue ? `*${escapeMarkdown(paper.venue)}*` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  if (meta) lines.push(meta, '');
  if (paper.abstract) lines.push(escapeMarkdown(trimText(paper.abstract, options.abstractChars ?? 600)), '');
  lines.push(`\`${paper.key}\` · entry: ${escapeMarkdown(entryLocation(paper, options.base))}`);
  return lines.join('\n');
}

/** Escapes characters markdown would interpret (titles hold `*`, `_`, `[`… now and then). */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>#|~])/g, '\\$1');
}

/** The display name of the source each key's paper came from; the search panel filters by it. */
export function sourceNames(library: Library, folders: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
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
