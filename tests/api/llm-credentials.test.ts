/**
 * `llm` nodes and credentials: the API key in no stored event, log line, error or response (the
 * provider echoes it in a 401), and a server without any model configured.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Logger } from '../../src/logger.js';
import { createTestApp } from '../helpers/app.js';
import { backends, openTestDatabase } from '../helpers/databases.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';
import { events, llmGraph } from './llm-helpers.js';
import {
  CREATE_GRAPH,
  createGraph,
  runToEnd,
  toGraphInput,
  uniqueName,
  waitForRun,
} from './operations.js';

const KEY = 'sk-e2e-never-shown-0123456789abcdef';
const llm: OpenAIServer = await startOpenAIServer();
afterAll(() => llm.close());

const env = { LLM_BASE_URL: llm.baseURL, LLM_API_KEY: KEY, LLM_MODEL: 'scripted-model' };

for (const { name: backend, skip } of await backends()) {
  describe(`llm nodes: credentials and configuration (${backend})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    beforeEach(() => llm.reset());

    it('never shows the API key in an event, a log line, an error or a response', async () => {
      const db = await openTestDatabase(backend);
      const lines: string[] = [];
      const capture = (level: string) => (message: string, fields?: Record<string, unknown>) =>
        void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
      const logger: Logger = {
        info: capture('info'),
        warn: capture('warn'),
        error: capture('error'),
      };
      const app = await buildApp(
        loadConfig({
          ...env,
          DATABASE_URL: db.url,
          SEED_EXAMPLES: 'false',
          LOG_LEVEL: 'info',
          PORT: '0',
        }),
        { logger },
      );
      const t = await createTestApp({ backend, db, env });
      try {
        llm.script(
          { text: 'a first answer' },
          {
            status: 401,
            message: `Incorrect API key provided: ${KEY}. Find your key at the console.`,
          },
        );
        const graph = await t.ok<{ createGraph: { id: string } }>(CREATE_GRAPH, {
          input: toGraphInput({
            name: uniqueName('llm-key'),
            nodes: [
              { id: 'one', tool: 'llm', config: { output: 'a', prompt: 'q' } },
              {
                id: 'two',
                tool: 'llm',
                config: { output: 'b', prompt: '{{state.a}}' },
                retry: { maxAttempts: 3 },
              },
            ],
            edges: [{ from: 'one', to: 'two' }],
            entry: 'one',
          }),
        });
        // Run it on the app with the capturing logger (same database).
        const start = await app.yoga.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation ($g: ID!) { startRun(graphId: $g) { id } }',
            variables: { g: graph.createGraph.id },
          }),
        });
        const runId = ((await start.json()) as { data: { startRun: { id: string } } }).data.startRun
          .id;
        const done = await waitForRun(t, runId);
        expect(done.status).toBe('FAILED');
        expect(done.error).toMatchObject({ code: 'LLM_REQUEST_FAILED', nodeId: 'two' });
        expect(done.error?.message).toContain('Incorrect API key provided: [redacted]');
        // A 4xx is not retried, even with a retry policy.
        expect(events(done).filter((e) => e.type === 'NODE_RETRYING')).toHaveLength(0);
        expect(llm.requests).toHaveLength(2);
        expect(llm.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
        expect(lines.some((l) => l.includes('LLM_REQUEST_FAILED'))).toBe(true);
        for (const [what, text] of [
          ['stored events', JSON.stringify(events(done))],
          ['run', JSON.stringify({ ...done, events: undefined })],
          ['log', lines.join('\n')],
          ['graph', JSON.stringify(graph)],
        ] as const)
          expect(text, what).not.toContain(KEY);
      } finally {
        await app.stop();
        await t.close();
      }
    });

    it('without a configured model, graphs save and the node fails with LLM_NOT_CONFIGURED', async () => {
      const t = await createTestApp({ backend, env: { SEED_EXAMPLES: 'false' } });
      try {
        const tools = await t.ok<{ tools: Array<{ name: string }> }>('{ tools { name } }');
        expect(tools.tools.map((x) => x.name)).toContain('llm');
        const graph = await createGraph(
          t,
          llmGraph(
            { output: 'a', prompt: 'q', model: { provider: 'claude' } },
            { retry: { maxAttempts: 3 } },
          ),
        );
        const done = await runToEnd(t, graph.id);
        expect(done.status).toBe('FAILED');
        expect(done.error).toMatchObject({ code: 'LLM_NOT_CONFIGURED', nodeId: 'ask' });
        expect(done.error?.message).toContain('LLM_PROVIDERS');
        expect(done.nodes[0]?.attempts).toBe(1);
        expect(llm.requests).toHaveLength(0);
      } finally {
        await t.close();
      }
    });
  });
}
