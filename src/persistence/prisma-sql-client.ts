import type { SqlClient } from '../runs/sql-client.js';
import type { Database, DatabaseProvider, Db } from './database.js';

type RawClient = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

/**
 * The SqlClient port on the app's Prisma client (raw statements, bound parameters). `db` is read
 * on each call: the tools are made before the database is opened.
 */
export function createPrismaSqlClient(provider: DatabaseProvider, db: () => Database): SqlClient {
  const over = (client: () => RawClient, inTransaction: boolean): SqlClient => ({
    provider,
    query: <Row>(sql: string, params: readonly unknown[] = []) =>
      client().$queryRawUnsafe<Row[]>(sql, ...params),
    execute: (sql, params = []) => client().$executeRawUnsafe(sql, ...params),
    transaction: (fn) =>
      inTransaction
        ? fn(over(client, true))
        : db().prisma.$transaction((tx) => fn(over(() => tx, true)), {
            timeout: 60_000,
            maxWait: 10_000,
          }),
  });
  return over(() => db().prisma, false);
}
