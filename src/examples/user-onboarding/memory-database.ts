import Database from 'better-sqlite3';
import type { ToolDatabase } from '../../runs/tool-database.js';

/**
 * A private in-memory SQLite database on the ToolDatabase port: where the example keeps its
 * tables when no server database is given (the tools composed by `createBuiltinRegistry()` in a
 * script or a test). Same SQL and constraints as on the server; gone when the process ends. A
 * server always passes its own database instead (app-tools.ts).
 */
export function createMemoryToolDatabase(): ToolDatabase {
  let db: Database.Database | undefined;
  const open = () => {
    db ??= new Database(':memory:');
    return db;
  };
  return {
    dialect: 'sqlite',
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      open()
        .prepare(sql)
        .all(...params) as Row[],
    execute: async (sql, params = []) =>
      open()
        .prepare(sql)
        .run(...params).changes,
  };
}
