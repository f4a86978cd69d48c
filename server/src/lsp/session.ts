// The language server's state between messages and the contexts features are answered from: the
// open documents, settings per resource, the workspace's library and index, what the client can do.
// It reads the library (with progress), follows settings and watched files, and keeps lenses,
// diagnostics and the status bar current. server.ts maps each LSP message to a feature through it;
// no feature logic lives here.
import * as path from 'node:path';
import {
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  FileChangeType,
  ResponseError,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type ExecuteCommandParams,
  type FileEvent,
  type FileSystemWatcher,
  type InitializeParams,
  type Position,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EntryAdder } from '../features/addEntry';
import { CodeLenses } from '../features/codeLens';
import { libraryFormat } from '../library/files';
import { formatIssue } from '../library/paper';
import { EnsureInBibliographyCommand, StatusNotification, type EnsureInBibliographyResult, type InitializationOptions, type Settings, type Status } from '../protocol';
import { defaultCacheDir } from '../search/semantic/oneShot';
import { documentFromDisk, filePathOf, fileUri, type Doc } from '../workspace/documents';
import { projectOf, type FeatureContext, type LibraryContext } from '../workspace/project';
import { LibraryWatcher } from '../workspace/watch';
import { LitLensWorkspace, type Change, type FolderLibraries } from '../workspace/workspace';
import { ZoteroSource } from '../workspace/zotero';
import { toDoc } from './convert';
import { ClaimMemo } from '../features/uncitedClaims';
import { DiagnosticsPublisher } from './diagnostics';
import { Keystrokes } from './keystrokes';
import { SettingsStore, settingsFromInitializationOptions, settingsSection } from './settings';

export class Session {
  readonly documents = new TextDocuments(TextDocument);
  readonly lenses = new CodeLenses();
  /** Each sentence's close papers, for uncited-claim hints and their quick fixes. */
  readonly claims = new ClaimMemo();
  /** Completion and hover in flight: background ranking waits for them. */
  readonly keystrokes = new Keystrokes();
  private readonly adder = new EntryAdder();
  private readonly diagnostics: DiagnosticsPublisher;
  private workspace = new LitLensWorkspace({ folders: [], trusted: true, cacheDir: null });
  private settings = new SettingsStore(settingsFromInitializationOptions(undefined), undefined);
  private caps: ClientCapabilities = {};
  /** The settings the library was last read with (libraries, corpus switch). */
  private loadedWith = '';
  private watchers: { dispose(): void } | undefined;
  /** Polls Zotero for changes (its database is outside the workspace, its API has no push). */
  private zoteroPoll: NodeJS.Timeout | undefined;
  private zoteroChecking = false;
  /** The server's own watch over the files it reads, for a client that cannot register watchers. */
  private ownWatcher: LibraryWatcher | undefined;

  constructor(private readonly connection: Connection) {
    this.diagnostics = new DiagnosticsPublisher(connection, this.documents, (uri) => this.at(uri), this.background, this.claims, () => this.keystrokes.idle());
    this.documents.onDidChangeContent((e) => this.diagnostics.edited(e.document));
    this.documents.onDidClose((e) => {
      this.diagnostics.closed(e.document);
      this.lenses.forget(e.document.uri);
    });
  }

  /** `initialize`: what the client can do, the settings it sent, the folders and the trust it names. */
  initialize(params: InitializeParams): void {
    this.caps = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const pull = this.caps.workspace?.configuration;
    this.settings = new SettingsStore(
      settingsFromInitializationOptions(options),
      pull ? (scopeUri) => this.connection.workspace.getConfiguration(scopeUri ? { scopeUri, section: 'litlens' } : { section: 'litlens' }) : undefined,
    );
    this.workspace = new LitLensWorkspace({
      folders: foldersOf(params),
      trusted: options.trusted !== false,
      cacheDir: options.cacheDir === null ? null : typeof options.cacheDir === 'string' ? options.cacheDir : defaultCacheDir(),
      onEmbeddingStatus: () => this.sendStatus(),
      onSharedStatus: (line) => {
        this.connection.console.info(`LitLens: ${line}`);
        this.sendStatus();
      },
      onSharedAnswer: () => this.sharedAnswered(),
      log: (message) => this.connection.console.info(`LitLens: ${message}`),
      clock: this.keystrokes,
    });
  }

