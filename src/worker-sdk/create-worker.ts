/**
 * `createWorker`: serve tools made with `defineTool` from any process. The worker registers
 * its tools, takes tasks over a graphql-ws subscription (never more than `slots` at once),
 * answers with mutations, and reconnects (with its tasks) when the server goes away.
 *
 * @example
 * const worker = createWorker({ url: 'http://127.0.0.1:4000/graphql', tools: [resize], slots: 8 });
 * await worker.start();
 * process.on('SIGTERM', () => void worker.stop());
 */
import { randomUUID } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Tool } from '../engine/index.js';
import { toJsonSchema } from '../tools/registry.js';
import { GraphQLCallError, graphqlPost, withRetry } from './graphql-http.js';
import { HAND_BACK, runTask, type TaskMessage } from './run-task.js';

export interface WorkerOptions {
  /** The server's GraphQL endpoint (http or https; the subscription uses ws or wss). */
  url: string;
  tools: readonly Tool<unknown>[];
  /** Tasks at once (default 8). */
  slots?: number;
  /** An API key or JWT (role writer), when the server has AUTH set. */
  token?: string;
  name?: string;
  /** A stable id kept across restarts of this worker (default: new per process). */
  id?: string;
  /** How often a running task tells the server it is alive and asks whether to stop (ms). */
  heartbeatMs?: number;
  /** Reconnect backoff (ms). */
  minDelayMs?: number;
  maxDelayMs?: number;
  onLog?: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

export interface RemoteWorker {
  readonly id: string;
  /** Registers and starts taking tasks; resolves once registered and connected. */
  start(): Promise<void>;
  /** Takes no new tasks, lets running ones finish for `graceMs`, hands the rest back. */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** Tasks running now. */
  running(): number;
}

const REGISTER = `mutation($input: RegisterWorkerInput!) { registerWorker(input: $input) { id } }`;
const TASKS = `subscription($workerId: ID!) { toolTasks(workerId: $workerId) {
  id tool input config runId nodeId iteration attempt idempotencyKey } }`;
const DRAIN = `mutation($workerId: ID!) { drainWorker(workerId: $workerId) { id } }`;
const RELEASE = `mutation($taskId: ID!) { releaseToolTask(taskId: $taskId) { status } }`;

export function createWorker(options: WorkerOptions): RemoteWorker {
  const id = options.id ?? `w_${randomUUID()}`;
  const slots = options.slots ?? 8;
  const tools = new Map(options.tools.map((t) => [t.name, t]));
  const log = options.onLog ?? (() => {});
  const wsUrl = options.url.replace(/^http/, 'ws');
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let stopping = false;
  let client: Client | undefined;
  /** Ends the subscription under way (stop): its promise resolves even if the socket never says so. */
  let endCurrent: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const retry = { minDelayMs: options.minDelayMs ?? 200, maxDelayMs: options.maxDelayMs ?? 5_000 };
  /** Answers are retried even while stopping (they are the work done), for up to 10 minutes. */
  const call = (query: string, variables: Record<string, unknown>, deadlineMs = 10 * 60_000) =>
    withRetry(() => graphqlPost(options.url, options.token, query, variables), {
      ...retry,
      stopped: () => false,
      deadlineMs,
    });
  const api = {
    call,
    heartbeatMs: options.heartbeatMs ?? 2_000,
    warn: (m: string, f?: Record<string, unknown>) => log('warn', m, f),
  };

  async function register(): Promise<void> {
    const input = {
      id,
      name: options.name ?? `worker ${id}`,
      slots,
      tools: options.tools.map((t) => ({
        name: t.name,
        description: t.description,
        configSchema: toJsonSchema(t.config),
        ...(t.input ? { inputSchema: toJsonSchema(t.input) } : {}),
      })),
    };
    await withRetry(() => graphqlPost(options.url, options.token, REGISTER, { input }), {
      ...retry,
      stopped: () => stopping,
    });
  }

  function take(task: TaskMessage): void {
    if (stopping || running.size >= slots || running.has(task.id)) {
      void call(RELEASE, { taskId: task.id }).catch(() => undefined);
      return;
    }
    const controller = new AbortController();
    const done = runTask(api, tools.get(task.tool), task, controller).finally(() =>
      running.delete(task.id),
    );
    running.set(task.id, { controller, done });
  }

  /** One subscription: resolves when it ends, rejects when it fails. */
  function subscribeOnce(onConnected: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      endCurrent = () => resolve();
      client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        keepAlive: 10_000,
        connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
        on: { connected: onConnected },
      });
      client.subscribe<{ toolTasks: TaskMessage }>(
        { query: TASKS, variables: { workerId: id } },
        {
          next: (r) => {
            if (r.data?.toolTasks) take(r.data.toolTasks);
            else if (r.errors?.length) reject(new Error(r.errors.map((e) => e.message).join('; ')));
          },
          error: (err) => reject(err instanceof Error ? err : new Error(describe(err))),
          complete: resolve,
        },
      );
    });
  }

  async function serve(connected: () => void, failedFirst: (err: unknown) => void): Promise<void> {
    let delay = retry.minDelayMs;
    let first = true;
    while (!stopping) {
      try {
        await register();
        await subscribeOnce(() => {
          delay = retry.minDelayMs;
          connected();
        });
        if (!stopping) log('info', 'task subscription ended; reconnecting');
      } catch (err) {
        if (stopping) break;
        if (first && err instanceof GraphQLCallError && !err.transient) return failedFirst(err);
        log('warn', 'worker connection failed; reconnecting', {
          err: describe(err),
          delayMs: delay,
        });
      }
      first = false;
      await client?.dispose();
      if (stopping) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(retry.maxDelayMs, delay * 2);
    }
  }

  return {
    id,
    running: () => running.size,
    start() {
      return new Promise<void>((resolve, reject) => {
        loop = serve(resolve, reject);
      });
    },
    async stop({ graceMs = 10_000 } = {}) {
      if (stopping) return;
      stopping = true;
      // Best effort: a server that is away cannot give this worker tasks anyway.
      await call(DRAIN, { workerId: id }, Math.min(graceMs, 5_000)).catch(() => undefined);
      const all = Promise.all([...running.values()].map((r) => r.done));
      await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
      // Still running past the grace: hand them back (another worker runs them) and abort them.
      for (const [taskId, r] of running) {
        r.controller.abort(HAND_BACK); // runTask sends no answer for it
        await call(RELEASE, { taskId }, 5_000).catch(() => undefined);
      }
      endCurrent?.();
      // A socket that never says it closed (a server gone mid-handshake) must not hold stop.
      const bounded = (p: unknown) =>
        Promise.race([p, new Promise((r) => setTimeout(r, 5_000).unref())]);
      await bounded(client?.dispose());
      await bounded(loop);
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return err.map((e) => (e as Error).message ?? String(e)).join('; ');
  const close = err as { code?: number; reason?: string };
  if (typeof close?.code === 'number')
    return `socket closed ${close.code} ${close.reason ?? ''}`.trim();
  return String(err);
}
