// BibTeX/BibLaTeX → Paper. A cheap brace-aware scanner finds entries and their lines; each entry's
// fields are read by a small tokenizer, plain fields are taken as they are, and only fields holding
// LaTeX go through @retorquere/bibtex-parser (the careful, slow part), cached by content hash.
import { createHash } from 'node:crypto';
import type * as BibtexParser from '@retorquere/bibtex-parser' with { 'resolution-mode': 'import' };
import { decodeLatexText, decodeSimpleLatex, LATEX_SYMBOLS, protectMath, restoreMath, spellWords } from './latex';
import { quote, withLfLineEnds, type LoadIssue, type Paper, type SourceResult } from './paper';
import { BibtexThread } from './worker';

type ParserModule = typeof BibtexParser;
let parserModule: ParserModule | undefined;

/**
 * Loads the LaTeX decoder. Must be awaited once before `parseBibtex` (readLibraryFile and
 * loadLibrary do it). It is imported dynamically because the package's CommonJS build cannot be
 * require()d (a dependency ships ESM only); import() takes its ESM build, esbuild bundles either.
 */
export async function loadBibtexParser(): Promise<void> {
  parserModule ??= await import('@retorquere/bibtex-parser');
}

/** Decoded fields of one entry, cached across parses by the hash of what was decoded. */
interface Decoded {
  fields: Record<string, string>;
  author?: string[];
  editor?: string[];
  warning?: string;
}

/**
 * Decoded entries keyed by content hash, shared by every parse that is given this object.
 * Entries no longer present in any file parsed through it are dropped after each parse.
 */
export class BibtexCache {
  /**
   * With `{ thread: true }`, BibTeX files read through this cache (readLibraryFile, loadLibrary) are
   * read, decoded and cached in a worker thread instead: what a language server wants.
   */
  readonly thread?: BibtexThread;
  private readonly decoded = new Map<string, Decoded>();
  private readonly entries = new Map<string, CachedEntry>();
  /** The hashes each file's last read used, and the read before it. */
  private readonly usedBy = new Map<string, { now: Set<string>; last: Set<string> }>();
  /**
   * `misses`/`hits`: LaTeX snippets decoded by the careful parser / reused. `entryHits`: whole
   * entries whose text (and @strings) had not changed, reused without being read again.
   */
  readonly stats = { hits: 0, misses: 0, entryHits: 0 };

  constructor(options: { thread?: boolean } = {}) {
    if (options.thread) this.thread = new BibtexThread();
  }

  /** Number of cached careful-parser results. */
  get size(): number {
    return this.decoded.size;
  }

  /** @internal */
  entry(hash: string): CachedEntry | undefined {
    const e = this.entries.get(hash);
    if (e) this.stats.entryHits++;
    return e;
  }

  /** @internal */
  storeEntry(hash: string, e: CachedEntry): void {
    this.entries.set(hash, e);
  }

  /** @internal */
  lookup(hash: string): Decoded | undefined {
    const d = this.decoded.get(hash);
    if (d) this.stats.hits++;
    return d;
  }

  /** @internal */
  store(hash: string, d: Decoded): void {
    this.stats.misses++;
    this.decoded.set(hash, d);
  }

  /**
   * @internal Records which hashes `file` uses now and forgets those nobody uses any more. The
   * previous read's are kept one read longer: a read of a half-written file must not cost the
   * complete file's entries (they are decoded again otherwise, ~3 ms each).
   */
  retain(file: string, hashes: Set<string>): void {
    const before = this.usedBy.get(file);
    this.usedBy.set(file, { now: hashes, last: before?.now ?? new Set() });
    if (before) this.evict(before.last);
  }

  /** Forgets a file's entries (call when the file is deleted). */
  forget(file: string): void {
    const before = this.usedBy.get(file);
    this.usedBy.delete(file);
    if (before) this.evict(new Set([...before.now, ...before.last]));
    this.thread?.forget(file);
  }

  /** Drops the hashes no file's current or previous read uses. */
  private evict(hashes: Iterable<string>): void {
    const used = (h: string): boolean => {
      for (const u of this.usedBy.values()) if (u.now.has(h) || u.last.has(h)) return true;
      return false;
    };
    for (const h of hashes) {
      if (used(h)) continue;
      this.decoded.delete(h);
      this.entries.delete(h);
    }
  }
}

/** One entry as read and decoded, before crossref; issue lines are relative to the entry's. */
interface CachedEntry {
  type: string;
  key: string;
  fields: Record<string, string>;
  author?: string[];
  editor?: string[];
  notes: { delta: number; severity: LoadIssue['severity']; message: string }[];
  /** Careful-parser results this entry relies on, kept alive with it. */
  inner: string[];
}

