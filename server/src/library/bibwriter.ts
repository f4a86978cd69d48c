// Paper → BibTeX / CSL-JSON, and adding entries to a .bib or CSL-JSON file without touching any other byte.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, readFile, readlink, realpath, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseCslJson } from './csljson';
import { decodeBibliography, encodeText, ENCODING_NAMES } from './encoding';
import type { Paper } from './paper';

const CSL_TO_BIBTEX: Record<string, string> = {
  'article-journal': 'article',
  'article-magazine': 'article',
  'article-newspaper': 'article',
  article: 'article',
  'paper-conference': 'inproceedings',
  chapter: 'incollection',
  book: 'book',
  thesis: 'phdthesis',
  report: 'techreport',
};
const BIBTEX_TYPES = new Set(['article', 'inproceedings', 'conference', 'incollection', 'inbook', 'book', 'phdthesis', 'mastersthesis', 'techreport', 'manual', 'misc', 'unpublished', 'online', 'report', 'thesis', 'proceedings']);

/** Escapes text for a braced BibTeX field: the ten LaTeX specials become commands. */
export function escapeLatex(s: string): string {
  return s.replace(/[\\{}&%$#_~^]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\textbackslash{}';
      case '~':
        return '\\textasciitilde{}';
      case '^':
        return '\\textasciicircum{}';
      default:
        return `\\${c}`;
    }
  });
}

/** Words whose capitals a style must not lower-case (MuZero, BERT, GPT-3, iPhone) get braces. */
function protectCapitals(title: string): string {
  return title
    .split(/(\s+)/)
    .map((word) => (/.\p{Lu}/u.test(word.replace(/^[^\p{L}]+/u, '')) ? `{${word}}` : word))
    .join('');
}

/** "Family, Given" stays as is; a literal name (an organisation) is braced so BibTeX keeps it whole. */
function bibName(name: string): string {
  const escaped = escapeLatex(name.trim());
  if (name.includes(',')) return escaped;
  return /\s/.test(name.trim()) ? `{${escaped}}` : escaped;
}

