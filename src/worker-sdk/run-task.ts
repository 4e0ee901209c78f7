/**
 * One task in a worker: the tool's config and input parsed by its own schemas, `run` called
 * with a context like an in-process tool's (no `state`: a remote tool gets its `inputs`),
 * events batched to the server, heartbeats that learn of a cancel, then the answer.
 */
import { isNonRetryable, type Tool, type ToolContext } from '../engine/index.js';
import { GraphQLCallError } from './graphql-http.js';

export interface TaskMessage {
  id: string;
  tool: string;
  input: Record<string, unknown>;
  config: unknown;
  runId: string;
  nodeId: string;
  iteration: number;
  attempt: number;
  idempotencyKey: string;
}

/** The abort reason of a task the worker hands back (stopping): no answer is sent for it. */
export const HAND_BACK = new Error('worker stopping: task handed back');

export interface TaskApi {
  /** Sends a mutation, retrying while the server is unreachable. */
  call(query: string, variables: Record<string, unknown>): Promise<unknown>;
  heartbeatMs: number;
  warn(message: string, fields?: Record<string, unknown>): void;
}

const HEARTBEAT = `mutation($taskId: ID!) { heartbeatToolTask(taskId: $taskId) { cancelled reason } }`;
const COMPLETE = `mutation($taskId: ID!, $result: JSON) { completeToolTask(taskId: $taskId, result: $result) { status } }`;
const FAIL = `mutation($taskId: ID!, $error: ToolTaskErrorInput!) { failToolTask(taskId: $taskId, error: $error) { status } }`;
const EVENTS = `mutation($taskId: ID!, $events: [ToolTaskEventInput!]!) { emitToolTaskEvents(taskId: $taskId, events: $events) { status } }`;

/** Codes that mean "this answer is not wanted" (cancelled, reassigned...): nothing to do. */
const REFUSALS = new Set([
  'TASK_REASSIGNED',
  'TASK_CANCELLED',
  'TASK_TIMED_OUT',
  'TASK_ALREADY_ANSWERED',
  'NOT_FOUND',
]);

export async function runTask(
  api: TaskApi,
  tool: Tool<unknown> | undefined,
  task: TaskMessage,
  controller: AbortController,
): Promise<void> {
  const pending: Array<Record<string, unknown>> = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (pending.length === 0) return flushing;
    const events = pending.splice(0);
    flushing = flushing.then(() =>
      api.call(EVENTS, { taskId: task.id, events }).then(
        () => undefined,
        (err) => api.warn('sending task events failed', { err: String(err), task: task.id }),
      ),
    );
    return flushing;
  };
  const flushTimer = setInterval(() => void flush(), 100);
  const heartbeat = setInterval(() => {
    api.call(HEARTBEAT, { taskId: task.id }).then(
      (data) => {
        const hb = (data as { heartbeatToolTask: { cancelled: boolean; reason: string | null } })
          .heartbeatToolTask;
        if (hb.cancelled) controller.abort(new Error(`task ended by the server: ${hb.reason}`));
      },
      () => undefined, // the server is away: the answer path retries
    );
  }, api.heartbeatMs);
  try {
    if (!tool)
      throw Object.assign(new Error(`this worker has no tool "${task.tool}"`), {
        retryable: false,
      });
    const config = tool.config.safeParse(task.config ?? {});
    if (!config.success) throw invalid('config', config.error.issues);
    let input: Record<string, unknown> = task.input ?? {};
    if (tool.input) {
      const parsed = tool.input.safeParse(input);
      if (!parsed.success) throw invalid('input', parsed.error.issues);
      input = parsed.data as Record<string, unknown>;
    }
    const ctx: ToolContext<unknown> = {
      state: {},
      config: config.data,
      input,
      signal: controller.signal,
      attempt: task.attempt,
      iteration: task.iteration,
      runId: task.runId,
      nodeId: task.nodeId,
      idempotencyKey: task.idempotencyKey,
      log: (message, fields, level = 'info') =>
        void pending.push({
          type: 'LOG',
          message,
          level,
          ...(fields === undefined ? {} : { fields }),
        }),
      emit: (name, payload) =>
        void pending.push({ type: 'CUSTOM', name, ...(payload === undefined ? {} : { payload }) }),
      // The server records the task's result as a whole: steps inside a worker are not recorded.
      step: async (_name, fn) => fn(),
      interrupt: () =>
        Promise.reject(
          Object.assign(new Error('ctx.interrupt is not available in a remote worker'), {
            retryable: false,
          }),
        ),
      checkBudget: () => 'ok',
    };
    const result = await tool.run(ctx);
    await flush();
    await answer(api, COMPLETE, { taskId: task.id, result: result ?? {} });
  } catch (err) {
    await flush();
    if (controller.signal.reason === HAND_BACK) return;
    const e = err as { message?: string; code?: unknown; details?: unknown };
    await answer(api, FAIL, {
      taskId: task.id,
      error: {
        message: e?.message ?? String(err),
        retryable: !isNonRetryable(err),
        ...(typeof e?.code === 'string' ? { code: e.code } : {}),
        ...(e?.details === undefined ? {} : { details: e.details }),
      },
    });
  } finally {
    clearInterval(flushTimer);
    clearInterval(heartbeat);
  }
}

async function answer(api: TaskApi, query: string, variables: Record<string, unknown>) {
  try {
    await api.call(query, variables);
  } catch (err) {
    if (err instanceof GraphQLCallError && REFUSALS.has(err.code)) return; // not wanted any more
    api.warn('answering a task failed', { err: String(err), task: variables.taskId });
  }
}

function invalid(what: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) {
  const list = issues
    .map((i) => `${i.path.map(String).join('.') || what}: ${i.message}`)
    .join('; ');
  return Object.assign(new Error(`invalid ${what}: ${list}`), {
    retryable: false,
    code: 'INVALID_INPUT',
  });
}
