/**
 * Evals end to end: an eval set scored by a model as judge (the scripted model server), run on
 * two versions of a graph, scores stored per eval run and compared case by case.
 */
import { afterAll, beforeEach, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { waitUntil } from '../helpers/app.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import {
  createGraph,
  describeBackends,
  expectError,
  toGraphInput,
  UPDATE_GRAPH,
  uniqueName,
} from './operations.js';

const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

const CREATE = `mutation($input: EvalSetInput!) { createEvalSet(input: $input) { id name } }`;
const RUN = `mutation($id: ID!, $v: Int) { runEval(evalSetId: $id, graphVersion: $v) { id status graphVersion } }`;
const EVAL_RUN = `query($id: ID!) { evalRun(id: $id) { id status graphVersion meanScore results { case status score reason runId scorerRunId } } }`;
const SET = `query($id: ID!) { evalSet(id: $id) { name runs { graphVersion meanScore } } }`;
const COMPARE = `query($a: ID!, $b: ID!) { compareEvalRuns(a: $a, b: $b) { case before after change } }`;

interface EvalRunData {
  id: string;
  status: string;
  graphVersion: number;
  meanScore: number | null;
  results: Array<{ case: number; status: string; score: number; reason: string | null }>;
}

const adder = (name: string, by: number): GraphDef => ({
  name,
  entry: 'add',
  nodes: [{ id: 'add', tool: 'increment', config: { key: 'n', by } }],
  edges: [],
});

const judge = (name: string): GraphDef => ({
  name,
  entry: 'judge',
  nodes: [
    {
      id: 'judge',
      tool: 'llm',
      config: {
        output: 'verdict',
        prompt: 'Expected {{state.expected}}, got {{state.output.n}}. Score it from 0 to 1.',
        schema: {
          type: 'object',
          properties: { score: { type: 'number' }, reason: { type: 'string' } },
          required: ['score', 'reason'],
        },
      },
      output: { score: 'verdict.score', reason: 'verdict.reason' },
    },
  ],
  edges: [],
});

await describeBackends(
  'evals',
  (api) => {
    beforeEach(() => llm.reset());

    it('scores every case with a model as judge on two versions and compares them', async () => {
      const t = api();
      const graph = await createGraph(t, adder(uniqueName('adder'), 1));
      const scorer = await createGraph(t, judge(uniqueName('judge')));
      const set = await t.ok<{ createEvalSet: { id: string } }>(CREATE, {
        input: {
          name: uniqueName('eval'),
          graphId: graph.id,
          scorerGraph: scorer.name,
          cases: [
            { input: { n: 1 }, expected: 3 },
            { input: { n: 5 }, expected: 7 },
          ],
        },
      });
      const id = set.createEvalSet.id;
      const run = async (v: number, score: number) => {
        llm.script({ json: { score, reason: `v${v}` } }, { json: { score, reason: `v${v}` } });
        const started = await t.ok<{ runEval: EvalRunData }>(RUN, { id, v });
        expect(started.runEval).toMatchObject({ status: 'RUNNING', graphVersion: v });
        return waitUntil(async () => {
          const r = (await t.ok<{ evalRun: EvalRunData }>(EVAL_RUN, { id: started.runEval.id }))
            .evalRun;
          return r.status === 'RUNNING' ? undefined : r;
        });
      };
      const first = await run(1, 0.25);
      expect(first).toMatchObject({ status: 'SUCCEEDED', graphVersion: 1, meanScore: 0.25 });
      expect(first.results.map((r) => [r.case, r.status, r.score, r.reason])).toEqual([
        [0, 'SUCCEEDED', 0.25, 'v1'],
        [1, 'SUCCEEDED', 0.25, 'v1'],
      ]);
      // The judge saw each case's output: 1 + 1 and 5 + 1.
      const prompts = llm.requests.map((r) => JSON.stringify(r.body));
      expect(prompts.some((p) => p.includes('Expected 3, got 2.'))).toBe(true);
      expect(prompts.some((p) => p.includes('Expected 7, got 6.'))).toBe(true);

      await t.ok(UPDATE_GRAPH, { id: graph.id, input: toGraphInput(adder(graph.name, 2)) });
      llm.reset();
      const second = await run(2, 1);
      expect(second).toMatchObject({ status: 'SUCCEEDED', graphVersion: 2, meanScore: 1 });
      const prompts2 = llm.requests.map((r) => JSON.stringify(r.body));
      expect(prompts2.some((p) => p.includes('Expected 3, got 3.'))).toBe(true);

      const compared = await t.ok<{ compareEvalRuns: unknown[] }>(COMPARE, {
        a: first.id,
        b: second.id,
      });
      expect(compared.compareEvalRuns).toEqual([
        { case: 0, before: 0.25, after: 1, change: 0.75 },
        { case: 1, before: 0.25, after: 1, change: 0.75 },
      ]);
      const listed = await t.ok<{ evalSet: { runs: Array<{ graphVersion: number }> } }>(SET, {
        id,
      });
      expect(listed.evalSet.runs.map((r) => r.graphVersion)).toEqual([2, 1]);
    });

    it('refuses bad cases, an unknown scorer and a taken name with their codes', async () => {
      const t = api();
      const graph = await createGraph(t, adder(uniqueName('adder'), 1));
      const scorer = await createGraph(t, judge(uniqueName('judge')));
      const input = (extra: Record<string, unknown>) => ({
        input: {
          name: uniqueName('eval'),
          graphId: graph.id,
          scorerGraph: scorer.name,
          cases: [{ input: { n: 1 } }],
          ...extra,
        },
      });
      expectError(await t.gql(CREATE, input({ cases: [{ input: 3 }] })), 'BAD_USER_INPUT');
      expectError(await t.gql(CREATE, input({ cases: [] })), 'BAD_USER_INPUT');
      expectError(await t.gql(CREATE, input({ scorerGraph: 'no-such-graph' })), 'NOT_FOUND');
      const named = input({ name: uniqueName('dup') });
      await t.ok(CREATE, named);
      expectError(await t.gql(CREATE, named), 'EVAL_NAME_TAKEN');
      expectError(await t.gql(RUN, { id: 'nope' }), 'NOT_FOUND');
    });
  },
  { LLM_BASE_URL: llm.baseURL, LLM_API_KEY: 'sk-evals-0123456789', LLM_MODEL: 'scripted-model' },
);
