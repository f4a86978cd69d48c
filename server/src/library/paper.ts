/** Where a paper's entry lives: the file and 1-based line of its first character. */
export interface Origin {
  file: string;
  line: number;
  kind: 'corpus' | 'bibtex' | 'csl-json';
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
  origin: Origin;
}

/** A problem found while loading a source. `line` is 1-based; 0 when it concerns the whole file. */
export interface LoadIssue {
  file: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

export interface SourceResult {
  papers: Paper[];
  issues: LoadIssue[];
}

/** `file:line: message`, the one format every error about input uses. */
export function formatIssue(issue: LoadIssue): string {
  return `${issue.file}${issue.line > 0 ? `:${issue.line}` : ''}: ${issue.severity}: ${issue.message}`;
}
