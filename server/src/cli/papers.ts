// `litlens papers`: what the library holds, one paper a line (or JSON).
import { LIBRARY, OUTPUT, parse, type Command } from './args';
import { openLibrary } from './io';

export const papers: Command = {
  summary: 'list the papers in the library',
  usage: ['[--json] [--library PATH]... [--no-corpus]'],
  async run(args: string[]): Promise<number> {
    const { values } = parse(args, { ...OUTPUT, ...LIBRARY });
    const library = await openLibrary(values);
    if (values.json) {
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
