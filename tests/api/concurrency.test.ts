import { expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { createTestApp, type TestApp, waitUntil } from '../helpers/app.js';
import { sqliteTestDatabase } from '../helpers/databases.js';
import {
  CANCEL_RUN,
  CREATE_GRAPH,
  describeBackends,
  expectError,
  getRun,
  RUN_STATUS,
  type RunStatus,
  START_RUN,
  toGraphInput,
  uniqueName,
  waitForRun,
} from './operations.js';

/** One node that waits a minute: a run that stays RUNNING until it is cancelled. */
function longGraph(): GraphDef {
  return {
    name: uniqueName('long'),
    nodes: [{ id: 'wait', tool: 'delay', config: { ms: 60_000, values: { done: true } } }],
    edges: [],
    entry: 'wait',
  };
}

async function createWithPolicy(t: TestApp, onConflict: string, def = longGraph()) {
  const input = { ...toGraphInput(def), concurrency: { key: 'state.customer', onConflict } };
  const data = await t.ok<{ createGraph: { id: string } }>(CREATE_GRAPH, { input });
  return data.createGraph.id;
}

const start = async (t: TestApp, graphId: string, customer: string) =>
  (
    await t.ok<{ startRun: { id: string; status: RunStatus } }>(START_RUN, {
      graphId,
      input: { customer },
    })
  ).startRun;

const statusOf = async (t: TestApp, id: string) =>
  (await t.ok<{ run: { status: RunStatus } }>(RUN_STATUS, { id })).run.status;

const cancel = (t: TestApp, id: string) => t.ok(CANCEL_RUN, { id });

await describeBackends('graph concurrency policy', (api) => {
  it('refuses a key that does not compile when the graph is saved', async () => {
    const input = {
      ...toGraphInput(longGraph()),
      concurrency: { key: 'state.customer ==', onConflict: 'REJECT' },
    };
    const error = expectError(await api().gql(CREATE_GRAPH, { input }), 'GRAPH_INVALID');
    const issues = error.extensions?.issues as Array<{ path: string; code: string }>;
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['concurrency.key', 'INVALID_CONCURRENCY_KEY'],
    ]);
  });

  it('enqueue: a second run with the key waits QUEUED and starts when the first ends', async () => {
    const graphId = await createWithPolicy(api(), 'ENQUEUE');
    const a = await start(api(), graphId, 'c1');
    await waitForRun(api(), a.id, ['RUNNING']);
    const b = await start(api(), graphId, 'c1');
    const other = await start(api(), graphId, 'c2');
    expect(b.status).toBe('QUEUED');
    // Another key is not held back.
    await waitForRun(api(), other.id, ['RUNNING']);
    expect(await statusOf(api(), b.id)).toBe('QUEUED');
    await cancel(api(), a.id);
    await waitForRun(api(), b.id, ['RUNNING']);
    const run = await getRun(api(), b.id);
    expect(run.events.edges[0]?.node.type).toBe('RUN_STARTED');
    await cancel(api(), b.id);
    await cancel(api(), other.id);
  });

  it('enqueue: a held run can be cancelled before it starts', async () => {
    const graphId = await createWithPolicy(api(), 'ENQUEUE');
    const a = await start(api(), graphId, 'c1');
    const b = await start(api(), graphId, 'c1');
    const c = await start(api(), graphId, 'c1');
    await cancel(api(), b.id);
    expect(await statusOf(api(), b.id)).toBe('CANCELLED');
    await cancel(api(), a.id);
    // b is out of the line: c is next.
    await waitForRun(api(), c.id, ['RUNNING']);
    await cancel(api(), c.id);
  });

  it('reject: a second run with the key is refused with CONCURRENCY_LIMIT', async () => {
    const graphId = await createWithPolicy(api(), 'REJECT');
    const a = await start(api(), graphId, 'c1');
    const res = await api().gql(START_RUN, { graphId, input: { customer: 'c1' } });
    const error = expectError(res, 'CONCURRENCY_LIMIT');
    expect(error.message).toContain('already active');
    // A refused start gives its idempotency key back.
    const keyed = await api().gql(
      `mutation ($graphId: ID!) { startRun(graphId: $graphId, input: { customer: "c1" }, idempotencyKey: "r1") { id } }`,
      { graphId },
    );
    expectError(keyed, 'CONCURRENCY_LIMIT');
    expect(await api().app.db.prisma.runStartKey.count({ where: { graphId, key: 'r1' } })).toBe(0);
    const other = await start(api(), graphId, 'c2');
    expect(other.id).toBeTruthy();
    await cancel(api(), a.id);
    await waitForRun(api(), a.id);
    // Once it ended, the key is free again.
    const again = await start(api(), graphId, 'c1');
    await cancel(api(), again.id);
    await cancel(api(), other.id);
  });

  it('reject: of concurrent starts with one key exactly one is accepted', async () => {
    const graphId = await createWithPolicy(api(), 'REJECT');
    const results = await Promise.all(
      Array.from({ length: 6 }, () => api().gql(START_RUN, { graphId, input: { customer: 'z' } })),
    );
    const accepted = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONCURRENCY_LIMIT');
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(5);
    const id = (accepted[0]?.data as { startRun: { id: string } } | undefined)?.startRun.id ?? '';
    await cancel(api(), id);
  });

  it('cancel_older: a new run cancels the active one with its key, then runs', async () => {
    const graphId = await createWithPolicy(api(), 'CANCEL_OLDER');
    const a = await start(api(), graphId, 'c1');
    await waitForRun(api(), a.id, ['RUNNING']);
    const b = await start(api(), graphId, 'c1');
    expect((await waitForRun(api(), a.id)).status).toBe('CANCELLED');
    await waitForRun(api(), b.id, ['RUNNING']);
    await cancel(api(), b.id);
  });

  it('refuses an input the key cannot be evaluated on', async () => {
    const graphId = await createWithPolicy(api(), 'ENQUEUE');
    const res = await api().gql(START_RUN, { graphId, input: { nobody: 1 } });
    expect(expectError(res, 'BAD_USER_INPUT').message).toContain('concurrency key');
  });
});

it('enqueue: a held run still waits, and then starts, after a restart', async () => {
  const db = sqliteTestDatabase();
  const env = { SEED_EXAMPLES: 'false' };
  const first = await createTestApp({ db, env });
  const graphId = await createWithPolicy(first, 'ENQUEUE');
  const a = await start(first, graphId, 'c1');
  await waitForRun(first, a.id, ['RUNNING']);
  const b = await start(first, graphId, 'c1');
  await first.app.stop();
  const second = await createTestApp({ db, env });
  try {
    await second.listen();
    // a is resumed; b is not, it still waits for a.
    await waitForRun(second, a.id, ['RUNNING']);
    await waitUntil(async () => (second.app.runs.isLocal(a.id) ? true : undefined));
    expect(await statusOf(second, b.id)).toBe('QUEUED');
    await cancel(second, a.id);
    await waitForRun(second, b.id, ['RUNNING']);
    await cancel(second, b.id);
  } finally {
    await second.close();
  }
});
