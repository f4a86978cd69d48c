// The one object that owns the language server's life: start, stop, restart, its health in the
// status bar, and the way commands reach it (failing with a clear message while it is down).
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  type RequestType,
  type RequestParam,
  type RequestType0,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { cacheText, SEMANTIC_RUNTIME, semanticRuntimeMissing, SERVER_ENV, StatusNotification, type InitializationOptions, type Status } from '../../server/src/protocol';
import { LANGUAGES } from '../../server/src/documents/syntax';
import { settings } from './config';

/** Shown instead of a result when a command needs the server and it is not running. */
export class ServerDownError extends Error {}

type Health = 'stopped' | 'starting' | 'running' | 'crashed';

export class LitLensContext implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusEmitter = new vscode.EventEmitter<Status | undefined>();
  /** Fires when the server reports a new status (undefined: the server stopped). */
  readonly onDidChangeStatus = this.statusEmitter.event;
  private client: LanguageClient | undefined;
  private health: Health = 'stopped';
  private lastStatus: Status | undefined;
  /** Crash times, to stop restarting a server that keeps dying. */
  private crashes: number[] = [];
  private starting: Promise<void> | undefined;
  /** Subscriptions to the current client, dropped with it. */
  private clientSubscriptions: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('LitLens', { log: true });
    this.statusItem = vscode.window.createStatusBarItem('litlens.status', vscode.StatusBarAlignment.Right, 100);
    this.statusItem.name = 'LitLens';
    this.statusItem.command = 'litlens.showMenu';
    this.disposables.push(this.output, this.statusItem, this.statusEmitter);
    // Reading workspace bibliographies waits for trust: a new server reads them from the start.
    this.disposables.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.output.info('Workspace trusted: restarting the server to read workspace libraries.');
        void this.restart();
      }),
      // The tooltip counts the active document's uncited-claim hints (three dots only, by default).
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (e.uris.some((u) => u.toString() === active)) this.render();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
    );
    this.render();
  }

  get status(): Status | undefined {
    return this.lastStatus;
  }

  /** Does this build carry transformers.js? The lean VSIX does not, nor a clone whose npm ci dropped
   * it; resolved as the server resolves it, from dist/server.js. */
  hasSemanticRuntime(): boolean {
    try {
      createRequire(this.extension.asAbsolutePath(path.join('dist', 'server.js'))).resolve(SEMANTIC_RUNTIME);
      return true;
    } catch {
      return false;
    }
  }

  /** What to do to get the semantic runtime, for the way this LitLens was started (protocol.ts RuntimeHost). */
  semanticRuntimeMissing(): string {
    // scripts/start.mjs sets LITLENS_STARTED_BY for the code-server it starts; its extension host inherits it.
    if (process.env.LITLENS_STARTED_BY === 'npm-start') return semanticRuntimeMissing('npm-start');
    return semanticRuntimeMissing(this.extension.extensionMode === vscode.ExtensionMode.Production ? 'vsix' : 'clone');
  }

  get isRunning(): boolean {
    return this.health === 'running' && this.client?.state === State.Running;
  }

  /** Starts the server unless it is running; errors are shown and logged, never thrown. */
  async start(): Promise<void> {
    if (this.client) return this.starting;
    const serverModule = this.extension.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { env: SERVER_ENV } },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { env: SERVER_ENV, execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const initializationOptions: InitializationOptions = {
      trusted: vscode.workspace.isTrusted,
      litlens: settings(),
      cacheDir: this.storageDir(),
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      outputChannel: this.output,
      initializationOptions,
      // No `synchronize`: the server pulls settings per resource and registers its own
      // configuration and file watchers (dynamic registration), so nothing is announced twice.
      errorHandler: this.errorHandler(),
      markdown: { isTrusted: false, supportHtml: false },
    };
    const client = new LanguageClient('litlens', 'LitLens', serverOptions, clientOptions);
    this.client = client;
    this.health = 'starting';
    this.lastStatus = undefined;
    this.render();
    this.clientSubscriptions.push(
      client.onDidChangeState((e) => {
        if (this.client !== client) return;
        if (e.newState === State.Running) this.health = 'running';
        else if (e.newState === State.Starting) {
          // A restart after a crash: the old counts are stale until the new server reports.
          this.health = 'starting';
          this.lastStatus = undefined;
        }
        else if (this.health !== 'crashed') this.health = 'stopped';
        this.render();
      }),
    );
    // Registered before start: the server may report its status right after `initialized`.
    this.clientSubscriptions.push(
      client.onNotification(StatusNotification, (status) => {
        if (this.client !== client) return;
        this.lastStatus = status;
        this.statusEmitter.fire(status);
        this.render();
      }),
    );
    this.starting = (async () => {
      try {
        await client.start();
        this.health = 'running';
        this.output.info(`Server started (${vscode.workspace.isTrusted ? 'trusted workspace' : 'untrusted workspace: bundled corpus only'}).`);
      } catch (err) {
        this.health = 'crashed';
        this.output.error(`The LitLens server did not start: ${message(err)}`);
        void this.offerRestart(`LitLens: the language server did not start: ${message(err)}`);
      } finally {
        this.render();
      }
    })();
    return this.starting;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    for (const d of this.clientSubscriptions.splice(0)) d.dispose();
    this.lastStatus = undefined;
    this.health = 'stopped';
    this.statusEmitter.fire(undefined);
    this.render();
    if (client) {
      try {
        await client.stop(2000);
      } catch (err) {
        this.output.warn(`Stopping the server: ${message(err)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  async restart(): Promise<void> {
    this.crashes = [];
    await this.stop();
    await this.start();
  }

  /** The extension's global storage folder (created if missing), where the server keeps the saved
   * index, downloaded models and vectors; undefined (the server's own default) if it cannot be made. */
  private storageDir(): string | undefined {
    const uri = this.extension.globalStorageUri;
    if (uri.scheme !== 'file') return undefined;
    try {
      fs.mkdirSync(uri.fsPath, { recursive: true });
      return uri.fsPath;
    } catch (err) {
      this.output.warn(`Cannot create ${uri.fsPath} (${message(err)}); the server uses its default cache folder.`);
      return undefined;
    }
  }

  /** The running client, or a ServerDownError that commands turn into a message with a Restart action. */
  requireClient(): LanguageClient {
    if (!this.client || !this.isRunning) {
      const why = this.health === 'starting' ? 'is still starting' : 'is not running';
      throw new ServerDownError(`LitLens: the language server ${why}.`);
    }
    return this.client;
  }

  /** Sends one of protocol.ts's requests to the running server (waiting for it while it starts). */
  request<R>(type: RequestType0<R, void>, token?: vscode.CancellationToken): Promise<R>;
  request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R>;
  async request<P, R>(type: RequestType<P, R, void> | RequestType0<R, void>, ...args: unknown[]): Promise<R> {
    if (this.health === 'starting' && this.starting) await this.starting;
    const client = this.requireClient();
    return type.numberOfParams === 0
      ? client.sendRequest(type as RequestType0<R, void>, args[0] as vscode.CancellationToken | undefined)
      : client.sendRequest(type as RequestType<P, R, void>, args[0] as RequestParam<P>, args[1] as vscode.CancellationToken | undefined);
  }

  /** Runs a command body; failures become one clear message (and a log line), never an unhandled rejection. */
  async guard(name: string, body: () => Promise<unknown> | unknown): Promise<void> {
    try {
      await body();
    } catch (err) {
      if (err instanceof vscode.CancellationError) return;
      if (err instanceof ServerDownError) {
        this.output.warn(`${name}: ${err.message}`);
        void this.offerRestart(err.message);
        return;
      }
      this.output.error(`${name}: ${message(err)}`);
      const choice = await vscode.window.showErrorMessage(`LitLens: ${name} failed: ${message(err)}`, 'Show Output');
      if (choice === 'Show Output') this.output.show();
    }
  }

  async offerRestart(text: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(text, 'Restart Server', 'Show Output');
    if (choice === 'Restart Server') await this.restart();
    else if (choice === 'Show Output') this.output.show();
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
      closed: (): CloseHandlerResult => {
        const now = Date.now();
        this.crashes = [...this.crashes.filter((t) => now - t < 3 * 60_000), now];
        if (this.crashes.length <= 3) {
          this.output.warn(`The server stopped unexpectedly; restarting (${this.crashes.length} of 3).`);
          return { action: CloseAction.Restart, handled: true };
        }
        this.health = 'crashed';
        this.lastStatus = undefined;
        this.statusEmitter.fire(undefined);
        this.render();
        this.output.error('The server crashed 4 times in 3 minutes; it is not restarted automatically.');
        void this.offerRestart('LitLens: the language server crashed repeatedly and was stopped. See the output for details.');
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  /** The status bar item: "LitLens: indexing…", "$(book) 353 papers", or what went wrong. */
  private render(): void {
    const item = this.statusItem;
    const s = this.lastStatus;
    const tooltip = new vscode.MarkdownString('', true);
    tooltip.supportThemeIcons = true;
    item.backgroundColor = undefined;
    if (this.health === 'crashed' || this.health === 'stopped') {
      item.text = this.health === 'crashed' ? '$(error) LitLens: stopped' : '$(circle-slash) LitLens: off';
      item.backgroundColor = this.health === 'crashed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      tooltip.appendMarkdown(this.health === 'crashed' ? 'The LitLens server stopped. Click for **Restart Server**.' : 'The LitLens server is not running.');
    } else if (!s || s.state === 'indexing') {
      item.text = '$(sync~spin) LitLens: indexing…';
      tooltip.appendMarkdown(s?.message ? escape(s.message) : 'Reading the library and building the search index…');
    } else {
      const papers = `${s.papers} paper${s.papers === 1 ? '' : 's'}`;
      const errors = s.errors > 0 ? ` $(warning) ${s.errors}` : '';
      const semantic = s.embeddings.state === 'ready' ? ' $(sparkle)' : s.embeddings.state === 'loading' || s.embeddings.state === 'embedding' ? ' $(loading~spin)' : '';
      const corpus = s.corpus?.state === 'indexing' ? ` $(sync~spin) ${corpusProgress(s.corpus)}` : '';
      const zotero = s.zotero?.state === 'reading' ? ' $(sync~spin) Zotero' : '';
      // A shared corpus (PostgreSQL) that does not answer: the papers shown are the local ones.
      const down = (s.shared ?? []).filter((c) => c.state === 'unreachable' || c.state === 'error');
      const shared = down.length ? ' $(debug-disconnect)' : '';
      item.text = s.state === 'error' ? `$(error) LitLens${errors}` : `$(book) ${papers}${errors}${semantic}${corpus}${zotero}${shared}`;
      if (s.state === 'error') item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      else if (s.errors > 0) item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      tooltip.appendMarkdown(`**LitLens** — ${papers} from ${s.sources} source${s.sources === 1 ? '' : 's'}\n\n`);
      if (s.corpus) tooltip.appendMarkdown(`Corpora: ${escape(corpusText(s.corpus))}\n\n`);
      if (s.zotero) tooltip.appendMarkdown(`Zotero: ${escape(zoteroText(s.zotero))}\n\n`);
      for (const c of s.shared ?? []) {
        const state = c.state === 'ready' ? `${c.papers.toLocaleString('en')} papers` : c.state === 'connecting' ? 'connecting…' : `${c.state === 'unreachable' ? 'unreachable, retrying' : 'error'}: ${c.message ?? ''}`;
        tooltip.appendMarkdown(`Shared corpus ${escape(c.url)}: ${escape(state)}\n\n`);
      }
      if (s.errors > 0) tooltip.appendMarkdown(`$(warning) ${s.errors} error${s.errors === 1 ? '' : 's'} reading the library (the Problems view lists them with the warnings)\n\n`);
      const hints = uncitedClaimHints();
      if (hints) tooltip.appendMarkdown(`${escape(hints)}\n\n`);
      if (s.embeddings.state === 'off' && !this.hasSemanticRuntime()) tooltip.appendMarkdown(`Semantic search: off — ${escape(this.semanticRuntimeMissing())}\n\n`);
      else {
        const off = s.embeddings.state === 'off' ? ' — *LitLens: Enable Semantic Search* turns it on' : '';
        tooltip.appendMarkdown(`Semantic search: ${escape(embeddingText(s.embeddings))}${off}\n\n`);
      }
      if (s.message) tooltip.appendMarkdown(`${escape(s.message)}\n\n`);
      if (s.cache) tooltip.appendMarkdown(`Cache: ${cacheText(s.cache)} (litlens.cacheLimit)\n\n`);
    }
    if (!vscode.workspace.isTrusted) tooltip.appendMarkdown('\n\n$(shield) Untrusted workspace: bundled corpus only.');
    tooltip.appendMarkdown('\n\nClick for LitLens commands.');
    item.tooltip = tooltip;
    item.accessibilityInformation = { label: item.text.replace(/\$\([^)]*\)\s*/g, '') + ' — LitLens menu', role: 'button' };
    item.show();
  }
}

/**
 * "3 sentences of paper.tex cite nothing although a paper is close to each: …" for the active
 * document; with the default severity (hint: three dots, not in the Problems view) it says how to list them.
 */
function uncitedClaimHints(): string | null {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) return null;
  const count = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'litlens' && (typeof d.code === 'object' ? d.code.value : d.code) === 'uncited-claim').length;
  if (count === 0) return null;
  const name = path.basename(doc.uri.fsPath);
  const claims = `${count} sentence${count === 1 ? '' : 's'} of ${name} cite${count === 1 ? 's' : ''} nothing although a paper is close to ${count === 1 ? 'it' : 'each'}`;
  const where = settings(doc.uri).uncitedClaims === 'hint' ? ` (three dots under ${count === 1 ? 'it' : 'each'}; "litlens.uncitedClaims": "information" lists them in the Problems view)` : '';
  return `Uncited claims: ${claims}${where}. A hint may name a paper cited elsewhere in the document; Find Uncited Related Papers lists the close papers it cites nowhere.`;
}

/** "12,345 papers, 40%": a corpus being indexed, for the status bar. */
export function corpusProgress(c: NonNullable<Status['corpus']>): string {
  const percent = c.totalBytes ? `, ${Math.round((100 * (c.bytes ?? 0)) / c.totalBytes)}%` : '';
  return `corpus ${c.papers.toLocaleString('en')}${percent}`;
}

/** Zotero's state in words (plain text), for the tooltip. */
export function zoteroText(z: NonNullable<Status['zotero']>): string {
  if (z.state === 'reading') return 'reading… (the other libraries answer meanwhile)';
  return `${z.state === 'error' ? 'not read' : `${z.papers.toLocaleString('en')} papers`}${z.message ? ` — ${z.message}` : ''}`;
}

/** The corpora's state in words (plain text), for the tooltip. */
export function corpusText(c: NonNullable<Status['corpus']>): string {
  const filtered = c.filtered ? ` (${c.filtered.toLocaleString('en')} outside litlens.corpusCategories)` : '';
  const percent = c.totalBytes ? ` (${Math.round((100 * (c.bytes ?? 0)) / c.totalBytes)}% read)` : '';
  const what = c.state === 'indexing' ? `indexing… ${c.papers.toLocaleString('en')} papers so far${percent}` : c.state === 'error' ? 'failed' : `${c.papers.toLocaleString('en')} papers`;
  return `${what}${filtered}${c.message ? ` — ${c.message}` : ''}`;
}

/** Semantic search's state in words (plain text): the tooltip, the download progress, messages. */
export function embeddingText(e: Status['embeddings']): string {
  const progress = e.total ? ` ${e.done ?? 0}/${e.total}` : '';
  switch (e.state) {
    case 'off':
      return 'off';
    case 'loading':
      // done/total: the download of the model's current file, in percent.
      if (e.total) return `loading the model: ${e.message ?? 'downloading'} (${Math.round((100 * (e.done ?? 0)) / e.total)}%)…`;
      return `loading the model${e.message ? ` (${e.message})` : ''}…`;
    case 'embedding':
      return `embedding the library${progress}…`;
    case 'ready':
      return 'on';
    case 'failed':
      return `failed${e.message ? ` (${e.message})` : ''}`;
  }
}

function escape(text: string): string {
  return text.replace(/([\\`*_{}[\]<>#|~])/g, '\\$1');
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
