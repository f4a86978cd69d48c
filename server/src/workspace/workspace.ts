// The server's one state object: which library files the workspace has, the Library read from
// them and the SearchIndex built over it (with embeddings when they are on), kept current as
// watched files change. Nothing here knows about LSP; lsp/session.ts wires it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { BibtexCache } from '../library/bibtex';
import { fileHash, findLibraryFiles, isLibraryFile, isSkippedFolder, libraryFormat, readLibraryFile } from '../library/files';
import { joinByTitle } from '../library/join';
import type { Library, LibrarySource } from '../library/library';
import { loadLibrary } from '../library/load';
import { ZOTERO_SOURCE_PREFIX } from '../library/zotero/source';
import { ZoteroSource, type ZoteroStores } from './zotero';
import { defaultSettings, type CorpusStatus, type Settings, type Status, type ZoteroStatus } from '../protocol';
import { sourcesOf, type EncodedSource, type SearchIndex } from '../search';
import { corpusIdOf, corpusSource, type Corpus, type CorpusProgress } from '../search/corpus';
import { decodeInTurns } from '../search/segments';
import { gateKey, readGateBars, writeGateBars } from './gateBars';
import type { PaperStore } from '../library/store';
import { DRAW_ON_REQUEST, Ranker, SHARED_DEADLINE_MS, type GateBars, type RequestClock } from '../search/rank';
import { SemanticIndex, type EmbeddingStatus } from '../search/semantic';
import { defaultCacheDir as defaultSemanticCacheDir } from '../search/semantic/oneShot';
import { vectorDir } from '../search/semantic/vectorCache';
import { buildCorpusInWorker, buildIndex, buildSource, openCorpusInWorker, rebuildSource, rereadInWorker } from '../search/worker';
import { SharedCorpus } from '../shared/corpus';
import { isSharedCorpusUrl } from '../shared/schema';
import { SCAN_LIMITS, isInside } from './documents';
import { trimCache } from './cache';
import { sourceName } from './project';
import { DEFAULT_SETTLE, endsInsideEntry, keepsEverything, signature, untilStable, type SettleOptions } from './settle';
import { applyReread, indexedState, knownEntries, rereadable, storedFile, type StoredFile } from './stored';

/** A consistent pair: the index was built from exactly this library version. */
export interface Ready {
  library: Library;
  index: Ranker;
}

/** Library files a watcher covers: a glob below `base` (null: every workspace folder). */
export interface WatchPattern {
  base: string | null;
  pattern: string;
}

export interface WorkspaceOptions {
  /** Workspace folders (absolute paths). */
  folders: string[];
  /** false: read only the bundled corpus, and no workspace file (an untrusted workspace). */
  trusted: boolean;
  /** LitLens' cache folder: the saved index goes in `index/<workspace id>/`, embeddings in `vectors/`; null = keep
   * no lexical index on disk (embeddings, when turned on, then use the semantic default folder). */
  cacheDir: string | null;
  /** Called when the embedding state changes (loading, embedding n/total, ready, failed). */
  onEmbeddingStatus?: (status: EmbeddingStatus) => void;
  /** When a file being rewritten counts as settled (default DEFAULT_SETTLE). */
  settle?: SettleOptions;
  /** A shared corpus connected, went down or came back (status bar); `log`: one line for the output channel. */
  onSharedStatus?: (log: string) => void;
  /** A shared corpus's answer arrived for something asked without waiting (lenses may refresh). */
  onSharedAnswer?: () => void;
  /** Library files of this many bytes and more are read into a paper store (default LIBRARY_STORE_BYTES). */
  storeBytes?: number;
  /** One line for the server's log (a big library file opened from its saved index, read whole…). */
  log?: (message: string) => void;
  /** A big library file re-read by what changed is read whole (and saved) once it has been quiet this long (default FOLD_MS). */
  foldMs?: number;
  /** The server's request clock (lsp/keystrokes.ts): the rankers' background work waits for a pause in all requests. */
  clock?: RequestClock;
}

/**
 * Library files this big (BibTeX or CSL-JSON) are streamed into an off-heap paper store with a saved
 * index, as litlens.corpora are (search/corpus.ts): about 2,500 entries with abstracts. Smaller ones
 * are read as objects (a re-read by changed entries, every guarantee of the whole-file reader).
 */
export const LIBRARY_STORE_BYTES = 4 * 1024 * 1024;

/**
 * A big library file's change re-parses only its changed entries while there are at most this
 * many of them (they are held as objects beside the store); more, and the file is read whole.
 */
export const MAX_CHANGED_ENTRIES = 2000;

/**
 * A big library file's store is indexed in chunks of this many papers (a corpus's are 65,536): the
 * chunk being built is what a cold read holds most of (100k entries: peak 842 MB at 65,536, 729 MB
 * at 16,384, read in one process).
 */
export const LIBRARY_CHUNK_PAPERS = 16_384;

/**
 * The indexing worker that reads a big library file cold gets an old generation of this many MB
 * plus one per MB of the file (170 MB: 426 MB), so it collects before it grows (100k entries read
 * in one process capped at 384 MB: peak 573 MB); one that runs out is run again without the cap.
 */
const STORE_HEAP_MB = 256;

/**
 * A big library file re-read by what changed is read whole again in the background once it has
 * not changed for this long, and saved: the next start opens it from the cache instead of reading
 * it cold, and the entries held beside its store go back into one.
 */
export const FOLD_MS = 30_000;

/** Reports what loading is doing: a message and a 0..100 percentage. */
export type ProgressReport = (message: string, percentage: number) => void;

export type Change = { file: string; type: 'created' | 'changed' | 'deleted' };

/** A file's update in progress: its first read, then its wait to settle (LitLensWorkspace.update). */
interface PendingUpdate {
  done: Promise<boolean>;
  reading: boolean;
  /** One more read queued after the first. */
  again?: Promise<boolean>;
  /** A read while it waits to settle (tryWhileSettling), and one more queued after it. */
  trying?: Promise<unknown>;
  retry?: Promise<boolean>;
}

/** A litlens.corpora file: its loaded corpus, or what loading it is doing. */
interface CorpusEntry {
  file: string;
  state: CorpusStatus['state'];
  corpus: Corpus | null;
  progress: CorpusProgress | null;
  /** The load running for it; a second caller waits for this one. */
  loading: Promise<void> | null;
  message?: string;
}

/** settings.libraries as one workspace folder sets it. */
export interface FolderLibraries {
  base: string;
  paths: string[];
}

