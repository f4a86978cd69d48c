// Fixtures for feature tests: a document with the cursor marked `|`, and a library + index built
// once from the bundled corpus plus a small refs.bib.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Syntax } from '../../../server/src/documents';
import { loadCorpus } from '../../../server/src/library/corpus';
import { readLibraryFile } from '../../../server/src/library/files';
import { Library } from '../../../server/src/library/library';
import { defaultSettings, type Settings } from '../../../server/src/protocol';
import { SearchIndex, sourcesOf } from '../../../server/src/search';
import { Ranker } from '../../../server/src/search/rank';
import type { Doc } from '../../../server/src/features/document';
import type { Ready } from '../../../server/src/features/state';

/** Splits `text` at its one `|` mark: the document without the mark, and the cursor offset. */
export function marked(text: string): { text: string; offset: number } {
  const offset = text.indexOf('|');
  if (offset < 0 || text.indexOf('|', offset + 1) >= 0) throw new Error('mark the cursor with exactly one |');
  return { text: text.slice(0, offset) + text.slice(offset + 1), offset };
}

/** A document at `dir/name` (not written to disk) with the cursor mark removed. */
export function docAt(source: string, syntax: Syntax, file = path.join(os.tmpdir(), syntax === 'latex' ? 'paper.tex' : 'note.md')): { doc: Doc; offset: number } {
  const { text, offset } = marked(source);
  return { doc: { uri: `file://${file}`, path: file, text, syntax, version: 1 }, offset };
}

export const REFS_BIB = `@article{smith2020graphs,
  author = {Smith, Jane and Doe, John},
  title = {Graph Networks for Physical Reasoning},
  journal = {Journal of Machine Learning Research},
  year = {2020},
  abstract = {We study graph networks that learn to simulate rigid bodies and fluids.}
}
`;

export function config(overrides: Partial<Settings> = {}): Settings {
  return { ...defaultSettings, ...overrides };
}

/** A temp folder holding refs.bib; the library reads it and the corpus. */
export async function makeProject(bib = REFS_BIB): Promise<{ dir: string; bib: string; ready: Ready }> {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-features-')));
  const file = path.join(dir, 'refs.bib');
  fs.writeFileSync(file, bib);
  const library = new Library();
  library.setSource(file, await readLibraryFile(file), 'workspace', 'refs.bib', file);
  library.setSource('corpus', await loadCorpus(), 'corpus', 'corpus');
  return { dir, bib: file, ready: { library, index: new Ranker(SearchIndex.fromSources(sourcesOf(library))) } };
}
