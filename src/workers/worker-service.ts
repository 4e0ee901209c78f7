/**
 * Remote workers, as the API sees them: register, take tasks (a feed per connected worker),
 * answer them, heartbeat, hand back, drain. Every call is checked against the caller's tenant.
 * A task reaches the worker with an id `<taskId>@<dispatch>`: an answer carrying a lease the
 * task no longer has is refused with a code saying why, and changes nothing.
 */
import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ToolRegistry } from '../tools/registry.js';
import { Dispatcher } from './dispatcher.js';
import type {
  TaskError,
  TaskEvent,
  TaskStatus,
  TaskStore,
  ToolTaskRecord,
  WorkerRecord,
  WorkerStore,
} from './ports.js';
import { createRemoteTools } from './remote-tools.js';
import { createTaskBroker } from './task-broker.js';
import { type RegisterWorkerInput, validateRegistration } from './worker-input.js';

export interface WorkerServiceOptions {
  tasks: TaskStore;
  workers: WorkerStore;
  registry: ToolRegistry;
  tenantOf(runId: string): Promise<string | undefined>;
  owner: string;
  logger: Logger;
  leaseMs: number;
  pollMs: number;
  waitNoticeMs: number;
  scheduleToStartMs: number;
}

/** A task as a worker receives it. */
export interface WorkerTask extends ToolTaskRecord {
  /** `<taskId>@<dispatch>`: what the worker's answers carry. */
  token: string;
  idempotencyKey: string;
}

export interface WorkerView extends WorkerRecord {
  /** Connected to some server now. */
  connected: boolean;
  /** Tasks leased to it now. */
  running: number;
}

export interface ToolCapacity {
  workers: number;
  freeSlots: number;
}

