import { ACTIVE_STATUSES, type ClaimedRun, type HeldRunStore } from '../runs/ports.js';
import type { Database } from './database.js';
import { toGraphVersionRecord, toRunRecord } from './records.js';
import { NOT_PAUSED_GRAPH } from './run-store-sql.js';
import { dialectFor } from './sql-dialect.js';

const ACTIVE = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

/** No other active run with r's key is running (unheld) or waiting ahead of it. */
const NOTHING_AHEAD = (r: string) => `NOT EXISTS (
  SELECT 1 FROM "Run" o WHERE o."concurrencyKey" = ${r}."concurrencyKey" AND o."id" <> ${r}."id"
    AND o."status" IN (${ACTIVE}) AND (o."held" = false OR o."id" < ${r}."id"))`;

/**
 * Held runs over SQL. A release is one conditional UPDATE; on PostgreSQL it first takes a
 * transaction advisory lock on the key, so two servers releasing runs of one key are serialised
 * (READ COMMITTED alone would let both see "nothing ahead"). SQLite has one writer already.
 */
export function createPrismaHeldRunStore(db: Database): HeldRunStore {
  const { prisma } = db;
  const d = dialectFor(db.provider);
  const pg = db.provider === 'postgresql';
  const tx = <T>(fn: (client: typeof prisma) => Promise<T>) =>
    prisma.$transaction((t) => fn(t as typeof prisma));

  async function load(ids: string[]): Promise<ClaimedRun[]> {
    if (ids.length === 0) return [];
    const runs = await prisma.run.findMany({
      where: { id: { in: ids } },
      include: { graphVersion: true },
      orderBy: { createdAt: 'asc' },
    });
    return runs.map((r) => ({
      run: toRunRecord(r),
      version: toGraphVersionRecord(r.graphVersion),
    }));
  }

  return {
    release(runId, owner) {
      return tx(async (t) => {
        if (pg) {
          await t.$executeRawUnsafe(
            `SELECT pg_advisory_xact_lock(hashtext("concurrencyKey")) FROM "Run" WHERE "id" = $1 AND "held" = true`,
            runId,
          );
        }
        const count = await t.$executeRawUnsafe(
          `UPDATE "Run" SET "held" = false, "owner" = ${d.param(1, 'text')}, "heartbeatAt" = ${d.param(2, 'timestamp')}
           WHERE "id" = ${d.param(3, 'text')} AND "held" = true AND "status" = 'QUEUED' AND ${NOTHING_AHEAD('"Run"')}`,
          owner,
          d.time(Date.now()),
          runId,
        );
        return count > 0;
      });
    },

    async take(runId, owner) {
      const { count } = await tx((t) =>
        t.run.updateMany({
          where: { id: runId, held: true, status: 'QUEUED' },
          data: { held: false, owner, heartbeatAt: new Date() },
        }),
      );
      return count > 0;
    },

    async discard(runId) {
      const { count } = await tx((t) =>
        t.run.deleteMany({ where: { id: runId, held: true, status: 'QUEUED', lastSeq: 0 } }),
      );
      return count > 0;
    },

    async ready(limit, key) {
      // Parameters in the order they appear (SQLite numbers `?` by position).
      const params: unknown[] = key === undefined ? [limit] : [key, limit];
      const rows = await prisma.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT r."id" FROM "Run" r
         WHERE r."held" = true AND r."status" = 'QUEUED' AND ${NOT_PAUSED_GRAPH('r')}
           ${key === undefined ? '' : `AND r."concurrencyKey" = ${d.param(1, 'text')}`}
           AND ${NOTHING_AHEAD('r')}
         ORDER BY r."createdAt" LIMIT ${d.param(params.length, 'int')}`,
        ...params,
      );
      return load(rows.map((r) => r.id));
    },

    async olderActive(key, beforeRunId) {
      return prisma.run.findMany({
        where: {
          concurrencyKey: key,
          status: { in: [...ACTIVE_STATUSES] },
          id: { lt: beforeRunId },
        },
        select: { id: true, held: true },
        orderBy: { id: 'asc' },
      });
    },
  };
}
