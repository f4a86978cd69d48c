// A minimal LSP client for the protocol suite: starts the real server over stdio and speaks
// JSON-RPC with vscode-jsonrpc. It waits for notifications; it never sleeps.
import { strict as assert } from 'node:assert';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { SERVER_ENV } from '../../server/src/protocol';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Builds dist/ once per test run (the suite exercises the bundled server, as editors do). */
let built: Promise<void> | undefined;
export function buildOnce(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`esbuild.mjs exited with ${code}`))));
  });
  return built;
}

/** Copies a fixture workspace to a fresh temp folder so tests may write into it. */
export function tempWorkspace(fixture: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `litlens-${fixture}-`));
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', fixture), dir, { recursive: true });
  return fs.realpathSync(dir);
}

export const uriOf = (file: string): string => pathToFileURL(file).href;

/** litlens.zotero is "auto": a test server must not read the Zotero of the machine it runs on (no API answers on port 9, no data directory there). */
export const NO_ZOTERO = { LITLENS_ZOTERO_API: 'http://127.0.0.1:9/api/', LITLENS_ZOTERO_DIR: path.join(os.tmpdir(), 'litlens-no-zotero') };

interface Waiter {
  method: string;
  predicate: (params: any) => boolean;
  resolve: (params: any) => void;
}

export class TestClient {
  readonly notifications: { method: string; params: any }[] = [];
  readonly serverRequests: { method: string; params: any }[] = [];
  /** What workspace/configuration answers (the "litlens" section). */
  settings: Record<string, unknown> = {};
  private waiters: Waiter[] = [];
  private requestWaiters: Waiter[] = [];
  private stderr = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  /**
   * `node dist/cli.js lsp --stdio`, as Neovim or Emacs start it, in the environment the VS Code client
   * gives the server (SERVER_ENV); by default it finds no Zotero (NO_ZOTERO).
   */
  static start(args: string[] = [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', '--stdio'], env: NodeJS.ProcessEnv = { ...NO_ZOTERO, ...SERVER_ENV, ...process.env }): TestClient {
    const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    return TestClient.attach(proc, createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!)));
  }

  /** `dist/server.js --node-ipc`, as the VS Code client forks it. */
  static startIpc(): TestClient {
    const proc = fork(path.join(repoRoot, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...NO_ZOTERO, ...SERVER_ENV, ...process.env } });
    return TestClient.attach(proc, createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc)));
  }

  private static attach(proc: ChildProcess, connection: MessageConnection): TestClient {
    const client = new TestClient(proc, connection);
    proc.stderr!.on('data', (d: Buffer) => (client.stderr += d.toString()));
    connection.onNotification((method, params) => {
      client.notifications.push({ method, params });
      for (const w of [...client.waiters]) {
        if (w.method === method && w.predicate(params)) {
          client.waiters.splice(client.waiters.indexOf(w), 1);
          w.resolve(params);
        }
      }
    });
    // vscode-jsonrpc routes $/progress by token; record it like any other notification.
    connection.onUnhandledProgress((params) => client.notifications.push({ method: '$/progress', params }));
    connection.onRequest((method, params: any) => {
      client.serverRequests.push({ method, params });
      for (const w of [...client.requestWaiters]) if (w.method === method) (client.requestWaiters.splice(client.requestWaiters.indexOf(w), 1), w.resolve(params));
      if (method === 'workspace/configuration') return (params.items as { section?: string }[]).map((i) => (i.section === 'litlens' ? client.settings : null));
      if (method === 'workspace/workspaceFolders') return null;
      if (method === 'workspace/applyEdit') return { applied: false };
      return null; // client/registerCapability, window/workDoneProgress/create, …
    });
    connection.listen();
    return client;
  }

  get log(): string {
    return this.stderr;
  }

  /** Resolves with the first notification (already received or future) that matches. */
  waitFor<T = any>(method: string, predicate: (params: T) => boolean = () => true, timeoutMs = 15000): Promise<T> {
    const seen = this.notifications.find((n) => n.method === method && predicate(n.params));
    if (seen) return Promise.resolve(seen.params);
    return this.waitForNext(method, predicate, timeoutMs);
  }

  /** Resolves with the next matching notification, ignoring those already received. */
  waitForNext<T = any>(method: string, predicate: (params: T) => boolean = () => true, timeoutMs = 15000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${method} notification within ${timeoutMs} ms; server stderr:\n${this.stderr}`));
      }, timeoutMs);
      const waiter: Waiter = {
        method,
        predicate,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves with the params of the next request the server sends with this method (e.g. workspace/codeLens/refresh). */
  waitForServerRequest(method: string, timeoutMs = 15000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} request within ${timeoutMs} ms`)), timeoutMs);
      this.requestWaiters.push({ method, predicate: () => true, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  request<R = any>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  async initialize(folder: string, initializationOptions: unknown = {}, capabilities: Record<string, unknown> = defaultCapabilities): Promise<any> {
    const result = await this.request('initialize', {
      processId: process.pid,
      rootUri: uriOf(folder),
      workspaceFolders: [{ uri: uriOf(folder), name: path.basename(folder) }],
      capabilities,
      initializationOptions,
    });
    await this.notify('initialized', {});
    return result;
  }

  open(file: string, languageId: string, text = fs.readFileSync(file, 'utf8'), version = 1): Promise<void> {
    return this.notify('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version, text } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      await this.notify('exit', null);
    } catch {
      // already gone
    }
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    const kill = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(kill);
    this.connection.dispose();
  }
}

export const defaultCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
    didChangeConfiguration: { dynamicRegistration: true },
    executeCommand: { dynamicRegistration: false },
    applyEdit: true,
  },
  window: { workDoneProgress: true },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] }, contextSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeLens: {},
    definition: { linkSupport: false },
    publishDiagnostics: { relatedInformation: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
  },
};