export class LitLensWorkspace {
  private library: Library | null = null;
  private index: SearchIndex | null = null;
  private state: Status['state'] = 'indexing';
  private message: string | undefined;
  /** BibTeX files are read and decoded in a worker thread: requests are answered meanwhile. */
  private readonly bibtexCache = new BibtexCache({ thread: true });
  private generation = 0;
  private readyWaiters: ((ready: Ready | null) => void)[] = [];
  private semantic: SemanticIndex | null = null;
  /** The ranker ready() hands out, with the index content it was made for (rankerNow). */
  private ranker: { ranker: Ranker; sources: string; hidden: ReadonlySet<string>; gateKey: string } | null = null;
  /** The gate's bars saved (gateBars.ts), by library content: read at each load and beside each saved corpus. */
  private gateBars = new Map<string, GateBars>();
  private gateBarsRead: Promise<void> = Promise.resolve();
  private gateBarsSave: NodeJS.Timeout | undefined;
  /** Extra library paths from settings, resolved (files and folders). */
  private configured: string[] = [];
  /** Files the user named as a library (settings.libraries), read even when the scan would skip them. */
  private sourceFiles = new Set<string>();
  /** File updates run one after another, so an older re-index never lands after a newer one. */
  private updates: Promise<unknown> = Promise.resolve();
  /** Per file: the update running for it (its first read, then its wait to settle), and one read queued after it. */
  private readonly pending = new Map<string, PendingUpdate>();
  private disposed = false;
  /** The cache folder's size and limit after the last trim; its limit in bytes (settings.cacheLimit). */
  private cacheUse: { bytes: number; limit: number } | null = null;
  private cacheLimit = defaultSettings.cacheLimit * MB;
  /** Stops the index build of a load that a newer load (or dispose) superseded. */
  private building = new AbortController();
  /** settings.corpora resolved, and the category filter they are read with. */
  private corpusFiles: string[] = [];
  private corpusCategories: string[] = [];
  private readonly corpora = new Map<string, CorpusEntry>();
  /** settings.corpora's postgresql:// entries, connected (or retrying) by URL. */
  private readonly shared = new Map<string, SharedCorpus>();
  /** Stops corpus builds when the corpora or their filter change (or on dispose); a reload for other reasons lets them run. */
  private corpusBuilding = new AbortController();
  /** Each big library file in a paper store: the whole read and what changed since (stored.ts). */
  private readonly stored = new Map<string, StoredFile>();
  /** Per big library file re-read by what changed: the timer of its fold (foldLater). */
  private readonly folds = new Map<string, NodeJS.Timeout>();
  /** litlens.zotero: the Zotero library read, one source per Zotero library, checked for changes by checkZotero. */
  private readonly zotero = new ZoteroSource();
  /** Zotero's libraries as paper stores, once read (every new library and index gets them at its swap). */
  private zoteroRead: ZoteroStores | null = null;
  private zoteroState: ZoteroStatus | null = null;
  /** A newer loadZotero supersedes an older one still reading. */
  private zoteroGeneration = 0;

  constructor(private options: WorkspaceOptions) {}

  get folders(): readonly string[] {
    return this.options.folders;
  }

  get trusted(): boolean {
    return this.options.trusted;
  }

  setFolders(folders: string[]): void {
    this.options = { ...this.options, folders };
  }

  /** Library + index, or null while the first build is running. */
  ready(): Ready | null {
    if (!this.library || !this.index) return null;
    return { library: this.library, index: this.rankerNow(this.index) };
  }

  /**
   * The ranker over the index as it is now: one per index content (its sources' hashes),
   * embeddings and shared corpora, so the gate's chance bars and field rule (drawn with hundreds
   * of queries) are drawn once per document, not on every keystroke.
   */
  private rankerNow(index: SearchIndex): Ranker {
    const shared = [...this.shared.values()];
    const sources = index.sources.map((s) => `${s.id}\u0000${s.hash}\u0000${s.papers}`).join('\u0001');
    const r = this.ranker;
    if (!r || r.ranker.index !== index || r.ranker.semantic !== this.semantic || r.sources !== sources || r.hidden !== index.hidden || r.ranker.shared.length !== shared.length || r.ranker.shared.some((c, i) => c !== shared[i])) {
      const ranker = new Ranker(index, this.semantic, shared, SHARED_DEADLINE_MS, DRAW_ON_REQUEST, this.options.clock);
      this.ranker = { ranker, sources, hidden: index.hidden, gateKey: gateKey(index) };
      // The gate's bars: those saved for this library's content, else drawn in the background
      // rather than on the first hover's request (and saved as they are drawn).
      const saved = this.gateBars.get(this.ranker.gateKey);
      if (saved) ranker.seedBars(saved);
      const save = () => this.saveGateBars();
      // A ranker replaced (the index changed) stops drawing: its bars would serve no request.
      void ranker.warm(save, () => this.ranker?.ranker !== ranker).then(save);
    }
    return this.ranker!.ranker;
  }

  /** Keeps the current ranker's bars and saves them within GATE_SAVE_MS (one save for the bars drawn meanwhile). */
  private saveGateBars(): void {
    if (!this.options.cacheDir || this.disposed || this.gateBarsSave) return;
    this.gateBarsSave = setTimeout(() => {
      this.gateBarsSave = undefined;
      const dir = this.gateDir();
      const current = this.ranker;
      if (!current || this.disposed || !dir) return;
      this.gateBars.delete(current.gateKey);
      this.gateBars.set(current.gateKey, current.ranker.drawnBars());
      writeGateBars(dir, this.gateBars).catch(() => {}); // a cache that cannot be written only costs time next start
    }, GATE_SAVE_MS);
    this.gateBarsSave.unref();
  }

  /** The library as soon as it is read (before the index is built); null before. */
  currentLibrary(): Library | null {
    return this.library;
  }

