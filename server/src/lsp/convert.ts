// The one place where LSP types meet the features' plain data: an open TextDocument becomes a Doc,
// and the features' answers (UTF-16 offsets, files and lines) become ranges, locations and edits.
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  ErrorCodes,
  InsertTextFormat,
  MarkupKind,
  ResponseError,
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
import { syntaxOf } from '../documents';
import type { CitePlace as CitePlaceAnswer } from '../features/citePlace';
import type { AddEntryFix } from '../features/codeActions';
import type { Lens, LensRef } from '../features/codeLens';
import type { CompletionAnswer } from '../features/completion';
import type { DefinitionAnswer } from '../features/definition';
import type { Problem } from '../features/diagnostics';
import type { Gap as GapFound } from '../features/gaps';
import type { ClaimFix, ClaimHint } from '../features/uncitedClaims';
import type { HoverAnswer } from '../features/hover';
import type { Span } from '../features/references';
import { InvalidRename } from '../features/rename';
import type { LoadIssue } from '../library/paper';
import { EnsureInBibliographyCommand, ShowPapersCommand, type CitePlace, type Gap, type PaperSummary, type Settings, type ShowPapersArgs } from '../protocol';
import { filePathOf, fileUri, type Doc } from '../workspace/documents';
import type { EntryPlace } from '../workspace/project';

/** The diagnostics' source, shown by editors next to the message. */
export const SOURCE = 'litlens';

/** An open document LitLens reads (LaTeX or Markdown), else null. */
export function toDoc(text: TextDocument | undefined): Doc | null {
  const syntax = text ? syntaxOf(text.languageId) : null;
  return text && syntax ? { uri: text.uri, path: filePathOf(text.uri), text: text.getText(), syntax, version: text.version } : null;
}

export function rangeOf(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}

/**
 * `lazy(key)`: the paper's whole entry is on disk (a corpus store): the item carries no documentation,
 * and completionItem/resolve reads it (CompletionData).
 */
export function toCompletionList(answer: CompletionAnswer | null, doc: TextDocument, lazy: (key: string) => boolean = () => false): CompletionList | null {
  if (!answer) return null;
  const items = answer.items.map((entry): CompletionItem => {
    const item: CompletionItem = {
      label: entry.label,
      labelDetails: { description: entry.description },
      kind: CompletionItemKind.Reference,
      detail: entry.detail,
      documentation: { kind: MarkupKind.Markdown, value: entry.documentation },
      sortText: entry.sortText,
      filterText: entry.filterText,
      insertTextFormat: InsertTextFormat.PlainText,
      textEdit: { range: rangeOf(doc, entry.start, entry.end), newText: entry.key },
    };
    if (lazy(entry.key)) {
      item.documentation = undefined; // resolved from the whole entry
      item.data = { key: entry.key, addsEntryTo: entry.addsEntryTo } satisfies CompletionData;
    }
    if (entry.addsEntryTo) item.command = { title: 'Add the entry to the bibliography', command: EnsureInBibliographyCommand, arguments: [doc.uri, entry.key] };
    return item;
  });
  return { isIncomplete: answer.incomplete, items };
}

/** What a lazily documented completion item carries to completionItem/resolve. */
export interface CompletionData {
  key: string;
  addsEntryTo: string | null;
}

export function isCompletionData(data: unknown): data is CompletionData {
  return typeof data === 'object' && data !== null && typeof (data as CompletionData).key === 'string';
}

/** The item with its documentation (markdown), when there is one. */
export function resolvedCompletion(item: CompletionItem, markdown: string | null): CompletionItem {
  return markdown === null ? item : { ...item, documentation: { kind: MarkupKind.Markdown, value: markdown } };
}

export function toHover(answer: HoverAnswer | null, doc: TextDocument): Hover | null {
  return answer && { contents: { kind: MarkupKind.Markdown, value: answer.markdown }, range: rangeOf(doc, answer.start, answer.end) };
}

/** An entry's place: the start of its 1-based line (line 0, "whole file", becomes the first line). */
export function toLocation(place: EntryPlace): Location {
  const line = Math.max(0, place.line - 1);
  return { uri: fileUri(place.file), range: { start: { line, character: 0 }, end: { line, character: 0 } } };
}

