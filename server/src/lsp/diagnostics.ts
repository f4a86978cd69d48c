// When diagnostics are computed and published: an open document's a moment after its last change
// (at once after a library change), each library file's own problems after every library change;
// cleared when a document closes or a file's problems are gone. What they say: features/diagnostics.ts.
import * as path from 'node:path';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { syntaxOf } from '../documents';
import { diagnostics, issuesByFile } from '../features/diagnostics';
import type { Library } from '../library/library';
import { fileUri } from '../workspace/documents';
import type { FeatureContext } from '../workspace/project';
import { issueDiagnostic, toDiagnostic } from './convert';

/** Diagnostics wait this long after the last keystroke. */
export const DIAGNOSTICS_DELAY_MS = 250;

export class DiagnosticsPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private publishedFiles = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    /** The context of an open document; null when LitLens does not read it. */
    private readonly contextOf: (uri: string) => Promise<{ ctx: FeatureContext; text: TextDocument } | null>,
    /** Runs work nobody awaits, logging its failure. */
    private readonly background: (work: Promise<unknown>, what: string) => void,
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

  /** After any library change: every open document at once, and the library files' own problems. */
  libraryChanged(library: Library | null): void {
    for (const d of this.documents.all()) this.schedule(d.uri, 0);
    this.publishFileIssues(library);
  }

  closed(document: TextDocument): void {
    clearTimeout(this.timers.get(document.uri));
    if (syntaxOf(document.languageId)) this.background(this.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }), 'clearing diagnostics');
  }

  private async publish(uri: string): Promise<void> {
    const found = await this.contextOf(uri);
    const problems = found && diagnostics(found.ctx);
    if (!found || !problems) return;
    await this.connection.sendDiagnostics({ uri, version: found.text.version, diagnostics: problems.map((p) => toDiagnostic(p, found.text)) });
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
