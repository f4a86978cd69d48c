// Custom messages between the LitLens client and server, each declared once with its types and
// the way it travels; the Settings both sides read, and their one defaults object. Imported by the
// client too: it imports no server module, only vscode-jsonrpc's message types.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { Scope } from './documents/context';

/** Settings under `litlens.*`, as the server uses them after defaults are applied. */
export interface Settings {
  /** Extra .bib / CSL-JSON files or folders, absolute or relative to the workspace folder. */
  libraries: string[];
  /** Include the bundled corpus of ML papers. */
  bundledCorpus: boolean;
  /** Big discovery corpora read as a stream with their papers off the heap: arXiv metadata snapshots
   * (JSON lines) or JSON lines of CSL items; absolute or relative to the workspace folder. Or a lab's
   * shared corpus in PostgreSQL: postgresql://USER@HOST[:PORT]/DB (no password: PGPASSWORD, ~/.pgpass). */
  corpora: string[];
  /** arXiv categories a snapshot is narrowed to ("cs.LG", or "cs" for the archive); empty = all. */
  corpusCategories: string[];
  /** Zotero's library: "auto" (the local API when it answers, else the default data directory's
   * zotero.sqlite when there is one), "off", or the path of a Zotero data directory. */
  zotero: string;
  /** Which Zotero libraries and collections: "My Library", a group's name, "Library/Collection/Sub"; empty = all. */
  zoteroCollections: string[];
  /** Where to add entries when the document names no bibliography (relative to the workspace). */
  defaultBibliography: string;
  /** How many papers completion, hover and lenses offer. */
  maxSuggestions: number;
  /** 0..1: how related a passage must be before papers are suggested for it. */
  relatedThreshold: number;
  /** Code lenses above paragraphs, above section headings, or none. */
  codeLens: 'paragraph' | 'section' | 'off';
  /** Hover on prose shows related papers. */
  proseHover: boolean;
  /** Sentences that cite nothing yet are close to a paper of the library: a diagnostic of this severity, or none. */
  uncitedClaims: 'hint' | 'information' | 'off';
  /** MB LitLens' cache folder may hold (saved indexes, corpora, vectors); least recently used parts go first. */
  cacheLimit: number;
  embeddings: {
    /** Off until the user agrees; a Hugging Face model id or a local folder path. */
    enabled: boolean;
    model: string;
  };
}

/** The one set of defaults: the client, the server, the CLI and the search index read these; package.json's
 * `contributes.configuration` repeats them for the editor's settings UI (a test keeps the two equal). */
export const defaultSettings: Settings = {
  libraries: [],
  bundledCorpus: true,
  corpora: [],
  corpusCategories: [],
  zotero: 'auto',
  zoteroCollections: [],
  defaultBibliography: 'references.bib',
  maxSuggestions: 20,
  relatedThreshold: 0.3,
  codeLens: 'paragraph',
  proseHover: true,
  uncitedClaims: 'hint',
  // A saved 1M-paper corpus takes ~0.7 GB: room for it, the workspaces' own indexes and vectors.
  cacheLimit: 2048,
  // Small (23 MB quantized), fast on a CPU, 384 dims, mean pooling.
  embeddings: { enabled: false, model: 'Xenova/all-MiniLM-L6-v2' },
};

/** "52 MB of 2,048 MB": the cache's use, for the status tooltip and `litlens --help`. */
export function cacheText(use: { bytes: number; limit: number }): string {
  const mb = (n: number): string => (n < 10 * 1024 * 1024 ? (n / 1024 / 1024).toFixed(1) : Math.round(n / 1024 / 1024).toLocaleString('en'));
  return `${mb(use.bytes)} MB of ${mb(use.limit)} MB`;
}

