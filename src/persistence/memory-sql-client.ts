import Database from 'better-sqlite3';
import type { SqlClient } from '../runs/sql-client.js';

/**
 * A SqlClient on a private in-memory SQLite database, opened on first use: where tools with
 * tables of their own (the examples) keep them when no server database is given (a bare
 * `createBuiltinRegistry()` in a script or a test). A server passes its own database (app.ts).
 */
export function createMemorySqlClient(): SqlClient {
  let db: Database.Database | undefined;
  // One transaction at a time: the connection is shared by concurrent runs.
  let queue: Promise<unknown> = Promise.resolve();
  const open = () => {
    db ??= new Database(':memory:');
    return db;
  };
  const client: SqlClient = {
    provider: 'sqlite',
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      open()
        .prepare(sql)
        .all(...params) as Row[],
    execute: async (sql, params = []) =>
      open()
        .prepare(sql)
        .run(...params).changes,
    transaction(fn) {
      const run = async () => {
        const conn = open();
        conn.exec('BEGIN');
        try {
          const result = await fn(client);
          conn.exec('COMMIT');
          return result;
        } catch (err) {
          conn.exec('ROLLBACK');
          throw err;
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
  return client;
}
