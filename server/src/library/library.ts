// The library: every source's papers under one key space. Workspace files win over the corpus.
import type { LoadIssue, Paper, SourceResult } from './paper';
import type { PaperStore } from './store';

export type SourceKind = 'corpus' | 'workspace';

export interface LibrarySource {
  /** Stable identity, e.g. the absolute path or "corpus". */
  id: string;
  /** What to show the user: the path as given, or "corpus". */
  name: string;
  /** The file the papers came from ('' when not file-backed). */
  file: string;
  /** The papers held as objects; for a store source, the entries read since its store was built (workspace/stored.ts), usually none. */
  papers: Paper[];
  issues: LoadIssue[];
  kind: SourceKind;
  /** A source whose papers stay off the heap (an arXiv snapshot, a big CSL-JSON file). */
  store?: PaperStore;
  /** sha1 of the file's bytes these papers were read from (SourceResult.hash); a store's: its saved index's id (search/corpus.ts). */
  hash?: string;
}

export interface SourceInput {
  id: string;
  result: SourceResult;
  kind: SourceKind;
  name?: string;
  file?: string;
}

/**
 * Papers from named sources, deduplicated by key: a workspace source beats the corpus, and among
 * workspace sources the one added first wins. Duplicates are reported as warnings naming both
 * places. The merged view is rebuilt lazily after a change; `get` is a map lookup.
 *
 * A store source (setStoreSource) keeps its papers off the heap: `get` and `has` find them
 * through its key table (a compact paper: key, title, first authors, year), `fullEntry` reads
 * the whole entry from its file, and `papers` leaves them out (a million Paper objects are what
 * the store avoids): iterate `stores` for them.
 */
/** A shared corpus as the library sees it: papers it answered with, and any entry by key (asked of the server). */
export interface RemotePapers {
  get(key: string): Paper | undefined;
  fullEntry(key: string): Promise<Paper | undefined>;
}

export class Library {
  private readonly bySource = new Map<string, LibrarySource>();
  private merged: { papers: Paper[]; byKey: Map<string, Paper>; issues: LoadIssue[]; stores: LibrarySource[]; shadowed: number } | null = null;
  /** The corpus's papers by normalised title and by DOI, made on first use after a change. */
  private corpusIndex: Map<string, Paper> | null = null;
  /** Bumped on every change, so dependants (search indexes) know when to rebuild. */
  version = 0;
  /** Shared corpora (server/src/shared): asked after every source, by key. */
  private remote: readonly RemotePapers[] = [];

  constructor(sources: SourceInput[] = []) {
    for (const s of sources) this.setSource(s.id, s.result, s.kind, s.name, s.file);
  }

  /** Adds or replaces a source (keeps its position when replacing). */
  setSource(id: string, result: SourceResult, kind: SourceKind, name: string = id, file?: string): void {
    const resolvedFile = file ?? result.papers[0]?.origin.file ?? result.issues[0]?.file ?? (kind === 'corpus' ? '' : id);
    this.bySource.set(id, { id, name, file: resolvedFile, papers: result.papers, issues: result.issues, kind, ...(result.hash ? { hash: result.hash } : {}) });
    this.changed();
  }

  /**
   * Adds or replaces a source whose papers are in a packed store (by default a corpus: workspace
   * files win its keys); `papers`: entries of its file read since the store was built, held as
   * objects beside it (their keys must not be the store's live ones).
   */
  setStoreSource(id: string, store: PaperStore, issues: LoadIssue[] = [], kind: SourceKind = 'corpus', name: string = id, hash?: string, papers: Paper[] = []): void {
    this.bySource.set(id, { id, name, file: store.file, papers, issues, kind, store, ...(hash ? { hash } : {}) });
    this.changed();
  }

  /** The shared corpora looked up after every source (papers they answered with, entries by key). */
  setRemote(remote: readonly RemotePapers[]): void {
    this.remote = remote;
  }

  removeSource(id: string): boolean {
    const removed = this.bySource.delete(id);
    if (removed) this.changed();
    return removed;
  }

  get sources(): LibrarySource[] {
    return [...this.bySource.values()];
  }

  /** Deduplicated papers: workspace papers first (in source order), then the corpus's. */
  get papers(): Paper[] {
    return this.merge().papers;
  }

  get(key: string): Paper | undefined {
    const merged = this.merge();
    const paper = merged.byKey.get(key);
    if (paper) return paper;
    for (const s of merged.stores) {
      const found = s.store!.get(key);
      if (found) return found;
    }
    for (const r of this.remote) {
      const found = r.get(key);
      if (found) return found;
    }
    return undefined;
  }

  has(key: string): boolean {
    const merged = this.merge();
    return merged.byKey.has(key) || merged.stores.some((s) => s.store!.docOf(key) >= 0) || this.remote.some((r) => r.get(key) !== undefined);
  }

  /** The complete entry of `key` (a store's is read from its file): what hover cards and the .bib writer need. */
  async fullEntry(key: string): Promise<Paper | undefined> {
    const merged = this.merge();
    const paper = merged.byKey.get(key);
    if (paper) return paper;
    for (const s of merged.stores) if (s.store!.docOf(key) >= 0) return s.store!.fullEntry(key);
    for (const r of this.remote) {
      const found = await r.fullEntry(key);
      if (found) return found;
    }
    return undefined;
  }

