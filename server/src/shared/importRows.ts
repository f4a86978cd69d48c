// The importer's CPU work on one batch of lines (import.ts): records parsed into papers, their
// terms stemmed and weighed, and the COPY text of litlens.papers built. It runs in the import
// thread (importThreadMain.ts) while the main thread streams the batch before into PostgreSQL.
import { arxivCategories, categoriesInLine, categoryFilter, type ArxivRecord } from '../library/arxiv';
import type { LoadIssue, Paper } from '../library/paper';
import { paperOfRecord, skipping, type StreamFormat } from '../library/stream';
import { AVERAGE_SAMPLE, averageLengths, keyWords, segmentBuilder } from '../search/segment';
import { STOPWORDS, indexWords, stem } from '../search/text';

export type Averages = { title: number; abstract: number };

/** One batch: the lines that passed the quick category test, with their line numbers. */
export interface BatchRequest {
  format: 'arxiv' | 'csl-jsonl';
  file: string;
  categories: readonly string[];
  texts: string[];
  lines: number[];
  /** The corpus' averages when it has them (the first batch with papers fixes them otherwise). */
  averages: Averages | null;
}

export interface BatchRows {
  papers: number;
  filtered: number;
  issues: LoadIssue[];
  averages: Averages | null;
  /** COPY text of the papers (empty without papers). */
  copy: string;
  /** Each term's best impact in the batch. */
  terms: string[];
  impacts: number[];
}

/** Parses a batch's lines and builds its rows; bad lines come back as issues with their line numbers. */
export function prepareBatch(req: BatchRequest): BatchRows {
  const keep = req.format === 'arxiv' ? categoryFilter(req.categories) : null;
  const batch: Paper[] = [];
  const issues: LoadIssue[] = [];
  let filtered = 0;
  for (let i = 0; i < req.texts.length; i++) {
    const text = req.texts[i];
    const line = req.lines[i];
    const read = paperOfRecord(req.format as StreamFormat, req.file, text, line);
    if (typeof read === 'string') {
      issues.push({ file: req.file, line, severity: 'error', message: skipping(read) });
      continue;
    }
    if (keep && !passes(text, keep)) {
      filtered++;
      continue;
    }
    batch.push(read.paper);
  }
  const averages = req.averages ?? (batch.length > 0 ? averageLengths(batch.slice(0, AVERAGE_SAMPLE)) : null);
  if (batch.length === 0 || !averages) return { papers: 0, filtered, issues, averages, copy: '', terms: [], impacts: [] };
  const { copy, impacts } = rows(batch, averages, req.file);
  return { papers: batch.length, filtered, issues, averages, copy, terms: [...impacts.keys()], impacts: [...impacts.values()] };
}

/** The category test on a parsed line (when the quick test on its text could not tell). */
function passes(text: string, keep: (c: readonly string[]) => boolean): boolean {
  if (categoriesInLine(text)) return true; // already passed the quick test
  try {
    return keep(arxivCategories(JSON.parse(text) as ArxivRecord));
  } catch {
    return false;
  }
}

/** One row of litlens.papers for COPY (text format), and the batch's best impacts. */
function rows(batch: readonly Paper[], averages: Averages, source: string): { copy: string; impacts: Map<string, number> } {
  // The segment builder computes impacts exactly as the embedded index does; its postings are read back per paper.
  const builder = segmentBuilder(averages);
  for (const p of batch) builder.add(p);
  const ctx = builder.finish('', batch).ctx;
  const lexemes: string[][] = batch.map(() => []);
  const impacts = new Map<string, number>();
  const fieldOf = batch.map(fieldLabels);
  const terms = ctx.terms as readonly string[]; // built here: strings, never packed
  for (let t = 0; t < terms.length; t++) {
    const term = terms[t];
    // Quoted once per term, not per posting (rows()' own CPU for 20k papers: 2.4 -> 2.0 s).
    const lexeme = `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}':`;
    let best = 0;
    for (let i = ctx.offsets[t]; i < ctx.offsets[t + 1]; i++) {
      const doc = ctx.docs[i];
      const impact = ctx.impacts[i];
      if (impact > best) best = impact;
      lexemes[doc].push(`${lexeme}${impact}${fieldOf[doc].get(term) ?? 'D'}`);
    }
    impacts.set(term, best);
  }
  const out: string[] = [];
  for (const [doc, p] of batch.entries()) {
    const entry = JSON.stringify({ ...p, origin: undefined });
    out.push(`${copyText(p.key)}\t${copyText(entry)}\t${copyText(lexemes[doc].join(' '))}\t${copyText(source)}\t${p.origin.line}\n`);
  }
  return { copy: out.join(''), impacts };
}

/** Each stem's best field as a tsvector weight: A title, B authors, C abstract (D otherwise). */
function fieldLabels(p: Paper): Map<string, string> {
  const labels = new Map<string, string>();
  const mark = (text: string | undefined, label: string) => {
    if (!text) return;
    indexWords(text, (w) => {
      if (STOPWORDS.has(w)) return;
      const s = stem(w);
      if (!labels.has(s)) labels.set(s, label);
    });
  };
  mark(p.title, 'A');
  mark(p.authors.join(' '), 'B');
  mark(p.abstract, 'C');
  mark(`${p.venue ?? ''} ${keyWords(p.key)}`, 'D');
  return labels;
}

/** COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}
