/**
 * A run on a thread stopped in the middle of its model call (the server stops and hands it over)
 * and resumed by another server on the same database sends the model the history it read the
 * first time: not the messages another run appended meanwhile. SQLite and PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGraph, type EventData, getRun, uniqueName, waitForRun } from '../api/operations.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

const START = `mutation($graphId: ID!, $input: JSON, $threadId: ID) {
  startRun(graphId: $graphId, input: $input, threadId: $threadId) { id } }`;
const MESSAGES = `query($id: ID!) { thread(id: $id) { messages(last: 10) { edges { node { content } } } } }`;

for (const { name, skip } of await backends()) {
  describe(`thread history across a restart (${name})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let db: TestDatabase | undefined;
    const apps: TestApp[] = [];
    afterAll(async () => {
      for (const app of apps) await app.close().catch(() => {});
      await db?.drop();
    });

    it('resumes the model call with the history it had read, on another server', async () => {
      llm.reset();
      db = await openTestDatabase(name);
      const env = { SEED_EXAMPLES: 'false', LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted' };
      const first = await createTestApp({ db, env });
      apps.push(first);
      const start = async (t: TestApp, graphId: string, message: string) =>
        (
          await t.ok<{ startRun: { id: string } }>(START, {
            graphId,
            input: { message },
            threadId: 'restart-thread',
          })
        ).startRun.id;
      const graph = await createGraph(first, {
        name: uniqueName('chat'),
        entry: 'reply',
        nodes: [
          { id: 'reply', tool: 'llm', config: { output: 'reply', prompt: '{{state.message}}' } },
        ],
        edges: [],
      });
      llm.script({ text: 'A1' }, { hang: true }, { text: 'C1' }, { text: 'B1' });
      await waitForRun(first, await start(first, graph.id, 'A'));
      const b = await start(first, graph.id, 'B');
      await llm.waitForRequests(2); // B's call is under way, and never answered
      await waitForRun(first, await start(first, graph.id, 'C'));
      await first.close(); // hands B over: it resumes from its log elsewhere
      const second = await createTestApp({ db, env });
      apps.push(second);
      await second.listen();
      const resumed = await waitForRun(second, b);
      expect(resumed.status).toBe('SUCCEEDED');
      expect(resumed.state).toEqual({ message: 'B', reply: 'B1' });
      expect(llm.requests).toHaveLength(4);
      const asked = [llm.requests[1]?.body.messages, llm.requests[3]?.body.messages];
      const history = [
        { role: 'user', content: 'A' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: 'B' },
      ];
      expect(asked).toEqual([history, history]);
      const events = (await getRun(second, b)).events.edges.map((e) => e.node as EventData);
      const named = (step: string) =>
        events.filter(
          (e) => e.type === 'STEP_COMPLETED' && (e.data as { name: string }).name === step,
        );
      expect(named('thread:history')).toHaveLength(1); // read once, replayed from the log
      expect(named('thread:append')).toHaveLength(1);
      const { thread } = await waitUntil(async () => {
        const data = await second.ok<{
          thread: { messages: { edges: Array<{ node: { content: string } }> } };
        }>(MESSAGES, { id: 'restart-thread' });
        const messages = data.thread.messages.edges.map((e) => e.node);
        return messages.length === 6 ? { thread: { messages } } : undefined;
      });
      expect(thread.messages.map((m) => m.content)).toEqual(['A', 'A1', 'C', 'C1', 'B', 'B1']);
    });
  });
}
