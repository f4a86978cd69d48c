// Diagnostics: cited keys the project's bibliography does not define (with a fix when the library
// has the paper), keys defined twice across the project's files, and problems in library files.
// Reads no file; lsp/diagnostics.ts decides when they are computed and published.
import * as path from 'node:path';
import { citationAt, citedKeys, type CitedKey } from '../documents';
import type { LoadIssue } from '../library/paper';
import { anyLoaded, keysInFiles, type FeatureContext } from '../workspace/project';

export type DiagnosticCode = 'not-in-bibliography' | 'unknown-key' | 'duplicate-key';

export interface Problem {
  start: number;
  end: number;
  severity: 'error' | 'warning' | 'information';
  message: string;
  code: DiagnosticCode;
  key: string;
}

/**
 * Problems with the citations of one document; null before the library is read (nothing is
 * "undefined" then). A key counts as defined when the project's bibliography files define it;
 * when none of them has been read (no file yet, or outside the workspace), when the library has it at all.
 * `typing`: where the writer is typing; the keys of the citation there are left out (they may be unfinished).
 */
export function diagnostics(ctx: FeatureContext, typing?: number): Problem[] | null {
  const { library, doc, project } = ctx;
  if (!library) return null;
  const problems: Problem[] = [];
  const own = anyLoaded(library, project.files) ? keysInFiles(library, project.files) : null;
  const bibName = project.files.map((f) => path.basename(f)).join(', ');
  const typed = typing === undefined ? () => false : inCitationAt(doc.text, typing, doc.syntax);
  for (const cited of citedKeys(doc.text, doc.syntax)) {
    if (typed(cited)) continue;
    const span = { start: cited.start, end: cited.end, key: cited.key };
    const places = own?.get(cited.key);
    const paper = library.get(cited.key);
    if (own && !places?.length) {
      problems.push(
        paper
          ? { ...span, severity: 'warning', code: 'not-in-bibliography', message: `"${cited.key}" is not in ${bibName || 'the bibliography'}; the library has it ("${paper.title}").` }
          : { ...span, severity: 'warning', code: 'unknown-key', message: `Unknown citation key "${cited.key}": not in ${bibName || 'the bibliography'} nor in the library.` },
      );
    } else if (!own && !paper) {
      problems.push({ ...span, severity: 'warning', code: 'unknown-key', message: `Unknown citation key "${cited.key}": not in the library.` });
    } else if (places && places.length > 1) {
      const where = places.map((p) => `${path.basename(p.file)}:${p.line}`).join(', ');
      problems.push({ ...span, severity: 'warning', code: 'duplicate-key', message: `"${cited.key}" is defined ${places.length} times: ${where}.` });
    }
  }
  return problems;
}

/** Whether a key belongs to the citation the cursor at `offset` is in (nothing when it is in none). */
function inCitationAt(text: string, offset: number, syntax: FeatureContext['doc']['syntax']): (key: CitedKey) => boolean {
  const at = citationAt(text, offset, syntax);
  if (!at) return () => false;
  // An in-text pandoc citation (`@doe`) is one key.
  if (at.command === '@') return (key) => key.start <= offset && offset <= key.end;
  // Between a key of the same citation and the cursor stand only keys, separators and spaces: no brace, bracket or blank line.
  return (key) => {
    const between = text.slice(Math.min(key.start, offset), Math.max(key.end, offset));
    return !/[{}[\]\\%]|\n[ \t]*\r?\n/.test(between);
  };
}

/** Load problems grouped by file (absolute path), for diagnostics on the library files themselves. */
export function issuesByFile(issues: readonly LoadIssue[]): Map<string, LoadIssue[]> {
  const byFile = new Map<string, LoadIssue[]>();
  for (const issue of issues) {
    if (!issue.file) continue;
    const list = byFile.get(issue.file) ?? [];
    list.push(issue);
    byFile.set(issue.file, list);
  }
  return byFile;
}
