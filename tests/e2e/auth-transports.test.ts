import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  authedWs,
  callUrl,
  dataOf,
  eventually,
  expectUnauthenticated,
  type Keys,
  keysFor,
  sseOpen,
  wsOnce,
} from '../api/auth-helpers.js';
import { delayGraph, toGraphInput } from '../api/graphs.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { collect } from './helpers/ws.js';

const RUN_UPDATED = 'subscription { runUpdated { id status } }';
const RUN_EVENTS = 'subscription ($runId: ID!) { runEvents(runId: $runId) { seq type } }';
const CREATE_GRAPH = 'mutation ($input: GraphInput!) { createGraph(input: $input) { id } }';
const START_RUN = 'mutation ($graphId: ID!) { startRun(graphId: $graphId) { id status } }';
const CANCEL_RUN = 'mutation ($id: ID!) { cancelRun(id: $id) { id status } }';
const CREATE_KEY = 'mutation ($role: Role!) { createApiKey(role: $role) { key apiKey { id } } }';
const REVOKE_KEY = 'mutation ($id: ID!) { revokeApiKey(id: $id) }';
const API_KEYS = '{ apiKeys { id } }';
const VIEWER = '{ viewer { tenantId role } }';

type Close = { code: number; reason: string };

/** A graphql-ws client that records how its socket closed. */
function wsWithClose(url: string, credential: string | undefined) {
  const closes: Close[] = [];
  const client = authedWs(url, credential);
  client.on('closed', (event) => {
    const e = event as Close;
    closes.push({ code: e.code, reason: e.reason });
  });
  return { client, closes };
}

/** Counts calls of the run service's subscription entry points (nothing may start when refused). */
function spySubscriptions(t: TestApp) {
  const runs = t.app.runs;
  const counts = { updates: 0, events: 0 };
  const updates = runs.updates.bind(runs);
  const events = runs.events;
  runs.updates = (...args) => {
    counts.updates++;
    return updates(...args);
  };
  runs.events = (...args) => {
    counts.events++;
    return events(...args);
  };
  return counts;
}