const verbatimValue = (s: string): string => s.replace(/[{}]/g, '').replace(/[%#]/g, (c) => `\\${c}`);

/** Where a bundled-corpus entry says it came from, so a reference list shows something true. */
export const CORPUS_SOURCE = 'LitLens bundled corpus';

/** What a written entry lacks that reference styles print: null when it has authors and a year. */
export function missingForStyles(paper: Paper): string | null {
  const authors = paper.authors.length > 0;
  const year = paper.year !== undefined;
  return authors && year ? null : !authors && !year ? 'authors or year' : !authors ? 'authors' : 'a year';
}

/**
 * One BibTeX entry for `paper`, ending with a newline. An e-print (arXiv) gets `eprint`,
 * `archivePrefix` and `primaryClass`, and is an @article with its journal or else a @misc; a
 * bundled-corpus paper without authors or year is a @misc that says where it came from
 * (`howpublished`), with its e-print and URL when known. Authors and years are never made up.
 */
export function toBibtex(paper: Paper, options: { titleTex?: string } = {}): string {
  const raw = (paper.type ?? '').toLowerCase();
  const incompleteCorpus = paper.origin.kind === 'corpus' && missingForStyles(paper) !== null;
  let type = CSL_TO_BIBTEX[raw] ?? (BIBTEX_TYPES.has(raw) ? raw : 'misc');
  if (paper.eprint && (paper.origin.kind === 'arxiv' || paper.origin.kind === 'corpus')) type = paper.venue ? 'article' : 'misc';
  if (incompleteCorpus) type = 'misc';
  const fields: [string, string][] = [];
  if (paper.authors.length) fields.push(['author', paper.authors.map(bibName).join(' and ')]);
  fields.push(['title', options.titleTex && balanced(options.titleTex) ? squash(options.titleTex) : protectCapitals(escapeLatex(squash(paper.title)))]);
  if (paper.venue && !incompleteCorpus) {
    const venueField = type === 'article' ? 'journal' : ['inproceedings', 'conference', 'incollection', 'inbook'].includes(type) ? 'booktitle' : type === 'book' ? 'publisher' : 'howpublished';
    fields.push([venueField, escapeLatex(squash(paper.venue))]);
  }
  if (incompleteCorpus) fields.push(['howpublished', paper.eprint ? `${CORPUS_SOURCE}, ${paper.eprint.archivePrefix}:${escapeLatex(paper.eprint.id)}` : CORPUS_SOURCE]);
  if (paper.year) fields.push(['year', String(paper.year)]);
  if (paper.eprint) {
    fields.push(['eprint', verbatimValue(paper.eprint.id)], ['archivePrefix', paper.eprint.archivePrefix]);
    if (paper.eprint.primaryClass) fields.push(['primaryClass', verbatimValue(paper.eprint.primaryClass)]);
  }
  if (paper.doi) fields.push(['doi', verbatimValue(paper.doi)]);
  if (paper.url) fields.push(['url', verbatimValue(paper.url)]);
  if (paper.abstract) fields.push(['abstract', escapeLatex(squash(paper.abstract))]);
  const width = Math.max(...fields.map(([k]) => k.length));
  return `@${type}{${paper.key},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(',\n')}\n}\n`;
}

/** Braces pair up and the text holds nothing that would end a BibTeX value early. */
function balanced(tex: string): boolean {
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth < 0) return false;
    else if (c === '%' || c === '&' || c === '#') return false;
  }
  return depth === 0;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Keys `text` defines, lower-cased (BibTeX compares keys case-insensitively). */
function bibtexKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const m of text.matchAll(/@\s*[A-Za-z]+\s*[{(]\s*([^,\s{}()]+)\s*,/g)) keys.add(m[1].toLowerCase());
  return keys;
}

/** Why BibTeX (or the \cite commands that name it) cannot hold `key`; null when it can. */
export function bibtexKeyProblem(key: string): string | null {
  if (!key) return 'an empty key';
  const bad = /[\s,{}()"#%'=\\~\p{Cc}]/u.exec(key);
  return bad ? `a BibTeX key cannot hold ${bad[0] === ' ' ? 'a space' : /\s|\p{Cc}/u.test(bad[0]) ? 'a line break or control character' : `"${bad[0]}"`}` : null;
}

/** What adding one paper came to. */
export type AddOutcome =
  | { key: string; outcome: 'added' }
  | { key: string; outcome: 'already-there' }
  | { key: string; outcome: 'refused'; reason: string };

/**
 * A paper with its entry made ahead (library/entrycopy.ts: the source entry with all its fields):
 * `bibtex` gets the target's text (to see which @strings it defines); either one falls back to
 * toBibtex / toCslItem.
 */
export interface PreparedEntry {
  paper: Paper;
  bibtex?: (target: string) => string;
  csl?: Record<string, unknown>;
}

const paperOf = (e: Paper | PreparedEntry): Paper => ('paper' in e ? e.paper : e);

export interface AddOptions {
  /** Told the 1-based line each added entry starts on (for "Open entry"). */
  onAdded?: (key: string, line: number) => void;
  /** How long to wait for another writer's lock. Default 5 s. */
  lockTimeoutMs?: number;
  /** A lock older than this is a crashed writer's and is taken over. Default 10 s. */
  staleLockMs?: number;
}

/**
 * Adds `papers` to the bibliography at `file`: BibTeX entries appended to a .bib, CSL items inserted
 * before the closing `]` of a .json; a missing file is created. No existing byte changes and no
 * other writer's entry is lost: writers take a lock file beside the target (`.NAME.lock`, taken
 * over when stale), and the file is written in place (appended to, for BibTeX), so its owner,
 * group, mode and hard links stay; a symbolic link is written through, a dangling one refused.
 * Read-only files are refused, even for root. The addition uses the file's own encoding and the
 * line ending most of its lines use. Never throws: every paper gets an outcome.
 */
export async function addEntries(file: string, entries: readonly (Paper | PreparedEntry)[], options: AddOptions = {}): Promise<AddOutcome[]> {
  const papers = entries.map(paperOf);
  const refuseAll = (reason: string): AddOutcome[] => papers.map((p) => ({ key: p.key, outcome: 'refused', reason }));
  if (!papers.length) return [];
  try {
    const target = await writableTarget(file);
    if ('refused' in target) return refuseAll(target.refused);
    return await withLock(target.path, options, () => addInPlace(target.path, entries, options.onAdded));
  } catch (err) {
    return refuseAll(whyNotWritten(err));
  }
}

/**
 * Appends `paper` to `file` (BibTeX, or CSL-JSON for .json) with addEntries. Throws with the reason
 * when it was refused or the key is already there.
 */
export async function appendEntry(file: string, paper: Paper): Promise<void> {
  const [result] = await addEntries(file, [paper]);
  if (result.outcome === 'already-there') throw new Error(`${file}: key "${paper.key}" is already in the file`);
  if (result.outcome === 'refused') throw new Error(`${file}: ${result.reason}; the entry was not added`);
}

/** A paper as a CSL-JSON item (the fields pandoc/citeproc use). */
export function toCslItem(paper: Paper): Record<string, unknown> {
  const item: Record<string, unknown> = { id: paper.key, type: cslType(paper), title: paper.title };
  if (paper.authors.length) {
    item.author = paper.authors.map((a) => {
      const comma = a.indexOf(',');
      return comma < 0 ? { literal: a } : { family: a.slice(0, comma).trim(), given: a.slice(comma + 1).trim() };
    });
  }
  if (paper.year) item.issued = { 'date-parts': [[paper.year]] };
  if (paper.venue) item['container-title'] = paper.venue;
  if (paper.abstract) item.abstract = paper.abstract;
  if (paper.doi) item.DOI = paper.doi;
  if (paper.url) item.URL = paper.url;
  return item;
}

/** BibTeX entry types → CSL types; a paper read from CSL-JSON already has its CSL type. */
const BIBTEX_TO_CSL: Record<string, string> = {
  article: 'article-journal',
  inproceedings: 'paper-conference',
  conference: 'paper-conference',
  proceedings: 'book',
  book: 'book',
  incollection: 'chapter',
  inbook: 'chapter',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  techreport: 'report',
  report: 'report',
  online: 'webpage',
  misc: 'article',
  unpublished: 'manuscript',
};

function cslType(paper: Paper): string {
  if (!paper.type) return 'article';
  if (paper.origin.kind !== 'bibtex' && paper.origin.kind !== 'zotero') return paper.type;
  return BIBTEX_TO_CSL[paper.type.toLowerCase()] ?? 'article';
}

/** The file to write: `file`, or the target of the symbolic link(s) it is; refused when a link leads nowhere. */
async function writableTarget(file: string): Promise<{ path: string } | { refused: string }> {
  const link = await lstat(file).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (!link?.isSymbolicLink()) return { path: file };
  try {
    return { path: await realpath(file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { refused: 'symbolic link loop: the link leads back to itself' };
    return { refused: `dangling symbolic link: its target ${await readlink(file).catch(() => '?')} does not exist` };
  }
}

function whyNotWritten(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ELOCKED') return e.message;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied: the file (or its folder) is not writable for this user';
  if (e.code === 'EROFS') return 'the file is on a read-only file system';
  if (e.code === 'ENOENT') return 'its folder does not exist';
  if (e.code === 'EISDIR') return 'it is a folder';
  return `cannot write the file (${(e?.message ?? String(err)).split('\n')[0]})`;
}

/** Reads the file through the descriptor it writes with; when it changed meanwhile, reads again. */
async function addInPlace(file: string, entries: readonly (Paper | PreparedEntry)[], onAdded?: AddOptions['onAdded']): Promise<AddOutcome[]> {
  const papers = entries.map(paperOf);
  const json = /\.json$/i.test(file);
  for (let attempt = 0; ; attempt++) {
    // O_APPEND: whatever another program appended meanwhile, this entry goes after it.
    const handle = await open(file, constants.O_RDWR | constants.O_CREAT | (json ? 0 : constants.O_APPEND), 0o666);
    try {
      const before = await handle.stat();
      if (!before.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      // Root may write anything; a file nobody may write is read-only on purpose, as `echo >>` would say for anyone else.
      if ((before.mode & 0o222) === 0) return papers.map((p) => ({ key: p.key, outcome: 'refused', reason: `read-only file (mode ${(before.mode & 0o777).toString(8).padStart(4, '0')}); make it writable to add entries` }));
      const existing = Buffer.alloc(before.size);
      let got = 0;
      while (got < existing.length) {
        const { bytesRead } = await handle.read(existing, got, existing.length - got, got);
        if (!bytesRead) break;
        got += bytesRead;
      }
      const plan = planAddition(existing.subarray(0, got), entries, json);
      const now = await handle.stat();
      if ((now.size !== before.size || now.mtimeMs !== before.mtimeMs) && attempt < 5) continue; // another writer, not LitLens: read again
      if (plan.bytes) {
        const at = json ? plan.at : now.size;
        for (let done = 0; done < plan.bytes.length; ) done += (await handle.write(plan.bytes, done, plan.bytes.length - done, json ? at + done : null)).bytesWritten;
        await handle.sync();
        for (const [key, line] of plan.lines) onAdded?.(key, line);
      }
      return plan.outcomes;
    } finally {
      await handle.close();
    }
  }
}

/** What to write for `papers` after `existing`, and where (`at`: the byte offset, for CSL-JSON). */
function planAddition(existing: Buffer, entries: readonly (Paper | PreparedEntry)[], json: boolean): { outcomes: AddOutcome[]; bytes: Buffer | null; at: number; lines: Map<string, number> } {
  const lines = new Map<string, number>();
  const papers = entries.map(paperOf);
  const decoded = existing.length ? decodeBibliography(existing) : { text: '', encoding: 'utf-8' as const, bom: false };
  if ('refused' in decoded) return { outcomes: papers.map((p) => ({ key: p.key, outcome: 'refused', reason: decoded.refused })), bytes: null, at: 0, lines };
  const { text, encoding } = decoded;
  const eol = lineEnding(text);
  const outcomes: AddOutcome[] = [];
  const pieces: string[] = [];
  const csl = json ? parseCslJson('', text) : null;
  const known = csl ? new Set(csl.papers.map((p) => p.key)) : bibtexKeys(text);
  const added: { key: string; piece: number }[] = [];
  for (const [n, paper] of papers.entries()) {
    const entry = entries[n];
    const id = json ? paper.key : paper.key.toLowerCase();
    const problem = json ? (!paper.key.trim() || /[\s\p{Cc}]/u.test(paper.key) ? 'a citation key cannot hold spaces or control characters' : null) : bibtexKeyProblem(paper.key);
    if (problem) outcomes.push({ key: paper.key, outcome: 'refused', reason: `${problem}: ${JSON.stringify(paper.key)}` });
    else if (known.has(id)) outcomes.push({ key: paper.key, outcome: 'already-there' });
    else {
      const prepared = 'paper' in entry ? entry : undefined;
      const piece = json ? JSON.stringify(prepared?.csl ?? toCslItem(paper)) : (prepared?.bibtex?.(text) ?? toBibtex(paper)).replace(/\r\n?/g, '\n').replace(/\n/g, eol);
      if (!encodeText(piece, encoding)) {
        outcomes.push({ key: paper.key, outcome: 'refused', reason: `the file is in ${ENCODING_NAMES[encoding]}, which cannot hold some of this entry's characters` });
        continue;
      }
      known.add(id);
      added.push({ key: paper.key, piece: pieces.length });
      pieces.push(piece);
      outcomes.push({ key: paper.key, outcome: 'added' });
    }
  }
  if (!pieces.length) return { outcomes, bytes: null, at: 0, lines };
  // The line each new entry starts on: the lines before it, plus one.
  const startLines = (before: string, separator: string): void => {
    let line = lineCount(before) + 1;
    for (let k = 0; k < pieces.length; k++) {
      for (const a of added) if (a.piece === k) lines.set(a.key, line);
      line += lineCount(pieces[k] + separator);
    }
  };
  if (!json) {
    let addition = pieces.join(eol);
    const prefix = text.length ? (/[\r\n]$/.test(text) ? '' : eol) + eol : '';
    addition = prefix + addition;
    startLines(text + prefix, eol);
    return { outcomes, bytes: encodeText(addition, encoding), at: existing.length, lines };
  }
  if (text.trim() === '') {
    startLines(`[${eol}`, `,${eol}`);
    return { outcomes, bytes: encodeText(`[${eol}${pieces.join(`,${eol}`)}${eol}]${eol}`, encoding), at: 0, lines };
  }
  const broken = csl!.issues.find((i) => i.severity === 'error' && /^(invalid JSON|not CSL-JSON)/.test(i.message));
  const close = text.lastIndexOf(']');
  if (broken || close < 0) {
    const reason = `not a CSL-JSON array${broken ? ` (line ${broken.line}: ${broken.message})` : ''}`;
    return { outcomes: outcomes.map((o) => (o.outcome === 'added' ? { key: o.key, outcome: 'refused', reason } : o)), bytes: null, at: 0, lines };
  }
  let last = close - 1;
  while (last >= 0 && /\s/.test(text[last]!)) last--;
  const insertAt = last + 1;
  const items = pieces.join(`,${eol}`);
  const tail = text.slice(insertAt);
  const piece = (text[last] === '[' ? `${eol}${items}${eol}` : `,${eol}${items}`) + tail;
  startLines(text.slice(0, insertAt) + (text[last] === '[' ? eol : `,${eol}`), `,${eol}`);
  // Everything from the insertion point on is rewritten in place: the new items, then the same closing bytes.
  return { outcomes, bytes: encodeText(piece, encoding), at: existing.length - encodeText(tail, encoding)!.length, lines };
}

/** Line breaks in `s` (CRLF, CR or LF). */
const lineCount = (s: string): number => s.match(/\r\n|\r|\n/g)?.length ?? 0;

/** The line ending most of `text`'s lines use (LF for a file without any). */
function lineEnding(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  const cr = text.split('\r').length - 1 - crlf;
  return crlf > lf && crlf >= cr ? '\r\n' : cr > lf ? '\r' : '\n';
}

/**
 * Runs `write` holding `.NAME.lock` beside `file` (created with O_EXCL). A lock whose writer is gone
 * (same host, no such process) or that is older than `staleLockMs` is taken over. Where the folder
 * allows no lock file, appending (one write call) still keeps every writer's entry.
 */
async function withLock<T>(file: string, options: AddOptions, write: () => Promise<T>): Promise<T> {
  const lock = path.join(path.dirname(file), `.${path.basename(file)}.lock`);
  const stale = options.staleLockMs ?? 10_000;
  const deadline = Date.now() + (options.lockTimeoutMs ?? 5_000);
  const mine = `${process.pid} ${hostname()} ${Date.now()} ${randomBytes(6).toString('hex')}\n`;
  for (;;) {
    try {
      await writeFile(lock, mine, { flag: 'wx' });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return write();
      if (code !== 'EEXIST') throw err;
    }
    const held = await readFile(lock, 'utf8').catch(() => null);
    if (held === null) continue; // released meanwhile
    const [pid, host, since] = held.split(' ');
    const gone = host === hostname() && !alive(Number(pid));
    if (gone || Date.now() - Number(since) > stale) {
      // Take over only the lock that was judged stale, not one a third writer has just made.
      if ((await readFile(lock, 'utf8').catch(() => null)) === held) await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) throw Object.assign(new Error(`locked by another writer: process ${pid} on ${host} holds ${lock}`), { code: 'ELOCKED' });
    await delay(10 + Math.random() * 20);
  }
  try {
    return await write();
  } finally {
    if ((await readFile(lock, 'utf8').catch(() => null)) === mine) await unlink(lock).catch(() => undefined);
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
