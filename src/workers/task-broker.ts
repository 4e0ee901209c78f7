/**
 * The run side of remote tools: one attempt of a worker tool becomes a stored task (its id
 * derived from the attempt, so a resumed attempt finds it again and a finished one is never
 * run twice), and the attempt waits for the answer. Answers given to this server settle the
 * wait at once; answers given to another server are found by polling the task rows.
 */
import { EngineError, type ToolContext } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { TaskError, TaskEvent, TaskStore, ToolTaskRecord, WorkerRecord } from './ports.js';
import type { RemoteTool } from './remote-tools.js';

/** A worker failed the task; retried by the node's policy unless the worker said not to. */
export class WorkerTaskError extends EngineError {
  constructor(
    message: string,
    readonly retryable: boolean,
    details: unknown,
  ) {
    super('TOOL_FAILED', message, undefined, details);
  }
}

export interface BrokerOptions {
  tasks: TaskStore;
  /** The tenant of a run (this process executes it). */
  tenantOf(runId: string): Promise<string | undefined>;
  /** A worker's name, for the run's log. */
  workerName(workerId: string): Promise<string | undefined>;
  logger: Logger;
  pollMs: number;
  leaseMs: number;
  /** After this long without a worker, the node says so (NODE_WAITING_FOR_WORKER). */
  waitNoticeMs: number;
  /** A task no worker took for this long fails its attempt (retryable); 0: no limit. */
  scheduleToStartMs: number;
  /** A task was queued: look for a free worker now. */
  onQueued(): void;
  /** The run ended a task a worker may hold (its slot stays taken a while). */
  onEnded(taskId: string): void;
}

interface Waiter {
  task: ToolTaskRecord;
  ctx: ToolContext<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** The dispatch last reported in the run's log (0: not yet at a worker). */
  dispatch: number;
  /** Events of the stored row already relayed. */
  delivered: number;
  timers: NodeJS.Timeout[];
  cleanup(): void;
}

export const taskIdOf = (ctx: ToolContext<unknown>) => `${ctx.idempotencyKey}:${ctx.attempt}`;

