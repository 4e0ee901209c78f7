/**
 * Thread and tenant memory, tenancy and retention through the GraphQL API, on SQLite and
 * PostgreSQL: memory a tool sets in one run is read in the next, `thread { memory }` and the
 * memory mutations with their bounds, tenant isolation of threads, idle threads removed.
 */
import { afterAll, expect, it } from 'vitest';
import { call, codeOf } from '../api/auth-helpers.js';
import { uniqueName } from '../api/operations.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { chatGraph, threadId, threadSuites } from './suite.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

await threadSuites(
  'thread memory and tenancy',
  llm,
  ({ t, acme, globex, ok, create, start, until, finish, thread, sent }) => {
    it('gives memory a tool set in one run to a tool of the next run on the thread', async () => {
      const id = threadId();
      const write = await create(acme().writer, {
        name: uniqueName('remember'),
        entry: 'thread',
        nodes: [
          { id: 'thread', tool: 'test_remember' },
          { id: 'tenant', tool: 'test_remember', config: { scope: 'tenant' } },
        ],
        edges: [{ from: 'thread', to: 'tenant' }],
      });
      const read = await create(acme().writer, {
        name: uniqueName('recall'),
        entry: 'recall',
        nodes: [{ id: 'recall', tool: 'test_recall' }],
        edges: [],
      });
      const readTenant = await create(acme().writer, {
        name: uniqueName('recall-tenant'),
        entry: 'recall',
        nodes: [{ id: 'recall', tool: 'test_recall', config: { scope: 'tenant' } }],
        edges: [],
      });
      const input = { key: 'favourite', value: { colour: 'teal', n: 3 } };
      await finish(acme().reader, (await start(acme().writer, write, input, id)).id);
      const later = await finish(
        acme().reader,
        (await start(acme().writer, read, { key: 'favourite' }, id)).id,
      );
      expect(later.state).toMatchObject({
        recalled: { colour: 'teal', n: 3 },
        keys: ['favourite'],
      });
      // Another thread of the tenant sees the tenant's memory, not the first thread's.
      const other = threadId();
      const elsewhere = await finish(
        acme().reader,
        (await start(acme().writer, read, { key: 'favourite' }, other)).id,
      );
      expect(elsewhere.state).toMatchObject({ recalled: null, keys: [] });
      const tenantWide = await finish(
        acme().reader,
        (await start(acme().writer, readTenant, { key: 'favourite' }, other)).id,
      );
      expect(tenantWide.state).toMatchObject({ recalled: { colour: 'teal', n: 3 } });
      // A run without a thread has tenant memory only: scope thread fails the node, not retried.
      const none = await finish(acme().reader, (await start(acme().writer, read, { key: 'x' })).id);
      expect(none.status).toBe('FAILED');
      expect(none.error?.code).toBe('NO_THREAD');
      expect(none.threadId).toBeNull();
      expect((await thread(acme().reader, id))?.memory).toEqual([
        { key: 'favourite', value: { colour: 'teal', n: 3 } },
      ]);
    });

    it('edits memory through the API, bounded, and lists the tenant memory', async () => {
      const id = threadId();
      const SET = `mutation($threadId: ID, $key: String!, $value: JSON!) {
      setMemory(threadId: $threadId, key: $key, value: $value) { key value } }`;
      const DELETE = `mutation($threadId: ID, $key: String!) { deleteMemory(threadId: $threadId, key: $key) }`;
      await ok(acme().writer, SET, { threadId: id, key: 'plan', value: ['a', 'b'] });
      await ok(acme().writer, SET, { key: 'org', value: 'acme' });
      expect((await thread(acme().reader, id))?.memory).toEqual([
        { key: 'plan', value: ['a', 'b'] },
      ]);
      const tenant = await ok<{ tenantMemory: Array<{ key: string }> }>(
        acme().reader,
        '{ tenantMemory { key value } }',
      );
      expect(tenant.tenantMemory).toContainEqual({ key: 'org', value: 'acme' });
      const big = 'x'.repeat(300_000);
      expect(
        codeOf(await call(t(), acme().writer, SET, { threadId: id, key: 'big', value: big })),
      ).toBe('VALUE_TOO_LARGE');
      expect(codeOf(await call(t(), acme().writer, SET, { threadId: id, key: '', value: 1 }))).toBe(
        'INVALID_MEMORY_KEY',
      );
      expect(
        codeOf(await call(t(), acme().reader, SET, { threadId: id, key: 'k', value: 1 })),
      ).toBe('FORBIDDEN');
      expect(await ok(acme().writer, DELETE, { threadId: id, key: 'plan' })).toEqual({
        deleteMemory: true,
      });
      expect(await ok(acme().writer, DELETE, { threadId: id, key: 'plan' })).toEqual({
        deleteMemory: false,
      });
      expect((await thread(acme().reader, id))?.memory).toEqual([]);
    });

    it("keeps threads per tenant: another tenant's id is not found, and the same id is a new thread", async () => {
      const id = threadId();
      const acmeGraph = await create(acme().writer, chatGraph());
      const globexGraph = await create(globex().writer, chatGraph());
      llm.script({ text: 'secret answer' }, { text: 'fresh answer' });
      await finish(
        acme().reader,
        (await start(acme().writer, acmeGraph, { message: 'secret' }, id)).id,
      );
      await ok(
        acme().writer,
        'mutation($t: ID!) { setMemory(threadId: $t, key: "k", value: 1) { key } }',
        {
          t: id,
        },
      );
      expect(await thread(globex().reader, id)).toBeNull();
      const DELETE = 'mutation($t: ID!) { deleteMemory(threadId: $t, key: "k") }';
      expect(codeOf(await call(t(), globex().writer, DELETE, { t: id }))).toBe('NOT_FOUND');
      const theirs = await start(globex().writer, globexGraph, { message: 'hello' }, id);
      await finish(globex().reader, theirs.id);
      expect(sent(1)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ]);
      const globexView = await thread(globex().reader, id);
      expect(globexView?.runs.map((r) => r.id)).toEqual([theirs.id]);
      expect(globexView?.memory).toEqual([]);
      const acmeView = await thread(acme().reader, id);
      expect(acmeView?.messages.map((m) => m.content)).toEqual(['secret', 'secret answer']);
      expect(acmeView?.memory).toEqual([{ key: 'k', value: 1 }]);
    });

    it('deletes an idle thread with its messages and memory once retention removed its runs', async () => {
      const id = threadId();
      const busy = threadId();
      const chat = await create(acme().writer, chatGraph());
      const wait = await create(acme().writer, {
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
      await finish(acme().reader, (await start(acme().writer, chat, { message: 'bye' }, id)).id);
      await ok(
        acme().writer,
        'mutation($t: ID!) { setMemory(threadId: $t, key: "k", value: 1) { key } }',
        {
          t: id,
        },
      );
      const waiting = await start(acme().writer, wait, {}, busy);
      await until(acme().reader, waiting.id, ['WAITING']);
      // Three days later every finished run is past RETENTION_DAYS=1, and so are both threads.
      await t().app.retention.runOnce(new Date(Date.now() + 3 * 86_400_000));
      expect(await thread(acme().reader, id)).toBeNull();
      // A thread one of whose runs is left (still waiting) stays.
      expect((await thread(acme().reader, busy))?.runs.map((r) => r.id)).toEqual([waiting.id]);
      // The id is free: its next use is a new, empty thread.
      await ok(
        acme().writer,
        'mutation($t: ID!) { setMemory(threadId: $t, key: "k", value: 2) { key } }',
        {
          t: id,
        },
      );
      const again = await thread(acme().reader, id);
      expect(again?.messages).toEqual([]);
      expect(again?.memory).toEqual([{ key: 'k', value: 2 }]);
    });
  },
);