/** The optional package semantic search runs on (an optionalDependency; the lean VSIX leaves it out). */
/**
 * What the editor adds to the language server's environment: glibc's malloc keeps at most two
 * arenas. The server's JavaScript heap is small beside its RSS (26.5 MB of ~200 MB with a 1M-paper
 * PostgreSQL corpus); glibc's per-thread arenas (the index worker, libuv's pool, pg's sockets) held
 * most of the rest. With two arenas, RSS after 100 of each request at 1M in PostgreSQL was 146-164 MB
 * against 174-181 MB (222 MB in one run), at the same p95 (docs/postgresql.md, 7 Dec 2026).
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export const SEMANTIC_RUNTIME = '@huggingface/transformers';
/**
 * How LitLens was started, as far as the semantic runtime goes (where it is looked for): from a
 * clone (`litlens lsp` in any editor, `litlens embed`, VS Code with the clone as its extension:
 * `npm start` with `code` on PATH), from an installed VSIX, or by `npm start` serving code-server
 * (LITLENS_STARTED_BY=npm-start), whose VSIX is installed inside the clone (.e2e/start) and so
 * loads the runtime from the clone's node_modules.
 */
export type RuntimeHost = 'clone' | 'vsix' | 'npm-start';

/** What the status bar, Enable Semantic Search and `litlens embed` say when the runtime is missing, and how to get it. */
export function semanticRuntimeMissing(host: RuntimeHost): string {
  const runtime = `the semantic-search runtime (${SEMANTIC_RUNTIME})`;
  const install =
    'ONNXRUNTIME_NODE_INSTALL=skip npm ci (an npm ci without network drops it silently when onnxruntime-node cannot fetch its GPU libraries)';
  switch (host) {
    case 'clone':
      return `${runtime} is not installed. In the clone: ${install}, then npm run build, and start LitLens again`;
    case 'npm-start':
      return `${runtime} is not installed in this clone, where npm start's LitLens loads it from. Stop npm start, run ${install}, and run npm start again`;
    case 'vsix':
      return `this LitLens was installed from the keyword-only VSIX, which leaves out ${runtime}. Install the VSIX for your platform, built in a clone with npm run package:semantic`;
  }
}
/** The clone's message: the server and the CLI run from a clone or a copy of it (npm link, npm install -g). */
export const SEMANTIC_RUNTIME_MISSING = semanticRuntimeMissing('clone');

/** A paper as sent to the client (search panel, quick picks). */
export interface PaperSummary {
  key: string;
  title: string;
  authors: string[];
  /** The author list is cut short ("and others"): it reads "… et al.". */
  moreAuthors?: boolean;
  year?: number;
  venue?: string;
  abstract?: string;
  /** Display name of the source: "bundled corpus", "refs.bib"… */
  source: string;
  /** Where the entry lives, for "open entry". */
  file: string;
  line: number;
}

export interface SearchResult extends PaperSummary {
  score: number;
  /** Query terms found in title/abstract (surface forms), for highlighting. */
  matched: string[];
  /** Its source is outside the field of the document searched from (SearchParams.uri): ranked after the others. */
  outsideField?: true;
}

export interface SearchParams {
  query: string;
  limit?: number;
  /** Only papers from these sources (PaperSummary.source values). */
  sources?: string[];
  /**
   * The document the search is made for (the panel's: where citations go). Searching every source,
   * papers of sources whose field the document is outside (the field rule of lenses and hovers,
   * gate.ts inField) come after the others, marked `outsideField`.
   */
  uri?: string;
  yearFrom?: number;
  yearTo?: number;
}
/** client → server request: the search panel's query (words typed, or a sentence pasted). */
export const SearchRequest = new RequestType<SearchParams, SearchResult[], void>('litlens/search');

export interface RelatedParams {
  text?: string;
  uri?: string;
  position?: { line: number; character: number };
  limit?: number;
  /** 0..1; overrides litlens.relatedThreshold (the panel's "similar papers" and Insert Citation
   * send 0: a ranking, not a filter). */
  threshold?: number;
  /** With uri + position: which passage around the position to relate (default: the sentence,
   * or the paragraph when the sentence is short). Show Related Papers sends 'paragraph'. */
  scope?: Scope;
}
/** client → server request: related papers for a passage (text) or a document position. */
export const RelatedRequest = new RequestType<RelatedParams, SearchResult[], void>('litlens/related');

