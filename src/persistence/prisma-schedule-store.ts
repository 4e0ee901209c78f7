import type { State } from '../engine/index.js';
import type { Schedule as ScheduleRow } from '../generated/sqlite/client/client.js';
import type { Overlap, ScheduleRecord, ScheduleStore } from '../triggers/ports.js';
import type { Database } from './database.js';

function toSchedule(row: ScheduleRow): ScheduleRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    graphId: row.graphId,
    cron: row.cron,
    timezone: row.timezone,
    input: (row.input ?? {}) as State,
    overlap: row.overlap as Overlap,
    paused: row.paused,
    nextFireAt: row.nextFireAt,
    lastFireAt: row.lastFireAt,
    lastRunId: row.lastRunId,
    createdAt: row.createdAt,
  };
}

/** Schedules over Prisma; a fire is claimed by one conditional updateMany (count 1 = ours). */
export function createPrismaScheduleStore(db: Database): ScheduleStore {
  const { prisma } = db;
  const tx = <T>(fn: (client: typeof prisma) => Promise<T>) =>
    prisma.$transaction((t) => fn(t as typeof prisma));
  return {
    async create(s) {
      const row = await tx((t) => t.schedule.create({ data: { ...s, input: s.input as object } }));
      return toSchedule(row);
    },
    async get(id) {
      const row = await prisma.schedule.findUnique({ where: { id } });
      return row ? toSchedule(row) : null;
    },
    async setPaused(id, paused, nextFireAt) {
      const rows = await tx(async (t) => {
        await t.schedule.updateMany({ where: { id }, data: { paused, nextFireAt } });
        return t.schedule.findUnique({ where: { id } });
      });
      return rows ? toSchedule(rows) : null;
    },
    async delete(id) {
      const { count } = await tx((t) => t.schedule.deleteMany({ where: { id } }));
      return count > 0;
    },
    async due(now, limit) {
      const rows = await prisma.schedule.findMany({
        where: { paused: false, nextFireAt: { lte: now } },
        orderBy: { nextFireAt: 'asc' },
        take: limit,
      });
      return rows.map(toSchedule);
    },
    async claimFire(id, fireAt, next) {
      const { count } = await tx((t) =>
        t.schedule.updateMany({
          where: { id, paused: false, nextFireAt: fireAt },
          data: { nextFireAt: next, lastFireAt: fireAt },
        }),
      );
      return count === 1;
    },
    async unclaimFire(id, fireAt, next) {
      await tx((t) =>
        t.schedule.updateMany({
          where: { id, nextFireAt: next, lastFireAt: fireAt },
          data: { nextFireAt: fireAt },
        }),
      );
    },
    async setLastRun(id, runId) {
      await tx((t) => t.schedule.updateMany({ where: { id }, data: { lastRunId: runId } }));
    },
  };
}
