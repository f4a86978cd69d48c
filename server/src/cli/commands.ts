// The CLI's subcommands, one module each; this table is the only place they are listed.
export interface Command {
  summary: string;
  usage: string[];
  /** Returns the process exit code. Errors go to stderr; stdout stays machine-readable. */
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {};
