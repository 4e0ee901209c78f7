import { ACTIVE_STATUSES } from '../runs/ports.js';
import type { Database } from './database.js';
import { readMigrations } from './migrate.js';

/** Reads for /ready and /metrics, on either database. */
export function createOpsQueries(db: Database) {
  const expected = readMigrations(db.provider).map((m) => m.name);
  return {
    /** null when the database answers and every checked-in migration is applied; else why not. */
    async notReady(): Promise<string | null> {
      const rows = await db.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      const applied = new Set(rows.map((r) => r.migration_name));
      const missing = expected.filter((name) => !applied.has(name));
      return missing.length > 0 ? `migrations not applied: ${missing.join(', ')}` : null;
    },
    /** Active runs of every process by status (index Run(status, createdAt)). */
    async runsByStatus(): Promise<Record<string, number>> {
      const rows = await db.prisma.run.groupBy({
        by: ['status'],
        where: { status: { in: [...ACTIVE_STATUSES] } },
        _count: { _all: true },
      });
      const out: Record<string, number> = Object.fromEntries(ACTIVE_STATUSES.map((st) => [st, 0]));
      for (const r of rows) out[r.status] = r._count._all;
      return out;
    },
    async workers(): Promise<{ connected: number; slots: number }> {
      const agg = await db.prisma.worker.aggregate({
        where: { connectedTo: { not: null } },
        _count: { _all: true },
        _sum: { slots: true },
      });
      return { connected: agg._count._all, slots: agg._sum.slots ?? 0 };
    },
  };
}

export type OpsQueries = ReturnType<typeof createOpsQueries>;