  /** Resolves when a library and index exist (immediately when they do); null if loading failed. */
  whenReady(): Promise<Ready | null> {
    const ready = this.ready();
    if (ready || this.state === 'error') return Promise.resolve(ready);
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  status(): Status {
    const library = this.library;
    return {
      state: this.state,
      papers: library ? library.size : 0,
      sources: library ? library.sources.length : 0,
      errors: library ? library.issues.filter((i) => i.severity === 'error').length : 0,
      embeddings: this.semantic?.status ?? { state: 'off' },
      ...(this.message ? { message: this.message } : {}),
      ...(this.corpusFiles.length ? { corpus: this.corpusStatus() } : {}),
      ...(this.cacheUse ? { cache: { bytes: this.cacheUse.bytes, limit: this.cacheUse.limit } } : {}),
      ...(this.zoteroState ? { zotero: this.zoteroState } : {}),
      ...(this.shared.size ? { shared: [...this.shared.values()].map((s) => ({ url: s.name, state: s.state, papers: s.size, ...(s.message ? { message: s.message } : {}) })) } : {}),
    };
  }

  /** The configured corpora together: indexing while any is, then ready (error when one failed and none has papers). */
  private corpusStatus(): CorpusStatus {
    const entries = this.corpusFiles.map((f) => this.corpora.get(f)).filter((e): e is CorpusEntry => !!e);
    const papers = entries.reduce((n, e) => n + (e.corpus ? e.corpus.store.size : (e.progress?.papers ?? 0)), 0);
    const indexing = entries.length < this.corpusFiles.length || entries.some((e) => e.state === 'indexing');
    const failed = entries.filter((e) => e.state === 'error');
    const status: CorpusStatus = { state: indexing ? 'indexing' : failed.length && !papers ? 'error' : 'ready', papers };
    const building = entries.filter((e) => e.state === 'indexing' && e.progress);
    if (building.length) {
      status.bytes = building.reduce((n, e) => n + e.progress!.bytes, 0);
      status.totalBytes = building.reduce((n, e) => n + e.progress!.totalBytes, 0);
    }
    const filtered = entries.reduce((n, e) => n + ((e.corpus?.progress ?? e.progress)?.filtered ?? 0), 0);
    if (filtered) status.filtered = filtered;
    const message = failed.map((e) => `${path.basename(e.file)}: ${e.message}`).join('; ');
    if (message) status.message = message;
    return status;
  }

  /** Is this file one of settings.corpora? */
  isCorpusFile(file: string): boolean {
    return this.corpusFiles.includes(path.resolve(file));
  }

  /** The library paths a watcher should cover beyond the workspace folders. */
  get extraLibraryPaths(): readonly string[] {
    return this.configured;
  }

  /** What to watch: library files in the workspace folders, and each library the settings name outside them. */
  watchPatterns(): WatchPattern[] {
    const patterns: WatchPattern[] = [{ base: null, pattern: '**/*.{bib,bibtex,biblatex}' }, { base: null, pattern: '**/*.json' }];
    for (const extra of this.configured) {
      const isFile = !!path.extname(extra);
      patterns.push(isFile ? { base: path.dirname(extra), pattern: path.basename(extra) } : { base: extra, pattern: '**/*.{bib,bibtex,biblatex,json}' });
    }
    for (const file of this.corpusFiles) patterns.push({ base: path.dirname(file), pattern: path.basename(file) });
    return patterns;
  }

  /** The files LitLens reads: the library's sources, the named library files (even missing ones) and the corpora. */
  readFiles(): string[] {
    // Zotero's are polled (checkZotero), not watched: its stores' files are LitLens' own, in the cache folder.
    const sources = (this.library?.sources ?? []).filter((s) => s.kind === 'workspace' && s.file && !ZoteroSource.owns(s.id)).map((s) => s.file);
    return [...new Set([...sources, ...this.sourceFiles, ...this.corpusFiles])].sort();
  }

  /** Reads every source and builds the index; a newer call supersedes an older one still running. */
  /**
   * `libraries`: settings.libraries as each workspace folder sets them (multi-root workspaces may
   * differ per folder), each resolved against its folder; default: `config.libraries` against the
   * first folder.
   */
  async load(config: Settings, report: ProgressReport = () => {}, libraries?: FolderLibraries[]): Promise<void> {
    const generation = ++this.generation;
    this.building.abort();
    const building = (this.building = new AbortController());
    this.state = 'indexing';
    this.message = undefined;
    this.cacheLimit = config.cacheLimit * MB;
    this.configureCorpora(config);
    this.gateBarsRead = this.readGateBars(this.indexDir());
    try {
      report('finding library files', 0);
      const files = await this.libraryFiles(libraries ?? [{ base: this.options.folders[0] ?? process.cwd(), paths: config.libraries }]);
      if (generation !== this.generation) return;
      report(`reading ${files.length} library file${files.length === 1 ? '' : 's'}${config.bundledCorpus ? ' and the bundled corpus' : ''}`, 10);
      // Big files are streamed into paper stores in a worker (or opened from their saved index) meanwhile.
      const big = new Set(await this.bigLibraryFiles(files));
      const storing = Promise.all([...big].map((f) => this.readStored(f, report, building.signal)));
      storing.catch(() => {}); // awaited below; a load superseded meanwhile does not wait for it
      const library = await loadLibrary({ libraries: files.filter((f) => !big.has(f)), corpus: config.bundledCorpus, cache: this.bibtexCache });
      library.setRemote([...this.shared.values()]);
      if (generation !== this.generation) return;
      const stored = await storing;
      if (generation !== this.generation) return void stored.forEach((c) => c && this.closeUnused(c.store));
      // A file the stream cannot read (crossref, not UTF-8) is read whole, as small ones are.
      for (const file of [...big].filter((_, i) => !stored[i])) library.setSource(file, await readLibraryFile(file, { cache: this.bibtexCache }), 'workspace', file, file);
      if (generation !== this.generation) return;
      // First load: definitions and diagnostics need not wait for the index. A reload keeps
      // serving the previous library and index until both new ones are ready.
      if (!this.index) this.library = library;
      report(`indexing ${library.papers.length} papers`, 70);
      // Built (and saved) in a worker thread: requests are answered meanwhile.
      let index: SearchIndex;
      let version: number;
      do {
        version = library.version;
        index = await buildIndex(sourcesOf(library), this.indexDir(), building.signal);
        if (generation !== this.generation) return;
      } while (library.version !== version); // a watched file changed during the build: again (saved segments are reused)
      await this.checkCorpora();
      await this.gateBarsRead;
      if (generation !== this.generation) return;
      // The bundled papers' join over the corpora loaded now, read before and applied with the swap (as loadCorpus does).
      const join = await this.bundledJoin(library, index, [...this.corpora.values()].flatMap((e) => (e.corpus ? [e.corpus.store] : [])));
      if (generation !== this.generation) return;
      // Corpora already loaded go into the new pair at once (no await between this and the swap).
      for (const corpus of stored) if (corpus) this.attachStored(library, index, corpus);
      for (const entry of this.corpora.values()) if (entry.corpus) attach(library, index, entry.corpus);
      // After the files: a .bib entry wins a key over Zotero's copy (Library: the source added first).
      if (this.zoteroRead) attachZotero(library, index, this.zoteroRead);
      const previous = this.library;
      this.library = library;
      for (const s of previous?.stores ?? []) if (s.kind === 'workspace') this.closeUnused(s.store!);
      for (const [file, state] of this.stored) if (library.sources.find((s) => s.id === file)?.store !== state.store) this.stored.delete(file);
      this.index = index;
      const joined = join();
      this.state = 'ready';
      report('ready', 100);
      if (!joined) await this.joinBundled();
      await this.trimCache();
      this.settleWaiters();
      this.embed(config, library);
    } catch (err) {
      if (generation !== this.generation) return;
      this.state = 'error';
      this.message = err instanceof Error ? err.message : String(err);
      this.settleWaiters();
      throw err;
    }
  }

  /** settings.corpora and the filter: a corpus no longer configured (or read with another filter) is dropped. */
  private configureCorpora(config: Settings): void {
    const base = this.options.folders[0] ?? process.cwd();
    const files = this.options.trusted ? [...new Set(config.corpora.filter((p) => !isSharedCorpusUrl(p)).map((p) => path.resolve(base, expandHome(p))))] : [];
    this.configureShared(this.options.trusted ? config.corpora.filter(isSharedCorpusUrl).map((u) => u.trim()) : []);
    const categories = [...new Set(config.corpusCategories)].sort();
    const filterChanged = categories.join('\n') !== this.corpusCategories.join('\n');
    if (filterChanged || files.some((f) => !this.corpusFiles.includes(f)) || this.corpusFiles.some((f) => !files.includes(f))) {
      this.corpusBuilding.abort();
      this.corpusBuilding = new AbortController();
    }
    for (const [file, entry] of this.corpora) {
      if (filterChanged || !files.includes(file)) this.dropCorpus(file, entry);
    }
    this.corpusFiles = files;
    this.corpusCategories = categories;
  }

  /** Connects the shared corpora newly named (in the background: nothing waits for them), disconnects the others. */
  private configureShared(urls: string[]): void {
    for (const [url, corpus] of this.shared) {
      if (urls.includes(url)) continue;
      this.shared.delete(url);
      void corpus.dispose();
    }
    for (const url of urls) {
      if (this.shared.has(url)) continue;
      const corpus = new SharedCorpus(url, { log: (line) => this.options.onSharedStatus?.(line) });
      corpus.onAnswer = () => this.options.onSharedAnswer?.();
      this.shared.set(url, corpus);
      void corpus.open();
    }
    this.library?.setRemote([...this.shared.values()]);
  }

  /** Forgets a loaded corpus whose file changed since (its fingerprint): it is read again. */
  private async checkCorpora(): Promise<void> {
    for (const [file, entry] of this.corpora) {
      if (!entry.corpus || !entry.corpus.id) continue;
      if ((await corpusIdOf(file, { categories: this.corpusCategories })) !== entry.corpus.id) this.dropCorpus(file, entry);
    }
  }

  private dropCorpus(file: string, entry: CorpusEntry): void {
    this.corpora.delete(file);
    if (this.library?.removeSource(file)) this.index?.removeSource(file);
    void entry.corpus?.store.close();
  }

  /**
   * Loads every configured corpus not loaded yet: the one saved in the cache folder when the file's
   * fingerprint and the filter still match (no byte of the snapshot is read; run beside `load`),
   * else read and indexed cold in a worker once the workspace's own library is ready. Each goes into
   * the library and index as soon as both are there (a load in progress takes it at its swap); the
   * own library answers meanwhile. Call after `load` has started. `report`: progress with counts.
   */
  async loadCorpora(report: ProgressReport = () => {}, onChange: () => void = () => {}): Promise<void> {
    await Promise.all(
      this.corpusFiles.map((file) => {
        let entry = this.corpora.get(file);
        if (entry?.loading) return entry.loading;
        if (entry?.corpus) return undefined;
        if (!entry) this.corpora.set(file, (entry = { file, state: 'indexing', corpus: null, progress: null, loading: null }));
        const loading = this.loadCorpus(entry, report, onChange).finally(() => (entry.loading = null));
        entry.loading = loading;
        return loading;
      }),
    );
  }

  private async loadCorpus(entry: CorpusEntry, report: ProgressReport, onChange: () => void): Promise<void> {
    const { file } = entry;
    const signal = this.corpusBuilding.signal;
    const dir = this.options.cacheDir ? path.join(this.options.cacheDir, 'corpora') : null;
    const name = path.basename(file);
    let last = 0;
    const options = {
      categories: this.corpusCategories,
      signal,
      onProgress: (p: CorpusProgress) => {
        entry.progress = p;
        const now = Date.now();
        if (now - last < 250) return;
        last = now;
        const percent = p.totalBytes ? Math.min(99, Math.round((100 * p.bytes) / p.totalBytes)) : 0;
        report(`${name}: ${p.papers.toLocaleString('en')} papers indexed (${mb(p.bytes)} of ${mb(p.totalBytes)} MB${p.filtered ? `, ${p.filtered.toLocaleString('en')} outside the categories` : ''})`, percent);
        onChange();
      },
    };
    entry.state = 'indexing';
    entry.message = undefined;
    onChange();
    try {
      report(`${name}: looking for a saved index`, 0);
      let corpus = dir ? await openCorpusInWorker(file, dir, options) : 'no cache folder';
      if (typeof corpus === 'string') {
        // A cold build waits for the workspace's own library: on two cores it would slow that down.
        report(`${name}: ${corpus}; indexing once the workspace's own library is read`, 0);
        await this.whenReady();
        if (signal.aborted || this.corpora.get(file) !== entry) return;
        report(`${name}: indexing (${corpus})`, 0);
        corpus = await buildCorpusInWorker(file, dir, options);
      }
      // The bundled papers' entries in this corpus are read meanwhile: the join is applied with the corpus;
      // and the gate's bars saved beside it, there for the first request.
      const joining = this.bundledJoin(this.library, this.index, [corpus.store]);
      const barsRead = dir ? this.readGateBars(path.join(dir, corpus.id)) : Promise.resolve();
      await decodeInTurns(corpusSource(corpus), corpus.encoded); // a chunk per turn: requests are answered in between
      const join = await joining;
      await barsRead;
      if (signal.aborted || this.corpora.get(file) !== entry) {
        void corpus.store.close();
        return;
      }
      entry.corpus = corpus;
      entry.progress = corpus.progress;
      const error = corpus.issues.find((i) => i.severity === 'error');
      entry.state = error && corpus.store.size === 0 ? 'error' : 'ready';
      if (error) entry.message = error.message;
      if (this.library && this.index) {
        attach(this.library, this.index, corpus);
        if (!join()) await this.joinBundled();
      }
      report(`${name}: ${corpus.store.size.toLocaleString('en')} papers`, 100);
      onChange(); // searchable now: the cache's trimming below is no part of it
      // The ranker over the corpus, made the next turn (its probe is a query) rather than at the first
      // request: its warm starts at once (the gate's bars drawn in pauses and saved beside the corpus;
      // one built cold has them for the next window).
      setImmediate(() => void (this.disposed || this.ready()));
      await this.trimCache();
    } catch (err) {
      if (signal.aborted || this.corpora.get(file) !== entry) return;
      entry.state = 'error';
      entry.message = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      onChange();
    }
  }

  /** A corpus file changed on disk (watcher): dropped and read again. */
  async corpusChanged(file: string, report?: ProgressReport, onChange?: () => void): Promise<void> {
    const full = path.resolve(file);
    const entry = this.corpora.get(full);
    if (entry) {
      await entry.loading?.catch(() => {});
      this.dropCorpus(full, this.corpora.get(full) ?? entry);
    }
    onChange?.();
    await this.loadCorpora(report, onChange);
  }

  /**
   * The bundled corpus's papers gain authors, year, e-print, DOI and journal from a loaded corpus
   * paper of the same title (joinByTitle), so what LitLens writes for them and their cards are
   * complete. Their index segment is kept (its hash given again): with a 100k corpus re-indexing
   * them took ~400 ms of the main thread, and the corpus's own copy is found by those authors.
   */
  private async joinBundled(): Promise<void> {
    (await this.bundledJoin(this.library, this.index))();
  }

  /**
   * joinBundled in two steps: the reads (each matched paper's entry) now, over the library's stores
   * and `extra`, stores about to be attached; then, once they are (and `library` and `index` are
   * the workspace's), the join applied at
   * once (no await between: a corpus never answers without its stand-ins hidden). The step answers
   * false when the library changed meanwhile, or its stores are not those read: join again.
   */
  private async bundledJoin(library: Library | null, index: SearchIndex | null, extra: PaperStore[] = []): Promise<() => boolean> {
    const bundled = library?.sources.find((s) => s.id === 'corpus' && !s.store);
    if (!library || !index) return () => false;
    if (!bundled) return () => this.library === library;
    const stores = [...library.stores.map((s) => s.store!), ...extra];
    let papers = bundled.papers;
    const standIns: string[] = [];
    for (const store of stores) papers = await joinByTitle(papers, store, standIns);
    return () => {
      const now = this.library?.stores ?? [];
      if (this.library !== library || this.index !== index || now.length !== stores.length || now.some((s, i) => s.store !== stores[i])) return false;
      if (library.sources.find((s) => s.id === 'corpus' && !s.store) !== bundled) return false;
      if (papers.every((p, i) => p === bundled.papers[i])) return true;
      library.setSource(bundled.id, { papers, issues: bundled.issues }, 'corpus', bundled.name, bundled.file);
      index.setSource({ id: bundled.id, papers, kind: 'corpus', hash: index.sources.find((s) => s.id === bundled.id)?.hash });
      index.hideKeys(standIns);
      return true;
    };
  }

  /**
   * litlens.zotero read in the background (a thread reads it, or its last read opens from the cache
   * folder while Zotero is unchanged), each library into a paper store; they join the library and
   * index when ready, which answer from the other sources meanwhile. Call after `load` has started.
   * Returns whether the status or the library changed (Zotero found, or gone).
   */
  async loadZotero(config: Settings, report: ProgressReport = () => {}): Promise<boolean> {
    const generation = ++this.zoteroGeneration;
    const setting = this.options.trusted ? config : { ...config, zotero: 'off' };
    const had = !!(this.zoteroState || this.zoteroRead);
    if (setting.zotero.trim() === 'off') {
      this.zoteroState = null;
      await this.applyZotero({ file: '', stores: [], issues: [] });
      return had;
    }
    // Shown by the next status (the load's "ready" comes after this); "auto" finding none clears it quietly.
    this.zoteroState = { state: 'reading', papers: 0 };
    report('reading Zotero', 0);
    const read = await this.zotero.load(setting, this.options.folders[0], this.options.cacheDir, (message) => report(message, 50));
    if (generation !== this.zoteroGeneration || this.disposed) return void read?.stores.forEach((z) => z.corpus.store.close()), false;
    if (!read) this.zoteroState = null; // "auto" found no Zotero: nothing to show
    await this.applyZotero(read ?? { file: '', stores: [], issues: [] });
    report('ready', 100);
    return had || !!read;
  }

  /**
   * Reads Zotero's library again when it changed (the database's size or mtime, the API's library
   * versions); its libraries are read into new stores meanwhile, then swapped in at once. Run every
   * few seconds (lsp/session.ts). Returns true when the library changed.
   */
  checkZotero(): Promise<boolean> {
    if (this.zoteroState?.state === 'reading') return Promise.resolve(false); // the first read is still running
    const run = this.updates.then(async () => {
      const read = await this.zotero.reread();
      if (!read || this.disposed) return false;
      await this.applyZotero(read);
      return true;
    });
    this.updates = run.catch(() => {});
    return run;
  }

  /** A Zotero read into the current library and index (and every later pair: load attaches it at its swap); the last read's stores go. */
  private async applyZotero(read: ZoteroStores): Promise<void> {
    const previous = this.zoteroRead;
    this.zoteroRead = read.stores.length || read.issues.length ? read : null;
    const papers = read.stores.reduce((n, z) => n + z.corpus.store.size, 0);
    const error = read.issues.find((i) => i.severity === 'error');
    if (this.zoteroState) this.zoteroState = { state: error && !papers ? 'error' : 'ready', papers, ...(error ? { message: error.message } : {}) };
    const library = this.library;
    const index = this.index;
    if (library && index) {
      for (const old of library.sources) if (ZoteroSource.owns(old.id) && !read.stores.some((z) => z.id === old.id)) library.removeSource(old.id) && index.removeSource(old.id);
      if (this.zoteroRead) attachZotero(library, index, this.zoteroRead);
      void this.semantic?.index(library.papers);
    }
    for (const z of previous?.stores ?? []) if (!read.stores.includes(z)) void z.corpus.store.close();
    await this.trimCache();
  }

  /**
   * A watched file changed: re-read that one source and re-index it alone. Returns false when the
   * file is not (and should not become) a library source. A read that would lose entries (or add an
   * error) is not applied until the file has settled: a file being rewritten in place keeps
   * answering with its last good state, and its deleted entries go once it is stable.
   */
  update(change: Change): Promise<boolean> {
    const file = path.resolve(change.file);
    const pending = this.pending.get(file);
    if (pending && !pending.reading) return this.tryWhileSettling(file, pending); // the wait sees this write too
    if (pending) return (pending.again ??= pending.done.then(() => this.update(change))); // one more read after the running one
    const entry: PendingUpdate = { done: Promise.resolve(false), reading: true };
    entry.done = (async (): Promise<boolean> => {
      const outcome = await this.queued(() => this.updateNow(file, 'if-safe'));
      entry.reading = false;
      return outcome === 'unsettled' ? this.settle(file) : outcome;
    })().finally(() => this.pending.delete(file));
    this.pending.set(file, entry);
    return entry.done;
  }

  /**
   * A write to a file waiting to settle: it is read again now and applied if it loses nothing (a
   * rewrite's last write completes the file: its new entries need not wait for the quiet time).
   * One read at a time; writes meanwhile share one more read after it. True when applied.
   */
  private tryWhileSettling(file: string, entry: PendingUpdate): Promise<boolean> {
    if (entry.trying) return (entry.retry ??= entry.trying.then(() => ((entry.retry = undefined), this.tryWhileSettling(file, entry))));
    const run = this.queued(() => this.updateNow(file, 'if-safe')).then(
      (outcome) => outcome === true,
      () => false,
    );
    entry.trying = run.finally(() => (entry.trying = undefined));
    return run;
  }

  /** Re-reads and applies `file` once it has stopped changing (see settle.ts). */
  private async settle(file: string): Promise<boolean> {
    const { quietMs, maxMs } = this.options.settle ?? DEFAULT_SETTLE;
    const started = Date.now();
    for (;;) {
      const stable = await untilStable(file, quietMs, () => this.disposed);
      if (stable === null) return false;
      const outcome = await this.queued(() => this.updateNow(file, Date.now() - started >= maxMs ? 'apply' : 'if-complete', stable));
      if (outcome !== 'unsettled') return outcome;
    }
  }

  /** Runs file updates one after another, so an older re-index never lands after a newer one. */
  private queued<T>(work: () => Promise<T>): Promise<T> {
    const run = this.updates.then(work);
    this.updates = run.catch(() => {});
    return run;
  }

  /**
   * `if-safe`: apply only a read that keeps every entry and adds no error; `if-complete`: any read
   * that does not end inside an entry; `apply`: whatever the file holds. `stable`: the file's
   * signature when it settled; it changed again meanwhile: 'unsettled'. 'unsettled': not applied.
   */
  private async updateNow(file: string, mode: 'if-safe' | 'if-complete' | 'apply', stable?: string): Promise<boolean | 'unsettled'> {
    const library = this.library;
    if (!library || this.disposed) return false;
    if (this.isCorpusFile(file)) return false; // corpusChanged reads it again
    const applied = library.sources.find((s) => s.id === file);
    if (stable && (await signature(file)) !== stable) return 'unsettled';
    if (!(await exists(file))) {
      if (!applied) return false;
      if (mode === 'if-safe') return 'unsettled'; // deleted, or being replaced: gone once that stays so
      library.removeSource(file);
      this.index?.removeSource(file);
      this.stored.delete(file);
      return true;
    }
    if (!applied && !(await this.isLibraryFile(file))) return false;
    if (applied?.store || (await this.bigLibraryFiles([file])).length) {
      const outcome = await this.updateStored(file, mode, stable);
      if (outcome !== 'object') return outcome;
    }
    // Rewritten with the same bytes (an export run again, a checkout of the same version): a scan, no parse.
    if (applied?.hash && (await fileHash(file)) === applied.hash) return false;
    const result = await readLibraryFile(file, { cache: this.bibtexCache });
    // A .json file that stopped being CSL-JSON and was never a source stays out.
    if (!applied && result.papers.length === 0 && libraryFormat(file) === 'csl-json' && !this.sourceFiles.has(file)) return false;
    if (mode === 'if-safe' && !keepsEverything(applied ?? { papers: [], issues: [] }, result)) return 'unsettled';
    if (mode === 'if-complete' && endsInsideEntry(result)) return 'unsettled';
    if (stable && (await signature(file)) !== stable) return 'unsettled'; // written again while it was read
    const index = this.index;
    if (index) {
      // Indexed in a worker while the library and index keep answering; then both change at once.
      const source = { id: file, papers: result.papers, kind: 'workspace' as const };
      const hash = index.sources.find((s) => s.id === file)?.hash;
      const encoded = await rebuildSource(index, source, this.indexDir());
      if (this.index !== index) return this.updateNow(file, mode, stable); // a reload swapped in a new pair meanwhile: update that one
      this.library!.setSource(file, result, 'workspace', file, file);
      // null: the indexed fields did not change (a note, a DOI); only the Paper objects are new.
      if (encoded) index.setEncodedSource(source, encoded);
      else index.setSource({ ...source, hash });
    } else library.setSource(file, result, 'workspace', file, file); // the first load, still indexing, catches up
    void this.semantic?.index(this.library!.papers); // embeds only new or changed papers; never rejects
    return true;
  }

  /** The library files read into a paper store (LIBRARY_STORE_BYTES and over, BibTeX or CSL-JSON). */
  private async bigLibraryFiles(files: string[]): Promise<string[]> {
    const sizes = await Promise.all(files.map((f) => (libraryFormat(f) ? fs.stat(f).then((s) => (s.isFile() ? s.size : 0), () => 0) : 0)));
    return files.filter((_, i) => sizes[i] >= this.storeBytes);
  }

  private get storeBytes(): number {
    return this.options.storeBytes ?? LIBRARY_STORE_BYTES;
  }

  /**
   * A big library file as a paper store: the one saved in the cache folder when its fingerprint
   * still matches, else streamed and indexed in a worker (and saved). null: the stream cannot read
   * it (crossref, not UTF-8) or the worker failed; the caller reads it whole.
   */
  private async readStored(file: string, report: ProgressReport, signal?: AbortSignal, mode: 'open' | 'build' = 'open'): Promise<Corpus | null> {
    const dir = this.options.cacheDir ? path.join(this.options.cacheDir, 'corpora') : null;
    const name = path.basename(file);
    const bytes = await fs.stat(file).then((s) => s.size, () => 0);
    const options = {
      format: libraryFormat(file) === 'bibtex' ? ('bibtex' as const) : ('csl-json' as const),
      chunkPapers: LIBRARY_CHUNK_PAPERS,
      heapMb: STORE_HEAP_MB + Math.ceil(bytes / MB),
      signal,
      onProgress: (p: CorpusProgress) => {
        const percent = p.totalBytes ? Math.min(99, Math.round((100 * p.bytes) / p.totalBytes)) : 0;
        report(`${name}: ${p.papers.toLocaleString('en')} entries read (${mb(p.bytes)} of ${mb(p.totalBytes)} MB)`, percent);
      },
    };
    try {
      const saved = dir && mode === 'open' ? await openCorpusInWorker(file, dir, options) : 'not looked for';
      if (typeof saved !== 'string') {
        this.options.log?.(`${name}: opened its saved index (${saved.store.size} entries)`);
        await decodeInTurns(corpusSource(saved), saved.encoded);
        return saved;
      }
      const built = await buildCorpusInWorker(file, dir, options);
      if (built.fallback) {
        this.options.log?.(`${name}: read whole (${built.fallback})`);
        return null;
      }
      this.options.log?.(`${name}: ${built.store.size} entries read into a paper store${dir ? ' and saved' : ''}`);
      return built;
    } catch (err) {
      if (signal?.aborted) throw err;
      this.options.log?.(`${name}: the paper store failed (${err instanceof Error ? err.message : String(err)}); read whole`);
      return null;
    }
  }

  /** A big library file's store into the library and index, as a workspace source. */
  private attachStored(library: Library, index: SearchIndex, corpus: Corpus): void {
    attach(library, index, corpus, 'workspace');
    this.stored.set(corpus.file, storedFile(corpus));
  }

  /** A big library file's state after a re-read by what changed into the library and index, together. */
  private attachChanged(library: Library, index: SearchIndex, file: string, state: StoredFile): void {
    const { source, encoded } = indexedState(file, state);
    library.setStoreSource(file, state.store, state.issues, 'workspace', file, state.corpus.id, state.changed.map((c) => c.paper));
    index.setEncodedSource(source, encoded);
    this.stored.set(file, state);
  }

  /** Closes a library store's file unless the library still holds it. */
  private closeUnused(store: PaperStore): void {
    if (!this.library?.stores.some((s) => s.store === store)) void store.close();
  }

  /**
   * A big library file changed: re-read by what changed (BibTeX: only the entries whose bytes
   * changed are parsed; stored.ts), else read whole into a new store (in a worker); applied under
   * the same rules as updateNow's. 'object': the stream cannot read it; the object path should.
   */
  private async updateStored(file: string, mode: 'if-safe' | 'if-complete' | 'apply', stable?: string): Promise<boolean | 'unsettled' | 'object'> {
    const index = this.index;
    const library = this.library;
    if (!index || !library) return false;
    const applied = library.sources.find((s) => s.id === file);
    const format = libraryFormat(file) === 'bibtex' ? 'bibtex' : 'csl-json';
    const state = this.stored.get(file);
    const current = state && applied?.store === state.store ? state : null;
    if (current && current.changed.length === 0 && current.store === current.corpus.store && (await corpusIdOf(file, { format, chunkPapers: LIBRARY_CHUNK_PAPERS })) === applied!.hash) return false; // its fingerprint did not move
    // Rewritten with the same bytes: one streamed hash, no read.
    if (current?.contentHash && (await fileHash(file)) === current.contentHash) return false;
    const changed = current && rereadable(current) ? await this.rereadStored(file, library, index, current, mode, stable) : 'whole';
    if (changed !== 'whole') return changed;
    const corpus = await this.readStored(file, () => {}, undefined, 'build');
    if (!corpus) return 'object';
    const release = (outcome: 'unsettled' | boolean): 'unsettled' | boolean => (void corpus.store.close(), outcome);
    const keeps = keysOf(applied).every((k) => corpus.store.docOf(k) >= 0) && errors(corpus.issues) <= errors(applied?.issues ?? []);
    if (mode === 'if-safe' && !keeps) return release('unsettled');
    if (mode === 'if-complete' && endsInsideEntry({ papers: [], issues: corpus.issues })) return release('unsettled');
    if (stable && (await signature(file)) !== stable) return release('unsettled');
    if (this.index !== index || this.library !== library) return release(false);
    this.attachStored(library, index, corpus);
    if (applied?.store) this.closeUnused(applied.store);
    if (state && state.corpus.store !== applied?.store) this.closeUnused(state.corpus.store);
    return true;
  }

  /**
   * A big BibTeX file re-read against its whole read's entries (in a worker): only the entries
   * whose bytes match none of them are parsed; applied as updateStored's whole reads are.
   * 'whole': this change needs a whole read (too many entries changed, the @strings changed…).
   */
  private async rereadStored(file: string, library: Library, index: SearchIndex, current: StoredFile, mode: 'if-safe' | 'if-complete' | 'apply', stable?: string): Promise<boolean | 'unsettled' | 'whole'> {
    const name = path.basename(file);
    const reread = await rereadInWorker(file, knownEntries(current), MAX_CHANGED_ENTRIES).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    const fallback = typeof reread === 'string' ? reread : reread.fallback;
    if (typeof reread === 'string' || fallback !== undefined) {
      this.options.log?.(`${name}: read whole (${fallback})`);
      return 'whole';
    }
    const next = applyReread(current, reread);
    const applied = library.sources.find((s) => s.id === file);
    const keys = new Set(next.changed.map((c) => c.paper.key));
    const keeps = keysOf(applied).every((k) => keys.has(k) || next.store.docOf(k) >= 0) && errors(next.issues) <= errors(applied?.issues ?? []);
    if (mode === 'if-safe' && !keeps) return 'unsettled';
    if (mode === 'if-complete' && endsInsideEntry({ papers: [], issues: next.issues })) return 'unsettled';
    if (stable && (await signature(file)) !== stable) return 'unsettled';
    if (this.index !== index || this.library !== library || this.stored.get(file) !== current || library.sources.find((s) => s.id === file)?.store !== current.store) return false;
    this.attachChanged(library, index, file, next);
    this.foldLater(file);
    if (current.store !== current.corpus.store) void current.store.close();
    this.options.log?.(`${name}: ${reread.fresh.length} changed entr${reread.fresh.length === 1 ? 'y' : 'ies'} read again, ${next.store.live} kept`);
    return true;
  }

  /** Reads `file` whole (in a worker) and saves it once it has been quiet for foldMs; until then its changed entries stay beside its store. */
  private foldLater(file: string): void {
    clearTimeout(this.folds.get(file));
    const timer = setTimeout(() => {
      this.folds.delete(file);
      this.fold(file).catch((err: unknown) => this.options.log?.(`${path.basename(file)}: reading it whole failed (${err instanceof Error ? err.message : String(err)})`));
    }, this.options.foldMs ?? FOLD_MS);
    timer.unref();
    this.folds.set(file, timer);
  }

  /** The whole read of a file re-read by what changed, swapped in if nothing changed meanwhile (it answers the same). */
  private async fold(file: string): Promise<void> {
    const state = this.stored.get(file);
    const library = this.library;
    const index = this.index;
    if (!state || !library || !index || this.disposed || (state.changed.length === 0 && state.store === state.corpus.store)) return;
    const corpus = await this.readStored(file, () => {}, undefined, 'build');
    if (!corpus) return;
    if (this.stored.get(file) !== state || this.library !== library || this.index !== index || corpus.contentHash !== state.contentHash) return void corpus.store.close();
    this.attachStored(library, index, corpus);
    this.closeUnused(state.store);
    void state.corpus.store.close();
    await this.trimCache();
  }

  /**
   * Keeps the cache folder within settings.cacheLimit: the least recently used saved indexes of
   * other workspaces, corpora and models go first; this workspace's, its corpora's and its model's stay.
   */
  private async trimCache(): Promise<void> {
    const cacheDir = this.options.cacheDir;
    if (!cacheDir) return;
    const inUse = [this.indexDir()!];
    for (const entry of this.corpora.values()) if (entry.corpus?.id) inUse.push(path.join(cacheDir, 'corpora', entry.corpus.id));
    for (const s of this.library?.stores ?? []) if (s.kind === 'workspace' && s.hash) inUse.push(path.join(cacheDir, 'corpora', s.hash));
    for (const z of this.zoteroRead?.stores ?? []) inUse.push(path.join(cacheDir, 'corpora', z.corpus.id));
    if (this.semantic) inUse.push(vectorDir(cacheDir, this.semantic.model));
    this.cacheUse = await trimCache(cacheDir, this.cacheLimit, inUse);
  }

  /** Where the gate's bars are saved: beside the largest corpus's saved index (a window on another folder may use it), else the workspace's. */
  private gateDir(): string | null {
    const corpora = [...this.corpora.values()].flatMap((e) => (e.corpus?.id ? [e.corpus] : [])).sort((a, b) => b.store.size - a.store.size);
    return this.options.cacheDir && corpora.length ? path.join(this.options.cacheDir, 'corpora', corpora[0].id) : this.indexDir();
  }

  /** Adds the gate's bars saved in `dir` to those known. */
  private async readGateBars(dir: string | null): Promise<void> {
    for (const [key, bars] of await readGateBars(dir)) if (!this.gateBars.has(key)) this.gateBars.set(key, bars);
  }

  /** One saved-index folder per workspace: saving drops segments of sources it does not have, so two windows on different workspaces must not share one. */
  private indexDir(): string | null {
    return this.options.cacheDir ? path.join(this.options.cacheDir, 'index', workspaceId(this.options.folders)) : null;
  }

  /** Settings changed without touching the library's files: follow the embeddings switch and model. */
  applySettings(config: Settings): void {
    if (this.library && this.index) this.embed(config, this.library);
  }

  /** Starts (or stops) embedding the library in the background, as settings.embeddings says. */
  private embed(config: Settings, library: Library): void {
    const { enabled, model } = config.embeddings;
    if (this.semantic && (!enabled || this.semantic.model !== model)) {
      this.semantic.dispose().catch(() => {}); // stopping a worker that already failed is no news
      this.semantic = null;
      this.options.onEmbeddingStatus?.({ state: 'off' });
    }
    if (!enabled) return;
    this.semantic ??= new SemanticIndex({
      model,
      cacheDir: this.options.cacheDir ?? defaultSemanticCacheDir(),
      allowDownloads: true, // the user turned embeddings on: that is the consent to fetch the model
      onStatus: (status) => this.options.onEmbeddingStatus?.(status),
    });
    void this.semantic.index(library.papers); // never rejects: a failure is the 'failed' state
  }

  /** Stops the embedding worker and disconnects the shared corpora (on shutdown). */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.folds.values()) clearTimeout(timer);
    this.folds.clear();
    this.generation++;
    this.building.abort();
    this.corpusBuilding.abort();
    for (const entry of this.corpora.values()) await entry.corpus?.store.close();
    for (const s of this.library?.stores ?? []) if (s.kind === 'workspace') await s.store!.close();
    for (const state of this.stored.values()) await state.corpus.store.close();
    await this.semantic?.dispose();
    this.semantic = null;
    await this.bibtexCache.thread?.dispose();
    for (const z of this.zoteroRead?.stores ?? []) await z.corpus.store.close();
    await this.zotero.dispose();
    for (const corpus of this.shared.values()) await corpus.dispose();
    this.shared.clear();
  }

  /** Would a scan pick up this file? (inside a folder, not in a skipped folder, bib or CSL-JSON) */
  private async isLibraryFile(file: string): Promise<boolean> {
    if (!this.options.trusted || !libraryFormat(file)) return false;
    if (this.sourceFiles.has(file)) return true;
    const root = [...this.options.folders, ...this.configured].find((dir) => isInside(file, dir));
    if (!root) return false;
    const parts = path.relative(root, path.dirname(file)).split(path.sep);
    if (parts.some((p) => p !== '' && isSkippedFolder(p))) return false;
    return isLibraryFile(file); // the scan's own test: leaves package.json and friends alone
  }

  /** Workspace scan + settings.libraries (files and folders, each resolved against its folder). */
  private async libraryFiles(libraries: FolderLibraries[]): Promise<string[]> {
    const files: string[] = [];
    this.configured = [];
    this.sourceFiles = new Set();
    if (!this.options.trusted) return files;
    for (const folder of this.options.folders) files.push(...(await findLibraryFiles(folder, SCAN_LIMITS)));
    for (const { base, paths } of libraries) {
      for (const entry of paths) {
        const full = path.resolve(base, expandHome(entry));
        this.configured.push(full);
        const stat = await fs.stat(full).catch(() => null);
        if (stat?.isDirectory()) files.push(...(await findLibraryFiles(full, SCAN_LIMITS)));
        else {
          files.push(full); // a missing path becomes loadLibrary's "no such file" issue
          this.sourceFiles.add(full);
        }
      }
    }
    return [...new Set(files.map((f) => path.resolve(f)))];
  }

  /** What the user sees for a source: "bundled corpus", or the path relative to its workspace folder. */
  sourceName(source: { id: string; kind: string; file: string; name?: string }): string {
    return sourceName(source, this.options.folders);
  }

  private settleWaiters(): void {
    const ready = this.ready();
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w(ready);
  }
}

