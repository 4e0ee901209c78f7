import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import {
  postgresTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../helpers/databases.js';
import {
  eventsOf,
  gateTool,
  saveGraph,
  startRun,
  startWorker,
  unique,
  upperTool,
  waitForEnd,
} from './helpers.js';

const skip = await postgresUnavailable();
if (skip && process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${skip}`);
if (skip) console.warn(skip);

describe.skipIf(skip)('remote workers across two servers on one PostgreSQL database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await postgresTestDatabase();
    const env = { SEED_EXAMPLES: 'false', WORKER_POLL_MS: '50', WORKER_LEASE_MS: '3000' };
    a = await createTestApp({ db, env: { ...env, INSTANCE_ID: 'server-a' } });
    b = await createTestApp({ db, env: { ...env, INSTANCE_ID: 'server-b' } });
    await a.listen();
    await b.listen();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a worker connected to server A runs the tasks of runs executed by server B, logs included', async () => {
    const tool = unique('far');
    const worker = await startWorker(a, { tools: [upperTool(tool)], slots: 2, name: 'on-a' });
    try {
      // B learns the tool from the stored registration (it was registered through A).
      const g = await waitUntil(async () =>
        saveGraph(b, {
          name: unique('g'),
          entry: 'up',
          nodes: [{ id: 'up', tool, inputs: { text: 'state.t' }, output: { t: 'text' } }],
          edges: [],
        }).catch(() => undefined),
      );
      const runId = await startRun(b, g, { t: 'far away' });
      const run = await waitForEnd(b, runId);
      expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
      expect(run.state.t).toBe('FAR AWAY');
      const events = eventsOf(run);
      expect(events.some((e) => e.type === 'LOG' && e.data.message === 'upper-casing')).toBe(true);
      expect(
        events.find((e) => e.type === 'CUSTOM' && e.data.name === 'TASK_DISPATCHED')?.data.payload
          .workerId,
      ).toBe(worker.id);
    } finally {
      await worker.stop();
    }
  });

  it('cancelling on B a run whose task a worker on A runs: the worker’s tool is aborted on its next heartbeat', async () => {
    const tool = unique('cancel');
    const gate = gateTool(tool);
    const worker = await startWorker(a, { tools: [gate.tool], slots: 1 });
    try {
      const g = await waitUntil(async () =>
        saveGraph(b, {
          name: unique('g'),
          entry: 'x',
          nodes: [{ id: 'x', tool }],
          edges: [],
        }).catch(() => undefined),
      );
      const runId = await startRun(b, g);
      await waitUntil(async () => (gate.state.started === 1 ? true : undefined));
      await b.ok(`mutation($id: ID!) { cancelRun(id: $id) { id } }`, { id: runId });
      expect((await waitForEnd(b, runId)).status).toBe('CANCELLED');
      await waitUntil(async () => (gate.state.aborted === 1 ? true : undefined), 10_000);
      // Its refused answer sent, the worker's slot is free again.
      await waitUntil(async () => (worker.running() === 0 ? true : undefined), 10_000);
    } finally {
      await worker.stop();
    }
  });
});
