// What the search panel asks of the library: a search with source and year filters, the sources
// and years to filter by, and an entry's BibTeX to copy. Asked for a document (the one citations
// go into), sources outside its field (gate.ts inField, as lenses and hovers) come after the
// others and are marked. Reads no file.
import { toBibtex } from '../library/bibwriter';
import { prepareEntry } from '../library/entrycopy';
import type { LibraryInfo, SearchParams, SearchResult } from '../protocol';
import type { Hit } from '../search';
import { sourceName, type FeatureContext, type LibraryContext } from '../workspace/project';
import { clampLimit, sourceNames, toResults } from './cards';
import { relatedDocument } from './related';

/** Words typed into a search box are a typed query; a sentence pasted there is a context query (Ranker.search). */
export async function search(ctx: LibraryContext | FeatureContext, params: SearchParams): Promise<SearchResult[]> {
  const { index, library } = ctx;
  if (!index || !library || typeof params?.query !== 'string') return [];
  const limit = clampLimit(params.limit, ctx.config.maxSuggestions);
  const query = params.query.trim();
  const names = sourceNames(library, ctx.folders);
  const sources = params.sources?.length ? new Set(params.sources) : null;
  const outside = sources ? new Set<string>() : outsideField(ctx);
  const filtered = sources || outside.size > 0 || params.yearFrom !== undefined || params.yearTo !== undefined;
  const fetch = filtered ? Math.max(limit * 10, 200) : limit;
  const hits: Hit[] = query === '' ? library.papers.slice(0, fetch).map((paper) => ({ paper, score: 0, matched: [] })) : await index.search(query, { limit: fetch });
  const keep = hits.filter((h) => {
    const paper = library.get(h.paper.key) ?? h.paper;
    if (sources && !sources.has(names.get(paper.key) ?? '')) return false;
    if (params.yearFrom !== undefined && (paper.year === undefined || paper.year < params.yearFrom)) return false;
    if (params.yearTo !== undefined && (paper.year === undefined || paper.year > params.yearTo)) return false;
    return true;
  });
  const results = toResults(library, keep, names);
  if (outside.size === 0) return results.slice(0, limit);
  // In the ranking's order within each part: the document's field first, then the rest, marked.
  const after = results.filter((r) => outside.has(r.source)).map((r): SearchResult => ({ ...r, outsideField: true }));
  return [...results.filter((r) => !outside.has(r.source)), ...after].slice(0, limit);
}

/**
 * The names of the sources whose field the document is outside, as lenses and hovers judge it
 * (gate.ts inField over the titles it cites); none for a request without a document, with the gate
 * off (litlens.relatedThreshold 0), or for a document too few of whose citations are in the library.
 */
export function outsideField(ctx: LibraryContext | FeatureContext): Set<string> {
  const { index, library } = ctx;
  if (!('doc' in ctx) || !index || !library || ctx.config.relatedThreshold <= 0) return new Set();
  const document = relatedDocument(ctx.doc.uri, ctx.doc.text, ctx.doc.syntax, library);
  // The Ranker's own judgement, kept per document: undefined when every source is in the field.
  const inField = index.inFieldSources(document, undefined);
  if (!inField) return new Set();
  const name = (s: (typeof library.sources)[number]) => sourceName(s, ctx.folders);
  // A source indexed in parts (Zotero) is outside when every part is.
  const inside = new Set(library.sources.filter((s) => inField.has(s.id)).map(name));
  return new Set(library.sources.filter((s) => !inField.has(s.id)).map(name).filter((n) => !inside.has(n)));
}

/** The sources (with their paper counts) and the span of years the panel filters by. */
export function libraryInfo(ctx: LibraryContext | FeatureContext): LibraryInfo {
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
  const outside = outsideField(ctx);
  const counts = countsByName(library.sources.filter((s) => size(s) > 0).map((s) => ({ name: sourceName(s, ctx.folders), papers: size(s) })));
  return {
    sources: counts.map((s) => (outside.has(s.name) ? { ...s, outsideField: true } : s)),
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
