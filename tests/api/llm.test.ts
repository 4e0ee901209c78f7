/**
 * `llm` nodes end to end through the GraphQL API, against the scripted OpenAI-compatible server
 * (real HTTP and SSE): the answer in state[output], deltas live on runEvents and few of them
 * stored, usage recorded, structured output retried until valid, 429 retried after its
 * retry-after, and cancel closing the HTTP request. Credentials: llm-credentials.test.ts.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { collectRunEvents, wsClient } from '../e2e/helpers/ws.js';
import { waitUntil } from '../helpers/app.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { custom, events, llmGraph } from './llm-helpers.js';
import {
  CANCEL_RUN,
  CREATE_GRAPH,
  createGraph,
  describeBackends,
  expectError,
  getRun,
  runToEnd,
  startRun,
  toGraphInput,
  waitForRun,
} from './operations.js';

const KEY = 'sk-e2e-never-shown-0123456789abcdef';
const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

const env = { LLM_BASE_URL: llm.baseURL, LLM_API_KEY: KEY, LLM_MODEL: 'scripted-model' };

await describeBackends(
  'llm nodes over GraphQL',
  (api) => {
    beforeAll(() => api().listen());
    beforeEach(() => llm.reset());

    it('puts the answer in state[output], streams deltas live and stores far fewer than tokens', async () => {
      const tokens = Array.from({ length: 400 }, (_, i) => `tok${i} `);
      let resume: () => void = () => {};
      llm.script({
        chunks: tokens,
        pauseAfter: 200,
        resume: new Promise<void>((r) => {
          resume = r;
        }),
        usage: { prompt_tokens: 21, completion_tokens: 400 },
      });
      const graph = await createGraph(
        api(),
        llmGraph(
          {
            output: 'answer',
            system: 'You write about {{state.topic}}.',
            prompt: 'Write {{input.words}} words about {{state.topic}}.',
            temperature: 0.5,
            maxTokens: 600,
          },
          { inputs: { words: 'state.n * 100' } },
        ),
      );
      const run = await startRun(api(), graph.id, { topic: 'otters', n: 4 });
      const client = wsClient(api().wsUrl);
      try {
        const sub = collectRunEvents(client, run.id);
        // Live: deltas arrive while the model is still answering (the server waits for us).
        await sub.until('a delta while the model streams', (results) =>
          results.some(
            (r) =>
              r.data?.runEvents.type === 'CUSTOM' &&
              (r.data.runEvents.data as { name?: string }).name === 'llm.delta',
          ),
        );
        const before = (await getRun(api(), run.id)).status;
        expect(before).toBe('RUNNING');
        resume();
        expect(await sub.done).toEqual({ kind: 'complete' });
        const seen = sub.results.map((r) => r.data?.runEvents).filter((e) => e?.type === 'CUSTOM');
        expect(seen.length).toBeGreaterThan(1);
      } finally {
        await client.dispose();
      }
      const done = await waitForRun(api(), run.id);
      expect(done.status).toBe('SUCCEEDED');
      const text = tokens.join('');
      expect(done.state?.answer).toBe(text);
      const deltas = custom(done, 'llm.delta').map(
        (e) => e.data.payload as { text: string; offset: number },
      );
      expect(deltas.map((d) => d.text).join('')).toBe(text);
      expect(deltas[0]?.offset).toBe(0);
      expect(deltas.length).toBeLessThan(tokens.length / 10);
      const usage = custom(done, 'llm.usage');
      expect(usage).toHaveLength(1);
      expect(usage[0]?.nodeId).toBe('ask');
      expect(usage[0]?.data.payload).toMatchObject({
        provider: 'default',
        model: 'scripted-model',
        inputTokens: 21,
        outputTokens: 400,
        totalTokens: 421,
        finishReason: 'stop',
      });
      // The final text is one stored result: the node's patch.
      const succeeded = events(done).filter((e) => e.type === 'NODE_SUCCEEDED');
      expect(succeeded.map((e) => e.data.patch)).toEqual([{ answer: text }]);
      expect(llm.requests).toHaveLength(1);
      expect(llm.requests[0]?.body).toMatchObject({
        model: 'scripted-model',
        temperature: 0.5,
        max_tokens: 600,
        messages: [
          { role: 'system', content: 'You write about otters.' },
          { role: 'user', content: 'Write 400 words about otters.' },
        ],
      });
    });

    it('retries a structured answer that fails the schema, with the validation message', async () => {
      llm.script(
        { json: { label: 'bug', confidence: 'high' } },
        { json: { label: 'bug', confidence: 0.9 } },
      );
      const schema = {
        type: 'object',
        properties: { label: { enum: ['bug', 'question'] }, confidence: { type: 'number' } },
        required: ['label', 'confidence'],
      };
      const graph = await createGraph(
        api(),
        llmGraph(
          { output: 'triage', prompt: 'Triage: {{state.ticket}}', schema },
          { retry: { maxAttempts: 2, initialDelayMs: 1 } },
        ),
      );
      const done = await runToEnd(api(), graph.id, { ticket: 'it crashes' });
      expect(done.status).toBe('SUCCEEDED');
      expect(done.state?.triage).toEqual({ label: 'bug', confidence: 0.9 });
      const retrying = events(done).filter((e) => e.type === 'NODE_RETRYING');
      expect(retrying).toHaveLength(1);
      expect(retrying[0]?.data.error).toMatchObject({ code: 'LLM_OUTPUT_INVALID', nodeId: 'ask' });
      expect((retrying[0]?.data.error as { message?: string } | undefined)?.message).toContain(
        '/confidence must be number',
      );
      expect(custom(done, 'llm.usage')).toHaveLength(2); // the bad answer's tokens count too
      expect(llm.requests[0]?.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { schema, strict: false },
      });
    });

    it('retries a 429 after its retry-after, then succeeds', async () => {
      llm.script(
        { status: 429, headers: { 'retry-after': '1' }, message: 'Rate limit reached' },
        { text: 'fine' },
      );
      const graph = await createGraph(
        api(),
        llmGraph(
          { output: 'a', prompt: 'q' },
          { retry: { maxAttempts: 3, initialDelayMs: 10, jitter: false } },
        ),
      );
      const done = await runToEnd(api(), graph.id);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.state?.a).toBe('fine');
      const retrying = events(done).find((e) => e.type === 'NODE_RETRYING');
      expect(retrying?.data).toMatchObject({
        delayMs: 1000,
        nextAttempt: 2,
        error: { code: 'LLM_RATE_LIMITED' },
      });
      expect(llm.requests).toHaveLength(2);
    });

    it('cancelling the run closes the HTTP request to the model', async () => {
      llm.script({ hang: true });
      const graph = await createGraph(api(), llmGraph({ output: 'a', prompt: 'q' }));
      const run = await startRun(api(), graph.id);
      await llm.waitForRequests(1);
      await api().ok(CANCEL_RUN, { id: run.id });
      expect((await waitForRun(api(), run.id)).status).toBe('CANCELLED');
      await waitUntil(async () => (llm.requests[0]?.aborted ? true : undefined));
    });

    it('refuses a bad llm config when the graph is saved, listing every problem with its path', async () => {
      const res = await api().gql(CREATE_GRAPH, {
        input: toGraphInput(
          llmGraph({
            output: 'a',
            system: '{{topic}}',
            temperature: 9,
            model: { provider: 'nope' },
          }),
        ),
      });
      const issues = expectError(res, 'GRAPH_INVALID').extensions?.issues as Array<{
        path: string;
      }>;
      expect(issues.map((i) => i.path).sort()).toEqual([
        'nodes[0].config.model.provider',
        'nodes[0].config.prompt',
        'nodes[0].config.system',
        'nodes[0].config.temperature',
      ]);
    });
  },
  env,
);
