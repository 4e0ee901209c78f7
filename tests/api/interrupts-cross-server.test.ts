/**
 * Two servers on one PostgreSQL database: an interrupt of a run that server A executes (another
 * branch keeps it busy, so it is not WAITING) is answered through server B. B leaves the answer
 * for A, A takes it at its next heartbeat, and the run goes on on A.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import {
  postgresTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../helpers/databases.js';
import { createGraph, getRun, startRun, uniqueName, waitForRun } from './operations.js';

const skip = await postgresUnavailable();
if (skip && process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${skip}`);

const RESUME = `mutation R($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status } }`;

describe.skipIf(skip)('answering an interrupt through another server (PostgreSQL)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await postgresTestDatabase();
    const env = { SEED_EXAMPLES: 'false', RUN_LEASE_MS: '1000' };
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

  it('delivers the answer to the server executing the run', async () => {
    const graph = await createGraph(a, {
      name: uniqueName('cross'),
      nodes: [
        { id: 'start', tool: 'set_state', config: { values: {} } },
        { id: 'ask', tool: 'human_input', config: { output: 'answer', prompt: 'ok?' } },
        { id: 'busy', tool: 'delay', config: { ms: 4_000 } },
      ],
      edges: [
        { from: 'start', to: 'ask' },
        { from: 'start', to: 'busy' },
      ],
      entry: 'start',
    });
    const run = await startRun(a, graph.id);
    await waitUntil(async () => {
      const r = await getRun(a, run.id);
      return r.events.edges.some((e) => e.node.type === 'INTERRUPT_REQUESTED') ? true : undefined;
    });
    expect((await getRun(b, run.id)).status).toBe('RUNNING');
    expect(a.app.runs.isLocal(run.id)).toBe(true);
    const res = await b.gql(RESUME, {
      runId: run.id,
      interruptId: 'ask:1:1',
      value: { answer: 'yes' },
    });
    expect(res.errors).toBeUndefined();
    const done = await waitForRun(a, run.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.state).toMatchObject({ answer: { answer: 'yes' } });
    // A executed it throughout: no RUN_SUSPENDED, no takeover.
    expect(done.events.edges.map((e) => e.node.type)).not.toContain('RUN_SUSPENDED');
  });
});
