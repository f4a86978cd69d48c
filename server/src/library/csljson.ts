// CSL-JSON (what Zotero, pandoc and citeproc read) → Paper, with the line each item starts on.
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { quote, withLfLineEnds, type LoadIssue, type Paper, type SourceResult } from './paper';

interface CslName {
  family?: string;
  given?: string;
  literal?: string;
  'non-dropping-particle'?: string;
  'dropping-particle'?: string;
  suffix?: string;
}

/**
 * Parses a CSL-JSON array (or `{ "items": [...] }`). Invalid JSON gives one error at its
 * line:column; an item without an id gives an error for that item and the others still load.
 * A `custom.plainTitle` (the bundled corpus keeps the verbatim LaTeX title in `title`) wins.
 */
export function parseCslJson(file: string, source: string, kind: 'csl-json' | 'corpus' = 'csl-json'): SourceResult {
  const text = withLfLineEnds(source);
  const issues: LoadIssue[] = [];
  const papers: Paper[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = text.length - body.length;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    // JSON.parse often gives no position ("Unexpected token …, "<the text>" is not valid JSON"): find it.
    const found = firstSyntaxError(body);
    const msg = err instanceof Error ? err.message : String(err);
    const { line, column } = lineColumn(text, (found?.offset ?? body.length) + shift);
    const reason = found?.reason ?? msg.split('\n')[0].replace(/\s*in JSON at position \d+.*$/, '');
    issues.push({ file, line, severity: 'error', message: `invalid JSON at column ${column}: ${reason}` });
    return { papers, issues };
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.items) ? (data.items as unknown[]) : null;
  if (!items) {
    issues.push({ file, line: 1, severity: 'error', message: 'not CSL-JSON: expected an array of items or {"items": [...]}' });
    return { papers, issues };
  }
  const lines = itemLines(text);
  items.forEach((item, index) => {
    const line = lines[index] ?? 1;
    if (!isObject(item)) {
      issues.push({ file, line, severity: 'error', message: `item ${index + 1} is not an object` });
      return;
    }
    const id = typeof item.id === 'string' ? item.id.trim() : typeof item.id === 'number' ? String(item.id) : '';
    if (!id) {
      issues.push({ file, line, severity: 'error', message: `item ${index + 1} has no "id"; skipped` });
      return;
    }
    const custom = isObject(item.custom) ? item.custom : {};
    const title = str(custom.plainTitle) ?? plain(str(item.title) ?? '');
    if (!title) issues.push({ file, line, severity: 'warning', message: `item ${quote(id)} has no title` });
    const paper: Paper = {
      key: id,
      title,
      authors: Array.isArray(item.author) ? (item.author as unknown[]).filter(isObject).map((n) => formatName(n as CslName)).filter(Boolean) : [],
      origin: { file, line, kind },
    };
    const year = yearOf(item.issued);
    if (year) paper.year = year;
    const venue = str(item['container-title']) ?? str(item.publisher);
    if (venue) paper.venue = plain(venue);
    const abstract = str(item.abstract);
    if (abstract) paper.abstract = abstract.trim();
    const doi = str(item.DOI);
    if (doi) paper.doi = doi.trim();
    const url = str(item.URL);
    if (url) paper.url = url.trim();
    const type = str(item.type);
    if (type) paper.type = type;
    papers.push(paper);
  });
  return { papers, issues };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : typeof v === 'number' ? String(v) : undefined);
/** CSL rich text allows a few HTML tags (<i>, <b>, <sup>…); we want plain text. */
const plain = (s: string): string => s.replace(/<\/?(?:i|b|sup|sub|sc|span)(?:\s[^<>]*)?>/g, '').replace(/\s+/g, ' ').trim();

function formatName(n: CslName): string {
  if (n.literal) return n.literal.trim();
  const family = [n['non-dropping-particle'], n.family].filter(Boolean).join(' ').trim();
  const given = [n.given, n['dropping-particle']].filter(Boolean).join(' ').trim();
  const name = family && given ? `${family}, ${given}` : family || given;
  return n.suffix && name ? `${name}, ${n.suffix}` : name;
}

function yearOf(issued: unknown): number | undefined {
  if (!isObject(issued)) return undefined;
  const parts = issued['date-parts'];
  if (Array.isArray(parts) && Array.isArray(parts[0])) {
    const y = Number(parts[0][0]);
    if (Number.isInteger(y) && y > 0) return y;
  }
  const text = str(issued.literal) ?? str(issued.raw);
  const m = text ? /\b(\d{4})\b/.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'string is not closed',
  UnexpectedEndOfNumber: 'invalid number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string',
};

/** Where strict JSON first goes wrong in `text`, and why (jsonc-parser, told to allow nothing extra). */
function firstSyntaxError(text: string): { offset: number; reason: string } | null {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return null;
  const name = printParseErrorCode(first.error);
  return { offset: first.offset, reason: first.offset >= text.trimEnd().length ? 'unexpected end of the file' : (JSON_ERRORS[name] ?? name) };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** 1-based start line of each item: objects directly inside the top array or the "items" array. */
function itemLines(text: string): number[] {
  const lines: number[] = [];
  const stack: { kind: '[' | '{'; items: boolean }[] = [];
  let line = 1;
  let lastKey: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '"') {
      const start = i + 1;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (stack.length === 1 && top.kind === '{') lastKey = text.slice(start, i);
    } else if (c === '{' || c === '[') {
      const top = stack[stack.length - 1];
      if (c === '{' && top?.kind === '[' && (stack.length === 1 || top.items)) lines.push(line);
      stack.push({ kind: c, items: c === '[' && stack.length === 1 && top.kind === '{' && lastKey === 'items' });
    } else if (c === '}' || c === ']') stack.pop();
  }
  return lines;
}
