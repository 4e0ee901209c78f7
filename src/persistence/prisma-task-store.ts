import type { ToolTask as ToolTaskRow } from '../generated/sqlite/client/client.js';
import type {
  NewTask,
  TaskError,
  TaskEvent,
  TaskStatus,
  TaskStore,
  ToolTaskRecord,
} from '../workers/ports.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './errors.js';

const ENDED: TaskStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
/** Statuses an answer with the current lease may still end. */
const ANSWERABLE: TaskStatus[] = ['LEASED', 'QUEUED'];

/** A ToolTask row as Prisma returns it (JSON columns parsed). */
type Row = ToolTaskRow;

function toRecord(row: Row): ToolTaskRecord {
  return {
    ...row,
    status: row.status as TaskStatus,
    // Stored wrapped ({ value }), so a null result is not a SQL NULL.
    result: (row.result as { value?: unknown } | null)?.value ?? null,
    error: (row.error as TaskError | null) ?? null,
    events: Array.isArray(row.events) ? (row.events as TaskEvent[]) : [],
  };
}

/** TaskStore over Prisma: every lease and answer is a conditional update (fenced by dispatch). */
export function createPrismaTaskStore(db: Database): TaskStore {
  const tasks = db.prisma.toolTask;

  return {
    async enqueue(task) {
      try {
        return toRecord(await tasks.create({ data: newRow(task) }));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      // A resumed attempt: its task is stored already (answered, held, or ended by a dead process).
      const found = (await tasks.findUnique({ where: { id: task.id } })) as Row;
      if (found.status !== 'CANCELLED' && found.status !== 'TIMED_OUT') return toRecord(found);
      return toRecord(
        await tasks.update({
          where: { id: task.id },
          data: { status: 'QUEUED', workerId: null, leaseUntil: null },
        }),
      );
    },
    async claim(tenantId, workerId, tools, limit, leaseUntil) {
      if (limit <= 0 || tools.length === 0) return [];
      const candidates = await tasks.findMany({
        where: { status: 'QUEUED', tenantId, tool: { in: [...tools] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { id: true },
      });
      if (candidates.length === 0) return [];
      const ids = candidates.map((c) => c.id);
      // One conditional update for the batch: a task another server leased meanwhile is not
      // QUEUED any more and is left out (PostgreSQL re-checks the condition after the row lock).
      const { count } = await tasks.updateMany({
        where: { id: { in: ids }, status: 'QUEUED' },
        data: { status: 'LEASED', workerId, dispatch: { increment: 1 }, leaseUntil },
      });
      if (count === 0) return [];
      // This worker's connection lives on this server and its passes run one at a time, so the
      // candidates now leased to it are the ones this update leased.
      const rows = await tasks.findMany({
        where: { id: { in: ids }, status: 'LEASED', workerId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toRecord);
    },
    async answer(id, tenantId, dispatch, end) {
      const data =
        end.status === 'SUCCEEDED'
          ? {
              status: end.status,
              result: { value: end.result ?? null } as object,
              leaseUntil: null,
            }
          : { status: end.status, error: end.error as object, leaseUntil: null };
      const { count } = await tasks.updateMany({
        where: { id, tenantId, dispatch, status: { in: ANSWERABLE } },
        data,
      });
      if (count === 1) return { ok: true };
      const row = await tasks.findUnique({ where: { id } });
      return { ok: false, task: row && row.tenantId === tenantId ? toRecord(row) : null };
    },
    async abandon(id, status, from) {
      const { count } = await tasks.updateMany({
        where: { id, status: from ? from : { notIn: ENDED } },
        data: { status, leaseUntil: null },
      });
      return count === 1;
    },
    async requeue(id, dispatch) {
      const { count } = await tasks.updateMany({
        where: { id, dispatch, status: 'LEASED' },
        data: { status: 'QUEUED', workerId: null, leaseUntil: null },
      });
      return count === 1;
    },
    async requeueExpired(now) {
      const { count } = await tasks.updateMany({
        where: { status: 'LEASED', leaseUntil: { lt: now } },
        data: { status: 'QUEUED', workerId: null, leaseUntil: null },
      });
      return count;
    },
    async extendLeases(workerIds, leaseUntil) {
      if (workerIds.length === 0) return;
      await tasks.updateMany({
        where: { workerId: { in: [...workerIds] }, status: 'LEASED' },
        data: { leaseUntil },
      });
    },
    async get(ids) {
      if (ids.length === 0) return [];
      return (await tasks.findMany({ where: { id: { in: [...ids] } } })).map(toRecord);
    },
    async leasedTo(workerId) {
      return (await tasks.findMany({ where: { workerId, status: 'LEASED' } })).map(toRecord);
    },
    async appendEvents(id, dispatch, events) {
      // One holder per lease: read-modify-write is safe, the fence rejects a stale holder.
      const row = await tasks.findUnique({
        where: { id },
        select: { events: true, dispatch: true },
      });
      if (!row || row.dispatch !== dispatch) return false;
      const list = Array.isArray(row.events) ? (row.events as TaskEvent[]) : [];
      const { count } = await tasks.updateMany({
        where: { id, dispatch },
        data: { events: [...list, ...events] as object },
      });
      return count === 1;
    },
    async leasedCounts(workerIds) {
      const counts = new Map<string, number>();
      if (workerIds.length === 0) return counts;
      const groups = await tasks.groupBy({
        by: ['workerId'],
        where: { workerId: { in: [...workerIds] }, status: 'LEASED' },
        _count: { _all: true },
      });
      for (const g of groups) if (g.workerId) counts.set(g.workerId, g._count._all);
      return counts;
    },
    async purgeEnded(before) {
      const { count } = await tasks.deleteMany({
        where: { status: { in: ENDED }, updatedAt: { lt: before } },
      });
      return count;
    },
  };
}

function newRow(task: NewTask) {
  return {
    ...task,
    input: (task.input ?? {}) as object,
    config: (task.config ?? {}) as object,
    status: 'QUEUED',
  };
}
