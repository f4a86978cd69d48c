// Citing from the client: the editor a citation goes into (the active one, else the last
// LaTeX/Markdown editor still open), where in it (the cursor; for a paper suggested for a passage,
// the end of its sentence in that passage unless the cursor is inside it), the citation and its
// bibliography entry, an entry's BibTeX for the clipboard, and the papers to choose from for a
// passage. The commands, the lens's quick pick and the search panel all cite through one Citer.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BibtexRequest, CitePlaceRequest, EnsureInBibliographyRequest, RelatedRequest, SearchRequest, type CitePlaceParams, type EnsureInBibliographyResult, type RelatedParams, type SearchResult } from '../../server/src/protocol';
import { citationText, citeCommand } from '../../server/src/documents/citationText';
import { isSupported, syntaxOf } from './config';
import type { LitLensContext } from './context';

/** Inserts citations into the text editor the writer used last (the panel takes focus away). */
export class Citer implements vscode.Disposable {
  private last: vscode.TextEditor | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly ctx: LitLensContext) {
    this.remember(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((e) => this.remember(e));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  /** The editor a citation goes into: the active one, else the last LaTeX/Markdown editor still open, else
   *  one on screen (after a window reload the panel may be the first thing the writer touches). */
  target(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && isSupported(active.document)) return active;
    if (this.last && !this.last.document.isClosed) return this.last;
    return vscode.window.visibleTextEditors.find((e) => isSupported(e.document));
  }

  /**
   * Cites `key` at the cursor and makes sure the bibliography has its entry; answers what happened.
   * `passage`: the paper was suggested for the passage at this position (a lens, Show Related
   * Papers): unless the cursor is inside that passage, the citation goes where the server says.
   */
  async insert(
    key: string,
    options: { preserveFocus?: boolean; editor?: vscode.TextEditor; passage?: Pick<CitePlaceParams, 'position' | 'scope'> } = {},
  ): Promise<string> {
    let editor = options.editor ?? this.target();
    if (!editor) throw new Error('open a LaTeX or Markdown document and place the cursor where the citation goes.');
    const syntax = syntaxOf(editor.document);
    if (!syntax) throw new Error(`${path.basename(editor.document.fileName)} is not a LaTeX or Markdown document.`);
    if (!vscode.window.visibleTextEditors.includes(editor)) {
      const selection = editor.selection;
      editor = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: options.preserveFocus, selection });
    } else if (!options.preserveFocus) {
      editor = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    }
    const doc = editor.document;
    const at = await this.placeFor(editor, key, options.passage);
    const offset = doc.offsetAt(at);
    const before = doc.getText(new vscode.Range(doc.positionAt(Math.max(0, offset - 500)), at));
    const after = doc.lineAt(at.line).text.slice(at.character);
    const text = citationText(before, after, key, syntax, syntax === 'latex' ? citeCommand(doc.getText()) : undefined);
    if (text === '') return `${key} is already cited here.`;
    const ok = await editor.edit((b) => b.insert(at, text));
    if (!ok) throw new Error(`could not edit ${path.basename(doc.fileName)}.`);
    const end = doc.positionAt(offset + text.length);
    editor.selection = new vscode.Selection(end, end);
    // Its lines, from their first column: revealing the citation itself scrolls a long line sideways.
    editor.revealRange(new vscode.Range(doc.positionAt(offset).line, 0, end.line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    const result = await this.ctx.request(EnsureInBibliographyRequest, { uri: doc.uri.toString(), key });
    const where = result?.file ? vscode.workspace.asRelativePath(result.file) : null;
    const said = result?.added && where ? `Cited ${key} and added its entry to ${where}.` : `Cited ${key}.`;
    this.ctx.output.info(said);
    if (result?.incomplete) void this.tellIncomplete(result.incomplete);
    if (result?.reason) {
      // The citation is undefined until the entry exists: say why it is not there.
      const why = `the entry for ${key} was not added: ${result.reason}`;
      this.ctx.output.warn(why);
      void vscode.window.showWarningMessage(`LitLens: ${why}`);
      return `Cited ${key}; ${why}.`;
    }
    return said;
  }

  /** The entry went in without authors or year: say so, and open it on request. */
  private async tellIncomplete(incomplete: NonNullable<EnsureInBibliographyResult['incomplete']>): Promise<void> {
    this.ctx.output.warn(incomplete.message);
    const choice = await vscode.window.showWarningMessage(`LitLens: ${incomplete.message}`, 'Open entry');
    if (choice !== 'Open entry') return;
    const line = Math.max(0, incomplete.line - 1);
    const at = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(incomplete.file), { selection: new vscode.Range(at, at) });
  }

  /** The cursor; for a paper suggested for a passage the cursor is not in, the place the server gives in that passage. */
  private async placeFor(editor: vscode.TextEditor, key: string, passage: Pick<CitePlaceParams, 'position' | 'scope'> | undefined): Promise<vscode.Position> {
    const cursor = editor.selection.active;
    if (!passage) return cursor;
    const place = await this.ctx.request(CitePlaceRequest, { textDocument: { uri: editor.document.uri.toString() }, key, ...passage });
    if (!place) return cursor;
    const range = new vscode.Range(position(place.passage.start), position(place.passage.end));
    return range.contains(cursor) ? cursor : position(place.position);
  }

  /** Puts the key's BibTeX entry on the clipboard; answers what happened. */
  async copyBibtex(key: string): Promise<string> {
    const bib = await this.ctx.request(BibtexRequest, { key });
    if (!bib) throw new Error(`no entry for ${key}`);
    await vscode.env.clipboard.writeText(bib);
    return `Copied the BibTeX entry for ${key}.`;
  }

  /**
   * Papers to cite for a passage, best first: the related ones (send threshold 0 for a ranking),
   * else, when nothing passes the related rule, the library searched for `fallback`; never `except`.
   */
  async papersFor(params: RelatedParams, fallback: string, except?: string): Promise<SearchResult[]> {
    const keep = (results: SearchResult[] | null) => (results ?? []).filter((r) => r.key !== except);
    const related = keep(await this.ctx.request(RelatedRequest, params));
    if (related.length > 0 || !fallback.trim()) return related;
    return keep(await this.ctx.request(SearchRequest, { query: fallback, limit: params.limit }));
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (editor && isSupported(editor.document)) this.last = editor;
  }
}

const position = (p: { line: number; character: number }): vscode.Position => new vscode.Position(p.line, p.character);
