import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/ids.js';
import { collect, errorCodes } from '../e2e/helpers/ws.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  type Answer,
  authedWs,
  call,
  codeOf,
  dataOf,
  eventually,
  type Keys,
  keysFor,
  sseOpen,
} from './auth-helpers.js';
import {
  CANCEL_RUN,
  CREATE_GRAPH,
  DELETE_GRAPH,
  delayGraph,
  describeBackends,
  GRAPH,
  GRAPH_BY_NAME,
  GRAPHS,
  RUN,
  RUNS,
  START_RUN,
  setStateGraph,
  toGraphInput,
  UPDATE_GRAPH,
  uniqueName,
} from './operations.js';

const API_KEYS = '{ apiKeys { id tenantId role name revokedAt } }';
const REVOKE_KEY = 'mutation ($id: ID!) { revokeApiKey(id: $id) }';
const VIEWER = '{ viewer { tenantId role } }';
const PAUSE_RUN = 'mutation ($id: ID!) { pauseRun(id: $id) { id status } }';
const UNPAUSE_RUN = 'mutation ($id: ID!) { unpauseRun(id: $id) { id status } }';
const PAUSE_GRAPH = 'mutation ($id: ID!) { pauseGraph(id: $id) { id paused } }';
const UNPAUSE_GRAPH = 'mutation ($id: ID!) { unpauseGraph(id: $id) { id paused } }';
const RUN_EVENTS_SUB = 'subscription ($runId: ID!) { runEvents(runId: $runId) { runId seq type } }';
const RUN_UPDATED_SUB =
  'subscription ($graphId: ID) { runUpdated(graphId: $graphId) { id status graph { id } } }';
const RUN_WITH_EVENTS = `query ($id: ID!) { run(id: $id) { id events(first: 100) { edges { node { seq type } } } } }`;

/** Everything tenant A can see of itself, to compare before and after tenant B's attempts. */
const SNAPSHOT = `query ($g1: ID!, $g2: ID!, $r1: ID!, $r2: ID!) {
  g1: graph(id: $g1) { id name description latestVersion definition versions { id version definition } }
  g2: graph(id: $g2) { id name latestVersion versions { id version } runs { edges { node { id status } } } }
  r2: run(id: $r2) { id status state lastSeq finishedAt events(first: 100) { edges { node { seq type data } } } }
  r1: run(id: $r1) { id graph { id } input }
  graphs { edges { node { id name latestVersion } } }
  apiKeys { id tenantId role name revokedAt }
}`;

/** The same error a random id gets: another tenant's id does not exist, and does not say so otherwise. */
function expectSameAsUnknown(
  answer: Answer<unknown>,
  unknown: Answer<unknown>,
  id: string,
  other: string,
) {
  expect(JSON.stringify(answer.body).replaceAll(id, 'ID')).toBe(
    JSON.stringify(unknown.body).replaceAll(other, 'ID'),
  );
  expect(answer.status).toBe(unknown.status);
}

