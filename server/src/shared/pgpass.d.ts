// pgpass's reader of one ~/.pgpass line (node-postgres's dependency; shared/schema.ts findPassword).
declare module 'pgpass/lib/helper' {
  interface Entry {
    host: string;
    port: string;
    database: string;
    user: string;
    password: string;
  }
  /** PGPASSFILE, else ~/.pgpass (%APPDATA%\postgresql\pgpass.conf on Windows). */
  export function getFileName(env?: NodeJS.ProcessEnv): string;
  /** One line's fields (`\:` and `\\` read), or null for a comment or a line too short. */
  export function parseLine(line: string): Entry | null;
  export function isValidEntry(entry: Entry): boolean;
  /** Whether the entry is for this connection (`*` matches anything; the port defaults to 5432). */
  export function match(connection: { host?: string; port?: number | string; database?: string; user?: string }, entry: Entry): boolean;
}