  /** The key's paper is a store's (its compact record here, the whole entry on disk: fullEntry reads it). */
  inStore(key: string): boolean {
    const merged = this.merge();
    return !merged.byKey.has(key) && merged.stores.some((s) => s.store!.docOf(key) >= 0);
  }

  /** Store sources in precedence order (workspace ones first). */
  get stores(): readonly LibrarySource[] {
    return this.merge().stores;
  }

  /** Distinct papers, store papers included. */
  get size(): number {
    const merged = this.merge();
    return merged.papers.length + merged.stores.reduce((n, s) => n + (s.store!.live ?? s.store!.size), 0) - merged.shadowed;
  }

  /** Every source's load issues, then duplicate-key warnings. */
  get issues(): LoadIssue[] {
    return this.merge().issues;
  }

  /** The bundled corpus's copy of a paper: the same DOI, else the same normalised title. */
  inCorpus(paper: Paper): Paper | undefined {
    if (!this.corpusIndex) {
      this.corpusIndex = new Map();
      for (const source of this.bySource.values()) {
        if (source.kind !== 'corpus') continue;
        for (const p of source.papers) {
          if (p.doi) this.corpusIndex.set(`doi:${p.doi.toLowerCase()}`, p);
          if (p.title) this.corpusIndex.set(`title:${norm(p.title)}`, p);
        }
      }
    }
    return (paper.doi && this.corpusIndex.get(`doi:${paper.doi.toLowerCase()}`)) || (paper.title ? this.corpusIndex.get(`title:${norm(paper.title)}`) : undefined);
  }

  private changed(): void {
    this.version++;
    this.merged = null;
    this.corpusIndex = null;
  }

  private merge(): NonNullable<Library['merged']> {
    if (this.merged) return this.merged;
    const byKey = new Map<string, Paper>();
    const papers: Paper[] = [];
    const issues: LoadIssue[] = [];
    const dupes: LoadIssue[] = [];
    const ordered = [...this.bySource.values()].sort((a, b) => rank(a.kind) - rank(b.kind));
    const stores = ordered.filter((s) => s.store);
    const holder = new Map<string, LibrarySource>();
    for (const source of ordered) {
      issues.push(...source.issues);
      for (const paper of source.papers) {
        const winner = byKey.get(paper.key);
        if (!winner) {
          byKey.set(paper.key, paper);
          holder.set(paper.key, source);
          papers.push(paper);
          continue;
        }
        // A corpus or Zotero paper copied into the user's .bib (what citation completion does) is no
        // clash, nor one Zotero item in two of its libraries (My Library and a group).
        const copy = source.kind === 'corpus' ? winner.origin.kind !== 'corpus' : paper.origin.kind === 'zotero';
        if (copy && sameTitle(winner, paper)) continue;
        dupes.push(duplicateKey(paper, winner, source.kind === 'corpus'));
      }
    }
    // Stores against the papers held as objects: each key looked up in each store's key table,
    // never the store's million keys made into strings. The earlier source (in precedence) wins.
    let shadowed = 0;
    const position = new Map(ordered.map((s, i) => [s, i]));
    const dropped = new Set<Paper>();
    for (const store of stores) {
      for (const winner of [...byKey.values()]) {
        const doc = store.store!.docOf(winner.key);
        if (doc < 0) continue;
        const theirs = store.store!.paperAt(doc);
        const held = holder.get(winner.key)!;
        const storeFirst = position.get(store)! < position.get(held)!;
        if (storeFirst) {
          // The store's paper wins: the object leaves the merged view.
          byKey.delete(winner.key);
          dropped.add(winner);
        } else shadowed++; // the store's copy is hidden
        const [kept, lost, lostSource] = storeFirst ? [theirs, winner, held] : [winner, theirs, store];
        if (lostSource.kind === 'corpus' && kept.origin.kind !== 'corpus' && sameTitle(kept, lost)) continue;
        dupes.push(duplicateKey(lost, kept, lostSource.kind === 'corpus'));
      }
    }
    // Two stores sharing keys are not compared (the first one in precedence answers `get`).
    this.merged = { papers: dropped.size ? papers.filter((p) => !dropped.has(p)) : papers, byKey, issues: [...issues, ...dupes], stores, shadowed };
    return this.merged;
  }
}

const rank = (kind: SourceKind): number => (kind === 'workspace' ? 0 : 1);
const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const sameTitle = (a: Paper, b: Paper): boolean => norm(a.title) === norm(b.title);

/** The warning on the entry that lost its key to an earlier one (`fromCorpus`: the loser is a corpus paper). */
function duplicateKey(lost: Paper, kept: Paper, fromCorpus: boolean): LoadIssue {
  return {
    file: lost.origin.file,
    line: lost.origin.line,
    severity: 'warning',
    message: `duplicate key "${lost.key}", also at ${kept.origin.file}:${kept.origin.line}${fromCorpus ? ' (the workspace entry wins)' : ''}`,
  };
}
