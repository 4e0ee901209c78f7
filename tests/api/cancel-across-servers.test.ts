import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import {
  postgresTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../helpers/databases.js';
import { CANCEL_RUN, createGraph, getRun, startRun } from './operations.js';

const skip = await postgresUnavailable();

/** Two servers on one PostgreSQL database: cancelRun works on either, whoever executes the run. */
describe.skipIf(skip !== null)('cancelRun across servers (PostgreSQL)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await postgresTestDatabase();
    const env = { SEED_EXAMPLES: 'false', RUN_LEASE_MS: '1000' };
    a = await createTestApp({ db, env });
    b = await createTestApp({ db, env });
    await a.listen(); // heartbeats: where a cancel request reaches the owner
    await b.listen();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('cancels a run executing on another server', async () => {
    const graph = await createGraph(a, {
      name: 'long-wait',
      nodes: [
        { id: 'wait', tool: 'delay', config: { ms: 60_000 } },
        { id: 'after', tool: 'set_state', config: { values: { reached: true } } },
      ],
      edges: [{ from: 'wait', to: 'after' }],
      entry: 'wait',
    });
    const started = await startRun(a, graph.id);
    await waitUntil(async () =>
      (await getRun(a, started.id)).status === 'RUNNING' ? true : undefined,
    );
    const cancelled = await b.ok<{ cancelRun: { status: string } }>(CANCEL_RUN, { id: started.id });
    expect(cancelled.cancelRun.status).toBe('CANCELLED');
    const run = await getRun(a, started.id);
    expect(run.status).toBe('CANCELLED');
    const types = run.events.edges.map((e) => e.node.type);
    expect(types.at(-1)).toBe('RUN_CANCELLED');
    expect(types).not.toContain('NODE_SUCCEEDED');
    // The owner lets go of it too (its pool slot frees just after the end is stored).
    await waitUntil(async () => (a.app.runs.stats().active === 0 ? true : undefined));
  });
});
