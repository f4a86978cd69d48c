// Citation completion: inside \cite{…} or after [@, the document's own bibliography first, ranked
// by the sentence being written, then a few papers from elsewhere. Reads no file.
//
// Tiers: (1) the bibliography the document names (\bibliography, \addbibresource, front matter
// `bibliography:`), else the workspace's .bib files; (2) the other workspace libraries and
// litlens.libraries; (3) the bundled corpus. With nothing typed every tier-1 entry is offered
// (up to OWN_LIMIT; past it the best by the sentence), ranked by the sentence, the words just
// before the citation and the keys cited beside it as weaker queries, and whether the document
// cites the entry yet; statistics (idf) are the bibliography's own. After tier 1 come at most
// OTHER_LIMIT papers of tiers 2-3 that pass the related gate, within the first maxSuggestions rows
// when tier 1 is longer (withRoomForOthers). With letters typed, every tier is
// narrowed by them, tier 1 first. Keys already in the command are left out, unless that would
// leave nothing.
import * as path from 'node:path';
import { citationAt, citedKeys, citingText, passageAt, type CitationContext } from '../documents';
import { familyName, shortAuthors } from '../display';
import type { Library, LibrarySource } from '../library/library';
import type { Paper } from '../library/paper';
import type { PaperStore } from '../library/store';
import type { Hit } from '../search';
import { keyWords } from '../search/segment';
import type { Doc } from '../workspace/documents';
import { isInside } from '../workspace/documents';
import { projectKeys, sourceName, type FeatureContext } from '../workspace/project';
import { completionCard } from './completionResolve';
import { relatedDocument } from './related';

export type Tier = 1 | 2 | 3;

export interface CompletionEntry {
  key: string;
  /** What the row shows first: "Smith 2020 · Title" (rowLabel); the key is what is inserted and matched. */
  label: string;
  /** Beside the row (labelDetails.description): the key, after "+ refs.bib · " when choosing it adds the entry. */
  description: string;
  /** The details header: where the entry is, or which file choosing it adds it to (rowDetail), wrapped at words. */
  detail: string;
  /** Markdown: the paper card. */
  documentation: string;
  sortText: string;
  filterText: string;
  /** What the key replaces: the typed part of the key (UTF-16 offsets). */
  start: number;
  end: number;
  /** The paper is in the library but not in the project's bibliography: choosing it adds the entry. */
  addsEntryTo: string | null;
  tier: Tier;
}

export interface CompletionAnswer {
  items: CompletionEntry[];
  /** Always true: each keystroke re-asks, so the server's ranking follows what is typed (and a bibliography past OWN_LIMIT is searched). */
  incomplete: boolean;
}

/** At most this many tier-1 entries (a bibliography of more gives its best by the sentence). */
export const OWN_LIMIT = 1000;
/** With nothing typed, at most this many papers from tiers 2-3 follow tier 1. */
export const OTHER_LIMIT = 3;
/**
 * Weights of the weaker queries and the prior, in units of the sentence's best BM25F score, chosen
 * on eval:real's tune half (npm run eval:real -- --half tune): the last words before the citation
 * (0.38 → 0.45 MRR), the keys cited beside it (+0.01), entries the document does not cite yet
 * (+0.05 at 0.3; a re-cite measure favours them more, up to +0.09 at 1, so the prior is kept
 * mild: re-citing is common too). The paragraph as a query cost 0.005-0.01 at every weight tried,
 * and is left out.
 */
export const OWN_WEIGHTS = { near: 1, coCited: 1, notYetCited: 0.3 };
/** How many words before the citation make the "nearby" query ("…gridded with quarry \cite{|}"): 4 beat 6 and 10. */
const NEAR_WORDS = 4;

/** The text a citation is ranked by (documents/context.ts citingText). */
export function citingContext(doc: Doc, offset: number, cite: CitationContext): string {
  return citingText(doc.text, offset, doc.syntax, cite.command);
}

/** Source ids of tiers 1 and 2 (everything else is tier 3, the corpus). */
export interface CompletionTiers {
  own: ReadonlySet<string>;
  other: ReadonlySet<string>;
}

/**
 * Tier 1: the sources of the files the document names, else the workspace's .bib files; tier 2:
 * every other non-corpus source.
 */
