// The library: every source's papers under one key space. Workspace files win over the corpus.
import type { LoadIssue, Paper, SourceResult } from './paper';

export type SourceKind = 'corpus' | 'workspace';

export interface LibrarySource {
  /** Stable identity, e.g. the absolute path or "corpus". */
  id: string;
  /** What to show the user: the path as given, or "corpus". */
  name: string;
  /** The file the papers came from ('' when not file-backed). */
  file: string;
  papers: Paper[];
  issues: LoadIssue[];
  kind: SourceKind;
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
 */
export class Library {
  private readonly bySource = new Map<string, LibrarySource>();
  private merged: { papers: Paper[]; byKey: Map<string, Paper>; issues: LoadIssue[] } | null = null;
  /** The corpus's papers by normalised title and by DOI, made on first use after a change. */
  private corpusIndex: Map<string, Paper> | null = null;
  /** Bumped on every change, so dependants (search indexes) know when to rebuild. */
  version = 0;

  constructor(sources: SourceInput[] = []) {
    for (const s of sources) this.setSource(s.id, s.result, s.kind, s.name, s.file);
  }

  /** Adds or replaces a source (keeps its position when replacing). */
  setSource(id: string, result: SourceResult, kind: SourceKind, name: string = id, file?: string): void {
    const resolvedFile = file ?? result.papers[0]?.origin.file ?? result.issues[0]?.file ?? (kind === 'corpus' ? '' : id);
    this.bySource.set(id, { id, name, file: resolvedFile, papers: result.papers, issues: result.issues, kind });
    this.changed();
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
    return this.merge().byKey.get(key);
  }

  has(key: string): boolean {
    return this.merge().byKey.has(key);
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
    for (const source of ordered) {
      issues.push(...source.issues);
      for (const paper of source.papers) {
        const winner = byKey.get(paper.key);
        if (!winner) {
          byKey.set(paper.key, paper);
          papers.push(paper);
          continue;
        }
        // A corpus paper copied into the user's .bib (what citation completion does) is no clash.
        if (source.kind === 'corpus' && winner.origin.kind !== 'corpus' && sameTitle(winner, paper)) continue;
        dupes.push({
          file: paper.origin.file,
          line: paper.origin.line,
          severity: 'warning',
          message: `duplicate key "${paper.key}", also at ${winner.origin.file}:${winner.origin.line}${source.kind === 'corpus' ? ' (the workspace entry wins)' : ''}`,
        });
      }
    }
    this.merged = { papers, byKey, issues: [...issues, ...dupes] };
    return this.merged;
  }
}

const rank = (kind: SourceKind): number => (kind === 'workspace' ? 0 : 1);
const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const sameTitle = (a: Paper, b: Paper): boolean => norm(a.title) === norm(b.title);
