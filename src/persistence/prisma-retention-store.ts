import BetterSqlite from 'better-sqlite3';
import type { RetentionStore } from '../runs/retention.js';
import { type Database, sqlitePath } from './database.js';

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const DAY_MS = 86_400_000;
/** Pages given back per pass at most (80 MB of 4 KB pages): bounded time with the write lock. */
const VACUUM_PAGES = 20_000;

/** RetentionStore over Prisma; each method one batch, each write one transaction. */
export function createPrismaRetentionStore(db: Database): RetentionStore {
  const { prisma } = db;
  return {
    async expiredRuns(defaultDays, now, limit, compact) {
      const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS);
      const custom = await prisma.graph.findMany({
        where: { retentionDays: { gt: 0 } },
        select: { id: true, retentionDays: true },
      });
      const or: object[] = custom.map((g) => ({
        graphId: g.id,
        finishedAt: { lt: cutoff(g.retentionDays ?? 0) },
      }));
      if (defaultDays > 0)
        or.push({ finishedAt: { lt: cutoff(defaultDays) }, graph: { retentionDays: null } });
      if (or.length === 0) return [];
      const rows = await prisma.run.findMany({
        where: { OR: or, status: { in: FINISHED }, ...(compact ? { compactedAt: null } : {}) },
        orderBy: { finishedAt: 'asc' },
        take: limit,
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },
    async deleteRuns(ids) {
      if (ids.length === 0) return 0;
      // Events, node rows and start keys go with their run (ON DELETE CASCADE).
      const { count } = await prisma.run.deleteMany({
        where: { id: { in: [...ids] }, status: { in: FINISHED } },
      });
      return count;
    },
    async compactRuns(ids) {
      if (ids.length === 0) return 0;
      return prisma.$transaction(async (tx) => {
        const runs = await tx.run.findMany({
          where: { id: { in: [...ids] }, status: { in: FINISHED }, compactedAt: null },
          select: { id: true, lastSeq: true },
        });
        for (const run of runs)
          await tx.runEvent.deleteMany({
            where: { runId: run.id, seq: { gt: 1, lt: run.lastSeq } },
          });
        await tx.run.updateMany({
          where: { id: { in: runs.map((r) => r.id) } },
          data: { compactedAt: new Date() },
        });
        return runs.length;
      });
    },
    async graphState(graphId) {
      const g = await prisma.graph.findUnique({
        where: { id: graphId },
        select: { tenantId: true, archivedAt: true },
      });
      return g ? { tenantId: g.tenantId, archived: g.archivedAt !== null } : null;
    },
    async runsOf(graphId, limit) {
      const rows = await prisma.run.findMany({
        where: { graphId },
        orderBy: { finishedAt: { sort: 'asc', nulls: 'last' } },
        take: limit,
        select: { id: true },
      });
      return rows.map((r) => r.id);
    },
    async deleteGraph(graphId) {
      await prisma.graph.deleteMany({ where: { id: graphId } });
    },
    async setRetention(graphId, days) {
      const { count } = await prisma.graph.updateMany({
        where: { id: graphId },
        data: { retentionDays: days },
      });
      return count > 0;
    },
    async reclaim() {
      if (db.provider !== 'sqlite') return;
      // Pages freed by the deletes go back to the file system (auto_vacuum = INCREMENTAL, set
      // when the database was created; on an older file this does nothing: see the README).
      // Its own connection: through Prisma the statement is stepped once, which frees one page.
      const conn = new BetterSqlite(sqlitePath(db.url), { timeout: 5_000 });
      try {
        conn.exec(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`);
      } finally {
        conn.close();
      }
    },
  };
}