export function completionTiers(library: Library, named: readonly string[], folders: readonly string[]): CompletionTiers {
  const files = library.sources.filter((s) => s.kind !== 'corpus');
  const wanted = new Set(named.map((f) => path.resolve(f)));
  let own = files.filter((s) => s.file && wanted.has(path.resolve(s.file)));
  if (own.length === 0) own = files.filter((s) => s.file && /\.bib$/i.test(s.file) && folders.some((f) => isInside(s.file, f)));
  const ownIds = new Set(own.map((s) => s.id));
  return { own: ownIds, other: new Set(files.filter((s) => !ownIds.has(s.id)).map((s) => s.id)) };
}

/** A store's keys, made once per store: a bibliography held off the heap is not walked per keystroke. */
const storeKeys = new WeakMap<PaperStore, readonly string[]>();

/** The keys of a source's papers, held as objects or in a store (and those read since it was built). */
function keysOf(source: LibrarySource): Iterable<string> {
  const store = source.store;
  if (!store) return source.papers.map((p) => p.key);
  let keys = storeKeys.get(store);
  if (!keys) {
    // A store comes with the same papers beside it until both are replaced (workspace/stored.ts).
    const list = source.papers.map((p) => p.key);
    for (let doc = 0; doc < store.size; doc++) if (store.isLive?.(doc) !== false) list.push(store.keyAt(doc));
    storeKeys.set(store, (keys = list));
  }
  return keys;
}

/** null when the cursor is not where a citation key goes; no items (incomplete) before the index is ready. */
export function completion(ctx: FeatureContext): CompletionAnswer | null {
  const { doc, offset, config, index, library } = ctx;
  const cite = citationAt(doc.text, offset, doc.syntax);
  if (!cite) return null;
  if (!index || !library) return { items: [], incomplete: true };
  const tiers = completionTiers(library, ctx.project.named, ctx.folders);
  const sentence = citingContext(doc, offset, cite);
  const typed = cite.typed.trim();
  const coCited = new Set(cite.keys);
  const ownKeys = new Set<string>();
  for (const s of library.sources) if (tiers.own.has(s.id)) for (const key of keysOf(s)) ownKeys.add(key);

  // Tier 1.
  let own: Paper[];
  if (tiers.own.size === 0) own = [];
  else if (typed) {
    own = index.completionWithin(cite.typed, sentence, { limit: OWN_LIMIT, within: tiers.own }).map((h) => h.paper);
    if (own.length === 0 || typed.length < 2) {
      // One letter (too short for the index's typed matching), or letters it does not match: the
      // entries whose key, a title word or an author's name starts with them, by the sentence.
      const have = new Set(own.map((p) => p.key));
      const words = fold(typed).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      for (const p of rankOwn(ctx, cite, sentence, tiers.own, ownKeys)) if (!have.has(p.key) && startsWithTyped(p, words)) own.push(p);
    }
  } else own = rankOwn(ctx, cite, sentence, tiers.own, ownKeys);
  own = own.filter((p) => ownKeys.has(p.key));
  const ownLeft = own.filter((p) => !coCited.has(p.key));
  // Keys already cited here are not offered again, unless nothing else is left.
  const first = ownLeft.length > 0 ? ownLeft : own;

  // Tiers 2-3: narrowed by what is typed; with nothing typed, a few related papers (all of the
  // ranking when the document has no bibliography of its own).
  const seen = new Set([...first.map((p) => p.key), ...coCited]);
  let others: Hit[];
  if (typed || first.length === 0) others = index.completion(cite.typed, sentence, config.maxSuggestions + seen.size);
  else {
    const document = relatedDocument(doc.uri, doc.text, doc.syntax, library);
    // The bibliography's entries are left out before the gate (its best paper would set the bar otherwise); the gate
    // is judged over the whole library the document's field keeps, as Show Related Papers judges it: judged within
    // a small library alone (a lab's .bib of a few entries) it never opens. The strict gate: these rows displace the
    // bibliography's own entries, so a paper from elsewhere must be about the sentence, not past the own-library bar (a paper
    // of the user's other libraries: past the library null alone, gate.ts ownPassesStrict).
    others = index.relatedNow(sentence, { limit: OTHER_LIMIT + seen.size, threshold: config.relatedThreshold, exclude: ownKeys, document, strict: true }).hits;
  }
  // maxSuggestions counts the papers from outside the bibliography (its own entries are all offered).
  const otherLimit = typed || first.length === 0 ? config.maxSuggestions : Math.min(OTHER_LIMIT, config.maxSuggestions);
  const rest = others
    .map((h) => library.get(h.paper.key) ?? h.paper)
    .filter((p) => !seen.has(p.key) && !ownKeys.has(p.key))
    .slice(0, otherLimit);

  const inBibliography = projectKeys(ctx);
  // Where a missing entry would go; nowhere in an untrusted workspace.
  const target = ctx.trusted ? ctx.project.target : null;
  const tierOf = (p: Paper): Tier => (ownKeys.has(p.key) ? 1 : p.origin.kind === 'corpus' ? 3 : 2);
  const items = withRoomForOthers(first, rest, typed ? Infinity : config.maxSuggestions).map((paper, i): CompletionEntry => {
    const addsEntryTo = !inBibliography.has(paper.key) && target !== null ? target : null;
    return {
      key: paper.key,
      label: rowLabel(paper),
      // A row that would add an entry says so on the row itself, not only in the details.
      description: addsEntryTo ? `+ ${path.basename(addsEntryTo)} · ${paper.key}` : paper.key,
      detail: rowDetail(paper, { addsEntryTo, source: sourceOf(library, paper, ctx.folders) }),
      documentation: completionCard(paper, library, addsEntryTo),
      sortText: String(i).padStart(5, '0'),
      // Starts with what is typed so the editor's own fuzzy filter keeps every item and orders by sortText.
      filterText: `${cite.typed} ${paper.key} ${paper.title} ${shortAuthors(paper.authors)} ${paper.year ?? ''}`.trimEnd(),
      start: cite.typedStart,
      end: cite.typedEnd,
      addsEntryTo,
      tier: tierOf(paper),
    };
  });
  return { items, incomplete: true };
}