export interface EnsureInBibliographyParams {
  uri: string;
  key: string;
}
export interface EnsureInBibliographyResult {
  /** Absolute path of the .bib file, or null when no entry was needed (e.g. pandoc with CSL). */
  file: string | null;
  added: boolean;
  /** The entry was added without authors or year (a bundled-corpus paper): `message` says so
   * ("added to refs.bib without authors or year — complete the entry"); the entry starts on
   * `line` (1-based) of `file`. For the command, the server shows the message itself. */
  incomplete?: { message: string; file: string; line: number };
  /** Why an entry the citation needs was not added (a read-only file, no bibliography file, a
   * key the library lacks): worth showing, since the citation is now undefined. For the command,
   * the server shows it itself. */
  reason?: string;
}
/** client → server request: make sure `key` is in the bibliography of document `uri`.
 * Appends the entry when needed; answers where it went. */
export const EnsureInBibliographyRequest = new RequestType<EnsureInBibliographyParams, EnsureInBibliographyResult, void>('litlens/ensureInBibliography');
/** The same as a server command (workspace/executeCommand, arguments `[uri, key]`): what choosing a
 * completion item or the quick fix for a missing entry runs. Answers an EnsureInBibliographyResult. */
export const EnsureInBibliographyCommand = 'litlens.ensureInBibliography';

export interface CitePlaceParams {
  textDocument: { uri: string };
  /** A position in the passage the papers were suggested for (a lens's line, the cursor for Show Related Papers). */
  position: { line: number; character: number };
  key: string;
  /** The passage around the position: its paragraph (default) or its section (lenses above headings). */
  scope?: 'paragraph' | 'section';
}
export interface CitePlace {
  /** The passage: the client cites at its cursor when the cursor is inside it. */
  passage: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** Otherwise here: the end of the passage's sentence closest to the paper, before its full stop. */
  position: { line: number; character: number };
}
/** client → server request: where a citation of a paper suggested for a passage goes; null outside prose. */
export const CitePlaceRequest = new RequestType<CitePlaceParams, CitePlace | null, void>('litlens/citePlace');

export interface GapsParams {
  textDocument: { uri: string };
  /** With scope 'section': the section around this position (the cursor). */
  position?: { line: number; character: number };
  /** The whole document (default) or the section at `position`. */
  scope?: 'document' | 'section';
  limit?: number;
}
/** A paper of the libraries the document does not cite, close to one of its paragraphs. */
export interface Gap extends PaperSummary {
  /** 0..1, weighted by source (the document's own bibliography weighs more). */
  score: number;
  /** The title of the section holding the paragraph it matches ('' before the first heading). */
  section: string;
  /** That paragraph: where to cite it (litlens/citePlace with a position inside it). */
  passage: { start: { line: number; character: number }; end: { line: number; character: number } };
}
/** client → server request: the related-work gap report, best first; [] while the index is not ready. */
export const GapsRequest = new RequestType<GapsParams, Gap[], void>('litlens/gaps');

export interface BibtexParams {
  key: string;
}
/** client → server request: the BibTeX text for a key; null when the library has no such key. */
export const BibtexRequest = new RequestType<BibtexParams, string | null, void>('litlens/bibtex');

/** client → server request: re-read every source and rebuild the index; answers the new status. */
export const RebuildIndexRequest = new RequestType0<Status, void>('litlens/rebuildIndex');

export interface LibraryInfo {
  /** `outsideField`: the document asked about (LibraryInfoParams.uri) is outside the source's field. */
  sources: { name: string; papers: number; outsideField?: true }[];
  years: { min: number; max: number } | null;
}
export interface LibraryInfoParams {
  /** The document the panel cites into (SearchParams.uri). */
  uri?: string;
}
/** client → server request: the sources and year span the panel filters by. */
export const LibraryInfoRequest = new RequestType<LibraryInfoParams | null, LibraryInfo, void>('litlens/libraryInfo');

