// Citing from the client: the editor a citation goes into (the active one, else the last
// LaTeX/Markdown editor still open), the citation and its bibliography entry, an entry's BibTeX
// for the clipboard, and the papers to choose from for a passage. The commands, the lens's quick
// pick and the search panel all cite through one Citer.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BibtexRequest, EnsureInBibliographyRequest, RelatedRequest, SearchRequest, type RelatedParams, type SearchResult } from '../../server/src/protocol';
import { citationText } from './cite';
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

  /** The editor a citation goes into: the active one, else the last LaTeX/Markdown editor still open. */
  target(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && isSupported(active.document)) return active;
    if (this.last && !this.last.document.isClosed) return this.last;
    return undefined;
  }

  /** Cites `key` at the cursor and makes sure the bibliography has its entry; answers what happened. */
  async insert(key: string, options: { preserveFocus?: boolean; editor?: vscode.TextEditor } = {}): Promise<string> {
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
    const at = editor.selection.active;
    const offset = doc.offsetAt(at);
    const before = doc.getText(new vscode.Range(doc.positionAt(Math.max(0, offset - 500)), at));
    const after = doc.lineAt(at.line).text.slice(at.character);
    const text = citationText(before, after, key, syntax);
    const ok = await editor.edit((b) => b.insert(at, text));
    if (!ok) throw new Error(`could not edit ${path.basename(doc.fileName)}.`);
    const end = doc.positionAt(offset + text.length);
    editor.selection = new vscode.Selection(end, end);
    const result = await this.ctx.request(EnsureInBibliographyRequest, { uri: doc.uri.toString(), key });
    const where = result?.file ? vscode.workspace.asRelativePath(result.file) : null;
    const said = result?.added && where ? `Cited ${key} and added its entry to ${where}.` : `Cited ${key}.`;
    this.ctx.output.info(said);
    return said;
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
