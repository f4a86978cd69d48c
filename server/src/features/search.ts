// What the search panel asks of the library: a search with source and year filters, the sources
// and years to filter by, and an entry's BibTeX to copy. Reads no file.
import { toBibtex } from '../library/bibwriter';
import { prepareEntry } from '../library/entrycopy';
import type { LibraryInfo, SearchParams, SearchResult } from '../protocol';
import type { Hit } from '../search';
import { sourceName, type LibraryContext } from '../workspace/project';
import { clampLimit, sourceNames, toResults } from './cards';

/** Words typed into a search box are a typed query; a sentence pasted there is a context query (Ranker.search). */
export async function search(ctx: LibraryContext, params: SearchParams): Promise<SearchResult[]> {
  const { index, library } = ctx;
  if (!index || !library || typeof params?.query !== 'string') return [];
  const limit = clampLimit(params.limit, ctx.config.maxSuggestions);
  const query = params.query.trim();
  const names = sourceNames(library, ctx.folders);
  const filtered = params.sources?.length || params.yearFrom !== undefined || params.yearTo !== undefined;
  const fetch = filtered ? Math.max(limit * 10, 200) : limit;
  const hits: Hit[] = query === '' ? library.papers.slice(0, fetch).map((paper) => ({ paper, score: 0, matched: [] })) : await index.search(query, { limit: fetch });
  const sources = params.sources?.length ? new Set(params.sources) : null;
  const keep = hits.filter((h) => {
    const paper = library.get(h.paper.key) ?? h.paper;
    if (sources && !sources.has(names.get(paper.key) ?? '')) return false;
    if (params.yearFrom !== undefined && (paper.year === undefined || paper.year < params.yearFrom)) return false;
    if (params.yearTo !== undefined && (paper.year === undefined || paper.year > params.yearTo)) return false;
    return true;
  });
  return toResults(library, keep.slice(0, limit), names);
}

/** The sources (with their paper counts) and the span of years the panel filters by. */
export function libraryInfo(ctx: LibraryContext): LibraryInfo {
  const library = ctx.index ? ctx.library : null;
  if (!library) return { sources: [], years: null };
  let min = Infinity;
  let max = -Infinity;
  for (const p of library.papers) {
    if (p.year === undefined) continue;
    min = Math.min(min, p.year);
    max = Math.max(max, p.year);
  }
  for (const { store } of library.stores) {
    const span = store!.years();
    if (span) [min, max] = [Math.min(min, span.min), Math.max(max, span.max)];
  }
  const size = (s: (typeof library.sources)[number]) => (s.store ? (s.store.live ?? s.store.size) : 0) + s.papers.length;
  return {
    sources: countsByName(library.sources.filter((s) => size(s) > 0).map((s) => ({ name: sourceName(s, ctx.folders), papers: size(s) }))),
    years: Number.isFinite(min) ? { min, max } : null,
  };
}

/** One row per source name: a Zotero library indexed in parts is one source to the user. */
function countsByName(sources: { name: string; papers: number }[]): { name: string; papers: number }[] {
  const byName = new Map<string, { name: string; papers: number }>();
  for (const s of sources) {
    const seen = byName.get(s.name);
    if (seen) seen.papers += s.papers;
    else byName.set(s.name, { ...s });
  }
  return [...byName.values()];
}

/** The key's entry as BibTeX, as it would be added (all its fields; @strings expanded); null when the library has no such key. */
export async function bibtex(ctx: LibraryContext, key: string): Promise<string | null> {
  const library = ctx.library;
  const paper = library?.has(key) ? ((await library.fullEntry(key)) ?? library.get(key)) : undefined;
  if (!paper) return null;
  return (await prepareEntry(paper, false)).bibtex?.('') ?? toBibtex(paper);
}
