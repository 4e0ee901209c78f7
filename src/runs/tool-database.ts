/**
 * What the composition root gives tools that keep data of their own (the examples): the
 * server's database as plain SQL (sql-client.ts; persistence/prisma-sql-client.ts implements
 * it), and the tenant a run belongs to, so a tool's rows are kept per tenant as graphs and runs
 * are. Both are called when a tool runs, after the app has opened the database and made its run
 * service. A tool's tables are its own: it creates them and names them with its own prefix,
 * apart from the framework's migrated models.
 */
import type { SqlClient } from './sql-client.js';

export interface ToolServices {
  database(): SqlClient;
  tenantOf(runId: string): Promise<string | undefined>;
}