/**
 * The bibliography's entries with the papers from elsewhere among the first `rows`: a bare
 * citation with a bibliography of `rows` entries or more would otherwise show the papers that
 * passed the related gate only after all of them (VS Code lists every item; a reader looks at the first).
 */
export function withRoomForOthers<T>(own: readonly T[], others: readonly T[], rows: number): T[] {
  const at = Math.max(0, Math.min(own.length, rows - others.length));
  return [...own.slice(0, at), ...others, ...own.slice(at)];
}

const fold = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Every typed word (folded) starts the key, a word of the title or a word of an author's name (case and accents aside). */
function startsWithTyped(paper: Paper, words: readonly string[]): boolean {
  const key = fold(paper.key);
  const hay = fold(`${paper.key} ${paper.title} ${paper.authors.join(' ')}`).split(/[^\p{L}\p{N}]+/u);
  return words.length > 0 && words.every((w, i) => (i === 0 && key.startsWith(w)) || hay.some((h) => h.startsWith(w)));
}

/**
 * Every tier-1 entry (up to OWN_LIMIT), best first: the sentence's BM25F score over the
 * bibliography, plus weaker scores for the words just before the citation and for the keys cited
 * beside it, plus a prior for entries the document does not cite yet; ties by key.
 */
function rankOwn(ctx: FeatureContext, cite: CitationContext, sentence: string, within: ReadonlySet<string>, ownKeys: ReadonlySet<string>): Paper[] {
  const { doc, offset, index } = ctx;
  const passage = passageAt(doc.text, offset, doc.syntax);
  const cited = citedKeys(doc.text, doc.syntax);
  // The words just before the citation, without the keys cited there (they name other entries).
  const from = passage.paragraph?.start ?? Math.max(0, offset - 400);
  let before = doc.text.slice(from, cite.typedStart);
  for (const k of cited) if (k.start >= from && k.end <= cite.typedStart) before = before.slice(0, k.start - from) + ' '.repeat(k.end - k.start) + before.slice(k.end - from);
  const near = before.replace(/\\[a-zA-Z]+\*?|[{}[\]@~;,]/g, ' ').split(/\s+/).filter(Boolean).slice(-NEAR_WORDS).join(' ');
  const score = new Map<string, number>();
  const papers = new Map<string, Paper>();
  const add = (hits: Hit[], weight: number) => {
    for (const h of hits) {
      score.set(h.paper.key, (score.get(h.paper.key) ?? 0) + weight * h.score);
      papers.set(h.paper.key, h.paper);
    }
  };
  // Plain BM25F: the coordination factor cost 0.01 MRR here (a bibliography entry is short).
  const query = (text: string) => (text.trim() ? index!.completionWithin('', text, { limit: OWN_LIMIT, within, coordination: false }) : []);
  const bySentence = query(sentence);
  add(bySentence, 1);
  // The weaker queries and the prior are in units of the sentence's best score.
  const unit = bySentence[0]?.score || 1;
  add(scaled(query(near), unit), OWN_WEIGHTS.near);
  // Keys cited beside this one often name the same project or authors ("astropy2013, astropy2018").
  if (cite.keys.length) add(scaled(query(cite.keys.map(keyWords).join(' ')), unit), OWN_WEIGHTS.coCited);
  // Entries the document does not cite yet are likelier than those it does (most are cited once).
  const elsewhere = new Set<string>();
  for (const k of cited) if (k.end < cite.typedStart || k.start > cite.typedEnd) elsewhere.add(k.key);
  for (const key of ownKeys) {
    if (elsewhere.has(key)) continue;
    score.set(key, (score.get(key) ?? 0) + OWN_WEIGHTS.notYetCited * unit);
  }
  const ranked = [...score.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([key]) => key);
  const out: Paper[] = [];
  const library = ctx.library!;
  for (const key of ranked) {
    const p = library.get(key) ?? papers.get(key);
    if (p) out.push(p);
  }
  // Entries nothing speaks for, by key, so that every one is offered.
  if (out.length < OWN_LIMIT) {
    const listed = new Set(ranked);
    for (const key of [...ownKeys].sort()) {
      if (out.length >= OWN_LIMIT) break;
      if (listed.has(key)) continue;
      const p = library.get(key);
      if (p) out.push(p);
    }
  }
  return out.slice(0, OWN_LIMIT);
}

