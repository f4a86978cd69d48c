// A Zotero read kept in LitLens' cache folder: each library's papers as JSON lines (the 'zotero'
// format of library/stream.ts: paper stores read entries again from these files), and a manifest
// naming the state of Zotero they were read from (its fingerprint) with the read's issues. A start
// whose Zotero is unchanged opens them without reading Zotero: no sql.js, no pages of the API.
//
//   <cache>/zotero/<id>.json        the manifest (written last: files it names are complete)
//   <cache>/zotero/<id>-<n>.jsonl   library n's papers, one per line
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
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
  libraries: (Omit<ZoteroLibrary, 'papers'> & { count: number; saved: string })[];
}

/** The read saved as `id` when it was read from Zotero as it is now (`fingerprint`); its libraries' papers stay in their files. */
export async function openSaved(dir: string, id: string, fingerprint: string): Promise<ZoteroRead | null> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, `${id}.json`), 'utf8')) as Manifest;
  } catch {
    return null; // none saved yet, or unreadable: Zotero is read
  }
  if (manifest.format !== SAVED_FORMAT || manifest.fingerprint !== fingerprint) return null;
  if (!(await Promise.all(manifest.libraries.map((l) => stat(l.saved).then(() => true, () => false)))).every(Boolean)) return null;
  return { file: manifest.file, issues: manifest.issues, fingerprint, libraries: manifest.libraries.map(({ count, ...l }) => ({ ...l, papers: [], count })) };
}

/**
 * Writes each library's papers to its file (replacing the last read's), and the manifest when
 * `keep` (a read with an error is used once, never kept). Returns the read with each library's file.
 */
export async function saveRead(read: ZoteroRead, dir: string, id: string, keep: boolean): Promise<ZoteroRead> {
  await mkdir(dir, { recursive: true });
  const libraries = await Promise.all(
    read.libraries.map(async (library, n) => {
      const saved = path.join(dir, `${id}-${n}.jsonl`);
      // Renamed into place: a store of the last read that has the file open keeps reading the old one.
      await writeFile(`${saved}.tmp`, library.papers.map((p) => JSON.stringify(p)).join('\n') + '\n');
      await rename(`${saved}.tmp`, saved);
      return { ...library, saved, count: library.papers.length };
    }),
  );
  if (keep) {
    const manifest: Manifest = { format: SAVED_FORMAT, fingerprint: read.fingerprint, file: read.file, issues: read.issues, libraries: libraries.map(({ papers: _, ...l }) => l) };
    await writeFile(path.join(dir, `${id}.json.tmp`), JSON.stringify(manifest));
    await rename(path.join(dir, `${id}.json.tmp`), path.join(dir, `${id}.json`));
  }
  return { ...read, libraries };
}

/** The papers of a saved library file, as objects (the CLI and tests; the server reads them into a store). */
export async function savedPapers(saved: string): Promise<Paper[]> {
  const papers: Paper[] = [];
  for await (const line of createInterface({ input: createReadStream(saved, 'utf8'), crlfDelay: Infinity })) if (line) papers.push(JSON.parse(line) as Paper);
  return papers;
}
