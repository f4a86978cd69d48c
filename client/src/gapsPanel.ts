// The gap report panel ("LitLens: Find Uncited Related Papers"): a locked-down webview
// (media/gaps.js) listing the papers of the libraries the document does not cite, closest first,
// each with the section and paragraph it matches (a link to that line), its card, and actions:
// cite it there (through the Citer, at the paragraph's sentence closest to the paper) and copy
// its BibTeX. One panel; asking again for another document or section refreshes it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shortAuthors } from '../../server/src/display';
import { GapsRequest, type Gap } from '../../server/src/protocol';
import type { Citer } from './citer';
import { ServerDownError, message, type LitLensContext } from './context';
import type { FromGaps, GapRow, ToGaps } from './gapsMessages';
import { openEntry, webviewOptions, webviewPage } from './searchPanel';

export type GapScope = 'document' | 'section';

export class GapsPanel implements vscode.Disposable {
  static readonly viewType = 'litlens.gaps';
  private static current: GapsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private rows: GapRow[] = [];
  private ready = false;
  private last: ToGaps | undefined;

  /** Opens (or reveals) the panel and fills it with the report for `editor`'s document (or the section at its cursor). */
  static async show(ctx: LitLensContext, citer: Citer, editor: vscode.TextEditor, scope: GapScope): Promise<void> {
    let panel = GapsPanel.current;
    if (!panel) {
      const media = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media');
      const webview = vscode.window.createWebviewPanel(GapsPanel.viewType, 'LitLens: Uncited Related Papers', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        ...webviewOptions(media),
        retainContextWhenHidden: true,
      });
      panel = GapsPanel.current = new GapsPanel(webview, ctx, citer, media);
    } else panel.panel.reveal(undefined, true);
    await panel.load(editor, scope);
  }

  private editor: vscode.TextEditor | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly ctx: LitLensContext,
    private readonly citer: Citer,
    private readonly media: vscode.Uri,
  ) {
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromGaps) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    GapsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private async load(editor: vscode.TextEditor, scope: GapScope): Promise<void> {
    this.editor = editor;
    const name = path.basename(editor.document.fileName);
    const pos = editor.selection.active;
    let gaps: Gap[] = [];
    let error: string | undefined;
    try {
      gaps = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'LitLens: finding uncited related papers…' }, () =>
        this.ctx.request(GapsRequest, { textDocument: { uri: editor.document.uri.toString() }, position: { line: pos.line, character: pos.character }, scope }),
      );
    } catch (err) {
      error = err instanceof ServerDownError ? err.message : `LitLens: ${message(err)}`;
    }
    this.rows = (gaps ?? []).map((g) => ({ ...g, authorsText: shortAuthors(g.authors, g.moreAuthors) }));
    await this.post({ type: 'gaps', title: scope === 'section' ? sectionTitle(this.rows, name) : name, rows: this.rows, error });
  }

  private post(m: ToGaps): Thenable<boolean> {
    if (m.type === 'gaps') this.last = m;
    return this.ready ? this.panel.webview.postMessage(m) : Promise.resolve(false);
  }

  private async receive(m: FromGaps): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) await this.panel.webview.postMessage(this.last);
        return;
      case 'cite': {
        const row = this.rows[m.index];
        if (!row) return;
        await this.ctx.guard('Cite It There', async () => {
          const editor = await this.documentEditor();
          const done = await this.citer.insert(row.key, { editor, preserveFocus: true, passage: { position: row.passage.start, scope: 'paragraph' } });
          // Cited now: the paper leaves the report, the rest stay where they were.
          this.rows = this.rows.filter((r) => r !== row);
          if (this.last?.type === 'gaps') await this.post({ ...this.last, rows: this.rows });
          await this.post({ type: 'notice', kind: 'info', text: done });
        });
        return;
      }
      case 'copyBibtex':
        await this.ctx.guard('Copy BibTeX', async () => {
          await this.post({ type: 'notice', kind: 'info', text: await this.citer.copyBibtex(m.key) });
        });
        return;
      case 'reveal': {
        const row = this.rows[m.index];
        if (!row) return;
        await this.ctx.guard('Show Passage', async () => {
          const editor = await this.documentEditor();
          const at = new vscode.Position(row.passage.start.line, row.passage.start.character);
          const end = new vscode.Position(row.passage.end.line, row.passage.end.character);
          editor.selection = new vscode.Selection(at, at);
          editor.revealRange(new vscode.Range(at, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        });
        return;
      }
      case 'openEntry':
        await this.ctx.guard('Open Entry', () => openEntry(m.file, m.line));
        return;
    }
  }

  /** The editor of the document the report is about, shown again when it was closed or hidden. */
  private async documentEditor(): Promise<vscode.TextEditor> {
    const doc = this.editor?.document;
    if (!doc) throw new Error('the document of this report is gone; run Find Uncited Related Papers again.');
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    this.editor = visible ?? (await vscode.window.showTextDocument(doc, { viewColumn: this.editor?.viewColumn, preserveFocus: true }));
    return this.editor;
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.media, {
      script: 'gaps.js',
      title: 'LitLens: Uncited Related Papers',
      body: `<main>
    <div id="summary" class="summary" role="status" aria-live="polite">Finding uncited related papers…</div>
    <div id="notice" class="notice" role="alert" hidden></div>
    <ul id="results" class="results gaps" aria-label="Uncited related papers"></ul>
    <p id="explain" class="hint" hidden>Each paper is listed with the section and paragraph it is closest to: the line opens that paragraph; "Cite it there" cites it in that paragraph.</p>
  </main>`,
    });
  }
}

/** The section report's subject: "§ Methods of paper.tex" when its rows all name one section, else "the section at the cursor in paper.tex". */
function sectionTitle(rows: readonly GapRow[], name: string): string {
  const one = rows[0]?.section;
  return one && rows.every((r) => r.section === one) ? `§ ${one} of ${name}` : `the section at the cursor in ${name}`;
}
