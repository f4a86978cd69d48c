// The search panel: a locked-down webview (media/panel.js) that searches the library as you type
// and inserts citations into the last text editor the writer used. A serializer brings it back,
// with its query and results (the webview's setState), after a window reload.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { shortAuthors } from '../../server/src/display';
import { LibraryInfoRequest, SearchRequest, type SearchParams, type SearchResult } from '../../server/src/protocol';
import type { Citer } from './citer';
import { ServerDownError, message, type LitLensContext } from './context';
import type { FromPanel, PanelResult, ToPanel } from './panelMessages';

export class SearchPanel implements vscode.Disposable {
  static readonly viewType = 'litlens.search';
  private static current: SearchPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the panel (or reveals it) and, when given, searches for `query`. */
  static show(ctx: LitLensContext, citer: Citer, query?: string): SearchPanel {
    if (SearchPanel.current) {
      SearchPanel.current.panel.reveal(undefined, false);
      if (query) void SearchPanel.current.post({ type: 'setQuery', query });
      return SearchPanel.current;
    }
    const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      SearchPanel.viewType,
      'LitLens: Search',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      { ...webviewOptions(media), retainContextWhenHidden: false, enableFindWidget: true },
    );
    SearchPanel.current = new SearchPanel(panel, ctx, citer, media, query);
    return SearchPanel.current;
  }

  /** Restores the panel VS Code kept over a window reload; its script shows the query and results it saved. */
  static restoreOnReload(ctx: LitLensContext, citer: Citer): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(SearchPanel.viewType, {
      deserializeWebviewPanel: async (panel) => {
        const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
        panel.webview.options = webviewOptions(media);
        SearchPanel.current?.dispose();
        SearchPanel.current = new SearchPanel(panel, ctx, citer, media, undefined);
      },
    });
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly ctx: LitLensContext,
    private readonly citer: Citer,
    private readonly media: vscode.Uri,
    /** A query to show once the script says it is ready (the first time only). */
    private pendingQuery: string | undefined,
  ) {
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromPanel) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      // Library changes (a .bib edited, the index rebuilt) refresh the filters.
      ctx.onDidChangeStatus((s) => {
        if (!s || s.state === 'ready') void this.sendInfo();
      }),
      // The panel says where "Insert citation" writes, and that document's field orders the sources: follow the writer between documents.
      vscode.window.onDidChangeActiveTextEditor(() => void this.sendInfo()),
    );
  }

  dispose(): void {
    SearchPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private post(message: ToPanel): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async receive(m: FromPanel): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.sendInfo();
        if (this.pendingQuery) {
          await this.post({ type: 'setQuery', query: this.pendingQuery });
          this.pendingQuery = undefined;
        }
        return;
      case 'search': {
        if (m.query.trim() === '') {
          await this.post({ type: 'results', seq: m.seq, results: [] });
          return;
        }
        const params: SearchParams = {
          query: m.query,
          limit: 50,
          sources: m.sources.length > 0 ? m.sources : undefined,
          uri: this.citer.target()?.document.uri.toString(),
          yearFrom: m.yearFrom,
          yearTo: m.yearTo,
        };
        try {
          const results = await this.ctx.request(SearchRequest, params);
          await this.post({ type: 'results', seq: m.seq, results: forPanel(results ?? []) });
        } catch (err) {
          await this.post({ type: 'results', seq: m.seq, results: [], error: describe(err) });
        }
        return;
      }
      case 'similar': {
        try {
          // A ranking (threshold 0) of papers like this one, itself left out; by search when nothing is related.
          const results = await this.citer.papersFor({ text: m.text, limit: 31, threshold: 0 }, m.text, m.key);
          await this.post({ type: 'similar', title: m.title, results: forPanel(results.slice(0, 30)) });
        } catch (err) {
          await this.post({ type: 'similar', title: m.title, results: [], error: describe(err) });
        }
        return;
      }
      case 'insert':
        await this.ctx.guard('Insert Citation', async () => {
          const done = await this.citer.insert(m.key, { preserveFocus: true });
          if (done) await this.post({ type: 'notice', kind: 'info', text: done });
        });
        return;
      case 'copyBibtex':
        await this.ctx.guard('Copy BibTeX', async () => {
          await this.post({ type: 'notice', kind: 'info', text: await this.citer.copyBibtex(m.key) });
        });
        return;
      case 'openEntry':
        await this.ctx.guard('Open Entry', () => openEntry(m.file, m.line));
        return;
    }
  }

  private async sendInfo(): Promise<void> {
    const targetName = this.targetName();
    try {
      const info = await this.ctx.request(LibraryInfoRequest, { uri: this.citer.target()?.document.uri.toString() });
      await this.post({ type: 'info', info, target: targetName });
    } catch (err) {
      await this.post({ type: 'info', info: null, target: targetName, serverDown: describe(err) });
    }
  }

  private targetName(): string | null {
    const target = this.citer.target();
    return target ? vscode.workspace.asRelativePath(target.document.uri) : null;
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.media, {
      script: 'panel.js',
      title: 'LitLens: Search',
      body: `<main>
    <form id="search-form" role="search" aria-label="Search the library">
      <input id="query" type="search" placeholder="Search titles, abstracts, authors, keys…" aria-label="Search papers" autocomplete="off" spellcheck="false">
      <div class="filters">
        <label for="source">Source</label>
        <select id="source" aria-label="Filter by source"><option value="">All sources</option></select>
        <span id="years" class="years">
          <label for="year-from">Years</label>
          <input id="year-from" class="year" type="number" inputmode="numeric" placeholder="from" aria-label="From year">
          <span aria-hidden="true">–</span>
          <input id="year-to" class="year" type="number" inputmode="numeric" placeholder="to" aria-label="To year">
        </span>
      </div>
    </form>
    <div id="summary" class="summary" role="status" aria-live="polite"></div>
    <div id="notice" class="notice" role="alert" hidden></div>
    <ul id="results" class="results" role="listbox" aria-label="Papers" tabindex="0"></ul>
    <p class="hint">↑/↓ choose a paper · Enter inserts its citation · Tab reaches its buttons (cite, copy BibTeX, similar papers, open entry)</p>
  </main>`,
    });
  }
}

/** A locked-down page for a LitLens webview: CSP default-src 'none', the media/ style sheet, one script with a nonce. */
export function webviewPage(webview: vscode.Webview, media: vscode.Uri, page: { script: string; title: string; body: string }): string {
  const nonce = makeNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, page.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
  const csp = `default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link href="${style}" rel="stylesheet">
  <title>${page.title}</title>
</head>
<body>
  ${page.body}
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/** Opens a paper's entry (a .bib line, or the corpus file) in an editor. */
export async function openEntry(file: string, line: number): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
}

/** Results with the author line the panel shows, "Smith et al." (the webview script imports nothing). */
function forPanel(results: SearchResult[]): PanelResult[] {
  return results.map((r) => ({ ...r, authorsText: shortAuthors(r.authors, r.moreAuthors) }));
}

/** Scripts on, resources only from media/. */
export function webviewOptions(media: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [media] };
}

function describe(err: unknown): string {
  return err instanceof ServerDownError ? err.message : `LitLens: ${message(err)}`;
}

function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}
