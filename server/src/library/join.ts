// The bundled corpus's papers have titles and abstracts but no authors or year. When a configured
// corpus (an arXiv snapshot) holds a paper with the same title (titleIdentity: case, accents,
// spacing and punctuation aside), its entry supplies what is missing, so what LitLens writes to
// a .bib for a bundled paper is complete: authors, year, e-print, DOI, journal.
import type { Paper } from './paper';
import type { PaperStore } from './store';

/**
 * The papers with their missing fields filled from the store's entry of the same title (the
 * first one in the file when several share it); a paper without a match is returned as it is.
 * Keys, titles and abstracts are never changed. One pass over the store's titles, then one read
 * per matched paper. The store keys matched go into `matched` when given: the bundled paper
 * stands for them, so rankings leave them out (SearchIndex.hideKeys).
 */
export async function joinByTitle(papers: readonly Paper[], store: PaperStore, matched?: string[]): Promise<Paper[]> {
  const matches = store.docsWithTitles(papers.map((p) => p.title), true);
  return Promise.all(
    papers.map(async (paper, i) => {
      const doc = matches[i][0];
      if (doc === undefined) return paper;
      matched?.push(store.keyAt(doc));
      const entry = await store.fullEntry(store.keyAt(doc));
      if (!entry) return paper;
      const joined: Paper = { ...paper };
      if (joined.authors.length === 0) joined.authors = entry.authors;
      if (joined.year === undefined && entry.year !== undefined) joined.year = entry.year;
      if (!joined.eprint && entry.eprint) joined.eprint = entry.eprint;
      if (!joined.doi && entry.doi) joined.doi = entry.doi;
      if (!joined.venue && entry.venue) joined.venue = entry.venue;
      if (!joined.url && entry.url) joined.url = entry.url;
      return joined;
    }),
  );
}