export function createTaskBroker(o: BrokerOptions) {
  const waiters = new Map<string, Waiter>();
  const timers: NodeJS.Timeout[] = [];
  let polling = false;
  /** Shutting down: attempts aborted now resume later, so their tasks are left as they are. */
  let quiescing = false;

  async function execute(tool: RemoteTool, ctx: ToolContext<unknown>): Promise<unknown> {
    const tenantId = await o.tenantOf(ctx.runId);
    if (tenantId !== tool.tenantId) {
      throw new EngineError(
        'TOOL_NOT_FOUND',
        `No worker tool "${tool.name}" in this run's tenant: register it with a worker of the tenant.`,
        ctx.nodeId,
      );
    }
    const stored = await o.tasks.enqueue({
      id: taskIdOf(ctx),
      tenantId,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      iteration: ctx.iteration,
      attempt: ctx.attempt,
      tool: tool.name,
      input: ctx.input,
      config: ctx.config ?? {},
    });
    if (stored.status === 'SUCCEEDED') return stored.result; // answered while the run was down
    if (stored.status === 'FAILED') throw failure(stored);
    const { signal } = ctx;
    if (signal.aborted) {
      await endTask(stored.id, signal.reason);
      throw signal.reason;
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        task: stored,
        ctx,
        resolve,
        reject,
        dispatch: 0,
        delivered: stored.events.length,
        timers: [],
        cleanup() {
          waiters.delete(stored.id);
          signal.removeEventListener('abort', onAbort);
          for (const t of w.timers) clearTimeout(t);
        },
      };
      const onAbort = () => {
        w.cleanup();
        if (!quiescing) void endTask(stored.id, signal.reason);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiters.set(stored.id, w);
      if (stored.status === 'LEASED') w.dispatch = stored.dispatch; // resumed: a worker has it
      w.timers.push(
        setTimeout(() => {
          if (w.dispatch === 0 && waiters.has(stored.id))
            ctx.emit('NODE_WAITING_FOR_WORKER', { tool: tool.name, waitingMs: o.waitNoticeMs });
        }, o.waitNoticeMs),
      );
      if (o.scheduleToStartMs > 0)
        w.timers.push(setTimeout(() => void expire(w), o.scheduleToStartMs));
      o.onQueued();
    });
  }

  async function endTask(id: string, reason: unknown): Promise<void> {
    const timedOut = reason instanceof EngineError && reason.code === 'TOOL_TIMEOUT';
    try {
      await o.tasks.abandon(id, timedOut ? 'TIMED_OUT' : 'CANCELLED');
    } catch (err) {
      o.logger.warn('ending a remote task failed; its worker’s answer is refused anyway', { err });
    }
    o.onEnded(id);
  }

  /** Schedule-to-start: nobody took the task in time. */
  async function expire(w: Waiter): Promise<void> {
    if (w.dispatch !== 0 || !waiters.has(w.task.id)) return;
    if (!(await o.tasks.abandon(w.task.id, 'TIMED_OUT', 'QUEUED'))) return; // a worker took it
    w.cleanup();
    w.reject(
      new EngineError(
        'SCHEDULE_TO_START_TIMEOUT',
        `No worker took the task of tool "${w.task.tool}" within ${o.scheduleToStartMs} ms: start a worker that serves it (retried by the node's retry policy).`,
        w.ctx.nodeId,
        { tool: w.task.tool },
      ),
    );
  }

  function failure(task: ToolTaskRecord): WorkerTaskError {
    const e: TaskError = task.error ?? { message: 'the worker failed the task', retryable: true };
    return new WorkerTaskError(`Worker tool ${task.tool} failed: ${e.message}`, e.retryable, {
      worker: task.workerId,
      ...(e.code === undefined ? {} : { code: e.code }),
      ...(e.details === undefined ? {} : { details: e.details }),
    });
  }

  /** A task reached a worker: recorded in the run's log once per lease. */
  function dispatched(task: ToolTaskRecord, worker: Pick<WorkerRecord, 'id' | 'name'> | null) {
    const w = waiters.get(task.id);
    if (!w || task.dispatch <= w.dispatch) return;
    w.dispatch = task.dispatch;
    const emit = (name: string | undefined) =>
      w.ctx.emit('TASK_DISPATCHED', {
        tool: task.tool,
        workerId: task.workerId,
        ...(name === undefined ? {} : { worker: name }),
        dispatch: task.dispatch,
      });
    emit(worker?.name);
  }

  /** A stored answer: ends the attempt when it waits here. */
  function settle(task: ToolTaskRecord): void {
    const w = waiters.get(task.id);
    if (!w) return;
    relayStored(w, task);
    if (task.status === 'SUCCEEDED') {
      w.cleanup();
      w.resolve(task.result);
    } else if (task.status === 'FAILED') {
      w.cleanup();
      w.reject(failure(task));
    }
  }

  /** An answer this server stored: ends the attempt when it waits here (no read back). */
  function answered(
    id: string,
    end: { status: 'SUCCEEDED'; result: unknown } | { status: 'FAILED'; error: TaskError },
  ): void {
    const w = waiters.get(id);
    if (!w) return;
    settle({
      ...w.task,
      events: [],
      status: end.status,
      result: end.status === 'SUCCEEDED' ? end.result : null,
      error: end.status === 'FAILED' ? end.error : null,
    });
  }

  /** Relays a worker's events into the run's log; false when the attempt does not wait here. */
  function relay(taskId: string, dispatch: number, events: readonly TaskEvent[]): boolean {
    const w = waiters.get(taskId);
    if (!w || (w.dispatch !== 0 && w.dispatch !== dispatch)) return false;
    for (const e of events) emitEvent(w.ctx, e);
    return true;
  }

  function relayStored(w: Waiter, task: ToolTaskRecord): void {
    if (task.events.length <= w.delivered) return;
    for (const e of task.events.slice(w.delivered)) emitEvent(w.ctx, e);
    w.delivered = Math.max(w.delivered, task.events.length);
  }

  async function poll(): Promise<void> {
    if (polling || waiters.size === 0) return;
    polling = true;
    try {
      for (const task of await o.tasks.get([...waiters.keys()])) {
        const w = waiters.get(task.id);
        if (!w) continue;
        if (task.status === 'LEASED' || task.status === 'SUCCEEDED' || task.status === 'FAILED') {
          // Leased on another server: named from the worker's registration (looked up first,
          // so the event is recorded before the answer in the same poll settles the attempt).
          const name = task.workerId
            ? await o.workerName(task.workerId).catch(() => undefined)
            : undefined;
          dispatched(task, task.workerId && name ? { id: task.workerId, name } : null);
        }
        if (task.status === 'SUCCEEDED' || task.status === 'FAILED') settle(task);
        else relayStored(w, task);
      }
    } catch (err) {
      o.logger.warn('polling remote tasks failed; retrying', { err });
    } finally {
      polling = false;
    }
  }

  async function sweep(): Promise<void> {
    try {
      if ((await o.tasks.requeueExpired(new Date())) > 0) o.onQueued();
    } catch (err) {
      o.logger.warn('re-queueing lapsed remote tasks failed', { err });
    }
  }

  return {
    execute,
    dispatched,
    settle,
    answered,
    relay,
    /** Attempts waiting here for a worker's answer. */
    waiting: () => waiters.size,
    start() {
      const every = (ms: number, fn: () => Promise<unknown>) => {
        const t = setInterval(() => void fn(), ms);
        t.unref();
        timers.push(t);
      };
      every(o.pollMs, poll);
      every(Math.max(50, Math.floor(o.leaseMs / 3)), sweep);
      every(10 * 60_000, () =>
        o.tasks.purgeEnded(new Date(Date.now() - 24 * 3_600_000)).catch(() => 0),
      );
    },
    /** The server stops: attempts aborted from now on resume on the next start. */
    quiesce() {
      quiescing = true;
    },
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}

export type TaskBroker = ReturnType<typeof createTaskBroker>;

function emitEvent(ctx: ToolContext<unknown>, e: TaskEvent): void {
  if (e.type === 'LOG') ctx.log(e.message, e.fields, e.level);
  else ctx.emit(e.name, e.payload);
}
