import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { modelConfigured, seedExamples } from '../../../src/examples/seed.js';
import { searchArticles, triageOutcomes } from '../../../src/examples/support-triage/index.js';
import { silentLogger } from '../../../src/logger.js';
import {
  describeBackends,
  type EventData,
  type RunData,
  waitForRun,
} from '../../api/operations.js';
import { createTestApp } from '../../helpers/app.js';
import { startOpenAIServer } from '../../helpers/openai-server.js';

const llm = await startOpenAIServer();
afterAll(() => llm.close());

const GRAPH = `query { graphByName(name: "support-triage") { id } }`;
const START = `mutation($g: ID!, $i: JSON) { startRun(graphId: $g, input: $i) { id } }`;
const INTERRUPTS = `query($id: ID!) { run(id: $id) { status interrupts { id nodeId prompt schema status } } }`;
const RESUME = `mutation($r: ID!, $i: ID!, $v: JSON!) { resumeRun(runId: $r, interruptId: $i, value: $v) { status } }`;
const events = (run: RunData): EventData[] => run.events.edges.map((e) => e.node);

describe('support-triage example, without a model', () => {
  it('is not created, and the start log says which variables to set', async () => {
    const config = loadConfig({});
    expect(modelConfigured(config)).toBe(false);
    const t = await createTestApp({ env: { SEED_EXAMPLES: 'true' } });
    try {
      expect((await t.ok<{ graphByName: unknown }>(GRAPH)).graphByName).toBeNull();
      const lines: string[] = [];
      const logger = { ...silentLogger, info: (message: string) => void lines.push(message) };
      await seedExamples(t.app.graphs, undefined, config, logger);
      expect(lines.join('\n')).toMatch(/support-triage\) were not created: set LLM_BASE_URL/);
      expect((await t.ok<{ graphByName: unknown }>(GRAPH)).graphByName).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('searches its articles by the words of a question', () => {
    expect(searchArticles('charged twice, refund please')[0]?.id).toBe('kb-billing-refund');
    expect(searchArticles('zzz')).toEqual([]);
  });
});

await describeBackends(
  'support-triage example, against a scripted OpenAI-compatible model',
  (api) => {
    it('drafts with tools, asks a person when unsure, and records the edited reply', async () => {
      const t = api();
      const { graphByName } = await t.ok<{ graphByName: { id: string } }>(GRAPH);
      llm.reset();
      llm.script(
        { toolCalls: [{ name: 'search_docs', arguments: { query: 'charged twice refund' } }] },
        {
          text: 'Hi Alan, a double charge is refunded within 5 business days (kb-billing-refund).',
        },
        { json: { confidence: 0.55, category: 'billing' } },
      );
      const { startRun } = await t.ok<{ startRun: { id: string } }>(START, { g: graphByName.id });
      const waiting = await waitForRun(t, startRun.id, ['WAITING', 'FAILED', 'SUCCEEDED']);
      expect(waiting.status, JSON.stringify(waiting.error)).toBe('WAITING');
      const { run } = await t.ok<{
        run: { interrupts: Array<{ id: string; nodeId: string; prompt: string; status: string }> };
      }>(INTERRUPTS, { id: startRun.id });
      expect(run.interrupts).toHaveLength(1);
      const ask = run.interrupts[0]!;
      expect(ask).toMatchObject({ nodeId: 'approve', status: 'PENDING' });
      expect(ask.prompt).toContain('0.55');
      expect(ask.prompt).toContain('refunded within 5 business days');
      const bad = await t.gql(RESUME, { r: startRun.id, i: ask.id, v: { approved: 'yes' } });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      await t.ok(RESUME, {
        r: startRun.id,
        i: ask.id,
        v: { approved: true, reply: 'Refund issued today. Sorry!' },
      });
      const done = await waitForRun(t, startRun.id);
      expect(done.status, JSON.stringify(done.error)).toBe('SUCCEEDED');
      expect(done.state).toMatchObject({
        customer: { found: true, name: 'Alan Turing', plan: 'pro' },
        assessment: { confidence: 0.55, category: 'billing' },
        review: { approved: true },
        outcome: {
          ticketId: 'T-1001',
          reply: 'Refund issued today. Sorry!',
          sent: true,
          reviewedByHuman: true,
          category: 'billing',
        },
      });
      expect(triageOutcomes.get('T-1001')?.reply).toBe('Refund issued today. Sorry!');
      // Three model calls, each made once; the agent's tool call found the refund article.
      expect(llm.requests).toHaveLength(3);
      const toolResult = JSON.stringify(llm.requests[1]?.body);
      expect(toolResult).toContain('kb-billing-refund');
      expect(
        events(done)
          .filter((e) => e.type === 'NODE_SUCCEEDED')
          .map((e) => e.nodeId),
      ).toEqual(['customer', 'draft', 'assess', 'approve', 'record']);
    });

    it('sends the draft without asking when the model is confident', async () => {
      const t = api();
      const { graphByName } = await t.ok<{ graphByName: { id: string } }>(GRAPH);
      llm.reset();
      llm.script(
        { text: 'Use "Forgot password" on the sign-in page.' },
        { json: { confidence: 0.93, category: 'account' } },
      );
      const input = {
        ticket: {
          id: 'T-2',
          email: 'grace@example.com',
          subject: 'Password',
          body: 'How do I reset my password?',
        },
      };
      const { startRun } = await t.ok<{ startRun: { id: string } }>(START, {
        g: graphByName.id,
        i: input,
      });
      const done = await waitForRun(t, startRun.id);
      expect(done.status, JSON.stringify(done.error)).toBe('SUCCEEDED');
      expect(done.state?.outcome).toMatchObject({
        ticketId: 'T-2',
        sent: true,
        reviewedByHuman: false,
        category: 'account',
      });
      expect(events(done).some((e) => e.type === 'NODE_SKIPPED' && e.nodeId === 'approve')).toBe(
        true,
      );
    });
  },
  { SEED_EXAMPLES: 'true', LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted-model' },
);
