// The command line's flags: the groups several commands share and the one parser they all use
// (node's util.parseArgs, with LitLens' own messages). A usage error is a UsageError, which
// main.ts prints as `litlens <command>: …` with exit code 2; stdout stays machine-readable.
// `--help` / `-h` anywhere before `--` is a HelpRequest: main.ts prints the command's usage, exit 0.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

/** Thrown by parse() for `--help` or `-h`: the caller asked for the command's usage. */
export class HelpRequest extends Error {}

export interface Command {
  summary: string;
  /** Usage lines after `litlens <command>` (main.ts lists them, and prints them for `--help`). */
  usage: string[];
  /** Lines of explanation after the usage in `--help`. */
  notes?: string[];
  /** Returns the process exit code. Errors go to stderr; stdout stays machine-readable. */
  run(args: string[]): Promise<number>;
}

export type Flag =
  | { type: 'boolean' }
  | { type: 'string'; multiple?: boolean; /** The value may be left out (then ''); a following word is the value only when it is an existing folder. */ optionalFolder?: boolean }
  | { type: 'number'; min: number; max: number }
  | { type: 'choice'; choices: readonly string[] };
export type Flags = Record<string, Flag>;

type ValueOf<F extends Flag> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'number' }
    ? number
    : F extends { type: 'string'; multiple: true }
      ? string[]
      : F extends { type: 'choice'; choices: readonly (infer C)[] }
        ? C
        : string;
/** What was given; a flag not given is absent. */
export type Values<F extends Flags> = { [K in keyof F]?: ValueOf<F[K]> };

/** `--json`: JSON on stdout instead of lines. */
export const OUTPUT = { json: { type: 'boolean' } } as const satisfies Flags;
/** `--library PATH`…, `--no-corpus` and `--zotero [DIR]` (a Zotero data directory; '' = the default one): which library a command reads. */
export const LIBRARY = { library: { type: 'string', multiple: true }, 'no-corpus': { type: 'boolean' }, zotero: { type: 'string', optionalFolder: true } } as const satisfies Flags;
/** `--cache DIR`: LitLens' cache folder (the saved index, vectors, downloaded models). */
export const CACHE = { cache: { type: 'string' } } as const satisfies Flags;
/** `--model ID|PATH`, `--download`: the embedding model, and whether a model id may be fetched. */
export const MODEL = { model: { type: 'string' }, download: { type: 'boolean' } } as const satisfies Flags;
/** `--semantic`: fuse the lexical ranking with the nearest papers by meaning. */
export const SEMANTIC = { semantic: { type: 'boolean' }, ...MODEL } as const satisfies Flags;
/** `--corpus FILE`… `--categories cs.LG,stat.ML`: discovery corpora (arXiv snapshots, CSL JSON lines, or a lab's shared corpus in PostgreSQL) and their category filter. */
export const CORPUS = { corpus: { type: 'string', multiple: true }, categories: { type: 'string' } } as const satisfies Flags;
/** What --help says of a shared corpus in --corpus (commands taking CORPUS whose ranking reads one: openShared). */
export const SHARED_CORPUS_NOTE = "--corpus postgresql://USER@HOST[:PORT]/DB reads a lab's shared corpus (docs/postgresql.md); the password comes from PGPASSWORD or ~/.pgpass, never the URL.";
/** `--no-workspace`: leave out the .bib/CSL-JSON files of the folder (the document's, else the current one). */
export const WORKSPACE = { 'no-workspace': { type: 'boolean' } } as const satisfies Flags;
/** The flags of the ranking commands (search, related). */
export const RANKING = { ...OUTPUT, ...LIBRARY, ...WORKSPACE, ...CORPUS, ...CACHE, ...SEMANTIC, limit: { type: 'number', min: 1, max: 10000 }, queries: { type: 'string' } } as const satisfies Flags;

/** Parses `args` against `flags`; words are allowed only with `positionals`. */
export function parse<F extends Flags>(given: string[], flags: F, options: { positionals?: boolean } = {}): { values: Values<F>; positionals: string[] } {
  const args = withOptionalFolders(given, flags);
  const spec = Object.fromEntries(Object.entries(flags).map(([name, f]) => [name, { type: f.type === 'boolean' ? ('boolean' as const) : ('string' as const), multiple: f.type === 'string' && !!f.multiple }]));
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  // Asking for help wins over any other mistake on the line.
  if (tokens.some((t) => t.kind === 'option' && (args[t.index] === '--help' || args[t.index] === '-h'))) throw new HelpRequest();
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  let word = -1;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional' || !t.rawName.startsWith('--')) {
      // A word, also one that starts with a single dash ("-1"): parseArgs reads "-ab" as two options of one argument.
      if (t.index === word) continue;
      word = t.index;
      if (!options.positionals) throw new UsageError(`unexpected argument "${args[t.index]}"`);
      positionals.push(args[t.index]!);
      continue;
    }
    const flag = flags[t.name];
    if (!flag || (flag.type === 'boolean' && t.value !== undefined)) throw new UsageError(`unknown option "${args[t.index]}"`);
    if (flag.type === 'boolean') values[t.name] = true;
    else if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value`);
    else if (flag.type === 'string' && flag.multiple) ((values[t.name] ??= []) as string[]).push(t.value);
    else values[t.name] = convert(t.rawName, t.value, flag);
  }
  return { values: values as Values<F>, positionals };
}

/** `--zotero` alone as `--zotero=`, `--zotero DIR` (an existing folder) as `--zotero=DIR`: a query word after a bare flag stays a word. */
function withOptionalFolders(args: string[], flags: Flags): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const flag = arg.startsWith('--') ? flags[arg.slice(2)] : undefined;
    if (arg === '--') return [...out, ...args.slice(i)];
    if (!flag || flag.type !== 'string' || !flag.optionalFolder) {
      out.push(arg);
      continue;
    }
    const next = args[i + 1];
    const folder = next !== undefined && !next.startsWith('-') && !!statSync(next, { throwIfNoEntry: false })?.isDirectory();
    out.push(`${arg}=${folder ? next : ''}`);
    if (folder) i++;
  }
  return out;
}

function convert(name: string, v: string, flag: Flag): string | number {
  if (flag.type === 'number') {
    const n = Number(v);
    if (!Number.isFinite(n) || n < flag.min || n > flag.max) throw new UsageError(`${name} must be a number from ${flag.min} to ${flag.max}, got "${v}"`);
    return n;
  }
  if (flag.type === 'choice' && !flag.choices.includes(v)) {
    const list = `${flag.choices.slice(0, -1).join(', ')} or ${flag.choices.at(-1)}`;
    throw new UsageError(`${name} must be ${list}, got "${v}"`);
  }
  return v;
}
