/**
 * An `agent` whose tool is served by a remote worker (SQLite, PostgreSQL): the worker's declared
 * input schema is the call's parameters, two calls in one turn run as two tasks, and their
 * results go back to the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import { startOpenAIServer } from '../helpers/openai-server.js';
import {
  saveGraph,
  startRun,
  startWorker,
  unique,
  upperTool,
  waitForEnd,
  workerApp,
} from './helpers.js';

const llm = await startOpenAIServer();
afterAll(() => llm.close());

for (const { name: backend, skip } of await backends()) {
  describe.skipIf(skip)(`agent with a worker tool (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await workerApp(backend, { LLM_BASE_URL: llm.baseURL, LLM_MODEL: 'scripted' });
    });
    afterAll(() => t?.close());

    it('calls the worker tool with the model arguments, twice in one turn, and answers', async () => {
      llm.reset();
      const tool = unique('upper');
      const seen: string[] = [];
      const worker = await startWorker(t, { tools: [upperTool(tool, seen)], slots: 2 });
      try {
        llm.script(
          {
            toolCalls: [
              { name: tool, arguments: { text: 'otter' } },
              { name: tool, arguments: { text: 'seal' } },
            ],
          },
          { text: 'OTTER and SEAL.' },
        );
        const graphId = await saveGraph(t, {
          name: unique('agent'),
          entry: 'a',
          nodes: [
            {
              id: 'a',
              tool: 'agent',
              config: { output: 'answer', prompt: 'shout', tools: [tool] },
            },
          ],
          edges: [],
        });
        const run = await waitForEnd(t, await startRun(t, graphId));
        expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
        expect(run.state).toEqual({ answer: 'OTTER and SEAL.' });
        const declared = (
          llm.requests[0]!.body.tools as Array<{ function: Record<string, unknown> }>
        )[0]!.function;
        expect(declared).toMatchObject({ name: tool, parameters: { type: 'object' } });
        expect(JSON.stringify(declared.parameters)).toContain('text');
        const second = JSON.stringify(llm.requests[1]!.body.messages);
        expect(second).toContain('OTTER');
        expect(second).toContain('SEAL');
        // Two tasks, each with its own idempotency key (the call's).
        expect(new Set(seen).size).toBe(2);
        expect(seen.every((k) => k.includes(':tool:1:'))).toBe(true);
      } finally {
        await worker.stop();
      }
    });
  });
}
