/**
 * Run budgets through the GraphQL API (SQLite, PostgreSQL), against the scripted model server:
 * the graph's budget fails the run with BUDGET_EXCEEDED naming it, startRun's budget overrides
 * it and `onBudget: STOP` lets the agent finish with what it has, and Run.usage sums the run's
 * model calls, tokens and cost (from LLM_PRICES).
 */
import { afterAll, beforeEach, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { startOpenAIServer } from '../helpers/openai-server.js';
import {
  createGraph,
  describeBackends,
  expectError,
  uniqueName,
  waitForRun,
} from './operations.js';

const llm = await startOpenAIServer();
afterAll(() => llm.close());

const USAGE = `query U($id: ID!) { run(id: $id) { status state error { code message details }
  usage { modelCalls inputTokens outputTokens totalTokens costUsd } } }`;
const START = `mutation S($graphId: ID!, $budget: RunBudgetInput) {
  startRun(graphId: $graphId, budget: $budget) { id } }`;

const env = {
  LLM_BASE_URL: llm.baseURL,
  LLM_MODEL: 'scripted',
  LLM_PRICES: JSON.stringify({ scripted: { inputPerMTok: 1000, outputPerMTok: 2000 } }),
};

function agentGraph(budget: Record<string, unknown>): GraphDef {
  return {
    name: uniqueName('budget'),
    nodes: [
      {
        id: 'agent',
        tool: 'agent',
        config: { output: 'answer', prompt: 'Use the tool.', tools: ['set_state'] },
      },
    ],
    edges: [],
    entry: 'agent',
    limits: { budget },
  };
}

const turn = (n: number) => ({
  text: `thinking ${n}`,
  toolCalls: [{ name: 'set_state', arguments: {} }],
  usage: { prompt_tokens: 100, completion_tokens: 50 },
});

interface UsageRun {
  status: string;
  state: Record<string, unknown>;
  error: { code: string; message: string; details: Record<string, unknown> } | null;
  usage: Record<string, number>;
}

await describeBackends(
  'run budgets',
  (api) => {
    beforeEach(() => llm.reset());

    const start = async (graphId: string, budget?: Record<string, unknown>) => {
      const data = await api().ok<{ startRun: { id: string } }>(START, { graphId, budget });
      await waitForRun(api(), data.startRun.id);
      return (await api().ok<{ run: UsageRun }>(USAGE, { id: data.startRun.id })).run;
    };

    it("fails the run with BUDGET_EXCEEDED naming the graph's spent budget, before the call", async () => {
      llm.script(turn(1), turn(2), turn(3));
      const graph = await createGraph(api(), agentGraph({ maxModelCalls: 2 }));
      const run = await start(graph.id);
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatchObject({
        code: 'BUDGET_EXCEEDED',
        details: { budget: 'maxModelCalls', limit: 2, used: 2 },
      });
      expect(run.error?.message).toContain('maxModelCalls');
      expect(llm.requests).toHaveLength(2);
      expect(run.usage).toEqual({
        modelCalls: 2,
        inputTokens: 200,
        outputTokens: 100,
        totalTokens: 300,
        costUsd: 0.4,
      });
    });

    it('takes the budget given to startRun over the graph one; onBudget STOP finishes with what it has', async () => {
      llm.script(turn(1), turn(2), turn(3));
      const graph = await createGraph(api(), agentGraph({ maxModelCalls: 2 }));
      const run = await start(graph.id, { maxTokens: 150, onBudget: 'STOP' });
      expect(run.status).toBe('SUCCEEDED');
      expect(run.state).toEqual({ answer: 'thinking 1' });
      expect(llm.requests).toHaveLength(1);
      expect(run.usage.totalTokens).toBe(150);
    });

    it('stops on the cost budget (priced from LLM_PRICES)', async () => {
      llm.script(turn(1), turn(2), turn(3));
      const graph = await createGraph(api(), agentGraph({ maxCostUsd: 0.3 }));
      const run = await start(graph.id);
      expect(run.error).toMatchObject({
        code: 'BUDGET_EXCEEDED',
        details: { budget: 'maxCostUsd' },
      });
      expect(run.usage.costUsd).toBe(0.4);
    });

    it('refuses a bad budget at startRun with every problem', async () => {
      const graph = await createGraph(api(), agentGraph({}));
      const res = await api().gql(START, {
        graphId: graph.id,
        budget: { maxTokens: -1, maxCostUsd: 0 },
      });
      const error = expectError(res, 'BAD_USER_INPUT');
      expect(error.extensions?.problems).toHaveLength(2);
    });
  },
  env,
);
