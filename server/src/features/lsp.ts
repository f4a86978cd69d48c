// The one place where the features' plain answers become LSP types (offsets → positions).
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  type CodeAction,
  type CodeLens,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Hover,
  type Location,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LoadIssue } from '../library/paper';
import { EnsureInBibliographyCommand } from '../protocol';
import type { CompletionAnswer } from './completion';
import type { DefinitionAnswer } from './definition';
import type { Problem } from './diagnostics';
import type { HoverAnswer } from './hover';

/** The diagnostics' source, shown by editors next to the message. */
export const SOURCE = 'litlens';

export function rangeOf(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

export function toCompletionList(answer: CompletionAnswer, doc: TextDocument): CompletionList {
  const items = answer.items.map((entry): CompletionItem => {
    const item: CompletionItem = {
      label: entry.key,
      kind: CompletionItemKind.Reference,
      detail: entry.detail,
      documentation: { kind: MarkupKind.Markdown, value: entry.documentation },
      sortText: entry.sortText,
      filterText: entry.filterText,
      insertTextFormat: InsertTextFormat.PlainText,
      textEdit: { range: rangeOf(doc, entry.start, entry.end), newText: entry.key },
    };
    if (entry.addsEntryTo) item.command = { title: 'Add the entry to the bibliography', command: EnsureInBibliographyCommand, arguments: [doc.uri, entry.key] };
    return item;
  });
  return { isIncomplete: answer.incomplete, items };
}

export function toHover(answer: HoverAnswer, doc: TextDocument): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: answer.markdown }, range: rangeOf(doc, answer.start, answer.end) };
}

export function fileUri(file: string): string {
  return pathToFileURL(file).href;
}

/** An entry's place: the start of its 1-based line (line 0, "whole file", becomes the first line). */
export function toLocation(place: { file: string; line: number }): Location {
  const line = Math.max(0, place.line - 1);
  return { uri: fileUri(place.file), range: { start: { line, character: 0 }, end: { line, character: 0 } } };
}

export function toDefinition(answer: DefinitionAnswer): Location {
  return toLocation(answer);
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, information: DiagnosticSeverity.Information } as const;

export function toDiagnostic(problem: Problem, doc: TextDocument): Diagnostic {
  return {
    range: rangeOf(doc, problem.start, problem.end),
    severity: SEVERITY[problem.severity],
    source: SOURCE,
    code: problem.code,
    message: problem.message,
    data: { key: problem.key },
  };
}

/** A load problem on the library file itself, on its line (the whole first line when it has none). */
export function issueDiagnostic(issue: LoadIssue): Diagnostic {
  const line = Math.max(0, issue.line - 1);
  return {
    range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } },
    severity: issue.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    message: issue.message,
  };
}

export function addEntryAction(problem: Problem, doc: TextDocument, target: string | null): CodeAction {
  const where = target ? ` to ${target.split(/[\\/]/).pop()}` : '';
  return {
    title: `Add entry from the library${where}: ${problem.key}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toDiagnostic(problem, doc)],
    isPreferred: true,
    command: { title: 'Add entry from the library', command: EnsureInBibliographyCommand, arguments: [doc.uri, problem.key] },
  };
}

/** A span in any file's text (open or read from disk) as a Location. */
export function spanLocation(span: { uri: string; text: string; start: number; end: number }): Location {
  const doc = TextDocument.create(span.uri, 'plaintext', 0, span.text);
  return { uri: span.uri, range: rangeOf(doc, span.start, span.end) };
}

/** Rename edits grouped by file. */
export function renameEdit(spans: readonly { uri: string; text: string; start: number; end: number }[], newName: string): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const span of spans) (changes[span.uri] ??= []).push({ range: spanLocation(span).range, newText: newName });
  return { changes };
}

export function unresolvedLens(doc: TextDocument, anchor: number, data: unknown): CodeLens {
  const start = doc.positionAt(anchor);
  return { range: { start, end: start }, data };
}
