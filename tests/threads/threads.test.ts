/**
 * Threads end to end through the GraphQL API, against the scripted OpenAI-compatible server, on
 * SQLite and PostgreSQL: a second run on a thread sends the first run's messages to the model,
 * memory a tool sets in one run is read in the next, `thread { runs messages memory }`, tenant
 * isolation, bad thread ids, a resumed run seeing the history it started with, retention.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GraphDef } from '../../src/engine/graph.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { call, codeOf, dataOf, type Keys, keysFor } from '../api/auth-helpers.js';
import { uniqueName } from '../api/operations.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

/** Writes state.value under state.key in the memory of the given scope. */
const remember = defineTool({
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
const recall = defineTool({
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

const START = `mutation($graphId: ID!, $input: JSON, $threadId: ID) {
  startRun(graphId: $graphId, input: $input, threadId: $threadId) { id status threadId } }`;
const RUN = `query($id: ID!) { run(id: $id) { id status state threadId error { code message } } }`;
const THREAD = `query($id: ID!) { thread(id: $id) { id lastSeq
  runs { id status } messages { seq role content runId nodeId } memory { key value } } }`;
const CREATE = `mutation($input: GraphInput!) { createGraph(input: $input) { id } }`;
const RESUME = `mutation($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status } }`;

interface RunView {
  id: string;
  status: string;
  state: Record<string, unknown> | null;
  threadId: string | null;
  error: { code: string; message: string } | null;
}
interface ThreadView {
  id: string;
  lastSeq: number;
  runs: Array<{ id: string; status: string }>;
  messages: Array<{ seq: number; role: string; content: string; runId: string; nodeId: string }>;
  memory: Array<{ key: string; value: unknown }>;
}

const chatGraph = (extra: Record<string, unknown> = {}): GraphDef => ({
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

const threadId = () => `chat-${Math.random().toString(36).slice(2, 10)}`;

/** The chat messages of a recorded request, as role and text. */
function sent(i: number) {
  const request = llm.requests[i];
  if (!request) throw new Error(`the model got no request #${i + 1}`);
  return (request.body.messages as Array<{ role: string; content: unknown }>).map((m) => ({
    role: m.role,
    content: m.content,
  }));
}

for (const { name, skip } of await backends()) {
  describe(`threads (${name})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let t: TestApp;
    let acme: Keys;
    let globex: Keys;
    beforeAll(async () => {
      t = await createTestApp({
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
      acme = await keysFor(t, 'acme');
      globex = await keysFor(t, 'globex');
    });
    afterAll(() => t?.close());
    beforeEach(() => llm.reset());

    const ok = async <T>(key: string, query: string, variables?: Record<string, unknown>) =>
      dataOf(await call<T>(t, key, query, variables));
    const create = async (key: string, def: GraphDef) =>
      (await ok<{ createGraph: { id: string } }>(key, CREATE, { input: def })).createGraph.id;
    const start = async (key: string, graphId: string, input: unknown, thread?: string) =>
      (
        await ok<{ startRun: RunView }>(key, START, {
          graphId,
          input,
          ...(thread ? { threadId: thread } : {}),
        })
      ).startRun;
    const until = (key: string, id: string, statuses: string[]) =>
      waitUntil(async () => {
        const { run } = await ok<{ run: RunView }>(key, RUN, { id });
        return statuses.includes(run.status) ? run : undefined;
      });
    const finish = (key: string, id: string) =>
      until(key, id, ['SUCCEEDED', 'FAILED', 'CANCELLED']);
    const thread = async (key: string, id: string) =>
      (await ok<{ thread: ThreadView | null }>(key, THREAD, { id })).thread;

    it("sends the thread's earlier messages before the node's own, and appends the exchange", async () => {
      const graphId = await create(acme.writer, chatGraph());
      const id = threadId();
      llm.script({ text: 'Hello Ada.' }, { text: 'You are Ada.' });
      const first = await start(acme.writer, graphId, { message: 'Hi, I am Ada.' }, id);
      expect(first.threadId).toBe(id);
      expect((await finish(acme.reader, first.id)).status).toBe('SUCCEEDED');
      const second = await start(acme.writer, graphId, { message: 'Who am I?' }, id);
      const done = await finish(acme.reader, second.id);
      expect(done.state).toEqual({ message: 'Who am I?', reply: 'You are Ada.' });
      expect(sent(0)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi, I am Ada.' },
      ]);
      expect(sent(1)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi, I am Ada.' },
        { role: 'assistant', content: 'Hello Ada.' },
        { role: 'user', content: 'Who am I?' },
      ]);
      const view = await thread(acme.reader, id);
      expect(view?.lastSeq).toBe(4);
      expect(view?.runs.map((r) => r.id)).toEqual([second.id, first.id]);
      expect(view?.messages.map((m) => [m.seq, m.role, m.content, m.runId, m.nodeId])).toEqual([
        [1, 'user', 'Hi, I am Ada.', first.id, 'reply'],
        [2, 'assistant', 'Hello Ada.', first.id, 'reply'],
        [3, 'user', 'Who am I?', second.id, 'reply'],
        [4, 'assistant', 'You are Ada.', second.id, 'reply'],
      ]);
    });

    it('keeps the window to the last messages, and history: false neither reads nor appends', async () => {
      const id = threadId();
      const windowed = await create(acme.writer, chatGraph({ history: { window: 1 } }));
      const isolated = await create(acme.writer, chatGraph({ history: false }));
      llm.script({ text: 'one' }, { text: 'two' }, { text: 'three' });
      await finish(acme.reader, (await start(acme.writer, windowed, { message: 'a' }, id)).id);
      await finish(acme.reader, (await start(acme.writer, windowed, { message: 'b' }, id)).id);
      await finish(acme.reader, (await start(acme.writer, isolated, { message: 'c' }, id)).id);
      expect(sent(1)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: 'one' },
        { role: 'user', content: 'b' },
      ]);
      expect(sent(2)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'c' },
      ]);
      expect((await thread(acme.reader, id))?.lastSeq).toBe(4);
    });

    it('gives memory a tool set in one run to a tool of the next run on the thread', async () => {
      const id = threadId();
      const write = await create(acme.writer, {
        name: uniqueName('remember'),
        entry: 'thread',
        nodes: [
          { id: 'thread', tool: 'test_remember' },
          { id: 'tenant', tool: 'test_remember', config: { scope: 'tenant' } },
        ],
        edges: [{ from: 'thread', to: 'tenant' }],
      });
      const read = await create(acme.writer, {
        name: uniqueName('recall'),
        entry: 'recall',
        nodes: [{ id: 'recall', tool: 'test_recall' }],
        edges: [],
      });
      const readTenant = await create(acme.writer, {
        name: uniqueName('recall-tenant'),
        entry: 'recall',
        nodes: [{ id: 'recall', tool: 'test_recall', config: { scope: 'tenant' } }],
        edges: [],
      });
      const input = { key: 'favourite', value: { colour: 'teal', n: 3 } };
      await finish(acme.reader, (await start(acme.writer, write, input, id)).id);
      const later = await finish(
        acme.reader,
        (await start(acme.writer, read, { key: 'favourite' }, id)).id,
      );
      expect(later.state).toMatchObject({
        recalled: { colour: 'teal', n: 3 },
        keys: ['favourite'],
      });
      // Another thread of the tenant sees the tenant's memory, not the first thread's.
      const other = threadId();
      const elsewhere = await finish(
        acme.reader,
        (await start(acme.writer, read, { key: 'favourite' }, other)).id,
      );
      expect(elsewhere.state).toMatchObject({ recalled: null, keys: [] });
      const tenantWide = await finish(
        acme.reader,
        (await start(acme.writer, readTenant, { key: 'favourite' }, other)).id,
      );
      expect(tenantWide.state).toMatchObject({ recalled: { colour: 'teal', n: 3 } });
      // A run without a thread has tenant memory only: scope thread fails the node, not retried.
      const none = await finish(acme.reader, (await start(acme.writer, read, { key: 'x' })).id);
      expect(none.status).toBe('FAILED');
      expect(none.error?.code).toBe('NO_THREAD');
      expect(none.threadId).toBeNull();
      expect((await thread(acme.reader, id))?.memory).toEqual([
        { key: 'favourite', value: { colour: 'teal', n: 3 } },
      ]);
    });

    it('edits memory through the API, bounded, and lists the tenant memory', async () => {
      const id = threadId();
      const SET = `mutation($threadId: ID, $key: String!, $value: JSON!) {
        setMemory(threadId: $threadId, key: $key, value: $value) { key value } }`;
      const DELETE = `mutation($threadId: ID, $key: String!) { deleteMemory(threadId: $threadId, key: $key) }`;
      await ok(acme.writer, SET, { threadId: id, key: 'plan', value: ['a', 'b'] });
      await ok(acme.writer, SET, { key: 'org', value: 'acme' });
      expect((await thread(acme.reader, id))?.memory).toEqual([{ key: 'plan', value: ['a', 'b'] }]);
      const tenant = await ok<{ tenantMemory: Array<{ key: string }> }>(
        acme.reader,
        '{ tenantMemory { key value } }',
      );
      expect(tenant.tenantMemory).toContainEqual({ key: 'org', value: 'acme' });
      const big = 'x'.repeat(300_000);
      expect(
        codeOf(await call(t, acme.writer, SET, { threadId: id, key: 'big', value: big })),
      ).toBe('VALUE_TOO_LARGE');
      expect(codeOf(await call(t, acme.writer, SET, { threadId: id, key: '', value: 1 }))).toBe(
        'INVALID_MEMORY_KEY',
      );
      expect(codeOf(await call(t, acme.reader, SET, { threadId: id, key: 'k', value: 1 }))).toBe(
        'FORBIDDEN',
      );
      expect(await ok(acme.writer, DELETE, { threadId: id, key: 'plan' })).toEqual({
        deleteMemory: true,
      });
      expect(await ok(acme.writer, DELETE, { threadId: id, key: 'plan' })).toEqual({
        deleteMemory: false,
      });
      expect((await thread(acme.reader, id))?.memory).toEqual([]);
    });

    it("keeps threads per tenant: another tenant's id is not found, and the same id is a new thread", async () => {
      const id = threadId();
      const acmeGraph = await create(acme.writer, chatGraph());
      const globexGraph = await create(globex.writer, chatGraph());
      llm.script({ text: 'secret answer' }, { text: 'fresh answer' });
      await finish(
        acme.reader,
        (await start(acme.writer, acmeGraph, { message: 'secret' }, id)).id,
      );
      await ok(
        acme.writer,
        'mutation($t: ID!) { setMemory(threadId: $t, key: "k", value: 1) { key } }',
        {
          t: id,
        },
      );
      expect(await thread(globex.reader, id)).toBeNull();
      const DELETE = 'mutation($t: ID!) { deleteMemory(threadId: $t, key: "k") }';
      expect(codeOf(await call(t, globex.writer, DELETE, { t: id }))).toBe('NOT_FOUND');
      const theirs = await start(globex.writer, globexGraph, { message: 'hello' }, id);
      await finish(globex.reader, theirs.id);
      expect(sent(1)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ]);
      const globexView = await thread(globex.reader, id);
      expect(globexView?.runs.map((r) => r.id)).toEqual([theirs.id]);
      expect(globexView?.memory).toEqual([]);
      const acmeView = await thread(acme.reader, id);
      expect(acmeView?.messages.map((m) => m.content)).toEqual(['secret', 'secret answer']);
      expect(acmeView?.memory).toEqual([{ key: 'k', value: 1 }]);
    });

    it('refuses a malformed thread id with INVALID_THREAD_ID, storing no run', async () => {
      const graphId = await create(acme.writer, chatGraph());
      for (const bad of ['', 'has space', 'x'.repeat(129), 'semi;colon', 'ünï']) {
        const answer = await call(t, acme.writer, START, { graphId, input: {}, threadId: bad });
        expect(codeOf(answer), bad).toBe('INVALID_THREAD_ID');
        expect(codeOf(await call(t, acme.reader, THREAD, { id: bad }))).toBe('INVALID_THREAD_ID');
      }
      const runs = await ok<{ runs: { edges: unknown[] } }>(
        acme.reader,
        'query($id: ID) { runs(graphId: $id, first: 100) { edges { node { id } } } }',
        { id: graphId },
      );
      expect(runs.runs.edges).toHaveLength(0);
      expect(llm.requests).toHaveLength(0);
    });

    it('gives a run resumed after waiting the history it started with, not messages appended since', async () => {
      const id = threadId();
      const chat = await create(acme.writer, chatGraph());
      const approve = await create(acme.writer, {
        name: uniqueName('approve-then-reply'),
        entry: 'approve',
        nodes: [
          {
            id: 'approve',
            tool: 'human_input',
            config: { output: 'ok', prompt: 'Go on?', schema: { type: 'boolean' } },
          },
          { id: 'reply', tool: 'llm', config: { output: 'reply', prompt: '{{state.message}}' } },
        ],
        edges: [{ from: 'approve', to: 'reply' }],
      });
      llm.script({ text: 'A1' }, { text: 'C1' }, { text: 'B1' });
      await finish(acme.reader, (await start(acme.writer, chat, { message: 'A' }, id)).id);
      const waiting = await start(acme.writer, approve, { message: 'B' }, id);
      await until(acme.reader, waiting.id, ['WAITING']);
      await finish(acme.reader, (await start(acme.writer, chat, { message: 'C' }, id)).id);
      await ok(acme.writer, RESUME, {
        runId: waiting.id,
        interruptId: 'approve:1:1',
        value: true,
      });
      const resumed = await finish(acme.reader, waiting.id);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(sent(2)).toEqual([
        { role: 'user', content: 'A' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'B' },
      ]);
      const view = await thread(acme.reader, id);
      expect(view?.messages.map((m) => m.content)).toEqual(['A', 'A1', 'C', 'C1', 'B', 'B1']);
    });

    it('forks a run on the thread with the history of its source', async () => {
      const id = threadId();
      const chat = await create(acme.writer, chatGraph());
      llm.script({ text: 'first' }, { text: 'second' }, { text: 'forked' });
      await finish(acme.reader, (await start(acme.writer, chat, { message: 'one' }, id)).id);
      const source = await start(acme.writer, chat, { message: 'two' }, id);
      await finish(acme.reader, source.id);
      const fork = await ok<{ forkRun: { id: string } }>(
        acme.writer,
        `mutation($id: ID!) { forkRun(runId: $id, input: { fromNode: "reply", statePatch: { message: "two, again" } }) { id } }`,
        { id: source.id },
      );
      const forked = await finish(acme.reader, fork.forkRun.id);
      expect(forked.threadId).toBe(id);
      // The fork sees what its source saw (run one's exchange), not its source's own answer.
      expect(sent(2)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'first' },
        { role: 'user', content: 'two, again' },
      ]);
      expect((await thread(acme.reader, id))?.runs.map((r) => r.id)).toContain(forked.id);
    });

    it('deletes an idle thread with its messages and memory once retention removed its runs', async () => {
      const id = threadId();
      const busy = threadId();
      const chat = await create(acme.writer, chatGraph());
      const wait = await create(acme.writer, {
        name: uniqueName('wait'),
        entry: 'ask',
        nodes: [
          {
            id: 'ask',
            tool: 'human_input',
            config: { output: 'ok', prompt: 'Go on?', schema: { type: 'boolean' } },
          },
        ],
        edges: [],
      });
      llm.script({ text: 'gone soon' });
      await finish(acme.reader, (await start(acme.writer, chat, { message: 'bye' }, id)).id);
      await ok(
        acme.writer,
        'mutation($t: ID!) { setMemory(threadId: $t, key: "k", value: 1) { key } }',
        {
          t: id,
        },
      );
      const waiting = await start(acme.writer, wait, {}, busy);
      await until(acme.reader, waiting.id, ['WAITING']);
      // Three days later every finished run is past RETENTION_DAYS=1, and so are both threads.
      await t.app.retention.runOnce(new Date(Date.now() + 3 * 86_400_000));
      expect(await thread(acme.reader, id)).toBeNull();
      // A thread one of whose runs is left (still waiting) stays.
      expect((await thread(acme.reader, busy))?.runs.map((r) => r.id)).toEqual([waiting.id]);
      // The id is free: its next use is a new, empty thread.
      await ok(
        acme.writer,
        'mutation($t: ID!) { setMemory(threadId: $t, key: "k", value: 2) { key } }',
        {
          t: id,
        },
      );
      const again = await thread(acme.reader, id);
      expect(again?.messages).toEqual([]);
      expect(again?.memory).toEqual([{ key: 'k', value: 2 }]);
    });
  });
}
