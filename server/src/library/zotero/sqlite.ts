// sql.js (SQLite compiled to WebAssembly): runs in VS Code's extension host and in Node 20 with no
// native build step. A database is opened from bytes in memory, so the file on disk is never opened
// by SQLite: Zotero's lock, its -journal and the file's bytes and mtime are left alone.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlValue } from 'sql.js';

export type { Database, SqlValue };

type SqlJsStatic = Awaited<ReturnType<typeof initSqlJs>>;
/** From sources (tests): the package's own copy; a name esbuild leaves alone (the bundle has the file beside it). */
const SQL_JS = 'sql.js';

let loading: Promise<SqlJsStatic> | null = null;

/**
 * The WebAssembly module, loaded once (~40 ms). sql.js's JavaScript is bundled; its sql-wasm.wasm
 * is copied beside the bundle (esbuild.mjs), and read from node_modules when running from sources.
 */
export function sqlite(): Promise<SqlJsStatic> {
  if (!loading) {
    const locateFile = (name: string): string => {
      const beside = path.join(__dirname, name);
      return existsSync(beside) ? beside : require.resolve(`${SQL_JS}/dist/${name}`);
    };
    loading = initSqlJs({ locateFile });
    loading.catch(() => (loading = null));
  }
  return loading;
}

/** Every row of a query as arrays of values. */
export function rows(db: Database, query: string, params: SqlValue[] = []): SqlValue[][] {
  const statement = db.prepare(query);
  try {
    statement.bind(params);
    const out: SqlValue[][] = [];
    while (statement.step()) out.push(statement.get());
    return out;
  } finally {
    statement.free();
  }
}

/** The database's table names. */
export function tables(db: Database): Set<string> {
  return new Set(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => String(r[0])));
}

/** A table's column names. */
export function columns(db: Database, table: string): Set<string> {
  return new Set(rows(db, `PRAGMA table_info("${table.replace(/"/g, '""')}")`).map((r) => String(r[1])));
}

/**
 * `SELECT columns FROM rest` as arrays, built by SQLite as one JSON text and parsed at once: sql.js
 * crosses into WebAssembly once per value otherwise (a 20k-item library's fields: 600 ms → 100 ms).
 */
export function jsonRows(db: Database, columns: string, rest: string): SqlValue[][] {
  const [[json]] = rows(db, `SELECT json_group_array(json_array(${columns})) FROM ${rest}`);
  return JSON.parse(String(json ?? '[]')) as SqlValue[][];
}
