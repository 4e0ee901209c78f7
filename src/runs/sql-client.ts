/**
 * Port: plain SQL on the server's own database (SQLite or PostgreSQL), for tools that keep data
 * of their own there (the examples' tables). The application provides it
 * (persistence/prisma-sql-client.ts); tools never import Prisma or a driver for it.
 */
export interface SqlClient {
  readonly provider: 'sqlite' | 'postgresql';
  /** Rows of a query; parameters are `?` on SQLite and `$1, $2...` on PostgreSQL. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; resolves with the rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
}
