// Diagnostics: cited keys the project's bibliography does not define (with a fix when the library
// has the paper), keys defined twice across the project's files, and problems in library files.
// Reads no file; lsp/diagnostics.ts decides when they are computed and published.
import * as path from 'node:path';
import { citedKeys } from '../documents';
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
 */
export function diagnostics(ctx: FeatureContext): Problem[] | null {
  const { library, doc, project } = ctx;
  if (!library) return null;
  const problems: Problem[] = [];
  const own = anyLoaded(library, project.files) ? keysInFiles(library, project.files) : null;
  const bibName = project.files.map((f) => path.basename(f)).join(', ');
  for (const cited of citedKeys(doc.text, doc.syntax)) {
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
