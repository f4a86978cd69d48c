// Adding a paper's entry to the document's bibliography (what choosing a completion item, the quick
// fix and Insert Citation run). Writes files: it appends the entry to the project's .bib, or inserts
// the CSL item into its CSL-JSON file, changing no other byte (library/bibwriter.ts).
import * as path from 'node:path';
import { addEntries, missingForStyles } from '../library/bibwriter';
import { prepareEntry } from '../library/entrycopy';
import { projectKeys, type FeatureContext } from '../workspace/project';

export interface EnsureOutcome {
  /** The bibliography file that holds the entry now, or null when none does. */
  file: string | null;
  added: boolean;
  /** Why nothing was added, when nothing was. */
  reason?: string;
  /** The entry was added without what reference styles print (authors, year): say so, and where it is. */
  incomplete?: { message: string; file: string; line: number };
}

/** Appends run one at a time, so two quick choices of the same paper add it once. */
export class EntryAdder {
  private queue: Promise<unknown> = Promise.resolve();

  /** addEntry, after the appends asked for before it; `reread` gives the library the changed file before the next one is decided. */
  add(ctx: FeatureContext, key: string, reread: (file: string) => Promise<unknown>): Promise<EnsureOutcome> {
    const run = this.queue.then(async () => {
      const outcome = await addEntry(ctx, key);
      if (outcome.added && outcome.file) await reread(outcome.file);
      return outcome;
    });
    this.queue = run.catch(() => {});
    return run;
  }
}

/**
 * Makes sure `key` is in the project's bibliography: appends the library's entry to the target
 * file when it is missing, with `addEntries`: a BibTeX entry appended, or for a CSL-JSON target
 * (pandoc) the item inserted before its closing `]`; every other byte kept. A refused write is the
 * reason. Nothing in an untrusted workspace, or before the index is built.
 */
export async function addEntry(ctx: FeatureContext, key: string): Promise<EnsureOutcome> {
  const { library, project } = ctx;
  if (!ctx.trusted || !ctx.index || !library) return { file: null, added: false };
  const defined = projectKeys(ctx).get(key);
  if (defined?.length) return { file: defined[0]!.file, added: false };
  // The complete entry: a store source's compact paper lacks authors beyond the first few, the abstract, the e-print.
  const paper = library.has(key) ? ((await library.fullEntry(key)) ?? library.get(key)) : undefined;
  if (!paper) return { file: null, added: false, reason: `"${key}" is not in the library` };
  const target = project.target;
  if (!target) return { file: null, added: false, reason: 'no bibliography file: the document names none and is outside any workspace folder' };
  // The user's own entries go with all their fields, in the target's format.
  const entry = await prepareEntry(paper, /\.json$/i.test(target));
  // addEntries reads the file itself: it may hold the key although the library has not re-read it yet (a watcher lag).
  let line = 1;
  const [result] = await addEntries(target, [entry], { onAdded: (_, at) => (line = at) });
  if (result.outcome === 'refused') return { file: null, added: false, reason: `${target}: ${result.reason}` };
  const outcome: EnsureOutcome = { file: target, added: result.outcome === 'added' };
  const missing = missingForStyles(paper);
  if (result.outcome === 'added' && missing) {
    outcome.incomplete = { message: `added to ${path.basename(target)} without ${missing} — complete the entry`, file: target, line };
  }
  return outcome;
}
