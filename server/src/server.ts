// The LitLens language server: wiring only. Features are plain functions in features/; this file
// connects them to LSP messages. Started over IPC by the VS Code client (dist/server.js) and over
// stdio by `litlens lsp --stdio`; importing it starts nothing.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type Connection,
  type FileEvent,
  type FileSystemWatcher,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { keyAt, passageAt, syntaxOf, syntaxOfFile } from './documents';
import { toBibtex } from './library/bibwriter';
import {
  BibtexRequest,
  EnsureInBibliographyCommand,
  EnsureInBibliographyRequest,
  LibraryInfoRequest,
  RebuildIndexRequest,
  RelatedRequest,
  SearchRequest,
  ShowPapersCommand,
  StatusNotification,
  type EnsureInBibliographyResult,
  type InitializationOptions,
  type Settings,
  type ShowPapersArgs,
} from './protocol';
import { SettingsStore, settingsFromInitializationOptions, settingsSection } from './settings';
import { ensureInBibliography, keysInFiles, projectBibliography } from './features/bibliography';
import { codeLenses, lensTitle, LensMemo, type Lens } from './features/codeLens';
import { citationCompletion } from './features/completion';
import { definitionAt } from './features/definition';
import { citationProblems, issuesByFile } from './features/diagnostics';
import { filePathOf, folderOf, type Doc } from './features/document';
import { hoverAt } from './features/hover';
import {
  addEntryAction,
  fileUri,
  issueDiagnostic,
  renameEdit,
  spanLocation,
  toCompletionList,
  toDefinition,
  toDiagnostic,
  toHover,
  unresolvedLens,
} from './features/lsp';
import { citationsOf, entryKeySpans, isValidKey, workspaceDocuments } from './features/references';
import { libraryInfo, relatedTo, searchLibrary, sourceNames, summary } from './features/requests';
import { contextOf } from './features/state';
import { LitLensWorkspace, type Change, type FolderLibraries } from './features/workspace';
import { defaultCacheDir } from './search/semantic/oneShot';

/** `{` and `,` in \cite{a,b}; `@` and `[` in pandoc. Not space: it would query on every word typed. */
export const TRIGGER_CHARACTERS = ['{', ',', '@', '['];
/** Diagnostics wait this long after the last keystroke. */
const DIAGNOSTICS_DELAY_MS = 250;

