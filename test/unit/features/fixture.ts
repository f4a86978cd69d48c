// Fixtures for feature tests, after texlab's test-utils: one string holds several files, each after
// a `%! name` line; in a document `|` marks the cursor and `«…»` the spans a feature should answer
// (the one mark parser: ../documents/fixture.ts). The files are written to a fresh folder (the
// workspace folder); its .bib/.json files and the bundled corpus make the library and its index.
//
//   const ws = await workspace(REFS);                               // %! refs.bib + its entry
//   const { ctx, spans } = ws.at('\\cite{smith|}\\bibliography{refs}');  // paper.tex, written to disk
//   completion(ctx) ... ws.dispose();
//   const { ctx } = await fixture(`%! paper.tex\n\\cite{smith|}\n${REFS}`);  // both at once
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { syntaxOfFile } from '../../../server/src/documents';
import { loadCorpus } from '../../../server/src/library/corpus';
import { libraryFormat, readLibraryFile } from '../../../server/src/library/files';
import { Library } from '../../../server/src/library/library';
import type { SourceResult } from '../../../server/src/library/paper';
import { defaultSettings, type Settings } from '../../../server/src/protocol';
import { SearchIndex, sourcesOf } from '../../../server/src/search';
import { Ranker } from '../../../server/src/search/rank';
import { fileUri } from '../../../server/src/workspace/documents';
import { projectOf, type FeatureContext } from '../../../server/src/workspace/project';
import { fixture as marks } from '../documents/fixture';

export const REFS_BIB = `@article{smith2020graphs,
  author = {Smith, Jane and Doe, John},
  title = {Graph Networks for Physical Reasoning},
  journal = {Journal of Machine Learning Research},
  year = {2020},
  abstract = {We study graph networks that learn to simulate rigid bodies and fluids.}
}
`;
/** The workspace's refs.bib as a fixture section. */
export const REFS = `%! refs.bib\n${REFS_BIB}`;

export function config(overrides: Partial<Settings> = {}): Settings {
  return { ...defaultSettings, ...overrides };
}

/** Splits a fixture into its `%! name` files; text before the first header belongs to `unnamed`. */
export function files(source: string, unnamed = 'paper.tex'): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const [i, part] of source.split(/^%! (.+)\n/m).entries()) {
    if (i % 2 === 1) out.push({ name: part.trim(), text: '' });
    else if (i === 0 && part.trim()) out.push({ name: unnamed, text: part });
    else if (i > 0) out[out.length - 1]!.text = part;
  }
  return out;
}

export interface AtOptions {
  /** The document's name when `source` has no `%!` line (default paper.tex). */
  name?: string;
  config?: Partial<Settings>;
  /** Default true. */
  trusted?: boolean;
  /** false: the index is not built yet (index null). */
  ready?: boolean;
  /** false: the library is not read yet either (library and index null). */
  read?: boolean;
}

export interface At {
  ctx: FeatureContext;
  /** The `«…»` spans of the document. */
  spans: { start: number; end: number; text: string }[];
}

export class Workspace {
  private constructor(
    readonly dir: string,
    readonly library: Library,
    readonly index: Ranker,
  ) {}

  /** A folder holding the fixture's files; the library reads its .bib/.json files, and the bundled corpus unless `corpus: false`. */
  static async create(source: string, options: { corpus?: boolean } = {}): Promise<Workspace> {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'litlens-features-')));
    const library = new Library();
    for (const { name, text } of files(source)) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, marks(text).text);
      if (libraryFormat(file)) library.setSource(file, await readLibraryFile(file), 'workspace', name, file);
    }
    if (options.corpus !== false) library.setSource('corpus', await corpus(), 'corpus', 'corpus');
    return new Workspace(dir, library, new Ranker(SearchIndex.fromSources(sourcesOf(library))));
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  /** The context at `|` in a document (written to the folder): `source` is its text, or `%! name` and its text. */
  at(source: string, options: AtOptions = {}): At {
    const { name, text: marked } = files(source, options.name ?? 'paper.tex')[0]!;
    const file = this.path(name);
    const { text, cursor, spans } = marks(marked);
    const syntax = syntaxOfFile(file);
    if (!syntax) throw new Error(`${name}: not a LaTeX or Markdown document`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const doc = { uri: fileUri(file), path: file, text, syntax, version: 1 };
    const settings = config(options.config);
    const read = options.read !== false;
    const ctx: FeatureContext = {
      doc,
      offset: Math.max(0, cursor),
      config: settings,
      library: read ? this.library : null,
      index: read && options.ready !== false ? this.index : null,
      folders: [this.dir],
      trusted: options.trusted !== false,
      project: projectOf(doc, [this.dir], settings),
    };
    return { ctx, spans };
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export const workspace = (source: string, options?: { corpus?: boolean }): Promise<Workspace> => Workspace.create(source, options);

/**
 * A workspace of the fixture's files and the context at the `|` of its document (the file holding
 * `|`, else the first LaTeX/Markdown one).
 */
export async function fixture(source: string, options: AtOptions & { corpus?: boolean } = {}): Promise<At & { ws: Workspace }> {
  const all = files(source, options.name ?? 'paper.tex');
  const doc = all.find((f) => f.text.includes('|')) ?? all.find((f) => syntaxOfFile(f.name));
  if (!doc) throw new Error('the fixture has no document');
  const ws = await workspace(
    all
      .filter((f) => f !== doc)
      .map((f) => `%! ${f.name}\n${f.text}`)
      .join(''),
    options,
  );
  return { ...ws.at(`%! ${doc.name}\n${doc.text}`, options), ws };
}

let corpusRead: Promise<SourceResult> | undefined;
function corpus(): Promise<SourceResult> {
  corpusRead ??= loadCorpus();
  return corpusRead;
}
