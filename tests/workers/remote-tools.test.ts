import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { backends } from '../helpers/databases.js';
import {
  eventsOf,
  gateTool,
  REGISTER,
  saveGraph,
  startRun,
  startWorker,
  TOOLS,
  unique,
  upperTool,
  waitForEnd,
  workerApp,
} from './helpers.js';

for (const { name: backend, skip } of await backends()) {
  describe.skipIf(skip)(`remote worker tools (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await workerApp(backend, { WORKER_WAIT_NOTICE_MS: '0' });
    });
    afterAll(() => t?.close());

    it('a graph naming a registered worker tool validates with no worker, waits, then runs when one connects', async () => {
      const tool = unique('upper');
      await t.ok(REGISTER, {
        input: {
          name: 'registrar',
          slots: 1,
          tools: [
            {
              name: tool,
              description: 'Upper-cases',
              inputSchema: { type: 'object', required: ['text'] },
            },
          ],
        },
      });
      const graphId = await saveGraph(t, {
        name: unique('g'),
        entry: 'up',
        nodes: [{ id: 'up', tool, inputs: { text: 'state.word' }, output: { shout: 'text' } }],
        edges: [],
      });
      const runId = await startRun(t, graphId, { word: 'hello' });
      // Nothing serves it yet: the node says it waits.
      await expect
        .poll(
          async () => (await runViewTypes(t, runId)).includes('CUSTOM:NODE_WAITING_FOR_WORKER'),
          { timeout: 10_000 },
        )
        .toBe(true);
      const worker = await startWorker(t, {
        tools: [upperTool(tool)],
        slots: 2,
        name: 'ts-worker',
      });
      try {
        const run = await waitForEnd(t, runId);
        expect(run.status).toBe('SUCCEEDED');
        expect(run.state.shout).toBe('HELLO');
        const events = eventsOf(run);
        const dispatched = events.filter(
          (e) => e.type === 'CUSTOM' && e.data.name === 'TASK_DISPATCHED',
        );
        expect(dispatched).toHaveLength(1);
        expect(dispatched[0]?.data.payload).toMatchObject({
          tool,
          workerId: worker.id,
          worker: 'ts-worker',
          dispatch: 1,
        });
        // The worker's log and emit reach the run's log.
        expect(events.some((e) => e.type === 'LOG' && e.data.message === 'upper-casing')).toBe(
          true,
        );
        expect(events.some((e) => e.type === 'CUSTOM' && e.data.name === 'progress')).toBe(true);
        expect(events.filter((e) => e.type === 'NODE_SUCCEEDED')).toHaveLength(1);
        const tools = await t.ok<{
          tools: Array<{
            name: string;
            source: string;
            workers: number;
            freeSlots: number;
            inputSchema: unknown;
          }>;
        }>(TOOLS);
        expect(tools.tools.find((x) => x.name === tool)).toMatchObject({
          source: 'WORKER',
          workers: 1,
          freeSlots: 2,
        });
      } finally {
        await worker.stop();
      }
    });

    it('a retryable failure is retried, a non-retryable one fails the run with the worker’s message', async () => {
      const flaky = unique('flaky');
      let calls = 0;
      const { defineTool } = await import('../../src/tools/define-tool.js');
      const { NonRetryableError } = await import('../../src/engine/errors.js');
      const tool = defineTool({
        name: flaky,
        description: 'fails first',
        run: ({ attempt }) => {
          calls++;
          if (attempt === 1) throw new Error('transient trouble');
          if (attempt === 2) return { ok: true };
          throw new NonRetryableError('never');
        },
      });
      const worker = await startWorker(t, { tools: [tool] });
      try {
        const g = await saveGraph(t, {
          name: unique('g'),
          entry: 'a',
          nodes: [
            { id: 'a', tool: flaky, retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false } },
          ],
          edges: [],
        });
        const run = await waitForEnd(t, await startRun(t, g));
        expect(run.status).toBe('SUCCEEDED');
        expect(run.state.ok).toBe(true);
        expect(
          eventsOf(run).filter((e) => e.type === 'NODE_RETRYING')[0]?.data.error.message,
        ).toContain('transient trouble');
        expect(calls).toBe(2);

        const bad = unique('bad');
        const { defineTool: d } = await import('../../src/tools/define-tool.js');
        await worker.stop();
        const w2 = await startWorker(t, {
          tools: [
            d({
              name: bad,
              description: 'x',
              run: () => {
                throw new NonRetryableError('bad input, no retry');
              },
            }),
          ],
        });
        try {
          const g2 = await saveGraph(t, {
            name: unique('g'),
            entry: 'a',
            nodes: [{ id: 'a', tool: bad, retry: { maxAttempts: 3, initialDelayMs: 1 } }],
            edges: [],
          });
          const failed = await waitForEnd(t, await startRun(t, g2));
          expect(failed.status).toBe('FAILED');
          expect(failed.error).toMatchObject({ code: 'TOOL_FAILED' });
          expect(failed.error?.message).toContain('bad input, no retry');
          expect(eventsOf(failed).filter((e) => e.type === 'NODE_STARTED')).toHaveLength(1);
        } finally {
          await w2.stop();
        }
      } finally {
        await worker.stop();
      }
    });

    it('never gives a worker more than its slots: 200 queued tasks over two workers', async () => {
      const tool = unique('gate');
      const a = gateTool(tool);
      const b = gateTool(tool);
      await t.ok(REGISTER, {
        input: { name: 'r', slots: 1, tools: [{ name: tool, inputSchema: { type: 'object' } }] },
      });
      const g = await saveGraph(t, {
        name: unique('g'),
        entry: 'a',
        nodes: [{ id: 'a', tool, inputs: { i: 'state.i' }, output: 'out' }],
        edges: [],
      });
      const ids = await Promise.all(Array.from({ length: 200 }, (_, i) => startRun(t, g, { i })));
      const wa = await startWorker(t, { tools: [a.tool], slots: 3 });
      const wb = await startWorker(t, { tools: [b.tool], slots: 5 });
      try {
        // Release what is held, batch after batch, until every run is done.
        let finished = 0;
        while (finished < 200) {
          await new Promise((r) => setTimeout(r, 20));
          a.releaseAll();
          b.releaseAll();
          const statuses = await t.ok<{ runs: { edges: Array<{ node: { status: string } }> } }>(
            `query($g: ID!) { runs(graphId: $g, first: 1000) { edges { node { status } } } }`,
            { g },
          );
          finished = statuses.runs.edges.filter((e) => e.node.status === 'SUCCEEDED').length;
        }
        expect(a.state.max).toBeLessThanOrEqual(3);
        expect(b.state.max).toBeLessThanOrEqual(5);
        expect(a.state.started + b.state.started).toBe(200);
        expect(a.state.started).toBeGreaterThan(0);
        expect(b.state.started).toBeGreaterThan(0);
        const one = await waitForEnd(t, ids[7] as string);
        expect(one.state.out).toEqual({ i: 7 });
      } finally {
        await wa.stop();
        await wb.stop();
      }
    }, 120_000);

    it('refuses a worker tool named like another tool', async () => {
      const res = await t.gql(REGISTER, {
        input: { name: 'x', slots: 1, tools: [{ name: 'increment' }] },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('TOOL_NAME_TAKEN');
      const bad = await t.gql(REGISTER, {
        input: { name: '', slots: 0, tools: [{ name: 'no spaces' }] },
      });
      expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toMatch(/slots.*tools\.0\.name|name.*slots/s);
    });
  });
}

async function runViewTypes(t: TestApp, id: string): Promise<string[]> {
  const { runView } = await import('./helpers.js');
  const run = await runView(t, id);
  return eventsOf(run).map((e) => (e.type === 'CUSTOM' ? `CUSTOM:${e.data.name}` : e.type));
}
