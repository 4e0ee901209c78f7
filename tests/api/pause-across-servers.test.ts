import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import {
  postgresTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../helpers/databases.js';
import { createGraph, getRun, startRun, typesOf } from './operations.js';

const skip = await postgresUnavailable();
if (skip && process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${skip}`);
const PAUSE_RUN = `mutation P($id: ID!) { pauseRun(id: $id) { id status } }`;
const UNPAUSE_RUN = `mutation U($id: ID!) { unpauseRun(id: $id) { id status } }`;

/** Two servers on one PostgreSQL database: pauseRun reaches the server executing the run. */
describe.skipIf(skip !== null)('pauseRun across servers (PostgreSQL)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await postgresTestDatabase();
    const env = { SEED_EXAMPLES: 'false', RUN_LEASE_MS: '1000' };
    a = await createTestApp({ db, env: { ...env, INSTANCE_ID: 'server-a' } });
    b = await createTestApp({ db, env: { ...env, INSTANCE_ID: 'server-b' } });
    await a.listen(); // heartbeats: where a pause request reaches the owner
    await b.listen();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('pauses a run executing on another server, which lets it go; unpaused through the other server, it finishes', async () => {
    const graph = await createGraph(a, {
      name: 'slow-pair',
      nodes: [
        { id: 'first', tool: 'delay', config: { ms: 1_500, values: { first: true } } },
        { id: 'second', tool: 'set_state', config: { values: { second: true } } },
      ],
      edges: [{ from: 'first', to: 'second' }],
      entry: 'first',
    });
    const started = await startRun(a, graph.id);
    await waitUntil(async () =>
      (await getRun(a, started.id)).status === 'RUNNING' ? true : undefined,
    );
    const paused = await b.ok<{ pauseRun: { status: string } }>(PAUSE_RUN, { id: started.id });
    expect(paused.pauseRun.status).toBe('PAUSED');
    const run = await getRun(b, started.id);
    expect(typesOf(run).slice(-2)).toEqual(['NODE_SUCCEEDED', 'RUN_PAUSED']);
    expect(run.state).toEqual({ first: true });
    // The server that executed it let it go: out of its memory and its pool.
    expect(a.app.runs.isLocal(started.id)).toBe(false);
    expect(a.app.runs.stats().active).toBe(0);

    const unpaused = await b.ok<{ unpauseRun: { status: string } }>(UNPAUSE_RUN, {
      id: started.id,
    });
    expect(unpaused.unpauseRun.status).toBe('RUNNING');
    const done = await waitUntil(async () => {
      const r = await getRun(a, started.id);
      return r.status === 'SUCCEEDED' ? r : undefined;
    });
    expect(done.state).toEqual({ first: true, second: true });
    expect(typesOf(done).filter((t) => t === 'NODE_STARTED')).toHaveLength(2);
  });
});