export function toDefinition(answer: DefinitionAnswer | null): Location | null {
  return answer && toLocation(answer);
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
    severity: issue.severity === 'error' ? DiagnosticSeverity.Error : issue.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    source: SOURCE,
    message: issue.message,
  };
}

export function toCodeAction({ problem, target }: AddEntryFix, doc: TextDocument): CodeAction {
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
export function spanLocation(span: Span): Location {
  const doc = TextDocument.create(span.uri, 'plaintext', 0, span.text);
  return { uri: span.uri, range: rangeOf(doc, span.start, span.end) };
}

export function toLocations(places: readonly (Span | EntryPlace)[] | null): Location[] | null {
  return places && places.map((p) => ('text' in p ? spanLocation(p) : toLocation(p)));
}

export function toPrepareRename(answer: { start: number; end: number; placeholder: string } | null, doc: TextDocument): { range: Range; placeholder: string } | null {
  return answer && { range: rangeOf(doc, answer.start, answer.end), placeholder: answer.placeholder };
}

/** Rename edits grouped by file. */
export function renameEdit(spans: readonly Span[] | null, newName: string): WorkspaceEdit | null {
  if (!spans) return null;
  const changes: Record<string, TextEdit[]> = {};
  for (const span of spans) (changes[span.uri] ??= []).push({ range: spanLocation(span).range, newText: newName });
  return { changes };
}

/** A lens without its command: codeLens/resolve sends `ref` back. */
export function toCodeLens({ lens, ref }: { lens: Lens; ref: LensRef }, doc: TextDocument): CodeLens {
  const start = doc.positionAt(lens.anchor);
  return { range: { start, end: start }, data: ref };
}

/** The resolved lens; an empty title when its document changed since it was listed. Its papers are cited into the passage at its line. */
export function resolvedLens(codeLens: CodeLens, resolved: { title: string; args: ShowPapersArgs } | null): CodeLens {
  codeLens.command = resolved ? { title: resolved.title, command: ShowPapersCommand, arguments: [{ ...resolved.args, position: codeLens.range.start }] } : { title: '', command: '' };
  return codeLens;
}

export function toCitePlace(place: CitePlaceAnswer | null, doc: TextDocument): CitePlace | null {
  return place && { passage: rangeOf(doc, place.start, place.end), position: doc.positionAt(place.at) };
}

/** A rename the feature refused (an invalid or taken key) as the error the editor shows; other errors as they are. */
export function renameError(err: unknown): never {
  throw err instanceof InvalidRename ? new ResponseError(ErrorCodes.InvalidParams, err.message) : err;
}

/** An uncited-claim hint as a diagnostic: code "uncited-claim", data.keys best first. */
export function claimDiagnostic(hint: ClaimHint, doc: TextDocument, severity: Settings['uncitedClaims']): Diagnostic {
  return {
    range: rangeOf(doc, hint.start, hint.end),
    severity: severity === 'information' ? DiagnosticSeverity.Information : DiagnosticSeverity.Hint,
    source: SOURCE,
    code: 'uncited-claim',
    message: hint.message,
    data: { keys: hint.keys },
  };
}

/** "Cite Name Year (KEY)": the citation at the sentence's end (or for the year it names), then the entry into the bibliography when it lacks it. */
export function claimAction(fix: ClaimFix, doc: TextDocument, severity: Settings['uncitedClaims']): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [claimDiagnostic(fix.hint, doc, severity)],
    edit: { changes: { [doc.uri]: [{ range: rangeOf(doc, fix.from, fix.to), newText: fix.text }] } },
    command: { title: 'Add the entry to the bibliography', command: EnsureInBibliographyCommand, arguments: [doc.uri, fix.key] },
  };
}

/** A gap-report row: the paper, its score, and the paragraph it matches. */
export function toGap(found: { gap: GapFound; paper: PaperSummary }, doc: TextDocument): Gap {
  const { gap, paper } = found;
  return { ...paper, score: gap.score, section: gap.section, passage: rangeOf(doc, gap.start, gap.end) };
}
