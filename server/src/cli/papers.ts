// `litlens papers`: what the library holds, one paper a line (or JSON).
import { LIBRARY, OUTPUT, parse, type Command } from './args';
import { openLibrary } from './io';

export const papers: Command = {
  summary: 'list the papers in the library',
  usage: ['[--json] [--library PATH]... [--no-corpus] [--zotero [DIR]]'],
  notes: ['--zotero [DIR]: the papers of a Zotero data directory (DIR holds zotero.sqlite; without DIR, ~/Zotero); source is "Zotero: My Library" or "Zotero: GROUP"'],
  async run(args: string[]): Promise<number> {
    const { values } = parse(args, { ...OUTPUT, ...LIBRARY });
    const library = await openLibrary(values);
    if (values.json) {
      // A Zotero paper's source is its library's name ("Zotero: My Library"); others say workspace or corpus.
      const sourceKind = new Map(library.sources.flatMap((s) => s.papers.map((p) => [p, p.origin.kind === 'zotero' ? s.name : s.kind] as const)));
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
