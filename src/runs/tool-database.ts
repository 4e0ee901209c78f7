/**
 * The port for tools that keep tables of their own in the server's database (the examples: the
 * user-onboarding accounts, workspaces and emails). Raw SQL in the server's dialect, so a tool
 * never imports Prisma or a driver; persistence/prisma-tool-database.ts implements it over the
 * app's Prisma client. A tool's tables are its own: it creates them (`CREATE TABLE IF NOT EXISTS`)
 * and names them with its own prefix, apart from the framework's migrated models.
 */
export type SqlDialectName = 'sqlite' | 'postgresql';

export interface ToolDatabase {
  readonly dialect: SqlDialectName;
  /**
   * The rows of a query. Placeholders are the dialect's: `?` on SQLite (bound in order),
   * `$1`, `$2`... on PostgreSQL.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
}

/**
 * What the composition root gives tools that keep data of their own: the database, and the
 * tenant a run belongs to (so a tool's rows are kept per tenant, as graphs and runs are). Both
 * are called when a tool runs, after the app has opened the database and made its run service.
 */
export interface ToolServices {
  database(): ToolDatabase;
  tenantOf(runId: string): Promise<string | undefined>;
}
