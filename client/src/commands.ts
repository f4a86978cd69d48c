// The LitLens commands. Each one runs through `ctx.guard`, so a failure (or a server that is
// down) becomes one clear message instead of a silent no-op.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shortAuthors, trimText } from '../../server/src/display';
import { RebuildIndexRequest, RelatedRequest, SearchRequest, ShowPapersCommand, type CitePlaceParams, type PaperSummary, type RelatedParams, type ShowPapersArgs } from '../../server/src/protocol';
import { Citer } from './citer';
import { GapsPanel } from './gapsPanel';
import { addLibraries, maxSuggestions } from './config';
import type { SemanticConsent } from './consent';
import type { LitLensContext } from './context';
import { SearchPanel, openEntry } from './searchPanel';

interface PaperItem extends vscode.QuickPickItem {
  paper: PaperSummary;
}

const copyButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy BibTeX' };
const openButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open entry' };

export function registerCommands(ctx: LitLensContext, consent: SemanticConsent): vscode.Disposable[] {
  const citer = new Citer(ctx);
  const register = (id: string, name: string, body: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => ctx.guard(name, () => body(...args)));

  /** A quick pick of papers: Enter cites, the item buttons copy BibTeX or open the entry. */
  async function pickPaper(
    title: string,
    initial: PaperSummary[],
    options: { placeholder: string; editor?: vscode.TextEditor; search?: boolean; passage?: Pick<CitePlaceParams, 'position' | 'scope'> },
  ): Promise<void> {
    const qp = vscode.window.createQuickPick<PaperItem>();
    qp.title = title;
    qp.placeholder = options.placeholder;
    qp.matchOnDescription = true;
    qp.items = initial.map(toItem);
    let seq = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<PaperSummary | undefined>((resolve) => {
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.paper);
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.onDidTriggerItemButton((e) => {
        if (e.button === copyButton) void ctx.guard('Copy BibTeX', async () => vscode.window.setStatusBarMessage(`$(check) ${await citer.copyBibtex(e.item.paper.key)}`, 4000));
        else void ctx.guard('Open Entry', () => openEntry(e.item.paper.file, e.item.paper.line));
      });
      if (options.search) {
        // Typed text searches the whole library; the server's ranking replaces VS Code's filter.
        qp.onDidChangeValue((value) => {
          clearTimeout(timer);
          const mine = ++seq;
          if (value.trim() === '') {
            qp.items = initial.map(toItem);
            return;
          }
          timer = setTimeout(async () => {
            qp.busy = true;
            try {
              const results = (await ctx.request(SearchRequest, { query: value, limit: maxSuggestions() * 2 })) ?? [];
              if (mine === seq) qp.items = results.map(toItem);
            } catch (err) {
              if (mine === seq) qp.items = [];
              ctx.output.warn(`search: ${err instanceof Error ? err.message : String(err)}`);
            } finally {
              if (mine === seq) qp.busy = false;
            }
          }, 150);
        });
      }
    });
    qp.show();
    const paper = await done;
    clearTimeout(timer);
    qp.dispose();
    if (!paper) return;
    const said = await citer.insert(paper.key, { editor: options.editor, passage: options.passage });
    vscode.window.setStatusBarMessage(`$(check) ${said}`, 5000);
  }

  function requireEditor(): vscode.TextEditor {
    const editor = citer.target();
    if (!editor) throw new Error('open a LaTeX or Markdown document first.');
    return editor;
  }

  return [
    citer,
    SearchPanel.restoreOnReload(ctx, citer),
    register('litlens.searchPapers', 'Search Papers', () => {
      const editor = vscode.window.activeTextEditor;
      const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).replace(/\s+/g, ' ').trim() : '';
      SearchPanel.show(ctx, citer, selected.slice(0, 300) || undefined);
    }),

    register('litlens.findUncitedPapers', 'Find Uncited Related Papers', async (scope?: unknown) => {
      const editor = requireEditor();
      const chosen =
        scope === 'document' || scope === 'section'
          ? scope
          : (
              await vscode.window.showQuickPick(
                [
                  { label: 'Whole document', scope: 'document' as const },
                  { label: 'Section at the cursor', scope: 'section' as const },
                ],
                { placeHolder: 'Find uncited related papers for…' },
              )
            )?.scope;
      if (chosen) await GapsPanel.show(ctx, citer, editor, chosen);
    }),

    register('litlens.showRelated', 'Show Related Papers', async () => {
      const editor = requireEditor();
      const selection = editor.selection;
      const params: RelatedParams = selection.isEmpty
        ? {
            uri: editor.document.uri.toString(),
            position: { line: selection.active.line, character: selection.active.character },
            scope: 'paragraph',
            limit: maxSuggestions(editor.document.uri),
          }
        : { text: editor.document.getText(selection), limit: maxSuggestions(editor.document.uri) };
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'LitLens: finding related papers…' },
        () => ctx.request(RelatedRequest, params),
      );
      if (!results || results.length === 0) {
        void vscode.window.showInformationMessage(
          `LitLens: no papers are related closely enough to this ${selection.isEmpty ? 'paragraph' : 'selection'} (litlens.relatedThreshold).`,
        );
        return;
      }
      await pickPaper(`Papers related to this ${selection.isEmpty ? 'paragraph' : 'selection'}`, results, {
        placeholder: 'Enter cites it in this paragraph',
        editor,
        passage: selection.isEmpty ? { position: params.position!, scope: 'paragraph' } : undefined,
      });
    }),

    register('litlens.insertCitation', 'Insert Citation', async () => {
      const editor = requireEditor();
      const pos = editor.selection.active;
      const params: RelatedParams = {
        uri: editor.document.uri.toString(),
        position: { line: pos.line, character: pos.character },
        limit: maxSuggestions(editor.document.uri),
        threshold: 0, // a ranking of the library, not only the closely related papers
      };
      // Nothing related: the library ranked by the current line instead.
      const ranked = await citer.papersFor(params, editor.document.lineAt(pos.line).text.trim());
      await pickPaper('Insert Citation', ranked, {
        placeholder: ranked.length ? 'Ranked by the current sentence; type to search' : 'Type to search the library',
        editor,
        search: true,
      });
    }),

    register('litlens.rebuildIndex', 'Rebuild Index', async () => {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'LitLens: rebuilding the index…' }, () =>
        ctx.request(RebuildIndexRequest),
      );
      const s = ctx.status;
      vscode.window.setStatusBarMessage(`$(check) LitLens: index rebuilt${s ? ` (${s.papers} papers)` : ''}`, 5000);
    }),

    register('litlens.addLibrary', 'Add Library File or Folder', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      const picked = await vscode.window.showOpenDialog({
        title: 'Add a BibTeX or CSL-JSON library (file or folder)',
        openLabel: 'Add to LitLens',
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: true,
        defaultUri: folder?.uri,
        filters: { 'Bibliographies': ['bib', 'bibtex', 'json'], 'All files': ['*'] },
      });
      if (!picked || picked.length === 0) return;
      const paths = picked.map((uri) => {
        const owner = vscode.workspace.getWorkspaceFolder(uri);
        return owner ? path.relative(owner.uri.fsPath, uri.fsPath) || '.' : uri.fsPath;
      });
      const added = await addLibraries(paths, folder);
      const trustNote = vscode.workspace.isTrusted ? '' : ' It is read once you trust this workspace.';
      void vscode.window.showInformationMessage(
        added.length ? `LitLens: added ${added.join(', ')} to litlens.libraries.${trustNote}` : 'LitLens: already in litlens.libraries.',
      );
    }),

    register('litlens.enableSemanticSearch', 'Enable Semantic Search', () => consent.enable()),
    register('litlens.showOutput', 'Show Output', () => ctx.output.show()),
    register('litlens.restartServer', 'Restart Server', () => ctx.restart()),

    register('litlens.showMenu', 'Show Menu', async () => {
      const entries: (vscode.QuickPickItem & { command: string })[] = [
        { label: '$(search) Search Papers', command: 'litlens.searchPapers' },
        { label: '$(quote) Insert Citation', command: 'litlens.insertCitation', description: process.platform === 'darwin' ? '⌥⌘C' : 'Ctrl+Alt+C' },
        { label: '$(references) Show Related Papers', command: 'litlens.showRelated' },
        { label: '$(refresh) Rebuild Index', command: 'litlens.rebuildIndex' },
        { label: '$(add) Add Library File or Folder', command: 'litlens.addLibrary' },
        { label: '$(output) Show Output', command: 'litlens.showOutput' },
        ...(ctx.status?.embeddings.state === 'off' || ctx.status?.embeddings.state === 'failed'
          ? [{ label: '$(sparkle) Enable Semantic Search', command: 'litlens.enableSemanticSearch' }]
          : []),
        { label: '$(debug-restart) Restart Server', command: 'litlens.restartServer' },
      ];
      const s = ctx.status;
      const pick = await vscode.window.showQuickPick(entries, {
        title: s ? `LitLens — ${s.papers} papers from ${s.sources} sources${s.errors ? `, ${s.errors} error${s.errors === 1 ? '' : 's'}` : ''}` : 'LitLens',
        placeHolder: 'Choose a LitLens command',
      });
      if (pick) await vscode.commands.executeCommand(pick.command);
    }),

    register(ShowPapersCommand, 'Show Papers', async (...args: unknown[]) => {
      const { uri, papers, position, scope, count } = await papersFromLensArgs(ctx, args);
      if (papers.length === 0) return;
      const editor = uri ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri) : undefined;
      // The lens's number: every paper past the bar; the list holds the best of them.
      const n = count ?? papers.length;
      await pickPaper(`${n} related paper${n === 1 ? '' : 's'}${n > papers.length ? `, the best ${papers.length}` : ''}`, papers, {
        // Short enough for the quick pick's width; the buttons have their own tooltips.
        placeholder: position ? 'Enter cites it in the paragraph below the lens' : 'Enter cites it at the cursor',
        editor: editor ?? (uri ? await vscode.window.showTextDocument(vscode.Uri.parse(uri)) : citer.target()),
        passage: position ? { position, scope } : undefined,
      });
    }),
  ];

  function toItem(p: PaperSummary): PaperItem {
    return {
      paper: p,
      label: p.title,
      description: [p.key, p.year ? String(p.year) : '', shortAuthors(p.authors, p.moreAuthors)].filter(Boolean).join(' · '),
      detail: p.abstract ? trimText(p.abstract, 160) : p.source,
      buttons: [copyButton, openButton],
      alwaysShow: true,
    };
  }
}

/** The lens passes `[ShowPapersArgs]`; a bare `string[]` of keys is looked up by search. */
async function papersFromLensArgs(ctx: LitLensContext, args: unknown[]): Promise<Partial<ShowPapersArgs> & { papers: PaperSummary[] }> {
  const first = args[0];
  if (first && typeof first === 'object' && !Array.isArray(first) && Array.isArray((first as ShowPapersArgs).papers)) return first as ShowPapersArgs;
  const keys = (Array.isArray(first) ? first : args).filter((k): k is string => typeof k === 'string');
  const papers: PaperSummary[] = [];
  for (const key of keys) {
    const hits = (await ctx.request(SearchRequest, { query: key, limit: 5 })) ?? [];
    const hit = hits.find((h) => h.key === key);
    papers.push(hit ?? { key, title: key, authors: [], source: '', file: '', line: 0 });
  }
  return { papers };
}
