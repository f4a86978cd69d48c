// `litlens <command>`: the command-line face of the same code the language server runs. This
// table is the only place the commands are listed; no command imports another (they share
// args.ts and io.ts). A per-command `--help` / `--version` would be answered here, from `usage`.
import { UsageError, type Command } from './args';
import { embed } from './embed';
import { lsp } from './lsp';
import { papers } from './papers';
import { related } from './related';
import { search } from './search';

const commands: Record<string, Command> = { papers, search, related, lsp, embed };

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`litlens: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`litlens ${name}: ${e.message}\n`);
    return 2;
  }
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  litlens ${name.padEnd(8)} ${c.summary}\n${c.usage.map((u) => `      ${u}\n`).join('')}`);
  return `Usage:\n${lines.join('')}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`litlens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
