// The LitLens language server: wiring only. Each handler takes a context from the session
// (lsp/session.ts), asks one feature (features/) and converts its plain answer (lsp/convert.ts).
// Started over IPC by the VS Code client (dist/server.js) and over stdio by `litlens lsp --stdio`;
// importing it starts nothing.
import { CodeActionKind, TextDocumentSyncKind, createConnection, type Connection, type InitializeResult, type Position, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { version } from '../../package.json';
import { citePlace } from './features/citePlace';
import { codeActions } from './features/codeActions';
import { completion } from './features/completion';
import { resolveCompletion } from './features/completionResolve';
import { definition } from './features/definition';
import { hover } from './features/hover';
import { references } from './features/references';
import { related } from './features/related';
import { gapReport } from './features/gaps';
import { prepareRename, rename } from './features/rename';
import { claimFixes } from './features/uncitedClaims';
import { bibtex, libraryInfo, search } from './features/search';
import type { LensRef } from './features/codeLens';
import * as lsp from './lsp/convert';
import { Session } from './lsp/session';
import { BibtexRequest, CitePlaceRequest, EnsureInBibliographyCommand, EnsureInBibliographyRequest, GapsRequest, LibraryInfoRequest, type GapsParams, RebuildIndexRequest, RelatedRequest, SearchRequest } from './protocol';
import type { FeatureContext } from './workspace/project';

/** `{` and `,` in \cite{a,b}; `@` and `[` in pandoc. Not space: it would query on every word typed. */
export const TRIGGER_CHARACTERS = ['{', ',', '@', '['];

const capabilities: InitializeResult = {
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { triggerCharacters: TRIGGER_CHARACTERS, resolveProvider: true },
    hoverProvider: true,
    definitionProvider: true,
    codeLensProvider: { resolveProvider: true },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    executeCommandProvider: { commands: [EnsureInBibliographyCommand] },
    referencesProvider: true,
    renameProvider: { prepareProvider: true },
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  },
  serverInfo: { name: 'litlens', version },
};

export function startServer(connection: Connection = createConnection()): Connection {
  const s = new Session(connection);
  /** A handler on an open LaTeX/Markdown document, at its position (or range start); `empty` for any other document.
   *  `cursor`: the position is the editor's cursor (completion, code actions), which diagnostics follow. */
  const on =
    <P extends { textDocument: { uri: string }; position?: Position; range?: Range }, R>(empty: R, answer: (ctx: FeatureContext, text: TextDocument, params: P) => R | Promise<R>, cursor = false) =>
    async (params: P): Promise<R> => {
      const found = await s.at(params.textDocument.uri, params.position ?? params.range?.start);
      if (found && cursor) s.cursor(found.ctx);
      return found ? answer(found.ctx, found.text, params) : empty;
    };

  connection.onInitialize((params) => (s.initialize(params), capabilities));
  connection.onInitialized(() => s.initialized());
  connection.onDidChangeConfiguration((change) => s.settingsChanged(change.settings));
  connection.onDidChangeWatchedFiles((params) => s.filesChanged(params.changes));

  /** A request on the keystroke path: background ranking waits while it is answered. */
  const keystroke =
    <P, R>(handler: (params: P) => Promise<R>) =>
    (params: P): Promise<R> =>
      s.keystrokes.answer(() => handler(params));

  connection.onCompletion(keystroke(on(null, (ctx, text) => lsp.toCompletionList(completion(ctx), text, (key) => !!ctx.library?.inStore(key)), true)));
  connection.onCompletionResolve(async (item) =>
    lsp.isCompletionData(item.data) ? lsp.resolvedCompletion(item, await resolveCompletion((await s.library()).library, item.data.key, item.data.addsEntryTo)) : item,
  );
  connection.onHover(keystroke(on(null, async (ctx, text) => lsp.toHover(await hover(ctx), text))));
  connection.onDefinition(on(null, (ctx) => lsp.toDefinition(definition(ctx))));
  const lenses = on([], (ctx, text) => s.lenses.list(ctx).map((l) => lsp.toCodeLens(l, text)));
  connection.onCodeLens(async (params) => (await s.lensesReady(), lenses(params)));
  connection.onCodeLensResolve(async (lens) => lsp.resolvedLens(lens, s.lenses.resolve(await s.library(), lens.data as LensRef | undefined)));
  connection.onReferences(on(null, async (ctx, _, p) => lsp.toLocations(await references(ctx, s.openDocs(), p.context.includeDeclaration))));
  connection.onPrepareRename(on(null, async (ctx, text) => lsp.toPrepareRename(await prepareRename(ctx), text)));
  connection.onRenameRequest(on(null, (ctx, _, p) => rename(ctx, s.openDocs(), p.newName).then((spans) => lsp.renameEdit(spans, p.newName), lsp.renameError)));
  connection.onCodeAction(
    on(
      [],
      (ctx, text, p) => [
        ...codeActions(ctx, ctx.offset, text.offsetAt(p.range.end)).map((fix) => lsp.toCodeAction(fix, text)),
        ...claimFixes(ctx, s.claims, ctx.offset, text.offsetAt(p.range.end)).map((fix) => lsp.claimAction(fix, text, ctx.config.uncitedClaims)),
      ],
      true,
    ),
  );
  connection.onExecuteCommand((params) => s.executeCommand(params));

  connection.onRequest(EnsureInBibliographyRequest, (params) => s.ensure(params.uri, params.key));
  // The panel's requests name the document citations go into: its field orders the sources (features/search.ts).
  const forPanel = (uri: string | undefined) => s.request(uri, uri ? { line: 0, character: 0 } : undefined);
  connection.onRequest(SearchRequest, async (params) => search(await forPanel(params.uri), params));
  connection.onRequest(RelatedRequest, async (params) => related(await s.request(params.uri, params.position), params));
  connection.onRequest(CitePlaceRequest, on(null, (ctx, text, p) => lsp.toCitePlace(citePlace(ctx, p.key, p.scope), text)));
  const gapList = on([], (ctx, text, p: GapsParams) => gapReport(ctx, p.scope, p.limit).map((g) => lsp.toGap(g, text)));
  connection.onRequest(GapsRequest, async (params) => (await s.library(undefined, 'index'), gapList(params)));
  connection.onRequest(BibtexRequest, async (params) => bibtex(await s.library(undefined, 'library'), params.key));
  connection.onRequest(RebuildIndexRequest, () => s.rebuild());
  connection.onRequest(LibraryInfoRequest, async (params) => libraryInfo(await forPanel(params?.uri)));
  connection.onShutdown(() => s.dispose());

  s.listen();
  connection.listen();
  return connection;
}

// Run directly (dist/server.js, forked by the VS Code client with --node-ipc): start. The CLI
// bundles this module too and starts it from `litlens lsp` instead.
if (require.main === module && /server\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) startServer();
