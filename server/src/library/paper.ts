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
