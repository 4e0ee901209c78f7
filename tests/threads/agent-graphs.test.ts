/**
 * Agents with saved graphs as tools and handoffs to other agents (issue 17 §5), through the
 * GraphQL API against the scripted model server, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import {
  CREATE_GRAPH,
  createGraph,
  describeBackends,
  type EventData,
  expectError,
  type RunData,
  toGraphInput,
  uniqueName,
  waitForRun,
} from '../api/operations.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

const START = `mutation($graphId: ID!, $input: JSON, $threadId: ID) {
  startRun(graphId: $graphId, input: $input, threadId: $threadId) { id } }`;
const CHILDREN = `query($id: ID!) { run(id: $id) { children { id origin status threadId state } } }`;
const THREAD = `query($id: ID!) { thread(id: $id) { runs { id } messages { edges { node { role content runId } } } } }`;

const events = (run: RunData): EventData[] => run.events.edges.map((e) => e.node);
const steps = (run: RunData) =>
  events(run)
    .filter((e) => e.type === 'STEP_COMPLETED')
    .map((e) => (e.data as { name: string }).name);

interface Child {
  id: string;
  origin: string;
  status: string;
  threadId: string | null;
  state: Record<string, unknown>;
}

await describeBackends(
  'agents with graphs as tools and handoffs',
  (api) => {
    beforeAll(() => api().listen());
    beforeEach(() => llm.reset());

    const start = async (graphId: string, input: unknown, threadId?: string) =>
      (await api().ok<{ startRun: { id: string } }>(START, { graphId, input, threadId })).startRun
        .id;

    it("calls a saved graph as a tool: a child run whose final state is the call's result", async () => {
      const double = await createGraph(api(), {
        name: uniqueName('add five'),
        entry: 'add',
        nodes: [{ id: 'add', tool: 'increment', config: { key: 'n', by: 5 } }],
        edges: [],
      });
      const toolName = double.name.replace(/[^A-Za-z0-9_-]/g, '_');
      const agent = await createGraph(api(), {
        name: uniqueName('calculator'),
        entry: 'agent',
        nodes: [
          {
            id: 'agent',
            tool: 'agent',
            config: { output: 'answer', prompt: 'What is 2 + 5?', graphs: [double.name] },
          },
        ],
        edges: [],
      });
      llm.script({ toolCalls: [{ name: toolName, arguments: { n: 2 } }] }, { text: 'It is 7.' });
      const run = await waitForRun(api(), await start(agent.id, {}));
      expect(run.status).toBe('SUCCEEDED');
      expect(run.state).toEqual({ answer: 'It is 7.' });
      expect(llm.requests[0]?.body.tools).toEqual([
        expect.objectContaining({
          type: 'function',
          function: expect.objectContaining({ name: toolName }),
        }),
      ]);
      expect(llm.requests).toHaveLength(2);
      const toolMessage = (
        llm.requests[1]!.body.messages as Array<{ role: string; content: string }>
      ).find((m) => m.role === 'tool');
      expect(JSON.parse(toolMessage?.content ?? 'null')).toEqual({ n: 7 });
      expect(steps(run)).toEqual(['model:1', 'tool:1:1', 'model:2']);
      const { run: links } = await api().ok<{ run: { children: Child[] } }>(CHILDREN, {
        id: run.id,
      });
      expect(links.children).toEqual([
        expect.objectContaining({ origin: 'CHILD', status: 'SUCCEEDED', state: { n: 7 } }),
      ]);
    });

    it('hands the conversation to another agent on the same thread; its answer is the answer', async () => {
      const billing = await createGraph(api(), {
        name: uniqueName('billing'),
        entry: 'reply',
        nodes: [
          {
            id: 'reply',
            tool: 'llm',
            config: {
              output: 'reply',
              system: 'You are billing.',
              prompt: '{{state.message}} ({{state.handoff.reason}})',
            },
          },
        ],
        edges: [],
      });
      const triage = await createGraph(api(), {
        name: uniqueName('triage'),
        entry: 'triage',
        nodes: [
          {
            id: 'triage',
            tool: 'agent',
            config: {
              output: 'reply',
              prompt: '{{state.message}}',
              handoffs: [{ graph: billing.name, name: 'transfer_to_billing' }],
            },
          },
        ],
        edges: [],
      });
      const threadId = `handoff-${Math.random().toString(36).slice(2, 10)}`;
      llm.script(
        { text: 'Hello, how can I help?' },
        { toolCalls: [{ name: 'transfer_to_billing', arguments: { reason: 'invoice' } }] },
        { text: 'Invoice 42 is paid.' },
      );
      const first = await waitForRun(api(), await start(triage.id, { message: 'Hi' }, threadId));
      expect(first.state).toEqual({ message: 'Hi', reply: 'Hello, how can I help?' });
      const run = await waitForRun(
        api(),
        await start(triage.id, { message: 'Is invoice 42 paid?' }, threadId),
      );
      expect(run.status).toBe('SUCCEEDED');
      expect(run.state).toEqual({ message: 'Is invoice 42 paid?', reply: 'Invoice 42 is paid.' });
      expect(steps(run)).toEqual(['thread:history', 'model:1', 'tool:1:1']);
      // The billing agent got the thread's conversation before its own turn.
      expect(llm.requests[2]?.body.messages).toEqual([
        { role: 'system', content: 'You are billing.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello, how can I help?' },
        { role: 'user', content: 'Is invoice 42 paid? (invoice)' },
      ]);
      const { run: links } = await api().ok<{ run: { children: Child[] } }>(CHILDREN, {
        id: run.id,
      });
      expect(links.children).toHaveLength(1);
      const child = links.children[0] as Child;
      expect(child).toMatchObject({ origin: 'CHILD', status: 'SUCCEEDED', threadId });
      // The exchange is appended once, by the agent that answered.
      const { thread } = await api().ok<{
        thread: {
          runs: Array<{ id: string }>;
          messages: { edges: Array<{ node: { content: string; runId: string } }> };
        };
      }>(THREAD, { id: threadId });
      expect(thread.messages.edges.map(({ node: m }) => [m.content, m.runId])).toEqual([
        ['Hi', first.id],
        ['Hello, how can I help?', first.id],
        ['Is invoice 42 paid? (invoice)', child.id],
        ['Invoice 42 is paid.', child.id],
      ]);
      expect(thread.runs.map((r) => r.id).sort()).toEqual([first.id, run.id, child.id].sort());
    });

    it('refuses, when saving, an agent naming a graph the tenant does not have or itself', async () => {
      const name = uniqueName('self');
      const def = (graphs: string[], handoffs: string[]): GraphDef => ({
        name,
        entry: 'a',
        nodes: [{ id: 'a', tool: 'agent', config: { output: 'o', prompt: 'p', graphs, handoffs } }],
        edges: [],
      });
      const unknown = await api().gql(CREATE_GRAPH, {
        input: toGraphInput(def(['no-such-graph'], [name])),
      });
      const error = expectError(unknown, 'GRAPH_INVALID');
      expect(error.extensions?.issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: 'nodes[0].config.graphs[0]', code: 'UNKNOWN_GRAPH' }),
          expect.objectContaining({ path: 'nodes[0].config.handoffs[0]', code: 'SUBGRAPH_CYCLE' }),
        ]),
      );
    });
  },
  { LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted-model' },
);