/** Scores rescaled so the best is `unit` (a weaker query counts by its order, not its length). */
function scaled(hits: Hit[], unit: number): Hit[] {
  const best = hits[0]?.score || 1;
  return hits.map((h) => ({ ...h, score: (h.score / best) * unit }));
}

/**
 * "Smith 2020 · Title": the first author's surname and the year before the title, as a reference
 * picker shows them, so that both stay visible at the editor's default suggest width whatever the
 * key's length (the key is on the row's right, and is what is inserted).
 */
export function rowLabel(paper: Paper): string {
  const who = [paper.authors[0] ? familyName(paper.authors[0]) : '', paper.year ? String(paper.year) : ''].filter(Boolean).join(' ');
  const title = paper.title || paper.key;
  return who ? `${who} · ${title}` : title;
}

/** The details header's width in characters: VS Code breaks a longer single line anywhere, even mid-word. */
const DETAIL_WIDTH = 40;

/**
 * Lines of at most `width` characters, broken between words, each after the first indented: VS Code
 * shows a header with an indented line as written, and breaks any other one mid-word.
 */
export function wrapDetail(text: string, width = DETAIL_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Where a row's paper is: its source's name, and the file choosing it adds it to (null: already in the bibliography). */
export interface RowPlace {
  source: string;
  addsEntryTo: string | null;
}

/**
 * The details line of a row: "smith2020 · in refs.bib", or "muzero · bundled corpus — choosing it
 * adds the entry to refs.bib". The place for notes on what choosing the row writes.
 */
export function rowDetail(paper: Paper, place: RowPlace): string {
  // The key first: the row itself shows it only when the title leaves room.
  if (!place.addsEntryTo) return wrapDetail(`${paper.key} · in ${place.source}`);
  // Without authors or year a reference list would print a stub: the row says so before it is chosen.
  const stub = !paper.authors.length || !paper.year ? ` (no authors or year — will be added as ${/\.json$/i.test(place.addsEntryTo) ? 'is' : '@misc'})` : '';
  return wrapDetail(`${paper.key} · ${place.source} — choosing it adds the entry to ${path.basename(place.addsEntryTo)}${stub}`);
}

function sourceOf(library: Library, paper: Paper, folders: readonly string[]): string {
  if (paper.origin.kind === 'corpus') return 'bundled corpus';
  // Zotero's libraries share one database file: the source holding the paper.
  if (paper.origin.kind === 'zotero') return library.sources.find((s) => (s.store ? s.store.file === paper.origin.file : s.papers.includes(paper)))?.name ?? 'Zotero';
  const source = library.sources.find((s) => s.file && path.resolve(s.file) === path.resolve(paper.origin.file));
  return source ? sourceName(source, folders) : path.basename(paper.origin.file);
}
