// Adding a paper's entry to the document's bibliography (what choosing a completion item, the quick
// fix and Insert Citation run). Writes files: it appends the entry to the project's .bib, or inserts
// the CSL item into its CSL-JSON file, changing no other byte (library/bibwriter.ts).
import { addEntries } from '../library/bibwriter';
import { projectKeys, type FeatureContext } from '../workspace/project';

export interface EnsureOutcome {
  /** The bibliography file that holds the entry now, or null when none does. */
  file: string | null;
  added: boolean;
  /** Why nothing was added, when nothing was. */
  reason?: string;
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
  const paper = await library.fullEntry(key); // a corpus store holds only a compact record in memory
  if (!paper) return { file: null, added: false, reason: `"${key}" is not in the library` };
  if (!project.target) return { file: null, added: false, reason: 'no bibliography file: the document names none and is outside any workspace folder' };
  // addEntries reads the file itself: it may hold the key although the library has not re-read it yet (a watcher lag).
  const [result] = await addEntries(project.target, [paper]);
  if (result.outcome === 'refused') return { file: null, added: false, reason: `${project.target}: ${result.reason}` };
  return { file: project.target, added: result.outcome === 'added' };
}
