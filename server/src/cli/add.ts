// `litlens add`: adds library entries to a bibliography from the terminal, through the writer the
// editor uses (library/bibwriter.ts addEntries: its lock, its checks, every existing byte kept).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { addEntries, type AddOutcome, type PreparedEntry } from '../library/bibwriter';
import { prepareEntry } from '../library/entrycopy';
import { defaultSettings } from '../protocol';
import { CACHE, CORPUS, LIBRARY, OUTPUT, UsageError, parse, type Command } from './args';
import type { Paper } from '../library/paper';
import { addCorpora, openLibrary, openShared } from './io';

export const add: Command = {
  summary: 'add library entries (the bundled corpus, --library files, --corpus files) to a bibliography, as the editor does',
  usage: ['KEY... [--to FILE] [--library PATH]... [--no-corpus] [--corpus FILE]... [--categories cs.LG,...] [--cache DIR] [--json]'],
  notes: [
    `FILE defaults to ${defaultSettings.defaultBibliography} in the current folder (as litlens.defaultBibliography in a workspace);`,
    'a .bib gets BibTeX entries, a .json CSL items; a missing file is created. Each key is added, or',
    'already there, or refused with the reason; exit 0 when every key was added or already there.',
    '--json prints [{"key","outcome":"added"|"already-there"|"unknown"|"refused","reason"?}].',
  ],
  run: runAdd,
};

type Outcome = AddOutcome | { key: string; outcome: 'unknown'; reason: string };

async function runAdd(args: string[]): Promise<number> {
  const { values, positionals: keys } = parse(args, { ...OUTPUT, ...LIBRARY, ...CORPUS, ...CACHE, to: { type: 'string' } }, { positionals: true });
  if (keys.length === 0) throw new UsageError('name the keys to add');
  const to = path.resolve(values.to ?? defaultSettings.defaultBibliography);
  // The target's own entries count: a key it holds is already there, whatever the library says.
  const library = await openLibrary({ ...values, library: [...(values.library ?? []), ...(existsSync(to) ? [to] : [])] });
  await addCorpora(library, values); // a paper found with `search --corpus` can be added the same way
  const shared = await openShared(values); // and one of a shared corpus (postgresql://…), by key
  const unique = [...new Set(keys)];
  // As the editor writes them: the complete entry, a source entry with all its fields in the target's format.
  const known: PreparedEntry[] = [];
  try {
    for (const k of unique) {
      const paper = library.get(k) ?? (await firstOf(shared.map((s) => () => s.fullEntry(k))));
      if (paper) known.push(await prepareEntry((await library.fullEntry(paper.key)) ?? paper, /\.json$/i.test(to)));
    }
  } finally {
    for (const s of shared) await s.dispose();
  }
  const written = new Map((await addEntries(to, known)).map((o) => [o.key, o]));
  const outcomes: Outcome[] = unique.map((key) => written.get(key) ?? { key, outcome: 'unknown', reason: 'not in the library (the bundled corpus, --library files, --corpus files and shared corpora, and the target)' });
  const where = path.relative(process.cwd(), to) || to;
  if (values.json) process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
  for (const o of outcomes) {
    if (o.outcome === 'added' || o.outcome === 'already-there') {
      if (!values.json) process.stdout.write(`${o.key}\t${o.outcome === 'added' ? `added to ${where}` : `already in ${where}`}\n`);
    } else process.stderr.write(`litlens add: ${o.key}: ${o.outcome === 'unknown' ? o.reason : `not added to ${where}: ${o.reason}`}\n`);
  }
  return outcomes.every((o) => o.outcome === 'added' || o.outcome === 'already-there') ? 0 : 1;
}

/** The first answer that is a paper, asking one after another. */
async function firstOf(asks: (() => Promise<Paper | undefined>)[]): Promise<Paper | undefined> {
  for (const ask of asks) {
    const found = await ask();
    if (found) return found;
  }
  return undefined;
}
