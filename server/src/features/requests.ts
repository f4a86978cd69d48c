// The custom requests of protocol.ts (search panel, related, library info) as plain functions.
import type { Library, LibrarySource } from '../library/library';
import type { Paper } from '../library/paper';
import type { LibraryInfo, PaperSummary, RelatedParams, SearchParams, SearchResult, Settings } from '../protocol';
import type { Hit } from '../search';
import type { Ready } from './state';

/** How a source is shown to the user ("bundled corpus", "refs.bib"); the search panel filters by it. */
export type SourceNamer = (source: LibrarySource) => string;
const plainName: SourceNamer = (s) => s.name;

/** The display name of the source each key's paper came from. */
export function sourceNames(library: Library, nameOf: SourceNamer = plainName): Map<string, string> {
  const names = new Map<string, string>();
  // Workspace sources win a duplicate key over the corpus, as in Library.papers.
  const ordered = [...library.sources].sort((a, b) => Number(a.kind === 'corpus') - Number(b.kind === 'corpus'));
  for (const source of ordered) {
    const name = nameOf(source);
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

/** Words typed into a search box are a typed query; a sentence pasted there is a context query. */
export async function searchLibrary(ready: Ready, params: SearchParams, config: Settings, nameOf: SourceNamer = plainName): Promise<SearchResult[]> {
  const limit = clampLimit(params.limit, config.maxSuggestions);
  const query = params.query.trim();
  const names = sourceNames(ready.library, nameOf);
  const filtered = params.sources?.length || params.yearFrom !== undefined || params.yearTo !== undefined;
  const fetch = filtered ? Math.max(limit * 10, 200) : limit;
  let hits: Hit[];
  if (query === '') {
    hits = ready.library.papers.slice(0, fetch).map((paper) => ({ paper, score: 0, matched: [] }));
  } else {
    hits = await ready.index.search(query, { limit: fetch });
  }
  const sources = params.sources?.length ? new Set(params.sources) : null;
  const keep = hits.filter((h) => {
    const paper = ready.library.get(h.paper.key) ?? h.paper;
    if (sources && !sources.has(names.get(paper.key) ?? '')) return false;
    if (params.yearFrom !== undefined && (paper.year === undefined || paper.year < params.yearFrom)) return false;
    if (params.yearTo !== undefined && (paper.year === undefined || paper.year > params.yearTo)) return false;
    return true;
  });
  return toResults(ready.library, keep.slice(0, limit), names);
}

/** Related papers for a text (the caller extracts the sentence when given a position). */
export async function relatedTo(ready: Ready, text: string, params: RelatedParams, config: Settings, nameOf: SourceNamer = plainName): Promise<SearchResult[]> {
  if (!text.trim()) return [];
  const hits = await ready.index.related(text, { limit: clampLimit(params.limit, config.maxSuggestions), threshold: params.threshold ?? config.relatedThreshold });
  return toResults(ready.library, hits, sourceNames(ready.library, nameOf));
}

export function libraryInfo(library: Library, nameOf: SourceNamer = plainName): LibraryInfo {
  let min = Infinity;
  let max = -Infinity;
  for (const p of library.papers) {
    if (p.year === undefined) continue;
    min = Math.min(min, p.year);
    max = Math.max(max, p.year);
  }
  return {
    sources: library.sources.filter((s) => s.papers.length > 0).map((s) => ({ name: nameOf(s), papers: s.papers.length })),
    years: Number.isFinite(min) ? { min, max } : null,
  };
}

function clampLimit(limit: number | undefined, fallback: number): number {
  return typeof limit === 'number' && Number.isFinite(limit) ? Math.max(1, Math.min(500, Math.round(limit))) : fallback;
}
