// pgpass (node-postgres's own ~/.pgpass reader): the password of the first line matching the connection, or undefined.
declare module 'pgpass' {
  function pgpass(connection: { host?: string; port?: number | string; database?: string; user?: string }, found: (password: string | undefined) => void): void;
  export = pgpass;
}