export function createWorkerService(o: WorkerServiceOptions) {
  const { tasks, workers } = o;
  const dispatcher: Dispatcher = new Dispatcher({
    tasks,
    workers,
    owner: o.owner,
    leaseMs: o.leaseMs,
    pollMs: o.pollMs,
    logger: o.logger,
    onDispatched: (task, worker) => broker.dispatched(task, worker),
  });
  const names = new Map<string, string>();
  const broker = createTaskBroker({
    ...o,
    async workerName(id) {
      if (!names.has(id)) {
        const w = await workers.getWorker(id);
        if (w) names.set(id, w.name);
      }
      return names.get(id);
    },
    onQueued: () => dispatcher.kick(),
    onEnded: (id) => dispatcher.ended(id),
  });
  const remote = createRemoteTools(o.registry, broker.execute);
  let refresh: NodeJS.Timeout | undefined;
  /** Stored worker tools whose name another tool has (warned once). */
  const clashes = new Set<string>();

  const fresh = (w: WorkerRecord) =>
    w.connectedTo !== null &&
    w.lastSeenAt !== null &&
    w.lastSeenAt.getTime() > Date.now() - 2 * o.leaseMs;

  /** Defines the stored worker tools (a registration on another server, or before a restart). */
  async function loadTools(): Promise<void> {
    for (const record of await workers.listTools()) {
      if (
        remote.define(record) === 'TAKEN' &&
        !clashes.has(record.name) &&
        clashes.add(record.name)
      )
        o.logger.warn('a stored worker tool has the name of another tool; it is not served', {
          tool: record.name,
        });
    }
  }

  function parseToken(token: string): { id: string; dispatch: number } {
    const at = token.lastIndexOf('@');
    const dispatch = Number(token.slice(at + 1));
    if (at <= 0 || !Number.isInteger(dispatch)) throw notFound('Tool task', token);
    return { id: token.slice(0, at), dispatch };
  }

  async function task(tenantId: string, token: string): Promise<[ToolTaskRecord, number]> {
    const { id, dispatch } = parseToken(token);
    const [found] = await tasks.get([id]);
    if (!found || found.tenantId !== tenantId) throw notFound('Tool task', token);
    return [found, dispatch];
  }

  function refusal(t: ToolTaskRecord | null, token: string, dispatch: number): AppError {
    if (!t) return notFound('Tool task', token);
    if (t.dispatch !== dispatch)
      return new AppError(
        'TASK_REASSIGNED',
        `Task ${token} was given to another worker after this lease ended (the worker disconnected or its lease lapsed); drop this result.`,
        { taskId: token },
      );
    if (t.status === 'CANCELLED')
      return new AppError('TASK_CANCELLED', `Task ${token}: its run was cancelled.`, {
        taskId: token,
      });
    if (t.status === 'TIMED_OUT')
      return new AppError('TASK_TIMED_OUT', `Task ${token}: its attempt timed out.`, {
        taskId: token,
      });
    return new AppError('TASK_ALREADY_ANSWERED', `Task ${token} was answered already.`, {
      taskId: token,
      status: t.status,
    });
  }

  async function answer(
    tenantId: string,
    token: string,
    end: { status: 'SUCCEEDED'; result: unknown } | { status: 'FAILED'; error: TaskError },
  ): Promise<{ id: string; status: TaskStatus }> {
    const { id, dispatch } = parseToken(token);
    const outcome = await tasks.answer(id, tenantId, dispatch, end);
    dispatcher.released(id, dispatch);
    if (!outcome.ok) throw refusal(outcome.task, token, dispatch);
    broker.answered(id, end);
    return { id, status: end.status };
  }

  return {
    broker,
    loadTools,
    async register(tenantId: string, input: RegisterWorkerInput): Promise<WorkerRecord> {
      const reg = validateRegistration(input);
      const existing = await workers.getWorker(reg.id);
      if (existing && existing.tenantId !== tenantId) throw notFound('Worker', reg.id);
      for (const t of reg.tools) {
        const other = o.registry.get(t.name);
        const mine = remote.get(t.name);
        if ((other && !mine) || (mine && mine.tenantId !== tenantId))
          throw new AppError(
            'TOOL_NAME_TAKEN',
            `A tool named "${t.name}" exists already; give the worker's tool another name.`,
            { tool: t.name },
          );
      }
      for (const t of reg.tools) {
        const record = { ...t, tenantId };
        if ((await workers.saveTool(record)) === 'TAKEN' || remote.define(record) === 'TAKEN')
          throw new AppError('TOOL_NAME_TAKEN', `A tool named "${t.name}" exists already.`, {
            tool: t.name,
          });
      }
      const worker = {
        id: reg.id,
        tenantId,
        name: reg.name,
        tools: reg.tools.map((t) => t.name),
        slots: reg.slots,
      };
      await workers.saveWorker(worker);
      o.logger.info('worker registered', {
        worker: worker.id,
        name: worker.name,
        tools: worker.tools,
      });
      return {
        ...worker,
        connectedTo: existing?.connectedTo ?? null,
        lastSeenAt: existing?.lastSeenAt ?? null,
      };
    },
    /** The task feed of a registered worker (the toolTasks subscription). */
    async connect(tenantId: string, workerId: string): Promise<AsyncIterableIterator<WorkerTask>> {
      const worker = await workers.getWorker(workerId);
      if (!worker || worker.tenantId !== tenantId) throw notFound('Worker', workerId);
      if (worker.tools.some((name) => !remote.get(name))) await loadTools();
      const feed = await dispatcher.connect(worker);
      const next = async (): Promise<IteratorResult<WorkerTask>> => {
        const r = await feed.next();
        if (r.done) return r;
        const t = r.value;
        // The task id is `<idempotencyKey of the call>:<attempt>` (task-broker.ts): a node's key,
        // or, for a tool call of an agent, that call's own key.
        const idempotencyKey = t.id.slice(0, t.id.lastIndexOf(':'));
        return { done: false, value: { ...t, token: `${t.id}@${t.dispatch}`, idempotencyKey } };
      };
      const iterator: AsyncIterableIterator<WorkerTask> = {
        next,
        return: async () => {
          await feed.return();
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
    complete: (tenantId: string, token: string, result: unknown) =>
      answer(tenantId, token, { status: 'SUCCEEDED', result }),
    fail: (tenantId: string, token: string, error: TaskError) =>
      answer(tenantId, token, { status: 'FAILED', error }),
    /** Keeps a task's lease, relays progress; says whether the task is still this worker's. */
    async heartbeat(tenantId: string, token: string, progress: unknown) {
      const [t, dispatch] = await task(tenantId, token);
      const current = t.dispatch === dispatch && (t.status === 'LEASED' || t.status === 'QUEUED');
      if (current && t.workerId) {
        await tasks.extendLeases([t.workerId], new Date(Date.now() + o.leaseMs));
        if (progress !== undefined && progress !== null)
          await sendEvents(t, dispatch, [{ type: 'CUSTOM', name: 'progress', payload: progress }]);
      }
      return { task: t, cancelled: !current, reason: current ? null : refusal(t, token, dispatch) };
    },
    async events(tenantId: string, token: string, events: TaskEvent[]) {
      const [t, dispatch] = await task(tenantId, token);
      if (t.dispatch !== dispatch || (t.status !== 'LEASED' && t.status !== 'QUEUED'))
        throw refusal(t, token, dispatch);
      await sendEvents(t, dispatch, events);
      return t;
    },
    /** Hands a task back (a worker shutting down): queued again, no attempt used. */
    async release(tenantId: string, token: string) {
      const [t, dispatch] = await task(tenantId, token);
      if (!(await tasks.requeue(t.id, dispatch))) throw refusal(t, token, dispatch);
      dispatcher.released(t.id, dispatch);
      return t;
    },
    /** Stops giving tasks to a worker connected here (it finishes what it holds). */
    async drain(tenantId: string, workerId: string): Promise<WorkerView> {
      const worker = await workers.getWorker(workerId);
      if (!worker || worker.tenantId !== tenantId) throw notFound('Worker', workerId);
      const conn = dispatcher.get(workerId);
      if (conn) conn.draining = true;
      return { ...worker, connected: fresh(worker), running: conn?.holding.size ?? 0 };
    },
    async list(tenantId: string): Promise<WorkerView[]> {
      const all = await workers.listWorkers(tenantId);
      const counts = await tasks.leasedCounts(all.map((w) => w.id));
      return all.map((w) => ({ ...w, connected: fresh(w), running: counts.get(w.id) ?? 0 }));
    },
    /** Per worker tool of the tenant: connected workers and their free slots now. */
    async capacity(tenantId: string): Promise<Map<string, ToolCapacity>> {
      const live = (await workers.listWorkers(tenantId)).filter(fresh);
      const counts = await tasks.leasedCounts(live.map((w) => w.id));
      const byTool = new Map<string, ToolCapacity>();
      for (const w of live) {
        for (const name of w.tools) {
          const c = byTool.get(name) ?? { workers: 0, freeSlots: 0 };
          c.workers += 1;
          c.freeSlots += Math.max(0, w.slots - (counts.get(w.id) ?? 0));
          byTool.set(name, c);
        }
      }
      return byTool;
    },
    start() {
      dispatcher.start();
      broker.start();
      // Tools registered through other servers: known here within a second or so.
      refresh = setInterval(
        () => {
          loadTools().catch((err) => o.logger.warn('loading worker tools failed', { err }));
        },
        Math.max(1_000, o.pollMs * 8),
      );
      refresh.unref();
    },
    /** Before the runs stop: their remote attempts are resumed later, not cancelled. */
    quiesce: () => broker.quiesce(),
    async stop() {
      clearInterval(refresh);
      broker.stop();
      await dispatcher.stop();
    },
  };

  async function sendEvents(t: ToolTaskRecord, dispatch: number, events: TaskEvent[]) {
    if (broker.relay(t.id, dispatch, events)) return;
    await tasks.appendEvents(t.id, dispatch, events); // the run executes on another server
  }
}

export type WorkerService = ReturnType<typeof createWorkerService>;
