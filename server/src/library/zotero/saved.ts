// A Zotero read kept in LitLens' cache folder: each library's papers as JSON lines (the 'zotero'
// format of library/stream.ts: paper stores read entries again from these files), and a manifest
// naming the state of Zotero they were read from (its fingerprint) with the read's issues. A start
// whose Zotero is unchanged opens them without reading Zotero: no sql.js, no pages of the API.
//
//   <cache>/zotero/<id>.json        the manifest (written last: files it names are complete)
//   <cache>/zotero/<id>-<n>-<p>.jsonl   part p of library n's papers, one per line
//
// A library is saved in parts of ~2000 papers, a paper's part fixed by its Zotero item key; a part
// whose papers did not change keeps its file untouched (bytes and mtime), so its paper store and
// saved index are used again and an item added in Zotero re-indexes one part.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { LoadIssue, Paper } from '../paper';
import type { ZoteroLibrary, ZoteroRead } from './read';

/** Bumped when what a saved read holds changes. */
const SAVED_FORMAT = 2;

interface Manifest {
  format: number;
  fingerprint: string;
  file: string;
  issues: LoadIssue[];
  libraries: (Omit<ZoteroLibrary, 'papers'> & { count: number; saved: string[] })[];
  /** sha1 of each file's text as written (by file name): a part whose text is the same is not written again. */
  hashes?: Record<string, string>;
}

/** A library is saved in parts of about this many papers. */
const PART = 2000;
/** At most this many parts per library. */
const MAX_PARTS = 16;

/** A stable part number for an item (FNV-1a of its zotero:// link). */
function partOf(id: string, parts: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % parts;
}

/** The read saved as `id` when it was read from Zotero as it is now (`fingerprint`); its libraries' papers stay in their files. */
export async function openSaved(dir: string, id: string, fingerprint: string): Promise<ZoteroRead | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as Manifest;
  } catch {
    return null; // none saved yet, or unreadable: Zotero is read
  }
  if (manifest.format !== SAVED_FORMAT || !manifest.fingerprint || manifest.fingerprint !== fingerprint) return null;
  if (!(await Promise.all(manifest.libraries.flatMap((l) => l.saved).map((f) => stat(f).then(() => true, () => false)))).every(Boolean)) return null;
  return { file: manifest.file, issues: manifest.issues, fingerprint, libraries: manifest.libraries.map(({ count, ...l }) => ({ ...l, papers: [], count })) };
}

/**
 * Writes each library's papers to its files (the parts whose papers changed since the last read),
 * and the manifest when `keep` (a read with an error is used once, never kept). Returns the read
 * with each library's files, and the files written.
 */
export async function saveRead(read: ZoteroRead, dir: string, id: string, keep: boolean): Promise<{ read: ZoteroRead; changed: string[] }> {
  await mkdir(dir, { recursive: true });
  const changed: string[] = [];
  const manifestFile = path.join(dir, `${id}.json`);
  const before = ((await readFile(manifestFile, 'utf8').then(JSON.parse, () => null)) as Manifest | null)?.hashes ?? {};
  const hashes: Record<string, string> = {};
  const libraries = await Promise.all(
    read.libraries.map(async (library, n) => {
      const count = Math.min(MAX_PARTS, Math.max(1, Math.ceil(library.papers.length / PART)));
      const parts: string[][] = Array.from({ length: count }, () => []);
      for (const p of library.papers) parts[count === 1 ? 0 : partOf(p.link ?? p.key, count)].push(JSON.stringify(p));
      const files = parts.map((_, i) => path.join(dir, `${id}-${n}-${i}.jsonl`));
      await Promise.all(
        parts.map(async (lines, i) => {
          const text = lines.join('\n') + '\n';
          const name = path.basename(files[i]);
          hashes[name] = createHash('sha1').update(text).digest('hex');
          if (before[name] === hashes[name] && (await stat(files[i]).then(() => true, () => false))) return;
          // Renamed into place: a store of the last read that has the file open keeps reading the old one.
          await writeFile(`${files[i]}.tmp`, text);
          await rename(`${files[i]}.tmp`, files[i]);
          changed.push(files[i]);
        }),
      );
      return { ...library, saved: files, count: library.papers.length };
    }),
  );
  // Parts of an earlier read that this one has no more (the library shrank or was left).
  const kept = new Set(libraries.flatMap((l) => l.saved.map((f) => path.basename(f))));
  for (const name of await readdir(dir)) if (name.startsWith(`${id}-`) && name.endsWith('.jsonl') && !kept.has(name)) await rm(path.join(dir, name), { force: true });
  // Without `keep`, no fingerprint: the files' hashes are kept, the read is never used again.
  const manifest: Manifest = { format: SAVED_FORMAT, fingerprint: keep ? read.fingerprint : '', file: read.file, issues: read.issues, libraries: libraries.map(({ papers: _, ...l }) => l), hashes };
  await writeFile(`${manifestFile}.tmp`, JSON.stringify(manifest));
  await rename(`${manifestFile}.tmp`, manifestFile);
  return { read: { ...read, libraries }, changed };
}

/** The papers of a library's saved files, as objects (the CLI and tests; the server reads them into stores). */
export async function savedPapers(saved: readonly string[]): Promise<Paper[]> {
  const papers: Paper[] = [];
  for (const file of saved) for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) if (line) papers.push(JSON.parse(line) as Paper);
  return papers;
}