describe('auth over real sockets (AUTH=apikey): HTTP, graphql-ws, SSE', () => {
  let t: TestApp;
  let keys: Keys;
  let revoked: string;
  let counts: { updates: number; events: number };
  const clients: Array<{ dispose(): void | Promise<void> }> = [];

  const newGraph = async (ms = 200) =>
    dataOf(
      await callUrl<{ createGraph: { id: string } }>(t.url, keys.writer, CREATE_GRAPH, {
        input: toGraphInput(delayGraph(ms)),
      }),
    ).createGraph.id;
  const start = async (graphId: string) =>
    dataOf(await callUrl<{ startRun: { id: string } }>(t.url, keys.writer, START_RUN, { graphId }))
      .startRun.id;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH: 'apikey', SEED_EXAMPLES: 'false' } });
    await t.listen();
    keys = await keysFor(t, 'acme');
    const made = await t.app.apiKeys.create({ tenantId: 'acme', role: 'admin' });
    await t.app.apiKeys.revoke(made.record.id);
    revoked = made.key;
    counts = spySubscriptions(t);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });
  afterAll(async () => {
    await t?.close();
  });

  const refused: Array<[string, () => string | undefined]> = [
    ['no credential', () => undefined],
    ['an unknown key', () => `aef_${'0'.repeat(32)}_${'A'.repeat(43)}`],
    ['a malformed key', () => 'aef_nope'],
    ['a revoked key', () => revoked],
    ['a JWT (AUTH=apikey takes none)', () => 'eyJhbGciOiJIUzI1NiJ9.e30.x'],
  ];

  describe('refused credentials', () => {
    it.each(refused)('HTTP: %s answers 401 UNAUTHENTICATED', async (_what, credential) => {
      expectUnauthenticated(await callUrl(t.url, credential(), VIEWER));
      expectUnauthenticated(
        await callUrl(t.url, credential(), CREATE_GRAPH, { input: toGraphInput(delayGraph(1)) }),
      );
    });

    it.each(refused)(
      'graphql-ws: %s closes the socket 4403 before any subscription starts',
      async (_what, credential) => {
        const before = { ...counts };
        const { client, closes } = wsWithClose(t.wsUrl, credential());
        clients.push(client);
        const sub = collect(client, RUN_UPDATED);
        const query = wsOnce(client, VIEWER).catch((err: unknown) => err);
        const outcome = await sub.done;
        expect(outcome.kind).toBe('error');
        expect(closes[0]).toEqual({ code: 4403, reason: 'Forbidden' });
        expect(sub.results).toEqual([]);
        expect((await query) as Close).toMatchObject({ code: 4403 });
        // A run changing now reaches nobody: nothing was subscribed.
        await start(await newGraph(1));
        await new Promise((r) => setTimeout(r, 100));
        expect(sub.results).toEqual([]);
        expect(counts).toEqual(before);
      },
    );

    it.each(refused)('SSE: %s is refused with 401 and no stream', async (_what, credential) => {
      const before = { ...counts };
      const stream = await sseOpen(t.url, credential(), RUN_UPDATED);
      await stream.ended;
      expect(stream.status).toBe(401);
      expect(stream.results).toHaveLength(1);
      expect(stream.results[0]?.data ?? null).toBeNull();
      expect(stream.results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(counts).toEqual(before);
    });
  });

  describe('graphql-ws', () => {
    it('reader: queries and subscribes (runUpdated, runEvents); mutations answer FORBIDDEN', async () => {
      const { client, closes } = wsWithClose(t.wsUrl, keys.reader);
      clients.push(client);
      expect((await wsOnce<{ viewer: unknown }>(client, VIEWER)).data?.viewer).toEqual({
        tenantId: 'acme',
        role: 'READER',
      });
      const subscribed = counts.updates;
      const updates = collect<{ runUpdated: { id: string; status: string } }>(client, RUN_UPDATED);
      await eventually('runUpdated to be subscribed', () => counts.updates > subscribed);
      await new Promise((r) => setTimeout(r, 50));
      const runId = await start(await newGraph());
      await updates.until('the run to succeed', (rs) =>
        rs.some((r) => r.data?.runUpdated.id === runId && r.data.runUpdated.status === 'SUCCEEDED'),
      );
      updates.unsubscribe();

      const events = collect<{ runEvents: { seq: number; type: string } }>(client, RUN_EVENTS, {
        runId,
      });
      expect(await events.done).toEqual({ kind: 'complete' });
      expect(events.results.at(-1)?.data?.runEvents.type).toBe('RUN_SUCCEEDED');

      const graphId = await newGraph();
      for (const [mutation, variables] of [
        [CREATE_GRAPH, { input: toGraphInput(delayGraph(1)) }],
        [START_RUN, { graphId }],
        [CANCEL_RUN, { id: runId }],
        [CREATE_KEY, { role: 'ADMIN' }],
      ] as const) {
        const res = await wsOnce(client, mutation, variables);
        expect(res.errors?.[0]?.extensions?.code, mutation).toBe('FORBIDDEN');
        expect(res.data ?? null).toBeNull();
      }
      // Refusals answer the operation, they do not close the socket (the lazy client closes it
      // normally, 1000, whenever nothing is in flight).
      expect((await wsOnce(client, VIEWER)).data).toBeTruthy();
      expect(closes.filter((c) => c.code !== 1000)).toEqual([]);
    });

    it('writer: creates graphs, starts and cancels runs; key management answers FORBIDDEN', async () => {
      const { client } = wsWithClose(t.wsUrl, keys.writer);
      clients.push(client);
      const created = await wsOnce<{ createGraph: { id: string } }>(client, CREATE_GRAPH, {
        input: toGraphInput(delayGraph(60_000)),
      });
      const graphId = created.data!.createGraph.id;
      const started = await wsOnce<{ startRun: { id: string } }>(client, START_RUN, { graphId });
      const runId = started.data!.startRun.id;
      const cancelled = await wsOnce<{ cancelRun: { status: string } }>(client, CANCEL_RUN, {
        id: runId,
      });
      expect(cancelled.data?.cancelRun.status).toBe('CANCELLED');
      for (const [op, variables] of [
        [CREATE_KEY, { role: 'READER' }],
        [REVOKE_KEY, { id: keys.ids.reader }],
        [API_KEYS, undefined],
      ] as const) {
        const res = await wsOnce(client, op, variables);
        expect(res.errors?.[0]?.extensions?.code, op).toBe('FORBIDDEN');
      }
    });

    it('admin: creates, lists and revokes keys; a new key works on a new socket', async () => {
      const { client } = wsWithClose(t.wsUrl, keys.admin);
      clients.push(client);
      const made = await wsOnce<{ createApiKey: { key: string; apiKey: { id: string } } }>(
        client,
        CREATE_KEY,
        { role: 'READER' },
      );
      const { key, apiKey } = made.data!.createApiKey;
      const listed = await wsOnce<{ apiKeys: Array<{ id: string }> }>(client, API_KEYS);
      expect(listed.data?.apiKeys.map((k) => k.id)).toContain(apiKey.id);

      const fresh = wsWithClose(t.wsUrl, key);
      clients.push(fresh.client);
      expect(
        (await wsOnce<{ viewer: { role: string } }>(fresh.client, VIEWER)).data?.viewer.role,
      ).toBe('READER');
      const res = await wsOnce<{ revokeApiKey: boolean }>(client, REVOKE_KEY, { id: apiKey.id });
      expect(res.data?.revokeApiKey).toBe(true);
      // A socket opened with the revoked key is refused.
      const late = wsWithClose(t.wsUrl, key);
      clients.push(late.client);
      await wsOnce(late.client, VIEWER).catch(() => undefined);
      expect(late.closes[0]?.code).toBe(4403);
    });

    it('an open socket: operations after its key is revoked answer UNAUTHENTICATED', async () => {
      const { key, record } = await t.app.apiKeys.create({ tenantId: 'acme', role: 'writer' });
      const { client } = wsWithClose(t.wsUrl, key);
      clients.push(client);
      // One subscription holds the socket open across the revocation.
      const held = collect(client, RUN_UPDATED);
      await eventually('runUpdated to be subscribed', () => counts.updates > 0);
      expect((await wsOnce(client, VIEWER)).data).toBeTruthy();
      const graphId = await newGraph(1);
      const admin = dataOf(
        await callUrl<{ revokeApiKey: boolean }>(t.url, keys.admin, REVOKE_KEY, { id: record.id }),
      );
      expect(admin.revokeApiKey).toBe(true);
      for (const [op, variables] of [
        [START_RUN, { graphId }],
        [VIEWER, undefined],
        [RUN_UPDATED, undefined],
      ] as const) {
        const res = await wsOnce(client, op, variables);
        expect(res.errors?.[0]?.extensions?.code, op).toBe('UNAUTHENTICATED');
        expect(res.data ?? null).toBeNull();
      }
      held.unsubscribe();
    });

    it('takes "Authorization" (capitalised) in connection_init too', async () => {
      const { createClient } = await import('graphql-ws');
      const WebSocket = (await import('ws')).default;
      const client = createClient({
        url: t.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: { Authorization: `Bearer ${keys.reader}` },
      });
      clients.push(client);
      expect((await wsOnce(client, VIEWER)).data).toBeTruthy();
    });
  });

  describe('SSE', () => {
    it('reader: subscribes with the Authorization header; a mutation answers FORBIDDEN', async () => {
      const updates = await sseOpen<{ runUpdated: { id: string; status: string } }>(
        t.url,
        keys.reader,
        RUN_UPDATED,
      );
      expect(updates.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      const runId = await start(await newGraph());
      await eventually('the run to succeed over SSE', () =>
        updates.results.some(
          (r) => r.data?.runUpdated.id === runId && r.data.runUpdated.status === 'SUCCEEDED',
        ),
      );
      updates.close();

      const events = await sseOpen<{ runEvents: { type: string } }>(
        t.url,
        keys.reader,
        RUN_EVENTS,
        {
          runId,
        },
      );
      await events.ended;
      expect(events.completed).toBe(true);
      expect(events.results.at(-1)?.data?.runEvents.type).toBe('RUN_SUCCEEDED');

      const mutation = await sseOpen(t.url, keys.reader, START_RUN, { graphId: await newGraph() });
      await mutation.ended;
      expect(mutation.results[0]?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('writer: starts a run through SSE and follows it', async () => {
      const started = await sseOpen<{ startRun: { id: string } }>(t.url, keys.writer, START_RUN, {
        graphId: await newGraph(),
      });
      await started.ended;
      const runId = started.results[0]?.data?.startRun.id;
      expect(runId).toBeTruthy();
      const events = await sseOpen<{ runEvents: { type: string } }>(
        t.url,
        keys.writer,
        RUN_EVENTS,
        {
          runId,
        },
      );
      await events.ended;
      expect(events.results.at(-1)?.data?.runEvents.type).toBe('RUN_SUCCEEDED');
    });
  });
});

describe('auth over real sockets (AUTH=jwt)', () => {
  const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
  let t: TestApp;
  const token = (claims: Record<string, unknown>, exp = '1h') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(SECRET));

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH: 'jwt', JWT_SECRET: SECRET, SEED_EXAMPLES: 'false' } });
    await t.listen();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an open socket: operations after its token expired answer UNAUTHENTICATED', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const { client } = wsWithClose(
      t.wsUrl,
      await token({ tenant: 'acme', role: 'writer' }, exp as never),
    );
    const held = collect(client, RUN_UPDATED);
    expect((await wsOnce(client, VIEWER)).data).toBeTruthy();
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 100));
    const res = await wsOnce(client, VIEWER);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    held.unsubscribe();
    await client.dispose();
  });

  it('graphql-ws and SSE accept a valid token and refuse an expired one or one without tenant', async () => {
    const good = await token({ tenant: 'acme', role: 'reader' });
    const ws = wsWithClose(t.wsUrl, good);
    const viewer = await wsOnce<{ viewer: { tenantId: string } }>(ws.client, VIEWER);
    expect(viewer.data?.viewer.tenantId).toBe('acme');
    await ws.client.dispose();

    const stream = await sseOpen(t.url, good, RUN_UPDATED);
    expect(stream.status).toBe(200);
    stream.close();

    for (const bad of [
      await token({ tenant: 'acme' }, (Math.floor(Date.now() / 1000) - 10) as never),
      await token({ role: 'admin' }),
    ]) {
      const refused = wsWithClose(t.wsUrl, bad);
      await wsOnce(refused.client, VIEWER).catch(() => undefined);
      expect(refused.closes[0]?.code).toBe(4403);
      await refused.client.dispose();
      const sse = await sseOpen(t.url, bad, RUN_UPDATED);
      await sse.ended;
      expect(sse.status).toBe(401);
      expectUnauthenticated(await callUrl(t.url, bad, VIEWER));
    }
  });
});
