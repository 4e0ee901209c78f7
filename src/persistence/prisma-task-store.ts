import type {
  NewTask,
  TaskError,
  TaskEvent,
  TaskStatus,
  TaskStore,
  ToolTaskRecord,
} from '../workers/ports.js';
import type { Database } from './database.js';

const ENDED: TaskStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];
/** Statuses an answer with the current lease may still end. */
const ANSWERABLE: TaskStatus[] = ['LEASED', 'QUEUED'];

type Row = {
  id: string;
  tenantId: string;
  runId: string;
  nodeId: string;
  iteration: number;
  attempt: number;
  tool: string;
  input: unknown;
  config: unknown;
  status: string;
  dispatch: number;
  workerId: string | null;
  leaseUntil: Date | null;
  result: unknown;
  error: unknown;
  events: unknown;
  createdAt: Date;
};

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

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}

/** TaskStore over Prisma: every lease and answer is a conditional update (fenced by dispatch). */
export function createPrismaTaskStore(db: Database): TaskStore {
  const tasks = db.prisma.toolTask;

  return {
    async enqueue(task) {
      const found = await tasks.findUnique({ where: { id: task.id } });
      if (found) {
        if (found.status !== 'CANCELLED' && found.status !== 'TIMED_OUT') return toRecord(found);
        const again = await tasks.update({
          where: { id: task.id },
          data: { status: 'QUEUED', workerId: null, leaseUntil: null },
        });
        return toRecord(again);
      }
      try {
        return toRecord(await tasks.create({ data: newRow(task) }));
      } catch (err) {
        // Two resumes of one attempt raced (a takeover): the other one stored it.
        if (!isUniqueViolation(err)) throw err;
        return toRecord((await tasks.findUnique({ where: { id: task.id } })) as Row);
      }
    },
    async claim(tenantId, workerId, tools, limit, leaseUntil) {
      if (limit <= 0 || tools.length === 0) return [];
      const candidates = await tasks.findMany({
        where: { status: 'QUEUED', tenantId, tool: { in: [...tools] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
        select: { id: true, dispatch: true },
      });
      const claimed: string[] = [];
      for (const c of candidates) {
        const { count } = await tasks.updateMany({
          where: { id: c.id, status: 'QUEUED', dispatch: c.dispatch },
          data: { status: 'LEASED', workerId, dispatch: c.dispatch + 1, leaseUntil },
        });
        if (count === 1) claimed.push(c.id);
      }
      if (claimed.length === 0) return [];
      const rows = await tasks.findMany({
        where: { id: { in: claimed } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toRecord);
    },
    async answer(id, dispatch, end) {
      const data =
        end.status === 'SUCCEEDED'
          ? {
              status: end.status,
              result: { value: end.result ?? null } as object,
              leaseUntil: null,
            }
          : { status: end.status, error: end.error as object, leaseUntil: null };
      const { count } = await tasks.updateMany({
        where: { id, dispatch, status: { in: ANSWERABLE } },
        data,
      });
      const row = await tasks.findUnique({ where: { id } });
      return count === 1 && row
        ? { ok: true, task: toRecord(row) }
        : { ok: false, task: row ? toRecord(row) : null };
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
