// When diagnostics are computed and published: an open document's a moment after its last change
// (at once after a library change), each library file's own problems after every library change;
// cleared when a document closes or a file's problems are gone. What they say: features/diagnostics.ts.
// A citation being typed (`\cite{worl|`) is not judged yet: the keys of the citation holding the last
// edit are left out until the cursor is seen outside it (a completion or code action request there:
// editors send no cursor otherwise) or the document has been idle for TYPING_IDLE_MS.
import * as path from 'node:path';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { citationAt, syntaxOf } from '../documents';
import { diagnostics, issuesByFile } from '../features/diagnostics';
import type { Library } from '../library/library';
import { fileUri } from '../workspace/documents';
import type { FeatureContext } from '../workspace/project';
import { uncitedClaims, warmClaims, type ClaimMemo } from '../features/uncitedClaims';
import { claimDiagnostic, issueDiagnostic, toDiagnostic } from './convert';

/** Diagnostics wait this long after the last keystroke. */
export const DIAGNOSTICS_DELAY_MS = 250;
/** The keys of a citation being typed are reported once the document has been idle this long. */
export const TYPING_IDLE_MS = 1500;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private publishedFiles = new Set<string>();
  /** Each open document's last text, to find where an edit went. */
  private readonly texts = new Map<string, string>();
  /** Per document: where the writer is typing (the end of the last edit, or the cursor a request named since) and when it was edited. */
  private readonly typing = new Map<string, { offset: number; at: number }>();
  /** The open documents whose hints have been published once. */
  private readonly hinted = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    /** The context of an open document; null when LitLens does not read it. */
    private readonly contextOf: (uri: string) => Promise<{ ctx: FeatureContext; text: TextDocument } | null>,
    /** Runs work nobody awaits, logging its failure. */
    private readonly background: (work: Promise<unknown>, what: string) => void,
    /** Uncited-claim hints (features/uncitedClaims.ts) go out with the problems; only edited paragraphs are ranked again. */
    private readonly claims?: ClaimMemo,
    /** Resolves when no keystroke request (completion, hover) is being answered: the first ranking of hints waits for them. */
    private readonly keystrokesIdle?: () => Promise<void>,
  ) {}

  schedule(uri: string, delay = DIAGNOSTICS_DELAY_MS): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.background(this.publish(uri), 'computing diagnostics');
      }, delay),
    );
  }

  /** A document was opened or changed: remember where the edit ended, publish a moment later. */
  edited(document: TextDocument): void {
    const text = document.getText();
    const before = this.texts.get(document.uri);
    this.texts.set(document.uri, text);
    if (before !== undefined) this.typing.set(document.uri, { offset: editEnd(before, text), at: Date.now() });
    this.schedule(document.uri);
  }

  /** A request named the cursor (completion, code actions): once it has left the citation being typed, publish. */
  cursor(uri: string, offset: number, text: string, syntax: NonNullable<ReturnType<typeof syntaxOf>>): void {
    const typing = this.typing.get(uri);
    if (!typing || typing.offset === offset) return;
    if (citationAt(text, offset, syntax)) typing.offset = offset;
    else {
      this.typing.delete(uri);
      this.schedule(uri, 0);
    }
  }

  /** After any library change: every open document at once, and the library files' own problems. */
  libraryChanged(library: Library | null): void {
    for (const d of this.documents.all()) this.schedule(d.uri, 0);
    this.publishFileIssues(library);
  }

  closed(document: TextDocument): void {
    clearTimeout(this.timers.get(document.uri));
    this.texts.delete(document.uri);
    this.typing.delete(document.uri);
    this.hinted.delete(document.uri);
    if (syntaxOf(document.languageId)) this.background(this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }), 'clearing diagnostics');
  }

  private async publish(uri: string): Promise<void> {
    const found = await this.contextOf(uri);
    if (!found) return;
    const { doc } = found.ctx;
    const typing = this.typing.get(uri);
    const idle = typing ? typing.at + TYPING_IDLE_MS - Date.now() : 0;
    let held: number | undefined;
    if (typing && idle > 0 && citationAt(doc.text, typing.offset, doc.syntax)) {
      held = typing.offset;
      this.schedule(uri, idle); // then the held keys too, unless the writer goes on typing
    } else this.typing.delete(uri);
    const problems = diagnostics(found.ctx, held);
    if (!problems) return;
    const { version } = found.text;
    const shown = problems.map((p) => toDiagnostic(p, found.text));
    // The first ranking of a long paper yields to other messages and waits for keystroke requests; the
    // problems of a newly opened paper go out before it (it has no hints yet to lose); an edit meanwhile
    // schedules the next publish.
    const slow = this.hinted.has(uri) ? undefined : () => this.background(this.connection.sendDiagnostics({ uri, version, diagnostics: shown }), 'publishing diagnostics');
    if (this.claims && !(await warmClaims(found.ctx, this.claims, () => this.documents.get(uri)?.version !== version, { idle: this.keystrokesIdle, slow }))) return;
    const { config } = found.ctx;
    const hints = this.claims ? uncitedClaims(found.ctx, this.claims).map((h) => claimDiagnostic(h, found.text, config.uncitedClaims)) : [];
    if (this.claims && this.documents.get(uri)) this.hinted.add(uri);
    await this.connection.sendDiagnostics({ uri, version, diagnostics: [...shown, ...hints] });
  }

  private publishFileIssues(library: Library | null): void {
    const now = new Set<string>();
    for (const [file, issues] of library ? issuesByFile(library.issues) : []) {
      if (!path.isAbsolute(file)) continue;
      const uri = fileUri(file);
      now.add(uri);
      this.background(this.connection.sendDiagnostics({ uri, diagnostics: issues.map(issueDiagnostic) }), 'publishing diagnostics');
    }
    for (const uri of this.publishedFiles) {
      if (!now.has(uri) && !this.documents.get(uri)) this.background(this.connection.sendDiagnostics({ uri, diagnostics: [] }), 'clearing diagnostics');
    }
    this.publishedFiles = now;
  }
}

/** Where an edit that turned `before` into `after` ends in `after` (the cursor, after typing or pasting). */
export function editEnd(before: string, after: string): number {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return after.length - suffix;
}