export interface Status {
  state: 'indexing' | 'ready' | 'error';
  papers: number;
  sources: number;
  errors: number;
  /** Semantic search: off, loading the model, embedding n/total, ready, or failed (with reason). */
  embeddings: { state: 'off' | 'loading' | 'embedding' | 'ready' | 'failed'; done?: number; total?: number; message?: string };
  message?: string;
  /** LitLens' cache folder: its size and limit in bytes (absent without a cache folder). */
  cache?: { bytes: number; limit: number };
  /** The litlens.corpora files together (absent when none is configured): indexing runs after the
   * workspace's own library is ready, which answers meanwhile. */
  corpus?: CorpusStatus;
  /** litlens.zotero (absent when off, or when "auto" found none): read in the background, after which its papers join the library. */
  zotero?: ZoteroStatus;
  /** The litlens.corpora postgresql:// entries (absent when none is configured): a lab's shared corpora. */
  shared?: SharedCorpusStatus[];
}

/** Zotero's library: being read (the other sources answer meanwhile), its papers, or why it could not be read. */
export interface ZoteroStatus {
  state: 'reading' | 'ready' | 'error';
  papers: number;
  message?: string;
}

/** One shared corpus (PostgreSQL): its URL (never a password), whether it answers, its size. */
export interface SharedCorpusStatus {
  url: string;
  state: 'connecting' | 'ready' | 'unreachable' | 'error';
  papers: number;
  /** Why it does not answer (unreachable: retried with backoff). */
  message?: string;
}

export interface CorpusStatus {
  state: 'indexing' | 'ready' | 'error';
  /** Papers searchable (indexing: read so far). */
  papers: number;
  /** A cold build: bytes of the snapshots read so far, of totalBytes. */
  bytes?: number;
  totalBytes?: number;
  /** Records left out by litlens.corpusCategories. */
  filtered?: number;
  message?: string;
}
/** server → client notification, sent when indexing starts and ends and when sources change. */
export const StatusNotification = new NotificationType<Status>('litlens/status');

/** The client-side command a code lens runs when clicked (in CodeLens.command; the server never runs it). */
export const ShowPapersCommand = 'litlens.showPapers';
/** The one argument of `litlens.showPapers` in CodeLens.command.arguments: `[ShowPapersArgs]`.
 * The client also accepts a bare `string[]` of keys (then it shows the keys only). */
export interface ShowPapersArgs {
  /** The document the lens is in. */
  uri: string;
  /** Where the lens sits and what it is about: a citation goes into that passage (litlens/citePlace). */
  position?: { line: number; character: number };
  scope?: 'paragraph' | 'section';
  /** The papers the lens lists, best first (at most litlens.maxSuggestions). */
  papers: PaperSummary[];
  /** The lens's number when more papers are past the per-paper bar than `papers` lists. */
  count?: number;
}

/** client → server, in `initialize`: what the VS Code client puts in initializationOptions. */
export interface InitializationOptions {
  /** false in an untrusted workspace (VS Code workspace trust): use only the bundled corpus,
   * and read or write no workspace file (litlens.libraries, bibliographies named by documents,
   * defaultBibliography); ensureInBibliography answers {file: null, added: false}.
   * The client restarts the server when trust is granted. Absent (other editors) = trusted. */
  trusted?: boolean;
  /** The `litlens` settings at start; the server pulls them per resource afterwards. */
  litlens?: Partial<Settings>;
  /** LitLens' cache folder (VS Code: the extension's global storage): the saved search index goes
   * in `index/<workspace>/`, embeddings in `vectors/`. null = save no index. Absent = $LITLENS_CACHE, else
   * $XDG_CACHE_HOME/litlens (or ~/.cache/litlens). */
  cacheDir?: string | null;
}