  /** `initialized`: ask for settings changes and folder events, then read the library. */
  initialized(): void {
    if (this.caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      this.background(this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'litlens' }), 'registering for settings changes');
    }
    if (this.caps.workspace?.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => filePathOf(f.uri)));
        const added = event.added.map((f) => filePathOf(f.uri)).filter((f): f is string => !!f);
        this.workspace.setFolders([...this.workspace.folders.filter((f) => !removed.has(f)), ...added]);
        this.background(this.reload(), 'reloading the library');
      });
    }
    this.background(this.reload(), 'loading the library');
  }

  // ---------------------------------------------------------------- contexts

  /** The context at `position` (default: the start) of an open LaTeX/Markdown document; null for any other. */
  async at(uri: string, position?: Position): Promise<{ ctx: FeatureContext; text: TextDocument } | null> {
    const text = this.documents.get(uri);
    const doc = toDoc(text);
    return text && doc ? { ctx: await this.contextOf(doc, position ? text.offsetAt(position) : 0), text } : null;
  }

  /** The library's context, with `uri`'s settings; `wait` for the index (or only the library) when there is none yet. */
  async library(uri?: string, wait: 'index' | 'library' | 'no' = 'no'): Promise<LibraryContext> {
    if (wait === 'index' || (wait === 'library' && !this.workspace.currentLibrary())) await this.workspace.whenReady();
    const config = await this.settings.forResource(uri);
    return { config, library: this.workspace.currentLibrary(), index: this.workspace.ready()?.index ?? null, folders: this.workspace.folders, trusted: this.workspace.trusted };
  }

  /** For a request that may name a position: the document's context when the server has it open, else the library's. Waits for the index. */
  async request(uri?: string, position?: Position): Promise<LibraryContext | FeatureContext> {
    await this.workspace.whenReady();
    return (uri && position && (await this.at(uri, position))?.ctx) || this.library(uri);
  }

  /** A request named where the cursor is (completion, code actions): diagnostics wait while a citation is typed there. */
  cursor(ctx: FeatureContext): void {
    this.diagnostics.cursor(ctx.doc.uri, ctx.offset, ctx.doc.text, ctx.doc.syntax);
  }

  /** Before listing lenses: a client that cannot be asked to refresh them (Neovim 0.7) would keep the
   *  empty list of a library still loading, so it waits for the index. */
  async lensesReady(): Promise<void> {
    if (!this.caps.workspace?.codeLens?.refreshSupport) await this.workspace.whenReady();
  }

  /** The open LaTeX/Markdown documents, as the editor has them. */
  openDocs(): Doc[] {
    return this.documents.all().flatMap((d) => toDoc(d) ?? []);
  }

  private async contextOf(doc: Doc, offset: number): Promise<FeatureContext> {
    const base = await this.library(doc.uri);
    return { ...base, doc, offset, project: projectOf(doc, base.folders, base.config) };
  }

  // ---------------------------------------------------------------- requests that change the library

  /** workspace/executeCommand: only the ensure-in-bibliography command, with `[uri, key]`. */
  async executeCommand(params: ExecuteCommandParams): Promise<EnsureInBibliographyResult | null> {
    if (params.command !== EnsureInBibliographyCommand) return null;
    const [uri, key] = (params.arguments ?? []) as [unknown, unknown];
    if (typeof uri !== 'string' || typeof key !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${EnsureInBibliographyCommand} takes [uri, key]`);
    try {
      const result = await this.ensure(uri, key);
      // Completion and the quick fix run this command; nobody else would tell the writer.
      if (result.incomplete) void this.tellIncomplete(result.incomplete);
      if (result.reason) void this.connection.window.showWarningMessage(`LitLens: the entry for ${key} was not added: ${result.reason}`);
      return result;
    } catch (err) {
      this.connection.window.showErrorMessage(`LitLens could not add "${key}": ${message(err)}`);
      throw new ResponseError(ErrorCodes.InternalError, message(err));
    }
  }

  /** A warning with "Open entry", which shows the entry (window/showDocument) when chosen. */
  private async tellIncomplete(incomplete: NonNullable<EnsureInBibliographyResult['incomplete']>): Promise<void> {
    try {
      const choice = await this.connection.window.showWarningMessage(`LitLens: ${incomplete.message}`, { title: 'Open entry' });
      if (choice?.title !== 'Open entry') return;
      const line = Math.max(0, incomplete.line - 1);
      await this.connection.window.showDocument({ uri: fileUri(incomplete.file), takeFocus: true, selection: { start: { line, character: 0 }, end: { line, character: 0 } } });
    } catch {
      // a client without window/showDocument: the message was enough
    }
  }

  /** Adds the key's entry to the bibliography of document `uri` (open, or read from disk) when missing; re-reads that file at once. */
  async ensure(uri: string, key: string): Promise<EnsureInBibliographyResult> {
    if (!this.workspace.trusted) return { file: null, added: false };
    const base = await this.library(uri, 'index');
    const doc = toDoc(this.documents.get(uri)) ?? (await documentFromDisk(uri));
    if (!doc) return { file: null, added: false };
    const ctx = { ...base, doc, offset: 0, project: projectOf(doc, base.folders, base.config) };
    const outcome = await this.adder.add(ctx, key, (file) => this.workspace.update({ file, type: 'changed' }));
    if (outcome.added) this.changed();
    if (outcome.reason) this.connection.console.info(`LitLens: ${key} not added: ${outcome.reason}`);
    return { file: outcome.file, added: outcome.added, ...(outcome.incomplete ? { incomplete: outcome.incomplete } : {}), ...(outcome.reason ? { reason: outcome.reason } : {}) };
  }

  /** litlens/rebuildIndex: settings read afresh, every source re-read. */
  async rebuild(): Promise<Status> {
    this.settings.changed(undefined);
    await this.reload();
    return this.workspace.status();
  }

  // ---------------------------------------------------------------- keeping the library current

  /** didChangeConfiguration: `pushed` is the payload's settings (used when the client cannot be asked). */
  settingsChanged(pushed: unknown): void {
    this.settings.changed(settingsSection(pushed)); // first, so no request reads a stale cache
    this.background(this.applySettings(), 'applying new settings');
  }

  /** didChangeWatchedFiles: re-read the library files among the events. */
  filesChanged(events: FileEvent[]): void {
    this.background(this.update(events), 'updating the library');
  }

  dispose(): Promise<void> {
    clearInterval(this.zoteroPoll);
    this.ownWatcher?.dispose();
    return this.workspace.dispose();
  }

  listen(): void {
    this.documents.listen(this.connection);
  }

  /** Reads every source and rebuilds the index, with progress and status; publishes file diagnostics. */
  private async reload(): Promise<void> {
    const config = await this.settings.workspace();
    const libraries = await this.folderLibraries();
    this.loadedWith = librarySettings(config, libraries);
    const started = Date.now();
    try {
      await this.withProgress('LitLens: indexing the library', (report) => {
        const loading = this.workspace.load(config, report, libraries);
        this.sendStatus(); // "indexing": load() has set its state before its first await
        // Beside the load: a saved corpus opens meanwhile; a cold build waits for the own library.
        this.background(this.loadCorpora(), 'loading the corpora');
        this.background(this.loadZotero(config), 'reading Zotero');
        return loading;
      });
      const status = this.workspace.status();
      this.connection.console.info(`LitLens: ${status.papers} papers from ${status.sources} sources ready in ${Date.now() - started} ms (${status.errors} errors)`);
    } catch (err) {
      this.connection.console.error(`LitLens: loading the library failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.connection.window.showErrorMessage(`LitLens could not load the library: ${message(err)}`);
    }
    await this.registerWatchers();
    this.watchZotero(config);
    this.changed();
  }

  /** Zotero's problems in the log, one line each (those about its database file are in Problems too; the local API's only here). */
  private logZotero(): void {
    const sources = this.workspace.currentLibrary()?.sources.filter((s) => ZoteroSource.owns(s.id)) ?? [];
    for (const s of sources) this.connection.console.info(`LitLens: ${s.name}: ${s.store?.size ?? s.papers.length} papers`);
    for (const issue of sources.flatMap((s) => s.issues)) this.connection.console.warn(`LitLens: Zotero: ${formatIssue(issue)}`);
  }

  /** litlens.zotero on: every ZOTERO_POLL_MS its database's mtime (or the API's library versions) is compared, and it is read again when changed. */
  private watchZotero(config: Settings): void {
    clearInterval(this.zoteroPoll);
    this.zoteroPoll = undefined;
    if (config.zotero === 'off' || !this.workspace.trusted) return;
    this.zoteroPoll = setInterval(() => {
      if (this.zoteroChecking) return;
      this.zoteroChecking = true;
      const check = this.workspace.checkZotero().then((changed) => {
        if (!changed) return;
        this.connection.console.info(`LitLens: Zotero changed; read again (${this.workspace.status().papers} papers)`);
        this.logZotero();
        this.changed();
      });
      this.background(check.finally(() => (this.zoteroChecking = false)), 'checking Zotero for changes');
    }, ZOTERO_POLL_MS);
    this.zoteroPoll.unref();
  }

  /** litlens.zotero, in the background: the other sources answer meanwhile; its papers join when read. */
  private async loadZotero(config: Settings): Promise<void> {
    if (config.zotero.trim() === 'off' && !this.workspace.status().zotero) return;
    const started = Date.now();
    const changed = await this.withProgress('LitLens: reading Zotero', (report) => this.workspace.loadZotero(config, report));
    if (!changed) return; // "auto" found no Zotero, as before
    const zotero = this.workspace.status().zotero;
    if (zotero) this.connection.console.info(`LitLens: Zotero ${zotero.state}: ${zotero.papers} papers in ${Date.now() - started} ms`);
    this.logZotero();
    this.changed();
  }

  /** litlens.corpora, after the workspace's library is ready (which answers meanwhile), with progress and counts. */
  private async loadCorpora(file?: string): Promise<void> {
    const config = await this.settings.workspace();
    if (!config.corpora.length || !this.workspace.trusted) return;
    const started = Date.now();
    await this.withProgress('LitLens: indexing the corpora', (report) =>
      file ? this.workspace.corpusChanged(file, report, () => this.sendStatus()) : this.workspace.loadCorpora(report, () => this.sendStatus()),
    );
    const corpus = this.workspace.status().corpus;
    this.connection.console.info(`LitLens: corpora ${corpus?.state ?? 'none'}: ${corpus?.papers ?? 0} papers in ${Date.now() - started} ms${corpus?.message ? ` (${corpus.message})` : ''}`);
    this.changed();
  }

  private async applySettings(): Promise<void> {
    const after = await this.settings.workspace();
    // Only the library paths and the corpus switch need the library read again.
    if (librarySettings(after, await this.folderLibraries()) !== this.loadedWith) return this.reload();
    this.workspace.applySettings(after);
    this.changed();
  }

  private async update(events: FileEvent[]): Promise<void> {
    const changes = events.flatMap((c): Change[] => {
      const file = filePathOf(c.uri);
      const type: Change['type'] = c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed';
      return file && libraryFormat(file) ? [{ file, type }] : [];
    });
    for (const c of events) {
      const file = filePathOf(c.uri);
      if (file && this.workspace.isCorpusFile(file)) this.background(this.loadCorpora(file), `re-reading ${file}`);
    }
    if (!changes.length || !this.workspace.currentLibrary()) return;
    // Together: a file still being written waits to settle (workspace.update) without holding up the others.
    const changed = await this.withProgress('LitLens: updating the library', async (report) => {
      let done = 0;
      const updated = await Promise.all(
        changes.map(async (change) => {
          try {
            return await this.workspace.update(change);
          } catch (err) {
            this.connection.console.error(`LitLens: re-reading ${change.file} failed: ${String(err)}`);
            return false;
          } finally {
            report(path.basename(change.file), Math.round((100 * ++done) / changes.length));
          }
        }),
      );
      return updated.some(Boolean);
    });
    if (changed) this.changed();
  }

  /** After any library change: the status, lenses and diagnostics of open documents, diagnostics of library files. */
  private changed(): void {
    this.ownWatcher?.watch(this.workspace.readFiles()); // a file that became a source is watched too
    this.sendStatus();
    this.lenses.clear();
    this.diagnostics.libraryChanged(this.workspace.currentLibrary());
    if (this.caps.workspace?.codeLens?.refreshSupport) this.background(this.connection.sendRequest(CodeLensRefreshRequest.type), 'refreshing code lenses');
  }

  private lensRefresh: NodeJS.Timeout | null = null;

  /** A shared corpus answered what lenses asked without waiting: one refresh for the answers of the next 200 ms. */
  private sharedAnswered(): void {
    if (!this.caps.workspace?.codeLens?.refreshSupport || this.lensRefresh) return;
    this.lensRefresh = setTimeout(() => {
      this.lensRefresh = null;
      this.background(this.connection.sendRequest(CodeLensRefreshRequest.type), 'refreshing code lenses');
    }, 200);
    this.lensRefresh.unref();
  }

  /** settings.libraries per workspace folder (the setting is resource-scoped). */
  private async folderLibraries(): Promise<FolderLibraries[]> {
    const folders = this.workspace.folders;
    if (!folders.length) return [{ base: process.cwd(), paths: (await this.settings.workspace()).libraries }];
    return Promise.all(folders.map(async (base) => ({ base, paths: (await this.settings.forResource(fileUri(base))).libraries })));
  }

  private async registerWatchers(): Promise<void> {
    const watched = this.caps.workspace?.didChangeWatchedFiles;
    if (!this.workspace.trusted) return;
    if (!watched?.dynamicRegistration) {
      // The client cannot watch for us: the server watches the files it reads itself (only then).
      this.ownWatcher ??= new LibraryWatcher((file) => this.filesChanged([{ uri: fileUri(file), type: FileChangeType.Changed }]));
      this.ownWatcher.watch(this.workspace.readFiles());
      return;
    }
    // Library folders outside the workspace: a relative pattern when the client takes one, else an absolute glob.
    const watchers = this.workspace.watchPatterns().map(({ base, pattern }): FileSystemWatcher => ({
      globPattern: !base ? pattern : watched.relativePatternSupport ? { baseUri: fileUri(base), pattern } : `${base.split(path.sep).join('/')}/${pattern}`,
    }));
    this.watchers?.dispose();
    try {
      this.watchers = await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    } catch (err) {
      this.connection.console.warn(`LitLens: could not register file watchers: ${String(err)}`);
    }
  }

  /** Runs `work` inside a work-done progress when the client shows them. */
  private async withProgress<T>(title: string, work: (report: (message: string, percentage: number) => void) => Promise<T>): Promise<T> {
    let progress: WorkDoneProgressServerReporter | undefined;
    if (this.caps.window?.workDoneProgress) {
      try {
        progress = await this.connection.window.createWorkDoneProgress();
        progress.begin(title, 0, undefined, false);
      } catch {
        progress = undefined; // the client refused a token: work without one
      }
    }
    try {
      return await work((text, percentage) => progress?.report(percentage, text));
    } finally {
      progress?.done();
    }
  }

  private sendStatus(): void {
    this.background(this.connection.sendNotification(StatusNotification, this.workspace.status()), 'sending the status');
  }

  /** Work nobody awaits: a failure is logged, never an unhandled rejection (which would end the process). */
  private readonly background = (work: Promise<unknown>, what: string): void => {
    work.catch((err: unknown) => this.connection.console.error(`LitLens: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  };
}

const librarySettings = (s: Settings, libraries: FolderLibraries[]): string => JSON.stringify([libraries, s.bundledCorpus, s.corpora, s.corpusCategories, s.zotero, s.zoteroCollections]);

/** How often Zotero is checked for changes: an edit in Zotero is offered within twice this (a check, then the re-read and re-index). */
const ZOTERO_POLL_MS = 1000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function foldersOf(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.length ? params.workspaceFolders.map((f) => f.uri) : params.rootUri ? [params.rootUri] : [];
  const folders = uris.map(filePathOf).filter((f): f is string => !!f);
  if (!folders.length && params.rootPath) folders.push(params.rootPath);
  return folders;
}
