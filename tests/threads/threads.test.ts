/**
 * Threads and history end to end through the GraphQL API, against the scripted OpenAI-compatible
 * server, on SQLite and PostgreSQL: a second run on a thread sends the first run's messages to
 * the model, the window and `history: false`, bad thread ids, a run resumed after waiting and a
 * fork seeing the history their run started with.
 */
import { afterAll, expect, it } from 'vitest';
import { call, codeOf } from '../api/auth-helpers.js';
import { uniqueName } from '../api/operations.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { chatGraph, RESUME, START, THREAD, threadId, threadSuites } from './suite.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

await threadSuites(
  'threads and history',
  llm,
  ({ t, acme, ok, create, start, until, finish, thread, sent }) => {
    it("sends the thread's earlier messages before the node's own, and appends the exchange", async () => {
      const graphId = await create(acme().writer, chatGraph());
      const id = threadId();
      llm.script({ text: 'Hello Ada.' }, { text: 'You are Ada.' });
      const first = await start(acme().writer, graphId, { message: 'Hi, I am Ada.' }, id);
      expect(first.threadId).toBe(id);
      expect((await finish(acme().reader, first.id)).status).toBe('SUCCEEDED');
      const second = await start(acme().writer, graphId, { message: 'Who am I?' }, id);
      const done = await finish(acme().reader, second.id);
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
      const view = await thread(acme().reader, id);
      expect(view?.lastSeq).toBe(4);
      expect(view?.runs.map((r) => r.id)).toEqual([second.id, first.id]);
      expect(view?.messages.map((m) => [m.seq, m.role, m.content, m.runId, m.nodeId])).toEqual([
        [1, 'user', 'Hi, I am Ada.', first.id, 'reply'],
        [2, 'assistant', 'Hello Ada.', first.id, 'reply'],
        [3, 'user', 'Who am I?', second.id, 'reply'],
        [4, 'assistant', 'You are Ada.', second.id, 'reply'],
      ]);
      // Paged by seq cursors, forward and from the end.
      const PAGE = `query($id: ID!, $after: String) { thread(id: $id) {
        head: messages(first: 2, after: $after) { edges { node { seq } } pageInfo { hasNextPage endCursor } }
        tail: messages(last: 1) { edges { node { seq } } pageInfo { hasPreviousPage } } } }`;
      type Page = { edges: Array<{ node: { seq: number } }>; pageInfo: Record<string, unknown> };
      const seqs = (p: Page) => p.edges.map((e) => e.node.seq);
      const one = await ok<{ thread: { head: Page; tail: Page } }>(acme().reader, PAGE, { id });
      expect(seqs(one.thread.head)).toEqual([1, 2]);
      expect(one.thread.head.pageInfo.hasNextPage).toBe(true);
      expect(seqs(one.thread.tail)).toEqual([4]);
      expect(one.thread.tail.pageInfo.hasPreviousPage).toBe(true);
      const two = await ok<{ thread: { head: Page } }>(acme().reader, PAGE, {
        id,
        after: one.thread.head.pageInfo.endCursor,
      });
      expect(seqs(two.thread.head)).toEqual([3, 4]);
      expect(two.thread.head.pageInfo.hasNextPage).toBe(false);
    });

    it('keeps the window to the last messages, and history: false neither reads nor appends', async () => {
      const id = threadId();
      const windowed = await create(acme().writer, chatGraph({ history: { window: 1 } }));
      const isolated = await create(acme().writer, chatGraph({ history: false }));
      llm.script({ text: 'one' }, { text: 'two' }, { text: 'three' });
      await finish(acme().reader, (await start(acme().writer, windowed, { message: 'a' }, id)).id);
      await finish(acme().reader, (await start(acme().writer, windowed, { message: 'b' }, id)).id);
      await finish(acme().reader, (await start(acme().writer, isolated, { message: 'c' }, id)).id);
      expect(sent(1)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: 'one' },
        { role: 'user', content: 'b' },
      ]);
      expect(sent(2)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'c' },
      ]);
      expect((await thread(acme().reader, id))?.lastSeq).toBe(4);
    });

    it('refuses a malformed thread id with INVALID_THREAD_ID, storing no run', async () => {
      const graphId = await create(acme().writer, chatGraph());
      for (const bad of ['', 'has space', 'x'.repeat(129), 'semi;colon', 'ünï']) {
        const answer = await call(t(), acme().writer, START, { graphId, input: {}, threadId: bad });
        expect(codeOf(answer), bad).toBe('INVALID_THREAD_ID');
        expect(codeOf(await call(t(), acme().reader, THREAD, { id: bad }))).toBe(
          'INVALID_THREAD_ID',
        );
      }
      const runs = await ok<{ runs: { edges: unknown[] } }>(
        acme().reader,
        'query($id: ID) { runs(graphId: $id, first: 100) { edges { node { id } } } }',
        { id: graphId },
      );
      expect(runs.runs.edges).toHaveLength(0);
      expect(llm.requests).toHaveLength(0);
    });

    it('gives a run resumed after waiting the history it started with, not messages appended since', async () => {
      const id = threadId();
      const chat = await create(acme().writer, chatGraph());
      const approve = await create(acme().writer, {
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
      await finish(acme().reader, (await start(acme().writer, chat, { message: 'A' }, id)).id);
      const waiting = await start(acme().writer, approve, { message: 'B' }, id);
      await until(acme().reader, waiting.id, ['WAITING']);
      await finish(acme().reader, (await start(acme().writer, chat, { message: 'C' }, id)).id);
      await ok(acme().writer, RESUME, {
        runId: waiting.id,
        interruptId: 'approve:1:1',
        value: true,
      });
      const resumed = await finish(acme().reader, waiting.id);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(sent(2)).toEqual([
        { role: 'user', content: 'A' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'B' },
      ]);
      const view = await thread(acme().reader, id);
      expect(view?.messages.map((m) => m.content)).toEqual(['A', 'A1', 'C', 'C1', 'B', 'B1']);
    });

    it('forks a run on the thread with the history of its source', async () => {
      const id = threadId();
      const chat = await create(acme().writer, chatGraph());
      llm.script({ text: 'first' }, { text: 'second' }, { text: 'forked' });
      await finish(acme().reader, (await start(acme().writer, chat, { message: 'one' }, id)).id);
      const source = await start(acme().writer, chat, { message: 'two' }, id);
      await finish(acme().reader, source.id);
      const fork = await ok<{ forkRun: { id: string } }>(
        acme().writer,
        `mutation($id: ID!) { forkRun(runId: $id, input: { fromNode: "reply", statePatch: { message: "two, again" } }) { id } }`,
        { id: source.id },
      );
      const forked = await finish(acme().reader, fork.forkRun.id);
      expect(forked.threadId).toBe(id);
      // The fork sees what its source saw (run one's exchange), not its source's own answer.
      expect(sent(2)).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'first' },
        { role: 'user', content: 'two, again' },
      ]);
      expect((await thread(acme().reader, id))?.runs.map((r) => r.id)).toContain(forked.id);
    });
  },
);