/** Zotero's libraries into a library and its index, together; the read's issues go with the first (or an empty source). */
function attachZotero(library: Library, index: SearchIndex, read: ZoteroStores): void {
  read.stores.forEach((z, i) => {
    const issues = i === 0 ? read.issues : [];
    library.setStoreSource(z.id, z.corpus.store, issues, 'workspace', z.name, z.corpus.id);
    index.setEncodedSource({ id: z.id, papers: z.corpus.store, hash: z.corpus.id, kind: 'workspace' }, { ...z.corpus.encoded, id: z.id });
  });
  const empty = `${ZOTERO_SOURCE_PREFIX}Zotero`;
  if (!read.stores.length) library.setSource(empty, { papers: [], issues: read.issues }, 'workspace', 'Zotero', read.file);
  else if (library.removeSource(empty)) index.removeSource(empty);
}

/** A corpus into a library and its index, together (no await between: the pair stays consistent). */
function attach(library: Library, index: SearchIndex, corpus: Corpus, kind: 'corpus' | 'workspace' = 'corpus'): void {
  library.setStoreSource(corpus.file, corpus.store, corpus.issues, kind, corpus.file, corpus.id);
  index.setEncodedSource({ ...corpusSource(corpus), kind }, corpus.encoded);
}

const errors = (issues: readonly { severity: string }[]): number => issues.filter((i) => i.severity === 'error').length;

/** The keys a source has now: its store's live ones and the papers it holds as objects. */
function keysOf(source: LibrarySource | undefined): string[] {
  if (!source) return [];
  const keys = source.papers.map((p) => p.key);
  const store = source.store;
  if (store) for (let doc = 0; doc < store.size; doc++) if (store.isLive?.(doc) !== false) keys.push(store.keyAt(doc));
  return keys;
}

const MB = 1024 * 1024;
/** The gate's bars are saved at most this often while they are drawn (Workspace.saveGateBars). */
const GATE_SAVE_MS = 2000;
const mb = (bytes: number): string => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);

/** A short stable name for a set of workspace folders. */
export function workspaceId(folders: readonly string[]): string {
  return folders.length ? createHash('sha1').update([...folders].sort().join('\n')).digest('hex').slice(0, 12) : 'no-folder';
}

const exists = (file: string): Promise<boolean> => fs.stat(file).then(() => true, () => false);

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(1)) : p;
}
