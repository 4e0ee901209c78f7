import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  type Answer,
  call,
  codeOf,
  dataOf,
  expectUnauthenticated,
  type Keys,
  keysFor,
} from './auth-helpers.js';
import {
  CANCEL_RUN,
  CREATE_GRAPH,
  DELETE_GRAPH,
  delayGraph,
  GRAPH,
  GRAPHS,
  RUN,
  RUNS,
  START_RUN,
  setStateGraph,
  toGraphInput,
  UPDATE_GRAPH,
} from './operations.js';

const VIEWER = '{ viewer { tenantId role subject } }';
const API_KEYS = '{ apiKeys { id tenantId role name createdAt revokedAt } }';
const CREATE_KEY = `mutation ($role: Role!, $name: String) {
  createApiKey(role: $role, name: $name) { key apiKey { id tenantId role name revokedAt } }
}`;
const REVOKE_KEY = 'mutation ($id: ID!) { revokeApiKey(id: $id) }';

/** AUTH=apikey over HTTP (in process): what each role may do, and who is refused. */
describe('roles over HTTP (AUTH=apikey)', () => {
  let t: TestApp;
  let keys: Keys;
  let graphId: string;
  let runId: string;

  const as = <T = Record<string, unknown>>(
    key: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Answer<T>> => call<T>(t, key, query, variables);

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH: 'apikey', SEED_EXAMPLES: 'false' } });
    keys = await keysFor(t, 'acme');
    // Something to read: a graph and a long run, made by the writer.
    const created = await as<{ createGraph: { id: string } }>(keys.writer, CREATE_GRAPH, {
      input: toGraphInput(delayGraph(60_000)),
    });
    graphId = dataOf(created).createGraph.id;
    const started = await as<{ startRun: { id: string } }>(keys.writer, START_RUN, { graphId });
    runId = dataOf(started).startRun.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('tells each key who it is', async () => {
    for (const role of ['reader', 'writer', 'admin'] as const) {
      const viewer = dataOf(await as<{ viewer: unknown }>(keys[role], VIEWER)).viewer;
      expect(viewer).toEqual({
        tenantId: 'acme',
        role: role.toUpperCase(),
        subject: `key:${keys.ids[role]}`,
      });
    }
  });

  it('reader: reads everything of its tenant, every mutation answers FORBIDDEN', async () => {
    const read = dataOf(
      await as<{ graph: { id: string }; run: { id: string } }>(
        keys.reader,
        `query ($g: ID!, $r: ID!) { graph(id: $g) { id } run(id: $r) { id events(first: 5) { edges { node { seq } } } }
          graphs { edges { node { id } } } runs { edges { node { id } } } tools { name } health { ok } }`,
        { g: graphId, r: runId },
      ),
    );
    expect(read.graph.id).toBe(graphId);
    expect(read.run.id).toBe(runId);

    const mutations: Array<[string, Record<string, unknown>]> = [
      [CREATE_GRAPH, { input: toGraphInput(setStateGraph()) }],
      [UPDATE_GRAPH, { id: graphId, input: toGraphInput(setStateGraph()) }],
      [DELETE_GRAPH, { id: graphId }],
      [START_RUN, { graphId }],
      [CANCEL_RUN, { id: runId }],
      [CREATE_KEY, { role: 'READER' }],
      [REVOKE_KEY, { id: keys.ids.admin }],
    ];
    for (const [mutation, variables] of mutations) {
      const answer = await as(keys.reader, mutation, variables);
      expect(codeOf(answer), mutation).toBe('FORBIDDEN');
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors?.[0]?.message).toMatch(/Role "reader" may not use Mutation\./);
    }
    expect(codeOf(await as(keys.reader, API_KEYS))).toBe('FORBIDDEN');
    // Nothing changed: the graph is at version 1, the run still going, no key revoked.
    const after = dataOf(
      await as<{ graph: { latestVersion: number }; run: { status: string } }>(
        keys.reader,
        'query ($g: ID!, $r: ID!) { graph(id: $g) { latestVersion } run(id: $r) { status } }',
        { g: graphId, r: runId },
      ),
    );
    expect(after.graph.latestVersion).toBe(1);
    expect(['QUEUED', 'RUNNING']).toContain(after.run.status);
    expect(dataOf(await as(keys.admin, VIEWER))).toBeTruthy();
  });

  it('writer: creates, updates and deletes graphs, starts and cancels runs; keys are FORBIDDEN', async () => {
    const def = setStateGraph();
    const created = dataOf(
      await as<{ createGraph: { id: string } }>(keys.writer, CREATE_GRAPH, {
        input: toGraphInput(def),
      }),
    ).createGraph;
    const updated = dataOf(
      await as<{ updateGraph: { latestVersion: number } }>(keys.writer, UPDATE_GRAPH, {
        id: created.id,
        input: toGraphInput({ ...def, description: 'v2' }),
      }),
    ).updateGraph;
    expect(updated.latestVersion).toBe(2);

    const long = dataOf(
      await as<{ startRun: { id: string } }>(keys.writer, START_RUN, { graphId }),
    ).startRun;
    const cancelled = dataOf(
      await as<{ cancelRun: { status: string } }>(keys.writer, CANCEL_RUN, { id: long.id }),
    ).cancelRun;
    expect(cancelled.status).toBe('CANCELLED');

    const short = dataOf(
      await as<{ startRun: { id: string } }>(keys.writer, START_RUN, { graphId: created.id }),
    ).startRun;
    await t.app.runs.waitFor(short.id);
    expect(
      dataOf(await as<{ deleteGraph: boolean }>(keys.writer, DELETE_GRAPH, { id: created.id }))
        .deleteGraph,
    ).toBe(true);

    expect(codeOf(await as(keys.writer, CREATE_KEY, { role: 'READER' }))).toBe('FORBIDDEN');
    expect(codeOf(await as(keys.writer, REVOKE_KEY, { id: keys.ids.reader }))).toBe('FORBIDDEN');
    expect(codeOf(await as(keys.writer, API_KEYS))).toBe('FORBIDDEN');
    // The reader's key was not revoked by the refused call.
    expect(dataOf(await as(keys.reader, VIEWER))).toBeTruthy();
  });

  it('admin: lists, creates and revokes keys of its tenant; a revoked key is refused at once', async () => {
    const made = dataOf(
      await as<{
        createApiKey: {
          key: string;
          apiKey: { id: string; tenantId: string; role: string; name: string };
        };
      }>(keys.admin, CREATE_KEY, { role: 'WRITER', name: 'ci' }),
    ).createApiKey;
    expect(made.key).toMatch(/^aef_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect(made.apiKey).toMatchObject({ tenantId: 'acme', role: 'WRITER', name: 'ci' });
    const viewer = dataOf(await as<{ viewer: { role: string } }>(made.key, VIEWER)).viewer;
    expect(viewer.role).toBe('WRITER');

    const listed = dataOf(
      await as<{ apiKeys: Array<Record<string, unknown>> }>(keys.admin, API_KEYS),
    ).apiKeys;
    expect(listed.map((k) => k.id)).toEqual(
      expect.arrayContaining([keys.ids.reader, keys.ids.writer, keys.ids.admin, made.apiKey.id]),
    );
    // Neither the key nor its hash is part of the listing.
    expect(JSON.stringify(listed)).not.toContain(made.key.slice(37));
    expect(Object.keys(listed[0]!).sort()).toEqual(
      ['createdAt', 'id', 'name', 'revokedAt', 'role', 'tenantId'].sort(),
    );

    expect(
      dataOf(await as<{ revokeApiKey: boolean }>(keys.admin, REVOKE_KEY, { id: made.apiKey.id }))
        .revokeApiKey,
    ).toBe(true);
    expectUnauthenticated(await as(made.key, VIEWER));
    // Revoking again, or an unknown id: false.
    expect(
      dataOf(await as<{ revokeApiKey: boolean }>(keys.admin, REVOKE_KEY, { id: made.apiKey.id }))
        .revokeApiKey,
    ).toBe(false);
    expect(
      dataOf(await as<{ revokeApiKey: boolean }>(keys.admin, REVOKE_KEY, { id: 'nope' }))
        .revokeApiKey,
    ).toBe(false);
    const revoked = dataOf(
      await as<{ apiKeys: Array<{ id: string; revokedAt: string | null }> }>(keys.admin, API_KEYS),
    ).apiKeys.find((k) => k.id === made.apiKey.id);
    expect(revoked?.revokedAt).toBeTruthy();
    // The admin can also do what a writer does.
    expect(dataOf(await as(keys.admin, START_RUN, { graphId }))).toBeTruthy();
  });

  it('refuses with 401 UNAUTHENTICATED: no credential, bad or malformed keys, revoked keys', async () => {
    const { key, record } = await t.app.apiKeys.create({ tenantId: 'acme', role: 'admin' });
    await t.app.apiKeys.revoke(record.id);
    const [, id, secret] = /^aef_([0-9a-f]{32})_(.+)$/.exec(keys.admin)!;
    const flipped = `${secret![0] === 'A' ? 'B' : 'A'}${secret!.slice(1)}`;
    const refused: Array<string | undefined> = [
      undefined,
      '',
      key, // revoked
      `aef_${id}_${flipped}`, // right id, wrong secret
      `aef_${'0'.repeat(32)}_${secret}`, // unknown id
      'aef_short',
      'not-a-key',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Token ${keys.admin}`,
      `Bearer ${keys.admin} extra`,
    ];
    for (const credential of refused) {
      for (const query of [VIEWER, GRAPHS, RUNS, 'subscription { runUpdated { id } }']) {
        const answer =
          credential === '' ? await call(t, 'Bearer ', query) : await call(t, credential, query);
        expectUnauthenticated(answer);
      }
      expectUnauthenticated(
        await as(credential, CREATE_GRAPH, { input: toGraphInput(setStateGraph()) }),
      );
    }
    // The refused key does not say whether the id exists.
    const unknown = await as(`aef_${'0'.repeat(32)}_${secret}`, VIEWER);
    const wrong = await as(`aef_${id}_${flipped}`, VIEWER);
    expect(unknown.body).toEqual(wrong.body);
    // Nothing leaked from the refused requests into the data.
    expect(dataOf(await as<{ run: unknown }>(keys.reader, RUN, { id: runId })).run).toBeTruthy();
    expect(
      dataOf(await as<{ graph: unknown }>(keys.reader, GRAPH, { id: graphId })).graph,
    ).toBeTruthy();
  });

  it('the Bearer scheme is case-insensitive', async () => {
    expect(dataOf(await call(t, `bearer ${keys.reader}`, VIEWER))).toBeTruthy();
    expect(dataOf(await call(t, `BEARER ${keys.reader}`, VIEWER))).toBeTruthy();
  });
});

describe('AUTH=none', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH: 'none', SEED_EXAMPLES: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('everyone is the admin of tenant "default", with or without a header', async () => {
    for (const credential of [undefined, 'garbage', 'aef_x']) {
      const viewer = dataOf(await call<{ viewer: unknown }>(t, credential, VIEWER)).viewer;
      expect(viewer).toEqual({ tenantId: 'default', role: 'ADMIN', subject: 'anonymous' });
    }
  });
});
