import type { ToolDatabase } from '../runs/tool-database.js';
import type { Database } from './database.js';

/** The ToolDatabase port over the app's Prisma client: raw SQL on the server's own database. */
export function createPrismaToolDatabase(db: Pick<Database, 'prisma' | 'provider'>): ToolDatabase {
  return {
    dialect: db.provider,
    query: <Row>(sql: string, params: readonly unknown[] = []) =>
      db.prisma.$queryRawUnsafe<Row[]>(sql, ...params),
    execute: (sql, params = []) => db.prisma.$executeRawUnsafe(sql, ...params),
  };
}
