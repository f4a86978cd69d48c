// `litlens <command>`: the command-line face of the same code the language server runs. This
// table is the only place the commands are listed; no command imports another (they share
// args.ts and io.ts). `--help` (any command, or `litlens help CMD`) and `--version` are answered here.
import { version } from '../../../package.json';
import { cacheText, defaultSettings } from '../protocol';
import { defaultCacheDir } from '../search/semantic/oneShot';
import { sizeOf } from '../workspace/cache';
import { add } from './add';
import { corpus } from './corpus';
import { HelpRequest, UsageError, type Command } from './args';
import { embed } from './embed';
import { gaps } from './gaps';
import { lsp } from './lsp';
import { papers } from './papers';
import { related } from './related';
import { search } from './search';

export const commands: Record<string, Command> = { papers, search, related, gaps, add, corpus, embed, lsp };

/** Runs one command line; answers the exit code (0 done, 1 failed, 2 a usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    if (rest.length === 0) {
      process.stdout.write(usage() + (await cacheLine()));
      return 0;
    }
    const asked = commands[rest[0]!];
    if (!asked || rest.length > 1) return unknown(rest.join(' '));
    process.stdout.write(help(rest[0]!, asked));
    return 0;
  }
  const command = commands[name];
  if (!command) return unknown(name);
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof HelpRequest) {
      process.stdout.write(help(name, command));
      return 0;
    }
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`litlens ${name}: ${e.message}\n(litlens ${name} --help shows its usage)\n`);
    return 2;
  }
}

function unknown(name: string): number {
  process.stderr.write(`litlens: unknown command "${name}"\n\n${usage()}`);
  return 2;
}

/** One command's help: what it does and its usage lines. */
function help(name: string, c: Command): string {
  const notes = c.notes?.length ? `\n${c.notes.map((n) => `${n}\n`).join('')}` : '';
  return `litlens ${name}: ${c.summary}\n\nUsage:\n${c.usage.map((u) => `  litlens ${name} ${u}\n`).join('')}${notes}`;
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  litlens ${name.padEnd(8)} ${c.summary}\n${c.usage.map((u) => `      ${u}\n`).join('')}`);
  return `litlens ${version}\n\nUsage:\n${lines.join('')}\n  litlens help COMMAND, litlens COMMAND --help   one command's usage\n  litlens --version\n`;
}

/** Where the language server keeps its cache, how full it is and its limit (the editor's cache is its extension storage). */
async function cacheLine(): Promise<string> {
  const dir = defaultCacheDir();
  const use = { bytes: await sizeOf(dir), limit: defaultSettings.cacheLimit * 1024 * 1024 };
  return `\nCache: ${dir}, ${cacheText(use)} (setting litlens.cacheLimit; $LITLENS_CACHE moves it)\n`;
}

/** The process's command line: bin/litlens.js calls it, and so does `node dist/cli.js …`. */
export function cli(argv = process.argv.slice(2)): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`litlens: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) cli();
