// `litlens papers`: what the library holds, one paper a line (or JSON).
import { stat } from 'node:fs/promises';
import { loadLibrary } from '../library/load';
import { formatIssue } from '../library/paper';
import type { Command } from './commands';

export const papers: Command = {
  summary: 'list the papers in the library',
  usage: ['[--json] [--library PATH]... [--no-corpus]'],
  async run(args: string[]): Promise<number> {
    let json = false;
    let corpus = true;
    const libraries: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--json') json = true;
      else if (a === '--no-corpus') corpus = false;
      else if (a === '--library' || a.startsWith('--library=')) {
        const value = a === '--library' ? args[++i] : a.slice('--library='.length);
        if (!value) return fail('--library needs a path');
        libraries.push(value);
      } else return fail(`unknown argument "${a}"`);
    }
    for (const p of libraries) {
      try {
        await stat(p);
      } catch {
        return fail(`${p}: no such file or folder`);
      }
    }
    const library = await loadLibrary({ libraries, corpus });
    for (const issue of library.issues) process.stderr.write(`${formatIssue(issue)}\n`);
    if (json) {
      const sourceKind = new Map(library.sources.flatMap((s) => s.papers.map((p) => [p, s.kind] as const)));
      const out = library.papers.map((p) => ({
        key: p.key,
        title: p.title,
        authors: p.authors,
        year: p.year ?? null,
        source: sourceKind.get(p) ?? 'workspace',
        file: p.origin.file,
        line: p.origin.line,
      }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      process.stdout.write(library.papers.map((p) => `${p.key}\t${p.year ?? ''}\t${p.title}\n`).join(''));
    }
    return 0;
  },
};

function fail(message: string): number {
  process.stderr.write(`litlens papers: ${message}\n`);
  return 2;
}
