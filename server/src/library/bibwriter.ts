// Paper → BibTeX / CSL-JSON, and adding one entry to a .bib or CSL-JSON file without touching any other byte.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
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

/** One BibTeX entry for `paper`, ending with a newline. */
export function toBibtex(paper: Paper): string {
  const raw = (paper.type ?? '').toLowerCase();
  const type = CSL_TO_BIBTEX[raw] ?? (BIBTEX_TYPES.has(raw) ? raw : 'misc');
  const fields: [string, string][] = [];
  fields.push(['title', protectCapitals(escapeLatex(squash(paper.title)))]);
  if (paper.authors.length) fields.push(['author', paper.authors.map(bibName).join(' and ')]);
  if (paper.venue) {
    const venueField = type === 'article' ? 'journal' : ['inproceedings', 'conference', 'incollection', 'inbook'].includes(type) ? 'booktitle' : type === 'book' ? 'publisher' : 'howpublished';
    fields.push([venueField, escapeLatex(squash(paper.venue))]);
  }
  if (paper.year) fields.push(['year', String(paper.year)]);
  if (paper.doi) fields.push(['doi', verbatimValue(paper.doi)]);
  if (paper.url) fields.push(['url', verbatimValue(paper.url)]);
  if (paper.abstract) fields.push(['abstract', escapeLatex(squash(paper.abstract))]);
  const width = Math.max(...fields.map(([k]) => k.length));
  return `@${type}{${paper.key},\n${fields.map(([k, v]) => `  ${k.padEnd(width)} = {${v}}`).join(',\n')}\n}\n`;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when `text` already defines `key` (BibTeX compares keys case-insensitively). */
export function hasEntry(text: string, key: string): boolean {
  return new RegExp(`@\\s*[A-Za-z]+\\s*[{(]\\s*${escapeRegExp(key)}\\s*,`, 'i').test(text);
}

/**
 * Appends `paper` to the .bib at `bibPath`: every existing byte is kept, then a newline if the
 * file lacks a final one, a blank line and the entry (in the file's own line ending). Written
 * with replaceAtomically; a missing file is created. Throws if the key is already in the file.
 */
export async function appendEntry(bibPath: string, paper: Paper): Promise<void> {
  await replaceAtomically(bibPath, (existing) => {
    const text = existing.toString('utf8');
    if (hasEntry(text, paper.key)) throw new Error(`${bibPath}: key "${paper.key}" is already in the file`);
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    let addition = toBibtex(paper).replace(/\n/g, eol);
    if (existing.length) {
      const endsWithNewline = existing[existing.length - 1] === 0x0a || existing[existing.length - 1] === 0x0d;
      addition = (endsWithNewline ? '' : eol) + eol + addition;
    }
    return Buffer.concat([existing, Buffer.from(addition, 'utf8')]);
  });
}

/** True when a CSL-JSON file's text already has an item with this id. */
export function hasCslItem(text: string, key: string): boolean {
  return new RegExp(`"id"\\s*:\\s*"${escapeRegExp(key)}"`).test(text);
}

/**
 * Inserts `paper` as one CSL-JSON item before the closing `]` of the array in `file` (creates
 * `[item]` for a missing or empty file); every other byte is kept. Written with replaceAtomically.
 */
export async function appendCslItem(file: string, paper: Paper): Promise<void> {
  const item = JSON.stringify(toCslItem(paper));
  await replaceAtomically(file, (existing) => {
    const text = existing.toString('utf8');
    if (text.trim() === '') return Buffer.from(`[\n${item}\n]\n`, 'utf8');
    const close = text.lastIndexOf(']');
    if (close < 0) throw new Error(`${file}: not a CSL-JSON array; the entry was not added`);
    let last = close - 1;
    while (last >= 0 && /\s/.test(text[last]!)) last--;
    const insertAt = last + 1;
    const piece = text[last] === '[' ? `\n${item}\n` : `,\n${item}`;
    return Buffer.from(text.slice(0, insertAt) + piece + text.slice(insertAt), 'utf8');
  });
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
  if (paper.origin.kind !== 'bibtex') return paper.type;
  return BIBTEX_TO_CSL[paper.type.toLowerCase()] ?? 'article';
}

/**
 * Replaces `file` with `edit(its bytes)` (empty when missing) so readers never see half a file:
 * written to a temp file in the same folder, fsynced and renamed over, keeping the file's mode
 * and writing through a symlink to its target.
 */
async function replaceAtomically(file: string, edit: (existing: Buffer) => Buffer): Promise<void> {
  let target = file;
  try {
    target = await realpath(file);
  } catch {
    // Missing file: create it at `file`.
  }
  let existing: Buffer = Buffer.alloc(0);
  let mode: number | undefined;
  try {
    existing = await readFile(target);
    mode = (await stat(target)).mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const next = edit(existing);
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode ?? 0o666);
  try {
    try {
      await handle.writeFile(next);
      if (mode !== undefined) await handle.chmod(mode); // open()'s mode is filtered by the umask
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  // Make the rename itself durable; not every platform lets a folder be fsynced.
  try {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    // best effort
  }
}
