/**
 * The threads API suites' shared set-up: one app per backend (SQLite, and PostgreSQL when
 * reachable) with AUTH=apikey and two tenants, the scripted model server, memory test tools,
 * and the operations the suites call.
 */
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { z } from 'zod';
import type { GraphDef } from '../../src/engine/graph.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { call, dataOf, type Keys, keysFor } from '../api/auth-helpers.js';
import { uniqueName } from '../api/operations.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import type { OpenAIServer } from '../helpers/openai-server.js';

/** Writes state.value under state.key in the memory of the given scope. */
export const remember = defineTool({
  name: 'test_remember',
  description: 'Remembers state.value under state.key',
  config: z.object({ scope: z.enum(['thread', 'tenant']).default('thread') }),
  async run(ctx) {
    if (!ctx.memory) throw new Error('no memory port');
    await ctx.memory.set(String(ctx.state.key), ctx.state.value, ctx.config.scope);
    return {};
  },
});

/** Reads state.key from memory into state.recalled (null when absent). */
export const recall = defineTool({
  name: 'test_recall',
  description: 'Recalls state.key into state.recalled',
  config: z.object({ scope: z.enum(['thread', 'tenant']).default('thread') }),
  async run(ctx) {
    if (!ctx.memory) throw new Error('no memory port');
    const value = await ctx.memory.get(String(ctx.state.key), ctx.config.scope);
    const keys = (await ctx.memory.list(ctx.config.scope)).map((e) => e.key);
    return { recalled: value ?? null, keys };
  },
});

export const START = `mutation($graphId: ID!, $input: JSON, $threadId: ID) {
  startRun(graphId: $graphId, input: $input, threadId: $threadId) { id status threadId } }`;
const RUN = `query($id: ID!) { run(id: $id) { id status state threadId error { code message } } }`;
export const THREAD = `query($id: ID!) { thread(id: $id) { id lastSeq
  runs { id status } messages { edges { node { seq role content runId nodeId } } }
  memory { key value } } }`;
const CREATE = `mutation($input: GraphInput!) { createGraph(input: $input) { id } }`;
export const RESUME = `mutation($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status } }`;

export interface RunView {
  id: string;
  status: string;
  state: Record<string, unknown> | null;
  threadId: string | null;
  error: { code: string; message: string } | null;
}
export interface ThreadView {
  id: string;
  lastSeq: number;
  runs: Array<{ id: string; status: string }>;
  messages: Array<{ seq: number; role: string; content: string; runId: string; nodeId: string }>;
  memory: Array<{ key: string; value: unknown }>;
}

/** A one-node chat graph: an llm node answering state.message into state.reply. */
export const chatGraph = (extra: Record<string, unknown> = {}): GraphDef => ({
  name: uniqueName('chat'),
  entry: 'reply',
  nodes: [
    {
      id: 'reply',
      tool: 'llm',
      config: { output: 'reply', system: 'Be brief.', prompt: '{{state.message}}', ...extra },
    },
  ],
  edges: [],
});

export const threadId = () => `chat-${Math.random().toString(36).slice(2, 10)}`;

/** What a suite's tests use: the app, two tenants' keys and the operations. */
export interface ThreadSuite {
  t(): TestApp;
  acme(): Keys;
  globex(): Keys;
  /** The chat messages of the model's i-th request, as role and content. */
  sent(i: number): Array<{ role: string; content: unknown }>;
  ok<T>(key: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  create(key: string, def: GraphDef): Promise<string>;
  start(key: string, graphId: string, input: unknown, thread?: string): Promise<RunView>;
  until(key: string, id: string, statuses: string[]): Promise<RunView>;
  finish(key: string, id: string): Promise<RunView>;
  thread(key: string, id: string): Promise<ThreadView | null>;
}

export async function threadSuites(
  title: string,
  llm: OpenAIServer,
  body: (s: ThreadSuite) => void,
): Promise<void> {
  for (const { name, skip } of await backends()) {
    describe(`${title} (${name})`, () => {
      if (skip) {
        it.skip(skip, () => {});
        return;
      }
      let app: TestApp | undefined;
      let acme: Keys | undefined;
      let globex: Keys | undefined;
      beforeAll(async () => {
        app = await createTestApp({
          backend: name,
          env: {
            SEED_EXAMPLES: 'false',
            AUTH: 'apikey',
            LLM_BASE_URL: llm.baseURL,
            LLM_MODEL: 'scripted-model',
            RETENTION_DAYS: '1',
            RETENTION_INTERVAL_MS: '0',
          },
          app: { tools: [remember, recall] },
        });
        acme = await keysFor(app, 'acme');
        globex = await keysFor(app, 'globex');
      });
      afterAll(() => app?.close());
      beforeEach(() => llm.reset());
      const need = <T>(value: T | undefined): T => {
        if (value === undefined) throw new Error('the test app did not start');
        return value;
      };
      const s: ThreadSuite = {
        t: () => need(app),
        acme: () => need(acme),
        globex: () => need(globex),
        sent(i) {
          const request = llm.requests[i];
          if (!request) throw new Error(`the model got no request #${i + 1}`);
          return (request.body.messages as Array<{ role: string; content: unknown }>).map((m) => ({
            role: m.role,
            content: m.content,
          }));
        },
        ok: async (key, query, variables) => dataOf(await call(need(app), key, query, variables)),
        create: async (key, def) =>
          (await s.ok<{ createGraph: { id: string } }>(key, CREATE, { input: def })).createGraph.id,
        start: async (key, graphId, input, thread) =>
          (
            await s.ok<{ startRun: RunView }>(key, START, {
              graphId,
              input,
              ...(thread ? { threadId: thread } : {}),
            })
          ).startRun,
        until: (key, id, statuses) =>
          waitUntil(async () => {
            const { run } = await s.ok<{ run: RunView }>(key, RUN, { id });
            return statuses.includes(run.status) ? run : undefined;
          }),
        finish: (key, id) => s.until(key, id, ['SUCCEEDED', 'FAILED', 'CANCELLED']),
        async thread(key, id) {
          type Paged = Omit<ThreadView, 'messages'> & {
            messages: { edges: Array<{ node: ThreadView['messages'][number] }> };
          };
          const { thread } = await s.ok<{ thread: Paged | null }>(key, THREAD, { id });
          return thread && { ...thread, messages: thread.messages.edges.map((e) => e.node) };
        },
      };
      body(s);
    });
  }
}
