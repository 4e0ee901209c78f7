import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  postgresTestDatabase,
  postgresUnavailable,
  type TestDatabase,
} from '../helpers/databases.js';
import {
  createGraph,
  describeBackends,
  expectError,
  RUNS,
  setStateGraph,
  toGraphInput,
  UPDATE_GRAPH,
  waitForRun,
} from './operations.js';

const START = `mutation Start($graphId: ID!, $input: JSON, $version: Int, $key: String) {
  startRun(graphId: $graphId, input: $input, version: $version, idempotencyKey: $key) {
    id status graphVersion input
  }
}`;

interface Started {
  startRun: { id: string; status: string; graphVersion: number; input: unknown };
}

const runCount = async (t: TestApp, graphId: string) =>
  (await t.ok<{ runs: { edges: unknown[] } }>(RUNS, { graphId, first: 100 })).runs.edges.length;

await describeBackends('startRun with version and idempotencyKey', (api) => {
  it('starts the version asked for, and the latest without one', async () => {
    const v1 = setStateGraph({ from: 'v1' });
    const graph = await createGraph(api(), v1);
    await api().ok(UPDATE_GRAPH, {
      id: graph.id,
      input: toGraphInput({ ...setStateGraph({ from: 'v2' }), name: v1.name }),
    });
    const old = await api().ok<Started>(START, { graphId: graph.id, version: 1 });
    const latest = await api().ok<Started>(START, { graphId: graph.id });
    expect(old.startRun.graphVersion).toBe(1);
    expect(latest.startRun.graphVersion).toBe(2);
    expect((await waitForRun(api(), old.startRun.id)).state).toEqual({ from: 'v1' });
    expect((await waitForRun(api(), latest.startRun.id)).state).toEqual({ from: 'v2' });
  });

  it('refuses a version the graph does not have with VERSION_NOT_FOUND, saying which exist', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const res = await api().gql(START, { graphId: graph.id, version: 7 });
    const error = expectError(res, 'VERSION_NOT_FOUND');
    expect(error.message).toContain('1 to 1');
    expect(error.extensions?.latestVersion).toBe(1);
    expectError(await api().gql(START, { graphId: graph.id, version: 0 }), 'BAD_USER_INPUT');
    expect(await runCount(api(), graph.id)).toBe(0);
  });

  it('returns the same run for a repeated key, one after the other', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const first = await api().ok<Started>(START, { graphId: graph.id, input: { a: 1 }, key: 'k1' });
    await waitForRun(api(), first.startRun.id);
    const again = await api().ok<Started>(START, { graphId: graph.id, input: { a: 1 }, key: 'k1' });
    expect(again.startRun.id).toBe(first.startRun.id);
    expect(again.startRun.status).toBe('SUCCEEDED');
    const other = await api().ok<Started>(START, { graphId: graph.id, input: { a: 1 }, key: 'k2' });
    expect(other.startRun.id).not.toBe(first.startRun.id);
    expect(await runCount(api(), graph.id)).toBe(2);
  });

  it('gives one run to concurrent starts with one key', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const starts = await Promise.all(
      Array.from({ length: 8 }, () =>
        api().ok<Started>(START, { graphId: graph.id, input: { n: 1 }, key: 'same' }),
      ),
    );
    const ids = new Set(starts.map((s) => s.startRun.id));
    expect(ids.size).toBe(1);
    expect(await runCount(api(), graph.id)).toBe(1);
  });

  it('refuses the same key with another input or version (IDEMPOTENCY_KEY_REUSED)', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const first = await api().ok<Started>(START, {
      graphId: graph.id,
      input: { a: 1, b: { c: 2, d: 3 } },
      key: 'x',
    });
    // Key order does not matter: the same input.
    const same = await api().ok<Started>(START, {
      graphId: graph.id,
      input: { b: { d: 3, c: 2 }, a: 1 },
      key: 'x',
    });
    expect(same.startRun.id).toBe(first.startRun.id);
    const res = await api().gql(START, { graphId: graph.id, input: { a: 2 }, key: 'x' });
    expect(res.errors?.[0]?.message).toContain('Use a new key');
    const error = expectError(res, 'IDEMPOTENCY_KEY_REUSED');
    expect(error.extensions?.runId).toBe(first.startRun.id);
    expectError(
      await api().gql(START, {
        graphId: graph.id,
        input: { a: 1, b: { c: 2, d: 3 } },
        key: 'x',
        version: 1,
      }),
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('scopes keys per graph', async () => {
    const a = await createGraph(api(), setStateGraph());
    const b = await createGraph(api(), setStateGraph());
    const ra = await api().ok<Started>(START, { graphId: a.id, key: 'shared' });
    const rb = await api().ok<Started>(START, { graphId: b.id, key: 'shared' });
    expect(ra.startRun.id).not.toBe(rb.startRun.id);
  });
});

await describeBackends(
  'idempotency window',
  (api) => {
    it('starts a new run once the window has passed', async () => {
      const graph = await createGraph(api(), setStateGraph());
      const first = await api().ok<Started>(START, { graphId: graph.id, key: 'w' });
      await new Promise((r) => setTimeout(r, 20));
      const second = await api().ok<Started>(START, { graphId: graph.id, key: 'w' });
      expect(second.startRun.id).not.toBe(first.startRun.id);
    });
  },
  { IDEMPOTENCY_WINDOW_MS: '5' },
);

const skip = await postgresUnavailable();

describe.skipIf(skip !== null)('idempotent starts on two servers (PostgreSQL)', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await postgresTestDatabase();
    a = await createTestApp({ db, env: { SEED_EXAMPLES: 'false' } });
    b = await createTestApp({ db, env: { SEED_EXAMPLES: 'false' } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('gives one run to the same key started on both at once', async () => {
    const graph = await createGraph(a, setStateGraph());
    for (let round = 0; round < 5; round++) {
      const key = `both-${round}`;
      const starts = await Promise.all(
        [a, b, a, b].map((t) => t.ok<Started>(START, { graphId: graph.id, key })),
      );
      expect(new Set(starts.map((s) => s.startRun.id)).size).toBe(1);
    }
    expect(await runCount(a, graph.id)).toBe(5);
  });
});