await describeBackends(
  'tenancy: tenant B across tenant A',
  (api) => {
    let t: TestApp;
    let a: Keys;
    let b: Keys;
    const sharedName = uniqueName('shared');
    /** A's graphs: g1 (a long delay, its run r1 still going), g2 (quick, run r2 finished). */
    const A = { g1: '', g2: '', g2Name: '', r1: '', r2: '' };
    let bGraph = '';
    let before: unknown;
    const clients: Client[] = [];

    const as = <T = Record<string, unknown>>(
      key: string,
      query: string,
      variables?: Record<string, unknown>,
    ) => call<T>(t, key, query, variables);
    const ok = async <T = Record<string, unknown>>(
      key: string,
      query: string,
      variables?: Record<string, unknown>,
    ) => dataOf(await as<T>(key, query, variables));
    const snapshot = () => ok(a.admin, SNAPSHOT, A);
    const ws = (key: string) => {
      const client = authedWs(t.wsUrl, key);
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      t = api();
      await t.listen();
      a = await keysFor(t, 'alpha');
      b = await keysFor(t, 'beta');
      const long = { ...delayGraph(60_000), name: sharedName };
      A.g1 = (
        await ok<{ createGraph: { id: string } }>(a.writer, CREATE_GRAPH, {
          input: toGraphInput(long),
        })
      ).createGraph.id;
      const quick = setStateGraph({ secret: 'alpha-only' });
      A.g2Name = quick.name;
      A.g2 = (
        await ok<{ createGraph: { id: string } }>(a.writer, CREATE_GRAPH, {
          input: toGraphInput(quick),
        })
      ).createGraph.id;
      A.r1 = (
        await ok<{ startRun: { id: string } }>(a.writer, START_RUN, {
          graphId: A.g1,
          input: { who: 'alpha' },
        })
      ).startRun.id;
      A.r2 = (
        await ok<{ startRun: { id: string } }>(a.writer, START_RUN, { graphId: A.g2 })
      ).startRun.id;
      await t.app.runs.waitFor(A.r2);
      // The same name in tenant B is another graph.
      bGraph = (
        await ok<{ createGraph: { id: string } }>(b.writer, CREATE_GRAPH, {
          input: toGraphInput({ ...setStateGraph({ who: 'beta' }), name: sharedName }),
        })
      ).createGraph.id;
      expect(bGraph).not.toBe(A.g1);
      before = await snapshot();
    });

    afterAll(async () => {
      for (const c of clients.splice(0)) await c.dispose();
      if (a && A.r1) await as(a.writer, CANCEL_RUN, { id: A.r1 });
    });

    it('the same graph name lives in both tenants; graphByName answers each its own', async () => {
      const forA = await ok<{ graphByName: { id: string } }>(a.reader, GRAPH_BY_NAME, {
        name: sharedName,
      });
      const forB = await ok<{ graphByName: { id: string } }>(b.reader, GRAPH_BY_NAME, {
        name: sharedName,
      });
      expect(forA.graphByName.id).toBe(A.g1);
      expect(forB.graphByName.id).toBe(bGraph);
      expect(
        (await ok<{ graphByName: null }>(b.reader, GRAPH_BY_NAME, { name: A.g2Name })).graphByName,
      ).toBeNull();
    });

    it('queries: graph, graphs, run, runs (with and without graphId), Run.events show B nothing of A', async () => {
      for (const id of [A.g1, A.g2])
        expect((await ok<{ graph: unknown }>(b.admin, GRAPH, { id })).graph).toBeNull();
      const graphs = await ok<{ graphs: { edges: Array<{ node: { id: string } }> } }>(
        b.admin,
        GRAPHS,
        { first: 1000 },
      );
      expect(graphs.graphs.edges.map((e) => e.node.id)).toEqual([bGraph]);
      for (const id of [A.r1, A.r2]) {
        expect((await ok<{ run: unknown }>(b.admin, RUN, { id })).run).toBeNull();
        expect((await ok<{ run: unknown }>(b.admin, RUN_WITH_EVENTS, { id })).run).toBeNull();
      }
      for (const variables of [{}, { graphId: A.g1 }, { graphId: A.g2 }, { status: 'RUNNING' }]) {
        const runs = await ok<{ runs: { edges: unknown[] } }>(b.admin, RUNS, variables);
        expect(runs.runs.edges, JSON.stringify(variables)).toEqual([]);
      }
      // A sees its own, through the same fields.
      const mine = await ok<{ runs: { edges: Array<{ node: { id: string } }> } }>(
        a.reader,
        RUNS,
        {},
      );
      expect(mine.runs.edges.map((e) => e.node.id).sort()).toEqual([A.r1, A.r2].sort());
    });

    it('mutations: updateGraph, startRun, cancelRun answer NOT_FOUND as for a random id; deleteGraph false', async () => {
      const random = uuidv7();
      const input = toGraphInput({ ...setStateGraph({ pwned: true }), name: uniqueName('x') });
      for (const [mutation, variables, unknownVariables] of [
        [UPDATE_GRAPH, { id: A.g1, input }, { id: random, input }],
        [UPDATE_GRAPH, { id: A.g2, input }, { id: random, input }],
        [START_RUN, { graphId: A.g1 }, { graphId: random }],
        [START_RUN, { graphId: A.g2 }, { graphId: random }],
        [CANCEL_RUN, { id: A.r1 }, { id: random }],
        [CANCEL_RUN, { id: A.r2 }, { id: random }],
        [PAUSE_RUN, { id: A.r1 }, { id: random }],
        [UNPAUSE_RUN, { id: A.r1 }, { id: random }],
        [PAUSE_GRAPH, { id: A.g1 }, { id: random }],
        [UNPAUSE_GRAPH, { id: A.g1 }, { id: random }],
      ] as const) {
        const answer = await as(b.admin, mutation, variables);
        expect(codeOf(answer), `${mutation} ${JSON.stringify(variables)}`).toBe('NOT_FOUND');
        expect(answer.body.data ?? null).toBeNull();
        const theirId = String(Object.values(variables)[0]);
        expectSameAsUnknown(answer, await as(b.admin, mutation, unknownVariables), theirId, random);
      }
      // g1 has an active run (a GRAPH_HAS_ACTIVE_RUNS would say it exists), g2 only a finished one.
      for (const id of [A.g1, A.g2]) {
        const answer = await as<{ deleteGraph: boolean }>(b.admin, DELETE_GRAPH, { id });
        expect(dataOf(answer).deleteGraph).toBe(false);
      }
      // B may still do all of this in its own tenant.
      const own = await ok<{ startRun: { id: string } }>(b.writer, START_RUN, { graphId: bGraph });
      await t.app.runs.waitFor(own.startRun.id);
    });

    it('subscriptions: runEvents of A’s run and runUpdated of A’s graph are refused NOT_FOUND', async () => {
      const client = ws(b.admin);
      for (const runId of [A.r1, A.r2]) {
        const sub = collect(client, RUN_EVENTS_SUB, { runId });
        expect((await sub.done).kind).toBe('error');
        expect(sub.results.filter((r) => r.data)).toEqual([]);
        expect(errorCodes(sub)).toEqual(['NOT_FOUND']);
      }
      for (const graphId of [A.g1, A.g2]) {
        const sub = collect(client, RUN_UPDATED_SUB, { graphId });
        expect((await sub.done).kind).toBe('error');
        expect(errorCodes(sub)).toEqual(['NOT_FOUND']);
      }
      // Over SSE too.
      for (const [query, variables] of [
        [RUN_EVENTS_SUB, { runId: A.r2 }],
        [RUN_UPDATED_SUB, { graphId: A.g1 }],
      ] as const) {
        const stream = await sseOpen(t.url, b.reader, query, variables);
        await stream.ended;
        expect(stream.results.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(['NOT_FOUND']);
        expect(stream.results.some((r) => r.data)).toBe(false);
      }
    });

    it('runUpdated without graphId streams only B’s runs while A’s runs change', async () => {
      const bClient = ws(b.reader);
      const aClient = ws(a.reader);
      type Update = { runUpdated: { id: string; status: string; graph: { id: string } } };
      const runs = t.app.runs;
      const updates = runs.updates;
      let subscribed = 0;
      runs.updates = async (...args) => {
        const feed = await updates.apply(runs, args);
        subscribed++;
        return feed;
      };
      const bSub = collect<Update>(bClient, RUN_UPDATED_SUB, {});
      const aSub = collect<Update>(aClient, RUN_UPDATED_SUB, {});
      try {
        await eventually('both subscriptions to be set up', () => subscribed === 2);
      } finally {
        runs.updates = updates;
      }
      // A's runs change: two quick runs, and one cancelled.
      const aRuns: string[] = [];
      for (let i = 0; i < 2; i++) {
        const run = await ok<{ startRun: { id: string } }>(a.writer, START_RUN, { graphId: A.g2 });
        aRuns.push(run.startRun.id);
      }
      const aLong = await ok<{ startRun: { id: string } }>(a.writer, START_RUN, { graphId: A.g1 });
      aRuns.push(aLong.startRun.id);
      await ok(a.writer, CANCEL_RUN, { id: aLong.startRun.id });
      for (const id of aRuns.slice(0, 2)) await t.app.runs.waitFor(id);
      // Then one of B's.
      const bRun = await ok<{ startRun: { id: string } }>(b.writer, START_RUN, { graphId: bGraph });
      const bId = bRun.startRun.id;
      await bSub.until('B’s run to succeed', (rs) =>
        rs.some((r) => r.data?.runUpdated.id === bId && r.data.runUpdated.status === 'SUCCEEDED'),
      );
      // A's subscriber saw its own runs end (so they did change while B listened)...
      await aSub.until('A’s runs to end', (rs) =>
        aRuns.every((id) =>
          rs.some(
            (r) =>
              r.data?.runUpdated.id === id &&
              ['SUCCEEDED', 'CANCELLED'].includes(r.data.runUpdated.status),
          ),
        ),
      );
      // ...and B's saw none of them, nor A's saw B's.
      const bIds = new Set(bSub.results.map((r) => r.data?.runUpdated.id));
      expect([...bIds]).toEqual([bId]);
      expect(bSub.results.every((r) => r.data?.runUpdated.graph.id === bGraph)).toBe(true);
      expect(aSub.results.some((r) => r.data?.runUpdated.id === bId)).toBe(false);
      bSub.unsubscribe();
      aSub.unsubscribe();
    });

    it('api keys: B lists only its own, cannot revoke A’s; createApiKey stays in B', async () => {
      const listed = await ok<{ apiKeys: Array<{ id: string; tenantId: string }> }>(
        b.admin,
        API_KEYS,
      );
      expect(listed.apiKeys.map((k) => k.id).sort()).toEqual(Object.values(b.ids).sort());
      expect(new Set(listed.apiKeys.map((k) => k.tenantId))).toEqual(new Set(['beta']));
      for (const id of Object.values(a.ids)) {
        const answer = await as<{ revokeApiKey: boolean }>(b.admin, REVOKE_KEY, { id });
        expect(dataOf(answer).revokeApiKey).toBe(false);
      }
      for (const role of ['reader', 'writer', 'admin'] as const) {
        const viewer = await ok<{ viewer: { tenantId: string } }>(a[role], VIEWER);
        expect(viewer.viewer.tenantId).toBe('alpha');
      }
      const made = await ok<{ createApiKey: { key: string; apiKey: { tenantId: string } } }>(
        b.admin,
        'mutation { createApiKey(role: ADMIN, name: "b2") { key apiKey { tenantId } } }',
      );
      expect(made.createApiKey.apiKey.tenantId).toBe('beta');
      const viewer = await ok<{ viewer: { tenantId: string } }>(made.createApiKey.key, VIEWER);
      expect(viewer.viewer.tenantId).toBe('beta');
    });

    it('A’s data is unchanged afterwards', async () => {
      const after = (await snapshot()) as Record<string, unknown>;
      const was = before as Record<string, unknown>;
      expect(after.g1).toEqual(was.g1);
      expect(after.r2).toEqual(was.r2);
      expect(after.r1).toEqual(was.r1);
      expect(after.apiKeys).toEqual(was.apiKeys);
      expect(after.graphs).toEqual(was.graphs);
      // g2 gained A's own runs in the runUpdated test; B's attempts added nothing to it.
      const g2 = after.g2 as { latestVersion: number; versions: unknown[] };
      expect(g2.latestVersion).toBe(1);
      expect(g2.versions).toEqual((was.g2 as { versions: unknown[] }).versions);
      const r1 = await ok<{ run: { status: string } }>(a.reader, RUN, { id: A.r1 });
      expect(['QUEUED', 'RUNNING']).toContain(r1.run.status);
      // Nothing of B's is in A's tenant.
      const runs = await ok<{ runs: { edges: Array<{ node: { graph: { id: string } } }> } }>(
        a.reader,
        RUNS,
        { first: 1000 },
      );
      expect(runs.runs.edges.every((e) => [A.g1, A.g2].includes(e.node.graph.id))).toBe(true);
    });
  },
  { AUTH: 'apikey' },
);

describe('tenancy: the example graphs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH: 'apikey', SEED_EXAMPLES: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are seeded into tenant "default" only', async () => {
    const names = async (tenantId: string) => {
      const { key } = await t.app.apiKeys.create({ tenantId, role: 'reader' });
      const data = dataOf(
        await call<{ graphs: { edges: Array<{ node: { name: string } }> } }>(t, key, GRAPHS, {
          first: 100,
        }),
      );
      return data.graphs.edges.map((e) => e.node.name).sort();
    };
    expect(await names('default')).toEqual(
      ['code-review', 'data-pipeline', 'ml-inference', 'user-onboarding'].sort(),
    );
    expect(await names('acme')).toEqual([]);
  });
});
