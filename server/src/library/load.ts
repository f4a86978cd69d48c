// One way to assemble a Library from paths and the corpus, shared by the CLI and the server.
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { BibtexCache } from './bibtex';
import { loadCorpus, corpusPath } from './corpus';
import { findLibraryFiles, readLibraryFile, ReadOptions, whyMissing } from './files';
import { Library } from './library';
import type { LoadIssue } from './paper';

export interface LoadOptions {
  /** .bib/.json files or folders (searched recursively). */
  libraries?: string[];
  /** Include the bundled corpus (default true). */
  corpus?: boolean;
  /** Pass one across reloads so unchanged BibTeX entries are not decoded again. */
  cache?: BibtexCache;
  maxBytes?: ReadOptions['maxBytes'];
}

/**
 * Expands folders, reads every file in parallel and builds the Library: one workspace source per
 * file (id = absolute path, name = path as given), then the corpus. A path that does not exist
 * becomes an error issue; nothing throws.
 */
export async function loadLibrary(options: LoadOptions = {}): Promise<Library> {
  const files: string[] = [];
  const missing: LoadIssue[] = [];
  for (const p of options.libraries ?? []) {
    try {
      const s = await stat(p);
      if (s.isDirectory()) files.push(...(await findLibraryFiles(p)));
      else files.push(p);
    } catch (err) {
      missing.push({ file: p, line: 0, severity: 'error', message: await whyMissing(p, err) });
    }
  }
  // One source per file, even when a folder and a link inside another name it twice.
  const real = await Promise.all(files.map((f) => realpath(f).catch(() => path.resolve(f))));
  const byReal = new Map<string, [string, string]>();
  files.forEach((f, i) => byReal.has(real[i]) || byReal.set(real[i], [path.resolve(f), f]));
  const unique = [...byReal.values()];
  const read = { cache: options.cache, maxBytes: options.maxBytes };
  const [results, corpus] = await Promise.all([
    Promise.all(unique.map(([, f]) => readLibraryFile(f, read))),
    options.corpus === false ? null : loadCorpus(),
  ]);
  const library = new Library();
  unique.forEach(([id, f], i) => library.setSource(id, results[i], 'workspace', f, f));
  for (const issue of missing) library.setSource(`missing:${issue.file}`, { papers: [], issues: [issue] }, 'workspace', issue.file, issue.file);
  if (corpus) library.setSource('corpus', corpus, 'corpus', 'corpus', corpusPath());
  return library;
}
