import { z } from 'zod';
import type { GraphDef } from '../../src/engine/graph.js';
import { defineTool } from '../../src/tools/define-tool.js';
import {
  createWorker,
  type RemoteWorker,
  type WorkerOptions,
} from '../../src/worker-sdk/create-worker.js';
import { toGraphInput } from '../api/operations.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import type { Backend } from '../helpers/databases.js';

export const REGISTER = `mutation($input: RegisterWorkerInput!) { registerWorker(input: $input) { id name tools slots connected } }`;
export const TOOLS = `{ tools { name source workers freeSlots inputSchema configSchema } }`;
export const EVENTS = `query($id: ID!) { run(id: $id) { status state error { code message } events(first: 1000) { edges { node { seq type nodeId attempt data } } } } }`;

export interface RunView {
  status: string;
  state: Record<string, unknown>;
  error: { code: string; message: string } | null;
  events: {
    edges: Array<{
      node: {
        seq: number;
        type: string;
        nodeId: string | null;
        attempt: number | null;
        // biome-ignore lint/suspicious/noExplicitAny: event payloads are read loosely in tests
        data: any;
      };
    }>;
  };
}

/** An app listening on a port (workers connect over HTTP and WebSocket). */
export async function workerApp(
  backend: Backend,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const t = await createTestApp({
    backend,
    env: { SEED_EXAMPLES: 'false', WORKER_POLL_MS: '50', WORKER_LEASE_MS: '3000', ...env },
  });
  await t.listen();
  return t;
}

let n = 0;
export const unique = (prefix: string) => `${prefix}_${process.pid}_${++n}`;

/** A tool that upper-cases `input.text`, logging on the way. */
export function upperTool(name: string, seen?: string[]) {
  return defineTool({
    name,
    description: 'Upper-cases a text',
    config: z.object({ suffix: z.string().default('') }),
    input: z.object({ text: z.string() }),
    run: ({ input, config, log, emit, idempotencyKey }) => {
      seen?.push(idempotencyKey);
      log('upper-casing', { length: (input.text as string).length });
      emit('progress', { done: 1 });
      return { text: `${(input.text as string).toUpperCase()}${config.suffix}` };
    },
  });
}

/** A tool that waits until released (or aborted), counting how many run at once. */
export function gateTool(name: string) {
  const state = { running: 0, max: 0, started: 0, gates: [] as Array<() => void>, aborted: 0 };
  const tool = defineTool({
    name,
    description: 'Waits for the test to release it',
    input: z.object({ i: z.number().optional() }).passthrough(),
    run: ({ input, signal }) =>
      new Promise((resolve, reject) => {
        state.running++;
        state.started++;
        state.max = Math.max(state.max, state.running);
        const done = () => {
          state.running--;
          resolve({ i: input.i ?? null });
        };
        state.gates.push(done);
        signal.addEventListener('abort', () => {
          state.running--;
          state.aborted++;
          reject(signal.reason);
        });
      }),
  });
  return {
    tool,
    state,
    releaseAll: () => {
      for (const g of state.gates.splice(0)) g();
    },
  };
}

export async function startWorker(
  t: TestApp,
  options: Omit<WorkerOptions, 'url'>,
): Promise<RemoteWorker> {
  const worker = createWorker({
    url: t.url,
    heartbeatMs: 200,
    minDelayMs: 50,
    maxDelayMs: 500,
    ...options,
  });
  await worker.start();
  // Connected once the server counts it for its tools.
  const first = options.tools[0]?.name;
  await waitUntil(async () => {
    const data = await t.ok<{ tools: Array<{ name: string; workers: number | null }> }>(TOOLS);
    return (data.tools.find((x) => x.name === first)?.workers ?? 0) > 0 ? true : undefined;
  });
  return worker;
}

export async function saveGraph(t: TestApp, def: GraphDef): Promise<string> {
  const data = await t.ok<{ createGraph: { id: string } }>(
    `mutation($input: GraphInput!) { createGraph(input: $input) { id } }`,
    { input: toGraphInput(def) },
  );
  return data.createGraph.id;
}

export async function startRun(t: TestApp, graphId: string, input: unknown = {}): Promise<string> {
  const data = await t.ok<{ startRun: { id: string } }>(
    `mutation($g: ID!, $i: JSON) { startRun(graphId: $g, input: $i) { id } }`,
    { g: graphId, i: input },
  );
  return data.startRun.id;
}

export async function runView(t: TestApp, id: string): Promise<RunView> {
  return (await t.ok<{ run: RunView }>(EVENTS, { id })).run;
}

export async function waitForEnd(t: TestApp, id: string, timeoutMs = 30_000): Promise<RunView> {
  return waitUntil(async () => {
    const run = await runView(t, id);
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status) ? run : undefined;
  }, timeoutMs);
}

export const eventsOf = (run: RunView) => run.events.edges.map((e) => e.node);