/** Writes and opens `tex` citing `key`, and hovers the key: the hover card's markdown. */
export async function hoverCitedKey(client: TestClient, tex: string, key: string): Promise<string> {
  const text = `\\documentclass{article}\n\\begin{document}\nAs shown before~\\cite{${key}}.\n\\bibliography{refs}\n\\end{document}\n`;
  fs.writeFileSync(tex, text);
  await client.open(tex, 'latex', text);
  const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri: uriOf(tex) }, position: positionOf(text, key, 3) });
  return hover.contents.value;
}

/** Text as a markdown card shows it (its markdown characters escaped). */
export const asMarkdown = (text: string): string => text.replace(/([\\`*_{}[\]<>#|~])/g, '\\$1');

/** The card shows the paper's whole entry: the start of its abstract, its DOI and year. */
export function assertWholeEntry(card: string, paper: { abstract?: string; doi?: string; year?: number }): void {
  assert.ok(card.includes(asMarkdown(paper.abstract!.slice(0, 40))), card);
  assert.ok(card.includes(paper.doi!), card);
  assert.ok(card.includes(String(paper.year)), card);
}

/**
 * Has the server add `key`'s entry to `bib` (litlens.ensureInBibliography for `tex`), asserting that
 * it was added and that no existing byte changed: the entry written, and a reader of its fields.
 */
export async function addedEntry(client: TestClient, tex: string, bib: string, key: string): Promise<{ entry: string; field: (name: string) => string | undefined }> {
  const before = fs.readFileSync(bib, 'utf8');
  const result = await client.request<{ file: string; added: boolean }>('workspace/executeCommand', { command: 'litlens.ensureInBibliography', arguments: [uriOf(tex), key] });
  assert.deepEqual(result, { file: bib, added: true });
  const after = fs.readFileSync(bib, 'utf8');
  assert.ok(after.startsWith(before), 'no existing byte changed');
  const entry = after.slice(before.length);
  return { entry, field: (name) => new RegExp(`^\\s*${name}\\s*=\\s*\\{(.*)\\},?$`, 'm').exec(entry)?.[1] };
}

/** Position (line, character) of the first occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`fixture does not contain ${JSON.stringify(needle)}`);
  const offset = at + delta;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}
