// Related papers (litlens/related): for a passage given as text, or for the passage around a
// document position (the scope's text, with its fallback: documents/context.ts). [] when nothing in
// the library is about it. Reads no file.
import { citedKeys, documentProse, documentTitle, textAround, titleKey, type Syntax } from '../documents';
import type { Library } from '../library/library';
import type { Paper } from '../library/paper';
import type { RelatedParams, SearchResult } from '../protocol';
import { remember } from '../search/rank';
import type { FeatureContext, LibraryContext } from '../workspace/project';
import { clampLimit, sourceNames, toResults } from './cards';

/**
 * A related-work search wants every paper that passes the gate, up to the limit, in ranking
 * order, not only those close to the best one (lenses and hovers keep that cut): 0 is no cut.
 */
export const RELATED_LIST_RELATIVE = 0;

/**
 * A document as the related gate reads it (RelatedLimits.document): its prose (the document null),
 * the titles of the library entries it cites (the field rule, gate.ts inField), the entries that
 * are the document itself (`self`: never suggested in it) and its own title (no evidence for one
 * passage of it: RelatedOptions.subject).
 */
export function relatedDocument(id: string, text: string, syntax: Syntax, library: Library | null | undefined): RelatedDocument {
  // Asked on every bare \cite{, hover and lens: read once per text (a long document's prose and keys take milliseconds).
  const last = readDocuments.get(id);
  if (last && last.text === text && last.syntax === syntax && last.library === library && last.version === library?.version) return last.document;
  const cited = [...new Set(citedKeys(text, syntax).map((k) => k.key))].flatMap((k) => {
    const title = library?.get(k)?.title;
    return title ? [{ key: k, title }] : [];
  });
  const document = { id, prose: documentProse(text, syntax), cites: cited.map((c) => c.title), citeKeys: cited.map((c) => c.key), self: selfKeys(text, syntax, library), title: documentTitle(text, syntax) };
  remember(readDocuments, id, { text, syntax, library, version: library?.version, document }, READ_DOCUMENTS);
  return document;
}

type RelatedDocument = { readonly id: string; readonly prose: string; readonly cites: string[]; readonly citeKeys: string[]; readonly self: string[]; readonly title: string | null };

/**
 * The keys of the library's entries that are the document itself: a .bib often holds the paper
 * being written, and its title (documents/title.ts) is the document's. Papers held as objects only
 * (the user's libraries, the bundled corpus), not a store's million.
 */
export function selfKeys(text: string, syntax: Syntax, library: Library | null | undefined): string[] {
  const title = documentTitle(text, syntax);
  const key = title === null ? '' : titleKey(title);
  return key && library ? (titlesOf(library).get(key) ?? []) : [];
}

/** Per library (and its version): its papers' keys by titleKey, made on first use. */
const titles = new WeakMap<Library, { version: number; keys: Map<string, string[]> }>();

function titlesOf(library: Library): Map<string, string[]> {
  const known = titles.get(library);
  if (known?.version === library.version) return known.keys;
  const keys = new Map<string, string[]>();
  for (const p of library.papers) {
    const k = titleKey(p.title);
    if (k) keys.set(k, [...(keys.get(k) ?? []), p.key]);
  }
  titles.set(library, { version: library.version, keys });
  return keys;
}

/** The documents relatedDocument read last (open documents), by id: the text, library and version it read them with. */
const readDocuments = new Map<string, { text: string; syntax: Syntax; library: unknown; version: number | undefined; document: RelatedDocument }>();
const READ_DOCUMENTS = 16;

/** `ctx` is a FeatureContext when the request names a document the server has. */
export async function related(ctx: LibraryContext | FeatureContext, params: RelatedParams): Promise<SearchResult[]> {
  const { index, library, config } = ctx;
  const text = params.text || ('doc' in ctx ? textAround(ctx.doc.text, ctx.offset, ctx.doc.syntax, params.scope) : '');
  if (!index || !library || !text.trim()) return [];
  const document = 'doc' in ctx ? relatedDocument(ctx.doc.uri, ctx.doc.text, ctx.doc.syntax, library) : undefined;
  const hits = await index.related(text, { limit: clampLimit(params.limit, config.maxSuggestions), threshold: params.threshold ?? config.relatedThreshold, relative: RELATED_LIST_RELATIVE, document });
  return toResults(library, hits, sourceNames(library, ctx.folders));
}