export function startServer(connection: Connection = createConnection()): Connection {
  const documents = new TextDocuments(TextDocument);
  const lensMemo = new LensMemo();
  let workspace = new LitLensWorkspace({ folders: [], trusted: true, cacheDir: null });
  let settings = new SettingsStore(settingsFromInitializationOptions(undefined), undefined);
  let canProgress = false;
  let canRegisterWatchers = false;
  let canRegisterConfiguration = false;
  let hasFolderEvents = false;
  let canRefreshLenses = false;
  let canRelativePatterns = false;
  /** The settings the library was last read with (libraries, corpus switch). */
  let loadedWith = '';
  let watcherRegistration: { dispose(): void } | undefined;
  let publishedFiles = new Set<string>();
  const diagnosticTimers = new Map<string, NodeJS.Timeout>();
  const lenses = new Map<string, { version: number; lenses: Lens[] }>();
  // Appends run one at a time, so two quick choices of the same paper add it once.
  let appendQueue: Promise<unknown> = Promise.resolve();

  const docOf = (uri: string): { doc: Doc; text: TextDocument } | null => {
    const text = documents.get(uri);
    const syntax = text ? syntaxOf(text.languageId) : null;
    if (!text || !syntax) return null;
    return { text, doc: { uri, path: filePathOf(uri), text: text.getText(), syntax, version: text.version } };
  };
  /** A LaTeX/Markdown file the editor does not have open (e.g. named by a custom request). */
  const docFromDisk = async (uri: string): Promise<Doc | null> => {
    const file = filePathOf(uri);
    const syntax = file ? syntaxOfFile(file) : null;
    const text = file && syntax ? await fs.readFile(file, 'utf8').catch(() => null) : null;
    return file && syntax && text !== null ? { uri, path: file, text, syntax, version: 0 } : null;
  };
  const projectOf = (doc: Doc, config: Settings) => projectBibliography(doc, workspace.folders, config);
  const sendStatus = () => background(connection.sendNotification(StatusNotification, workspace.status()), 'sending the status');
  /** Work nobody awaits: a failure is logged, never an unhandled rejection (which would end the process). */
  const background = (work: Promise<unknown>, what: string): void => {
    work.catch((err: unknown) => connection.console.error(`LitLens: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  };
  const nameOf = (s: Parameters<LitLensWorkspace['sourceName']>[0]) => workspace.sourceName(s);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canProgress = !!caps.window?.workDoneProgress;
    canRegisterWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canRegisterConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    hasFolderEvents = !!caps.workspace?.workspaceFolders;
    canRefreshLenses = !!caps.workspace?.codeLens?.refreshSupport;
    canRelativePatterns = !!caps.workspace?.didChangeWatchedFiles?.relativePatternSupport;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    const initial = settingsFromInitializationOptions(options);
    settings = new SettingsStore(
      initial,
      caps.workspace?.configuration ? (scopeUri) => connection.workspace.getConfiguration(scopeUri ? { scopeUri, section: 'litlens' } : { section: 'litlens' }) : undefined,
    );
    workspace = new LitLensWorkspace({
      folders: foldersOf(params),
      trusted: options.trusted !== false,
      cacheDir: options.cacheDir === null ? null : typeof options.cacheDir === 'string' ? options.cacheDir : defaultCacheDir(),
      onEmbeddingStatus: () => sendStatus(),
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        codeLensProvider: { resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        executeCommandProvider: { commands: [EnsureInBibliographyCommand] },
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'litlens', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (canRegisterConfiguration) background(connection.client.register(DidChangeConfigurationNotification.type, { section: 'litlens' }), 'registering for settings changes');
    if (hasFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => filePathOf(f.uri)));
        const added = event.added.map((f) => filePathOf(f.uri)).filter((f): f is string => !!f);
        workspace.setFolders([...workspace.folders.filter((f) => !removed.has(f)), ...added]);
        background(reload(), 'reloading the library');
      });
    }
    background(reload(), 'loading the library');
  });

  /** Runs `work` inside a work-done progress when the client shows them. */
  async function withProgress<T>(title: string, work: (report: (message: string, percentage: number) => void) => Promise<T>): Promise<T> {
    let progress: WorkDoneProgressServerReporter | undefined;
    if (canProgress) {
      try {
        progress = await connection.window.createWorkDoneProgress();
        progress.begin(title, 0, undefined, false);
      } catch {
        progress = undefined; // the client refused a token: work without one
      }
    }
    try {
      return await work((message, percentage) => progress?.report(percentage, message));
    } finally {
      progress?.done();
    }
  }

  /** settings.libraries per workspace folder (the setting is resource-scoped). */
  async function folderLibraries(): Promise<FolderLibraries[]> {
    if (!workspace.folders.length) return [{ base: process.cwd(), paths: (await settings.workspace()).libraries }];
    return Promise.all(workspace.folders.map(async (base) => ({ base, paths: (await settings.forResource(fileUri(base))).libraries })));
  }

  /** Reads every source and rebuilds the index, with progress and status; publishes file diagnostics. */
  async function reload(): Promise<void> {
    const config = await settings.workspace();
    const libraries = await folderLibraries();
    loadedWith = librarySettings(config, libraries);
    const started = Date.now();
    try {
      await withProgress('LitLens: indexing the library', (report) => {
        const loading = workspace.load(config, report, libraries);
        sendStatus(); // "indexing": load() has set its state before its first await
        return loading;
      });
      const status = workspace.status();
      connection.console.info(`LitLens: ${status.papers} papers from ${status.sources} sources ready in ${Date.now() - started} ms (${status.errors} errors)`);
    } catch (err) {
      connection.console.error(`LitLens: loading the library failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      connection.window.showErrorMessage(`LitLens could not load the library: ${err instanceof Error ? err.message : String(err)}`);
    }
    await registerWatchers();
    sendStatus();
    libraryChanged();
  }

  async function registerWatchers(): Promise<void> {
    if (!canRegisterWatchers || !workspace.trusted) return;
    const watchers: FileSystemWatcher[] = [{ globPattern: '**/*.{bib,bibtex,biblatex}' }, { globPattern: '**/*.json' }];
    for (const extra of workspace.extraLibraryPaths) {
      const isFile = !!path.extname(extra);
      const base = isFile ? path.dirname(extra) : extra;
      const pattern = isFile ? path.basename(extra) : '**/*.{bib,bibtex,biblatex,json}';
      // Library folders outside the workspace: a relative pattern when the client takes one, else an absolute glob.
      watchers.push({ globPattern: canRelativePatterns ? { baseUri: fileUri(base), pattern } : `${base.split(path.sep).join('/')}/${pattern}` });
    }
    watcherRegistration?.dispose();
    try {
      watcherRegistration = await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    } catch (err) {
      connection.console.warn(`LitLens: could not register file watchers: ${String(err)}`);
    }
  }

  /** After any library change: lenses and diagnostics of open documents, diagnostics of library files. */
  function libraryChanged(): void {
    lenses.clear();
    for (const d of documents.all()) scheduleDiagnostics(d.uri, 0);
    publishFileIssues();
    if (canRefreshLenses) background(connection.sendRequest(CodeLensRefreshRequest.type), 'refreshing code lenses');
  }

  function publishFileIssues(): void {
    const library = workspace.currentLibrary();
    const byFile = library ? issuesByFile(library.issues) : new Map();
    const now = new Set<string>();
    for (const [file, issues] of byFile) {
      if (!path.isAbsolute(file)) continue;
      const uri = fileUri(file);
      now.add(uri);
      background(connection.sendDiagnostics({ uri, diagnostics: issues.map(issueDiagnostic) }), 'publishing diagnostics');
    }
    for (const uri of publishedFiles) if (!now.has(uri) && !documents.get(uri)) background(connection.sendDiagnostics({ uri, diagnostics: [] }), 'clearing diagnostics');
    publishedFiles = now;
  }

  function scheduleDiagnostics(uri: string, delay = DIAGNOSTICS_DELAY_MS): void {
    clearTimeout(diagnosticTimers.get(uri));
    diagnosticTimers.set(
      uri,
      setTimeout(() => {
        diagnosticTimers.delete(uri);
        background(publishDiagnostics(uri), 'computing diagnostics');
      }, delay),
    );
  }

  async function publishDiagnostics(uri: string): Promise<void> {
    const found = docOf(uri);
    const library = workspace.currentLibrary();
    if (!found || !library) return; // nothing is "undefined" before the library is read
    const config = await settings.forResource(uri);
    const problems = citationProblems(library, found.doc, projectOf(found.doc, config));
    await connection.sendDiagnostics({ uri, version: found.text.version, diagnostics: problems.map((p) => toDiagnostic(p, found.text)) });
  }

  documents.onDidChangeContent((e) => scheduleDiagnostics(e.document.uri));
  documents.onDidClose((e) => {
    clearTimeout(diagnosticTimers.get(e.document.uri));
    lenses.delete(e.document.uri);
    if (syntaxOf(e.document.languageId)) background(connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }), 'clearing diagnostics');
  });

  connection.onDidChangeConfiguration((change) => {
    settings.changed(settingsSection(change.settings)); // first, so no request reads a stale cache
    background(settingsChanged(), 'applying new settings');
  });

  async function settingsChanged(): Promise<void> {
    const after = await settings.workspace();
    // Only the library paths and the corpus switch need the library read again.
    if (librarySettings(after, await folderLibraries()) !== loadedWith) return reload();
    workspace.applySettings(after);
    sendStatus();
    libraryChanged();
  }

  connection.onDidChangeWatchedFiles((params) => background(filesChanged(params.changes), 'updating the library'));

  async function filesChanged(events: FileEvent[]): Promise<void> {
    const changes = events.flatMap((c): Change[] => {
      const file = filePathOf(c.uri);
      const type: Change['type'] = c.type === FileChangeType.Created ? 'created' : c.type === FileChangeType.Deleted ? 'deleted' : 'changed';
      return file && /\.(bib|bibtex|biblatex|json)$/i.test(file) ? [{ file, type }] : [];
    });
    if (!changes.length || !workspace.currentLibrary()) return;
    const changed = await withProgress('LitLens: updating the library', async (report) => {
      let any = false;
      for (const [i, change] of changes.entries()) {
        report(path.basename(change.file), Math.round((100 * i) / changes.length));
        try {
          any = (await workspace.update(change)) || any;
        } catch (err) {
          connection.console.error(`LitLens: re-reading ${change.file} failed: ${String(err)}`);
        }
      }
      return any;
    });
    if (changed) {
      sendStatus();
      libraryChanged();
    }
  }

  connection.onCompletion(async (params) => {
    const found = docOf(params.textDocument.uri);
    if (!found) return null;
    const config = await settings.forResource(params.textDocument.uri);
    const ready = workspace.ready();
    const project = projectOf(found.doc, config);
    // Read only when the cursor is in a citation: editors ask for completion on every word typed.
    let own: ReadonlyMap<string, unknown> | undefined;
    const ownKeys = () => (own ??= ready ? keysInFiles(ready.library, project.files) : new Map());
    const answer = citationCompletion(ready, found.doc, found.text.offsetAt(params.position), config, {
      inBibliography: (key) => ownKeys().has(key),
      target: workspace.trusted ? project.target : null,
      ownKeys: () => ownKeys().keys(),
    });
    return answer ? toCompletionList(answer, found.text) : null;
  });

  connection.onHover(async (params) => {
    const found = docOf(params.textDocument.uri);
    if (!found) return null;
    const config = await settings.forResource(params.textDocument.uri);
    const base = folderOf(found.doc.path, workspace.folders) ?? undefined;
    const answer = await hoverAt(workspace.ready(), found.doc, found.text.offsetAt(params.position), config, base, workspace.currentLibrary());
    return answer ? toHover(answer, found.text) : null;
  });

  connection.onDefinition(async (params) => {
    const found = docOf(params.textDocument.uri);
    if (!found) return null;
    const config = await settings.forResource(params.textDocument.uri);
    const answer = definitionAt(workspace.currentLibrary(), found.doc, found.text.offsetAt(params.position), projectOf(found.doc, config).files);
    return answer ? toDefinition(answer) : null;
  });

  connection.onCodeLens(async (params) => {
    const found = docOf(params.textDocument.uri);
    if (!found) return [];
    const config = await settings.forResource(params.textDocument.uri);
    const ready = workspace.ready();
    if (!ready) return [];
    const computed = codeLenses(ready, found.doc, config, lensMemo);
    lenses.set(params.textDocument.uri, { version: found.text.version, lenses: computed });
    return computed.map((lens, index) => unresolvedLens(found.text, lens.anchor, { uri: params.textDocument.uri, version: found.text.version, index }));
  });

  connection.onCodeLensResolve((codeLens) => {
    const data = codeLens.data as { uri: string; version: number; index: number } | undefined;
    const cached = data ? lenses.get(data.uri) : undefined;
    const lens = cached && cached.version === data!.version ? cached.lenses[data!.index] : undefined;
    const ready = workspace.ready();
    if (!lens || !ready) {
      // The document changed since: an empty title; the client asks for fresh lenses anyway.
      codeLens.command = { title: '', command: '' };
      return codeLens;
    }
    const names = sourceNames(ready.library, nameOf);
    const papers = lens.keys.map((k) => ready.library.get(k)).filter((p) => p !== undefined);
    const args: ShowPapersArgs = { uri: data!.uri, papers: papers.map((p) => summary(p, names.get(p.key) ?? '')) };
    codeLens.command = { title: lensTitle(lens), command: ShowPapersCommand, arguments: [args] };
    return codeLens;
  });

  const openDocs = (): Doc[] => documents.all().flatMap((d) => docOf(d.uri)?.doc ?? []);
  const searchFolders = () => (workspace.trusted ? workspace.folders : []);

  connection.onReferences(async (params) => {
    const found = docOf(params.textDocument.uri);
    const library = workspace.currentLibrary();
    const cited = found ? keyAt(found.doc.text, found.text.offsetAt(params.position), found.doc.syntax) : null;
    if (!found || !cited) return null;
    const spans = citationsOf(cited.key, await workspaceDocuments(searchFolders(), openDocs()));
    const locations = spans.map(spanLocation);
    if (params.context.includeDeclaration && library) {
      const entries = workspace.trusted ? await entryKeySpans(library, cited.key) : [];
      const paper = library.get(cited.key);
      if (entries.length) locations.unshift(...entries.map(spanLocation));
      else if (paper) locations.unshift(toDefinition({ file: paper.origin.file, line: paper.origin.line, start: 0, end: 0 }));
    }
    return locations;
  });

  connection.onPrepareRename(async (params) => {
    const found = docOf(params.textDocument.uri);
    const library = workspace.currentLibrary();
    const cited = found ? keyAt(found.doc.text, found.text.offsetAt(params.position), found.doc.syntax) : null;
    if (!found || !cited || !library || !workspace.trusted) return null;
    // Only keys the user owns (a workspace .bib entry) are renamed; a corpus key is not ours to change.
    if (!(await entryKeySpans(library, cited.key)).length) return null;
    return { range: { start: found.text.positionAt(cited.start), end: found.text.positionAt(cited.end) }, placeholder: cited.key };
  });

  connection.onRenameRequest(async (params) => {
    const found = docOf(params.textDocument.uri);
    const library = workspace.currentLibrary();
    const cited = found ? keyAt(found.doc.text, found.text.offsetAt(params.position), found.doc.syntax) : null;
    if (!found || !cited || !library || !workspace.trusted) return null;
    if (!isValidKey(params.newName)) throw new ResponseError(ErrorCodes.InvalidParams, `"${params.newName}" is not a valid citation key`);
    if (params.newName !== cited.key && library.get(params.newName)) throw new ResponseError(ErrorCodes.InvalidParams, `"${params.newName}" is already a key in the library`);
    const entries = await entryKeySpans(library, cited.key);
    if (!entries.length) return null;
    const citations = citationsOf(cited.key, await workspaceDocuments(searchFolders(), openDocs()));
    return renameEdit([...entries, ...citations], params.newName);
  });

  connection.onCodeAction(async (params) => {
    const found = docOf(params.textDocument.uri);
    const library = workspace.currentLibrary();
    if (!found || !library || !workspace.trusted) return [];
    const config = await settings.forResource(params.textDocument.uri);
    const project = projectOf(found.doc, config);
    const from = found.text.offsetAt(params.range.start);
    const to = found.text.offsetAt(params.range.end);
    const actions: CodeAction[] = [];
    for (const problem of citationProblems(library, found.doc, project)) {
      if (problem.code !== 'not-in-bibliography' || problem.end < from || problem.start > to) continue;
      actions.push(addEntryAction(problem, found.text, project.target));
    }
    return actions;
  });

  /** Adds the key's entry to the document's bibliography when missing; re-reads that file at once. */
  async function ensure(uri: string, key: string): Promise<EnsureInBibliographyResult> {
    if (!workspace.trusted) return { file: null, added: false };
    const ready = await workspace.whenReady();
    const doc = docOf(uri)?.doc ?? (await docFromDisk(uri));
    if (!ready || !doc) return { file: null, added: false };
    const config = await settings.forResource(uri);
    const run = appendQueue.then(async () => {
      const outcome = await ensureInBibliography(workspace.currentLibrary() ?? ready.library, projectOf(doc, config), key);
      // Re-read the file before the next append is decided, so it sees this one.
      if (outcome.added && outcome.file) await workspace.update({ file: outcome.file, type: 'changed' });
      return outcome;
    });
    appendQueue = run.catch(() => {});
    const outcome = await run;
    if (outcome.added) {
      sendStatus();
      libraryChanged();
    }
    if (outcome.reason) connection.console.info(`LitLens: ${key} not added: ${outcome.reason}`);
    return { file: outcome.file, added: outcome.added };
  }

  connection.onExecuteCommand(async (params) => {
    if (params.command !== EnsureInBibliographyCommand) return null;
    const [uri, key] = (params.arguments ?? []) as [unknown, unknown];
    if (typeof uri !== 'string' || typeof key !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${EnsureInBibliographyCommand} takes [uri, key]`);
    try {
      return await ensure(uri, key);
    } catch (err) {
      connection.window.showErrorMessage(`LitLens could not add "${key}": ${err instanceof Error ? err.message : String(err)}`);
      throw new ResponseError(ErrorCodes.InternalError, err instanceof Error ? err.message : String(err));
    }
  });

  connection.onRequest(EnsureInBibliographyRequest, (params) => ensure(params.uri, params.key));

  connection.onRequest(SearchRequest, async (params) => {
    const ready = await workspace.whenReady();
    return ready && typeof params?.query === 'string' ? searchLibrary(ready, params, await settings.workspace(), nameOf) : [];
  });

  connection.onRequest(RelatedRequest, async (params) => {
    const ready = await workspace.whenReady();
    if (!ready) return [];
    let text = params.text ?? '';
    const config = await settings.forResource(params.uri);
    if (!text && params.uri && params.position) {
      const found = docOf(params.uri);
      if (!found) return [];
      const passage = passageAt(found.doc.text, found.text.offsetAt(params.position), found.doc.syntax);
      text = params.scope ? (passage[params.scope]?.text ?? '') : contextOf(passage);
    }
    return relatedTo(ready, text, params, config, nameOf);
  });

  connection.onRequest(BibtexRequest, async (params) => {
    const library = workspace.currentLibrary() ?? (await workspace.whenReady())?.library;
    const paper = library?.get(params.key);
    return paper ? toBibtex(paper) : null;
  });

  connection.onRequest(RebuildIndexRequest, async () => {
    settings.changed(undefined);
    await reload();
    return workspace.status();
  });

  connection.onRequest(LibraryInfoRequest, async () => {
    const ready = await workspace.whenReady();
    return ready ? libraryInfo(ready.library, nameOf) : { sources: [], years: null };
  });

  connection.onShutdown(() => workspace.dispose());

  documents.listen(connection);
  connection.listen();
  return connection;
}

const librarySettings = (s: Settings, libraries: FolderLibraries[]): string => JSON.stringify([libraries, s.bundledCorpus]);

function foldersOf(params: InitializeParams): string[] {
  const uris = params.workspaceFolders?.length ? params.workspaceFolders.map((f) => f.uri) : params.rootUri ? [params.rootUri] : [];
  const folders = uris.map(filePathOf).filter((f): f is string => !!f);
  if (!folders.length && params.rootPath) folders.push(params.rootPath);
  return folders;
}

// Run directly (dist/server.js, forked by the VS Code client with --node-ipc): start. The CLI
// bundles this module too and starts it from `litlens lsp` instead.
if (require.main === module && /server\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) startServer();
