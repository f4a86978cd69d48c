/** Where a paper's entry lives: the file and 1-based line of its first character. */
export interface Origin {
  file: string;
  line: number;
  kind: 'corpus' | 'bibtex' | 'csl-json' | 'arxiv' | 'zotero';
}

/** Where an e-print lives: what BibTeX's eprint, archivePrefix and primaryClass fields say. */
export interface Eprint {
  /** The e-print's identifier without a version: "2101.00001", "hep-th/9901001". */
  id: string;
  archivePrefix: 'arXiv';
  /** The primary category: "cs.LG", "hep-th". */
  primaryClass?: string;
}

/** One citable work, whatever library it came from. All text fields are plain Unicode. */
export interface Paper {
  key: string;
  title: string;
  /** "Family, Given" or a literal name, in author order. */
  authors: string[];
  /** The list is cut short ("and others" in BibTeX): show "et al." after it. */
  moreAuthors?: boolean;
  year?: number;
  venue?: string;
  abstract?: string;
  doi?: string;
  url?: string;
  /** BibTeX entry type (article, inproceedings, misc…) or CSL type. */
  type?: string;
  eprint?: Eprint;
  /** Where the paper lives in the application that keeps it (zotero://select/…): its card links there. */
  link?: string;
  origin: Origin;
}

/**
 * A source's papers by position: an array, or a view of a packed store (library/store.ts) whose
 * papers are made on demand and hold only what the keystroke path needs (no abstract).
 */
export interface PaperList {
  readonly length: number;
  at(index: number): Paper | undefined;
  slice(start?: number, end?: number): PaperList;
  /** The key at `index` without making the paper (stores have it; arrays do not). */
  keyAt?(index: number): string;
  /**
   * Set on the views of a packed store: the store, whose keys are unique across all its views,
   * and where in its numbering this view starts (not `keys`: arrays have a keys()). Lets a
   * million keys be checked without making them.
   */
  keyIndex?: KeyIndex;
  keyIndexStart?: number;
}

/** Unique keys, numbered: what a packed store offers for finding keys without making papers. */
export interface KeyIndex {
  readonly size: number;
  keyAt(doc: number): string;
  /** -1 when absent. */
  docOf(key: string): number;
  /** UTF-8 bytes of the keys of docs [start, end), each followed by a NUL byte (what hashKeys hashes). */
  keyBytes(start: number, end: number): Uint8Array;
  /** Docs left out since the store was built (their entries changed or went): docOf does not find them, rankings skip them. */
  maskedDocs?(): readonly number[];
  isLive?(doc: number): boolean;
}

/** The key of paper `index` of a list, without making a paper when the list is a store view. */
export function keyAt(papers: PaperList, index: number): string {
  return papers.keyAt ? papers.keyAt(index) : papers.at(index)!.key;
}

/**
 * A problem found while loading a source (or, as 'info', something worth knowing: the encoding a
 * file was read in). `line` is 1-based; 0 when it concerns the whole file.
 */
export interface LoadIssue {
  file: string;
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface SourceResult {
  papers: Paper[];
  issues: LoadIssue[];
  /** sha1 of the file's bytes as read (absent when it could not be read): an unchanged rewrite is seen by it. */
  hash?: string;
}

/** `file:line: message`, the one format every error about input uses, always on one line. */
export function formatIssue(issue: LoadIssue): string {
  return `${issue.file}${issue.line > 0 ? `:${issue.line}` : ''}: ${issue.severity}: ${issue.message.replace(/\r\n?|[\n\u2028\u2029]/g, '\\n')}`;
}

/** Raw text quoted in a message: at most `max` characters, line breaks and quotes escaped. */
export function quote(raw: string, max = 40): string {
  return JSON.stringify(raw.length > max ? `${raw.slice(0, max)}…` : raw).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/**
 * Old Mac line ends (a lone CR) as LF, so every line count sees them. Same length: offsets hold.
 */
export function withLfLineEnds(text: string): string {
  return /\r(?!\n)/.test(text) ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** `s` matched literally inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
