// The CLI's subcommands, one module each; this table is the only place they are listed.
import { papers } from './papers';
import { related } from './related';
import { search } from './search';
import { lsp } from './lsp';
import { embed } from './embed';
export interface Command {
  summary: string;
  usage: string[];
  /** Returns the process exit code. Errors go to stderr; stdout stays machine-readable. */
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  papers,
  search,
  related,
  lsp,
  embed,
};