// ---------------------------------------------------------------------------------------------
// Scanner: entry boundaries and lines.

export interface Chunk {
  /** Lower-cased entry type: article, string, comment, preamble… */
  type: string;
  start: number;
  end: number;
  line: number;
  /** Offset of the opening `{` or `(`. */
  open: number;
  /** Set when the entry's braces do not balance; the scanner resumed at the next entry. */
  error?: string;
}

const IDENT = /[A-Za-z_][\w-]*/y;

/** Splits BibTeX text into entries. Linear, never throws. Also returns stray text outside entries. */
export function scanBibtex(text: string): { chunks: Chunk[]; stray: { line: number; text: string }[] } {
  const chunks: Chunk[] = [];
  const stray: { line: number; text: string }[] = [];
  let pos = 0;
  let line = 1;
  let lineAt = 0; // `line` is the line of offset `lineAt`
  const lineOf = (offset: number): number => {
    for (let i = lineAt; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
    lineAt = offset;
    return line;
  };
  // Offset of an entry start (`@type{` / `@type(`) at `at`, or -1.
  const entryOpen = (at: number): { type: string; open: number } | null => {
    IDENT.lastIndex = at + 1;
    const m = IDENT.exec(text);
    if (!m) return null;
    let i = IDENT.lastIndex;
    while (i < text.length && /\s/.test(text[i])) i++;
    const c = text[i];
    return c === '{' || c === '(' ? { type: m[0].toLowerCase(), open: i } : null;
  };
  const n = text.length;
  while (pos < n) {
    const at = text.indexOf('@', pos);
    const gapEnd = at < 0 ? n : at;
    const gap = text.slice(pos, gapEnd);
    if (/[}=]/.test(gap) && chunks.length && /^\s*[,}]|=\s*[{"]/.test(gap)) {
      stray.push({ line: lineOf(pos + gap.search(/\S/)), text: gap.trim() });
    }
    if (at < 0) break;
    const head = entryOpen(at);
    if (!head) {
      pos = at + 1;
      continue;
    }
    const startLine = lineOf(at);
    const close = text[head.open] === '{' ? '}' : ')';
    let depth = 0;
    let end = -1;
    let error: string | undefined;
    // A @comment may hold commented-out entries, so only an unclosed one falls back to this.
    let commentResync = -1;
    // In a (…) entry a ")" inside a quoted value does not close it, so quotes count there.
    let quoted = false;
    // Jump from one character that matters to the next; values are mostly long plain runs.
    const special = close === ')' ? /[\\{}()"\n]/g : /[\\{}()\n]/g;
    special.lastIndex = head.open + 1;
    for (let m = special.exec(text); m; m = special.exec(text)) {
      const i = m.index;
      const c = text.charCodeAt(i);
      if (c === 92 /* \ */) {
        special.lastIndex = i + 2;
      } else if (c === 34 /* " */) {
        if (depth === 0) quoted = !quoted;
      } else if (c === 123 /* { */) {
        depth++;
      } else if (c === 125 /* } */) {
        if (depth === 0 && close === '}') {
          end = i + 1;
          break;
        }
        depth--;
      } else if (c === 41 /* ) */ && close === ')' && depth === 0 && !quoted) {
        end = i + 1;
        break;
      } else if (c === 10) {
        // An entry opening at the start of a line while braces are still open: this entry is broken.
        let j = i + 1;
        while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
        if (text[j] !== '@' || !entryOpen(j)) continue;
        if (head.type === 'comment') {
          if (commentResync < 0) commentResync = i + 1;
        } else {
          end = i + 1;
          error = `unbalanced braces: entry is not closed before the next entry on line ${lineOf(j)}`;
          break;
        }
      }
    }
    if (end < 0 && commentResync >= 0) {
      end = commentResync;
      error = 'unbalanced braces: @comment is not closed; reading on from the next entry';
    } else if (end < 0) {
      end = n;
      error = 'unbalanced braces: entry is not closed at the end of the file';
    }
    chunks.push({ type: head.type, start: at, open: head.open, end, line: startLine, error });
    pos = end;
  }
  return { chunks, stray };
}

// ---------------------------------------------------------------------------------------------
// Tokenizer: the fields of one entry, values still in TeX.

interface RawEntry {
  key: string;
  fields: Map<string, string>;
  /** Bare words that name no @string: BibTeX warns and uses an empty value. */
  undefinedMacros: { name: string; offset: number }[];
  /** @string names the values used (lower-cased), month abbreviations aside. */
  usedMacros: Set<string>;
}

class EntrySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const WORD = /[^\s,#={}"()]+/y;
const FIELD = /[^\s=,{}"#()]+/y;

/**
 * How far @string expansion may grow an entry beyond its own text. Real macros are venue names;
 * `@string{a1 = a0 # a0 # …}` nested a few levels would otherwise take gigabytes.
 */
export const MAX_EXPANSION = 64 * 1024;

const MONTHS: Record<string, string> = {
  jan: '1', feb: '2', mar: '3', apr: '4', may: '5', jun: '6',
  jul: '7', aug: '8', sep: '9', oct: '10', nov: '11', dec: '12',
};

/** Reads `@type{key, f = v # v, …}` (or `@string{name = v}` with `isString`). */
function tokenizeEntry(src: string, open: number, strings: Map<string, string>, isString: boolean): RawEntry {
  let i = open + 1;
  const closer = src[i - 1] === '{' ? '}' : ')';
  const n = src.length;
  const ws = (): void => {
    for (let c = src.charCodeAt(i); c === 32 || c === 10 || c === 13 || c === 9 || c === 12; c = src.charCodeAt(++i));
  };
  const fail = (msg: string): never => {
    throw new EntrySyntaxError(msg, i);
  };
  const undefinedMacros: RawEntry['undefinedMacros'] = [];
  const usedMacros = new Set<string>();
  let budget = n + MAX_EXPANSION;
  const spend = (piece: string): string => {
    budget -= piece.length;
    if (budget < 0) fail(`@string macros expand to more than ${MAX_EXPANSION / 1024} KB of text here`);
    return piece;
  };
  const balanced = (open: string, closeCh: string): string => {
    const start = ++i;
    let depth = 0;
    const special = closeCh === '}' ? /[\\{}]/g : /[\\{}"]/g;
    special.lastIndex = i;
    for (let m = special.exec(src); m; m = special.exec(src)) {
      i = m.index;
      const c = src[i];
      if (c === '\\') special.lastIndex = i + 2;
      else if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0 && closeCh === '}') return src.slice(start, i++);
        depth--;
        if (depth < 0) fail('unbalanced braces in a quoted value');
      } else if (c === closeCh && depth === 0) return src.slice(start, i++);
    }
    return fail(`value opened with ${open} is not closed`);
  };
  const value = (): string => {
    let out = '';
    for (;;) {
      ws();
      const c = src[i];
      if (c === '{') out += spend(balanced('{', '}'));
      else if (c === '"') out += spend(balanced('"', '"'));
      else {
        WORD.lastIndex = i;
        const m = WORD.exec(src);
        if (!m) fail(c === undefined || c === closer ? 'missing value' : `unexpected ${quote(c)} in a value`);
        const word = m![0];
        i += word.length;
        if (/^\d+$/.test(word)) out += word;
        else {
          const lower = word.toLowerCase();
          const s = strings.get(lower);
          if (s !== undefined) {
            out += spend(s);
            usedMacros.add(lower);
          }
          else if (MONTHS[lower]) out += MONTHS[lower];
          else undefinedMacros.push({ name: word, offset: i - word.length });
        }
      }
      ws();
      if (src[i] !== '#') return out;
      i++;
    }
  };
  const fields = new Map<string, string>();
  let key = '';
  ws();
  if (!isString) {
    const m = /^[^,\s{}()]*/.exec(src.slice(i, i + 1000))!;
    key = m[0];
    i += key.length;
    ws();
    if (src[i] === closer && i === n - 1) return { key, fields, undefinedMacros, usedMacros };
    if (src[i] !== ',') fail(key ? `expected "," after the key "${key}"` : 'missing citation key');
    if (!key) fail('missing citation key');
  }
  for (;;) {
    ws();
    while (src[i] === ',') {
      i++;
      ws();
    }
    if (i >= n) fail('entry is not closed');
    if (src[i] === closer) break;
    FIELD.lastIndex = i;
    const m = FIELD.exec(src);
    if (!m) fail(`unexpected ${quote(src[i])} where a field name should be`);
    const name = m![0].toLowerCase();
    i += m![0].length;
    ws();
    if (src[i] !== '=') fail(`expected "=" after the field name "${m![0]}"`);
    i++;
    const v = value();
    if (!fields.has(name)) fields.set(name, v);
    ws();
    if (src[i] !== ',' && src[i] !== closer) fail(`expected "," or "${closer}" after the field "${name}"`);
  }
  return { key, fields, undefinedMacros, usedMacros };
}

// ---------------------------------------------------------------------------------------------
// Decoding.

const WANTED = new Set([
  'title', 'author', 'editor', 'year', 'date', 'journal', 'journaltitle', 'booktitle', 'publisher',
  'school', 'institution', 'organization', 'howpublished', 'abstract', 'doi', 'url', 'crossref',
  'eprint', 'eprinttype', 'archiveprefix',
]);
const VERBATIM = new Set(['doi', 'url', 'crossref', 'eprint', 'eprinttype', 'archiveprefix', 'year', 'date']);
const CREATORS = new Set(['author', 'editor']);
/** Fields beyond WANTED that hold no LaTeX text, read as they are when every field is decoded. */
const VERBATIM_TOO = new Set(['isbn', 'issn', 'volume', 'number', 'month', 'urldate', 'pmid', 'pmcid', 'file', 'keywords', 'langid', 'primaryclass', 'eid']);
/** Text the careful parser would return unchanged (modulo whitespace; it turns < > into ¡ ¿ as OT1 TeX does, we keep them). */
const PLAIN = /^[^\\{}$~%^_&#`]*$/;
const isPlain = (s: string): boolean => PLAIN.test(s) && !s.includes('--') && !s.includes("''");
/** Collapses whitespace; most values need only a trim, and the regex replace is the costly part. */
const squash = (s: string): string => (/\s\s|[\t\n\r\f\v\u00a0]/.test(s) ? s.replace(/\s+/g, ' ') : s).trim();

/** The parser marks up some commands as HTML; we want plain text. */
function stripMarkup(s: string): string {
  return s
    .replace(/[ıȷ](?=\p{M})/gu, (c) => (c === 'ı' ? 'i' : 'j'))
    .normalize('NFC')
    .replace(/<\/?(?:b|i|em|strong|sup|sub|sc|code|p|br|li|ol|ul|span|a)(?:\s[^<>]*)?\/?>/g, '');
}

function verbatim(s: string): string {
  return squash(s.replace(/\\([_%&#$~{}])/g, '$1').replace(/[{}]/g, ''));
}

/** `Family, Given and Family, Given` with simple LaTeX: split and decode without the parser. */
function fastNames(value: string): string[] | null {
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  const flush = (end: number): boolean => {
    parts.push(value.slice(start, end));
    if (parts.length !== 2) return false;
    const family = decodeSimpleLatex(parts[0]);
    const given = decodeSimpleLatex(parts[1]);
    parts.length = 0;
    if (family === null || given === null || !family) return false;
    names.push(given ? `${family}, ${given}` : family);
    return true;
  };
  const special = /\\.|[{},]|\s+and\s+/gis;
  for (let m = special.exec(value); m; m = special.exec(value)) {
    const c = m[0];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth !== 0 || c[0] === '\\') continue;
    else if (c === ',') {
      parts.push(value.slice(start, m.index));
      start = m.index + 1;
      if (parts.length > 1) return null; // Family, Jr, Given: leave it to the parser
    } else {
      if (!flush(m.index)) return null;
      start = m.index + c.length;
    }
  }
  if (!flush(value.length)) return null;
  return names;
}

interface Creator {
  name?: string;
  lastName?: string;
  firstName?: string;
  prefix?: string;
  suffix?: string;
}

function formatCreator(c: Creator): string {
  if (c.name) return squash(stripMarkup(c.name));
  const family = squash(`${c.prefix ?? ''} ${c.lastName ?? ''}`);
  const given = squash(`${c.firstName ?? ''}${c.suffix ? `, ${c.suffix}` : ''}`);
  return stripMarkup(given ? `${family}, ${given}` : family);
}

/** Math operators the decoder does not know; everything else unknown is dropped (its arguments stay). */
const OPERATORS = new Set(['log', 'ln', 'lg', 'exp', 'sin', 'cos', 'tan', 'max', 'min', 'arg', 'det', 'dim', 'lim', 'sup', 'inf', 'Pr', 'gcd', 'deg', 'ker', 'argmax', 'argmin']);

type LatexNode = Parameters<Extract<BibtexParser.Options['unsupported'], Function>>[0];

/** The text of nodes the careful parser could not render itself (the argument of an unknown command). */
function textOf(nodes: readonly LatexNode[] | undefined): string {
  let out = '';
  for (const node of nodes ?? []) {
    if (node.type === 'string') out += node.content;
    else if (node.type === 'whitespace' || node.type === 'parbreak') out += ' ';
    else if (node.type === 'macro') out += unknownCommand(node);
    else if ('content' in node && Array.isArray(node.content)) out += textOf(node.content as LatexNode[]);
  }
  return out;
}

/**
 * What a command the careful parser does not know becomes: a symbol (\hyphen), a space for a control
 * space, the text of its last argument (\bibcyr{…}), or nothing.
 */
function unknownCommand(node: LatexNode): string {
  if (node.type !== 'macro') return '';
  const name = node.content;
  if (OPERATORS.has(name)) return ` ${name} `;
  const symbol = LATEX_SYMBOLS[name];
  if (symbol !== undefined) return symbol;
  if (name === ' ' || name === '\n') return ' ';
  const args = (node.args ?? []).filter((a) => a.openMark !== '[' && a.content.length);
  return textOf(args[args.length - 1]?.content as LatexNode[] | undefined);
}

const PARSE_OPTIONS: BibtexParser.Options = {
  english: false,
  sentenceCase: false,
  caseProtection: false,
  unsupported: unknownCommand,
};

/** Fields longer than this (in characters) get only the simple decoder; the rest of their LaTeX stays as written. */
export const MAX_DECODED = 10 * 1024;

/** Decodes the wanted fields: plain ones directly, the rest through the careful parser (cached). */
function decode(type: string, raw: Map<string, string>, cache: BibtexCache | undefined, used: Set<string>, all = false): Decoded {
  const fields: Record<string, string> = {};
  let author: string[] | undefined;
  let editor: string[] | undefined;
  const hard: [string, string][] = [];
  const oversized: string[] = [];
  for (const [name, value] of raw) {
    if ((!all && !WANTED.has(name)) || !value.trim()) continue;
    const big = value.length > MAX_DECODED;
    if (VERBATIM.has(name) || (all && VERBATIM_TOO.has(name))) fields[name] = verbatim(value);
    else if (CREATORS.has(name)) {
      const fast = fastNames(value);
      const names = fast ?? (big ? squash(value).split(/\s+and\s+/i) : null);
      if (!fast && big) oversized.push(name);
      if (names && name === 'author') author = names;
      else if (names) editor = names;
      else hard.push([name, spellWords(value)]);
    } else {
      // Past MAX_DECODED only the simple, linear decoders run; the careful parser costs ~45 ms per KB of dense LaTeX.
      const simple = isPlain(value) ? squash(value) : decodeLatexText(value);
      if (simple !== null) fields[name] = simple;
      else if (big) {
        fields[name] = squash(value);
        oversized.push(name);
      } else hard.push([name, spellWords(value)]);
    }
  }
  const tooBig = oversized.length
    ? `${oversized.length === 1 ? `field "${oversized[0]}" is` : `fields ${oversized.map((f) => `"${f}"`).join(', ')} are`} over ${MAX_DECODED / 1024} KB: LaTeX that long is not decoded; showing it as written`
    : undefined;
  if (!hard.length) return { fields, author, editor, warning: tooBig };
  // Inline math is ours to decode (the careful parser drops accents such as \widehat): it goes in as placeholders.
  const math: string[] = [];
  for (const field of hard) {
    const p = protectMath(field[1], math.length);
    field[1] = p.text;
    math.push(...p.math);
  }
  const input = `@${type}{x,\n${hard.map(([k, v]) => `${k} = {${v}}`).join(',\n')}\n}`;
  const hash = createHash('sha1').update(input).digest('base64');
  used.add(hash);
  let d = cache?.lookup(hash);
  if (!d) {
    d = decodeCarefully(input, hard);
    cache?.store(hash, d);
  }
  const back = (t: string): string => restoreMath(t, math);
  const careful = math.length ? Object.fromEntries(Object.entries(d.fields).map(([k, v]) => [k, squash(back(v))])) : d.fields;
  return {
    fields: { ...fields, ...careful },
    author: (math.length ? d.author?.map(back) : d.author) ?? author,
    editor: (math.length ? d.editor?.map(back) : d.editor) ?? editor,
    warning: [d.warning, tooBig].filter(Boolean).join('; ') || undefined,
  };
}

function decodeCarefully(input: string, hard: [string, string][]): Decoded {
  if (!parserModule) throw new Error('BibTeX decoder not loaded: await loadBibtexParser() before parseBibtex()');
  const out: Decoded = { fields: {} };
  let result: ReturnType<ParserModule['parse']> | undefined;
  let failure: string | undefined;
  try {
    result = parserModule.parse(input, PARSE_OPTIONS);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  const entry = result?.entries[0];
  // Keep the entry readable even when its LaTeX is beyond the decoder: braces out, text kept.
  const lost = hard.filter(([k]) => !entry || !(k in entry.fields));
  for (const [k, v] of lost) {
    const text = squash(v.replace(/\\[a-zA-Z]+\s*/g, '').replace(/[{}$\\]/g, ''));
    if (CREATORS.has(k)) out[k as 'author' | 'editor'] = text.split(/\s+and\s+/i);
    else out.fields[k] = text;
  }
  // The parser's positions are in the text we made up for it, not in the user's file.
  const why = firstLine(failure ?? result?.errors[0]?.error ?? 'unknown error').replace(/ at line \d+, column \d+| in "\w+"$/g, '');
  if (lost.length) out.warning = `LaTeX could not be decoded (${why}); showing raw text`;
  if (!entry) return out;
  for (const [k, v] of Object.entries(entry.fields)) {
    if (CREATORS.has(k) && Array.isArray(v)) out[k as 'author' | 'editor'] = (v as Creator[]).map(formatCreator).filter(Boolean);
    else if (typeof v === 'string') out.fields[k] = squash(stripMarkup(v));
    else if (Array.isArray(v)) out.fields[k] = squash(stripMarkup(v.map(String).join('; ')));
  }
  return out;
}

const firstLine = (s: string): string => s.split('\n')[0].trim();

// ---------------------------------------------------------------------------------------------

interface Record_ {
  type: string;
  key: string;
  line: number;
  fields: Record<string, string>;
  author?: string[];
  editor?: string[];
}

const CONTAINERS = new Set(['proceedings', 'mvproceedings', 'book', 'mvbook', 'collection', 'mvcollection', 'reference', 'mvreference', 'periodical']);

/**
 * Parses a .bib file's text into papers. Entry-level problems become issues (`file:line`), and
 * every other entry still loads. Pass the same `cache` on re-reads so only changed entries are
 * decoded again. Requires `await loadBibtexParser()` once beforehand.
 */
export function parseBibtex(file: string, text: string, cache?: BibtexCache): SourceResult {
  const steps = parseSteps(file, text, cache);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/**
 * `parseBibtex` that gives the event loop a turn every few milliseconds, so a language server
 * stays responsive while a 100k-entry file loads. Loads the decoder itself.
 */
export async function parseBibtexAsync(file: string, text: string, cache?: BibtexCache, sliceMs = 20): Promise<SourceResult> {
  await loadBibtexParser();
  const steps = parseSteps(file, text, cache);
  let since = performance.now();
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    if (performance.now() - since > sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

/** The parse, yielding after every entry so callers choose when to pause. */
function* parseSteps(file: string, source: string, cache?: BibtexCache): Generator<void, SourceResult> {
  const text = withLfLineEnds(source);
  // Fail the same way for every file, not only for the first one that holds hard LaTeX.
  if (!parserModule) throw new Error('BibTeX decoder not loaded: await loadBibtexParser() before parseBibtex()');
  const issues: LoadIssue[] = [];
  const issue = (line: number, severity: LoadIssue['severity'], message: string): void => {
    issues.push({ file, line, severity, message });
  };
  const { chunks, stray } = scanBibtex(text);
  const strings = new Map<string, string>();
  const records: Record_[] = [];
  const used = new Set<string>();
  // Lines of offsets inside one entry, counted forward once: an entry may report many places.
  const linesIn = (chunk: Chunk): ((offset: number) => number) => {
    let at = chunk.start;
    let line = chunk.line;
    return (offset) => {
      const to = Math.min(chunk.start + offset, text.length);
      if (to < at) [at, line] = [chunk.start, chunk.line];
      for (; at < to; at++) if (text.charCodeAt(at) === 10) line++;
      return line;
    };
  };
  // Identifies the @string definitions in force, so a cached entry is reused only under the same ones.
  let stringsKey = '';
  /** @string names whose definition was skipped, so their uses say why they are empty. */
  const skippedStrings = new Set<string>();
  const who = (chunk: Chunk, src: string): string => {
    const key = keyOf(src);
    if (chunk.type === 'string') return key ? `@string "${key}"` : '@string';
    return key ? `entry "${key}"` : `@${chunk.type}`;
  };
  const skipped = (chunk: Chunk): string => (chunk.type === 'string' ? 'not defined' : 'entry skipped');
  const readChunk = (chunk: Chunk): void => {
    if (chunk.error && (chunk.type === 'comment' || chunk.type === 'preamble')) issue(chunk.line, 'error', `@${chunk.type}: ${chunk.error}`);
    if (chunk.type === 'comment' || chunk.type === 'preamble') return;
    const src = text.slice(chunk.start, chunk.end);
    const entryHash = cache && !chunk.error ? createHash('sha1').update(stringsKey).update('\0').update(src).digest('base64') : '';
    if (chunk.type === 'string' && cache) stringsKey = entryHash || createHash('sha1').update(stringsKey).update('\0').update(src).digest('base64');
    const hit = chunk.type !== 'string' && entryHash ? cache?.entry(entryHash) : undefined;
    if (hit) {
      used.add(entryHash);
      for (const h of hit.inner) used.add(h);
      for (const n of hit.notes) issue(chunk.line + n.delta, n.severity, n.message);
      records.push({ type: hit.type, key: hit.key, line: chunk.line, fields: { ...hit.fields }, author: hit.author, editor: hit.editor });
      return;
    }
    const failed = (line: number, message: string): void => {
      if (chunk.type === 'string') {
        const name = keyOf(src);
        if (name) skippedStrings.add(name.toLowerCase());
      }
      issue(line, 'error', `${who(chunk, src)}: ${message}; ${skipped(chunk)}`);
    };
    if (chunk.error) return failed(chunk.line, chunk.error);
    const lineAt = linesIn(chunk);
    let raw: RawEntry;
    try {
      raw = tokenizeEntry(src, chunk.open - chunk.start, strings, chunk.type === 'string');
    } catch (err) {
      if (!(err instanceof EntrySyntaxError)) throw err;
      return failed(lineAt(err.offset), err.message);
    }
    const named = new Set<string>();
    const notes: CachedEntry['notes'] = [];
    for (const m of raw.undefinedMacros) {
      const name = m.name.toLowerCase();
      if (named.has(name)) continue; // one warning per name and entry
      named.add(name);
      const why = skippedStrings.has(name) ? `@string "${m.name}" left empty: its definition was skipped` : `undefined @string "${m.name}" (left empty)`;
      notes.push({ delta: lineAt(m.offset) - chunk.line, severity: 'warning', message: `${who(chunk, src)}: ${why}` });
    }
    if (chunk.type === 'string') {
      for (const n of notes) issue(chunk.line + n.delta, n.severity, n.message);
      for (const [name, value] of raw.fields) {
        strings.set(name, value);
        skippedStrings.delete(name);
      }
      return;
    }
    const inner = new Set<string>();
    const d = decode(chunk.type, raw.fields, cache, inner);
    if (d.warning) notes.push({ delta: 0, severity: 'warning', message: `entry "${raw.key}": ${d.warning}` });
    for (const n of notes) issue(chunk.line + n.delta, n.severity, n.message);
    for (const h of inner) used.add(h);
    if (cache && entryHash) {
      used.add(entryHash);
      cache.storeEntry(entryHash, { type: chunk.type, key: raw.key, fields: d.fields, author: d.author, editor: d.editor, notes, inner: [...inner] });
    }
    records.push({ type: chunk.type, key: raw.key, line: chunk.line, fields: { ...d.fields }, author: d.author, editor: d.editor });
  };
  for (const chunk of chunks) {
    yield;
    try {
      readChunk(chunk);
    } catch (err) {
      // Whatever goes wrong inside one entry (a limit nobody foresaw, a decoder fault) is that entry's problem.
      const src = text.slice(chunk.start, Math.min(chunk.end, chunk.start + 200));
      issue(chunk.line, 'error', `${who(chunk, src)}: could not be read (${firstLine(err instanceof Error ? err.message : String(err))}); ${skipped(chunk)}`);
    }
  }
  for (const s of stray) issue(s.line, 'warning', `text outside any entry (${quote(s.text)}): unbalanced braces in the entry above?`);
  cache?.retain(file, used);

  const byKey = new Map<string, Record_>();
  for (const r of records) if (!byKey.has(r.key.toLowerCase())) byKey.set(r.key.toLowerCase(), r);
  const papers: Paper[] = [];
  for (const r of records) {
    const parentKey = r.fields.crossref;
    if (parentKey) {
      const parent = byKey.get(parentKey.toLowerCase());
      if (!parent) issue(r.line, 'warning', `entry "${r.key}": crossref "${parentKey}" not found`);
      else inherit(r, parent);
    }
    papers.push(toPaper(file, r));
    if (!papers[papers.length - 1].title) issue(r.line, 'warning', `entry "${r.key}" has no title`);
  }
  return { papers, issues };
}

const keyOf = (src: string): string | undefined => /^@[^{(]*[{(]\s*([^,\s{}()=]+)/.exec(src)?.[1];

/** BibTeX crossref: missing fields come from the parent; a container's title becomes the venue. */
function inherit(child: Record_, parent: Record_): void {
  const f = child.fields;
  const p = parent.fields;
  if (!f.booktitle && !f.journal && !f.journaltitle) {
    if (p.booktitle) f.booktitle = p.booktitle;
    else if (p.journal || p.journaltitle) f.journal = p.journal ?? p.journaltitle;
    else if (CONTAINERS.has(parent.type) && p.title) f.booktitle = p.title;
  }
  for (const k of ['title', 'year', 'date', 'publisher', 'school', 'institution', 'organization']) {
    if (!f[k] && p[k]) f[k] = p[k];
  }
  child.author ??= parent.author;
  child.editor ??= parent.editor;
}

function toPaper(file: string, r: Record_): Paper {
  const f = r.fields;
  const year = /\b(\d{4})\b/.exec(f.year ?? '')?.[1] ?? /^(\d{4})/.exec(f.date ?? '')?.[1];
  // "and others" is not a name: the list is cut short.
  const names = r.author ?? r.editor ?? [];
  const paper: Paper = {
    key: r.key,
    title: f.title ?? '',
    authors: names.filter((n) => n !== 'others'),
    origin: { file, line: r.line, kind: 'bibtex' },
    type: r.type,
  };
  if (paper.authors.length < names.length) paper.moreAuthors = true;
  if (year) paper.year = Number(year);
  const venue = f.journal ?? f.journaltitle ?? f.booktitle ?? f.school ?? f.institution ?? f.howpublished ?? f.organization ?? f.publisher;
  if (venue) paper.venue = venue;
  if (f.abstract) paper.abstract = f.abstract;
  if (f.doi) paper.doi = f.doi.replace(/^https?:\/\/(dx\.)?doi\.org\//i, '');
  const arxiv = (f.eprinttype ?? f.archiveprefix ?? '').toLowerCase() === 'arxiv' && f.eprint ? `https://arxiv.org/abs/${f.eprint}` : undefined;
  if (f.url ?? arxiv) paper.url = f.url ?? arxiv;
  return paper;
}

/** One entry of a .bib file as written: its text, its fields (values with @strings expanded, still TeX) and all of them decoded. */
export interface EntryText {
  type: string;
  key: string;
  /** The entry's text, from `@` to its closing brace. */
  text: string;
  /** Field name (lower case) → value as TeX, @string macros expanded, in file order. */
  raw: Map<string, string>;
  /** @string names the entry uses (lower case; jan…dec aside, which every style defines). */
  macros: string[];
  /** Every field decoded to plain text (authors and editors as "Family, Given"). */
  fields: Record<string, string>;
  author?: string[];
  editor?: string[];
  /** The fields (TeX, expanded) of the entry its `crossref` names, when the file has it. */
  parent?: { key: string; type: string; raw: Map<string, string> };
}

/**
 * The entry `key` that starts on `line` of BibTeX `source` (what a Paper's origin names), read
 * again with every field; null when it is not there any more. Requires loadBibtexParser().
 */
export function entryAt(source: string, line: number, key: string): EntryText | null {
  const text = withLfLineEnds(source);
  const { chunks } = scanBibtex(text);
  const strings = new Map<string, string>();
  let found: EntryText | null = null;
  let crossref = '';
  for (const chunk of chunks) {
    if (chunk.error || chunk.type === 'comment' || chunk.type === 'preamble') continue;
    const src = text.slice(chunk.start, chunk.end);
    if (found) {
      // BibTeX wants the parent after its children: read on for it.
      if (chunk.type === 'string' || keyOf(src)?.toLowerCase() !== crossref) continue;
      try {
        const raw = tokenizeEntry(src, chunk.open - chunk.start, strings, false);
        found.parent = { key: raw.key, type: chunk.type, raw: raw.fields };
      } catch {
        // a broken parent: the child alone
      }
      return found;
    }
    if (chunk.type === 'string') {
      try {
        for (const [name, value] of tokenizeEntry(src, chunk.open - chunk.start, strings, true).fields) strings.set(name, value);
      } catch {
        // skipped, as parseBibtex does
      }
      continue;
    }
    if (chunk.line !== line) continue;
    try {
      const raw = tokenizeEntry(src, chunk.open - chunk.start, strings, false);
      if (raw.key !== key) return null;
      const d = decode(chunk.type, raw.fields, undefined, new Set(), true);
      found = { type: chunk.type, key, text: src.trimEnd(), raw: raw.fields, macros: [...raw.usedMacros], fields: d.fields, author: d.author, editor: d.editor };
      crossref = (raw.fields.get('crossref') ?? '').trim().toLowerCase();
      if (!crossref) return found;
    } catch {
      return null;
    }
  }
  // A parent before its child (biber allows it).
  for (const chunk of found && !found.parent ? chunks : []) {
    const src = text.slice(chunk.start, chunk.end);
    if (chunk.error || chunk.type === 'string' || chunk.type === 'comment' || keyOf(src)?.toLowerCase() !== crossref) continue;
    try {
      const raw = tokenizeEntry(src, chunk.open - chunk.start, strings, false);
      found!.parent = { key: raw.key, type: chunk.type, raw: raw.fields };
    } catch {
      // a broken parent: the child alone
    }
    break;
  }
  return found;
}

/** @string names `source` defines (lower case). */
export function definedStrings(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/@\s*string\s*[{(]\s*([^\s=,{}()"#]+)\s*=/gi)) names.add(m[1].toLowerCase());
  return names;
}
