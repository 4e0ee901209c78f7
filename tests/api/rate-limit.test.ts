import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, loadConfig, loadRateLimits } from '../../src/config.js';
import { wsClient } from '../e2e/helpers/ws.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createGraph, START_RUN, startRun, uniqueName } from './operations.js';
import { post, runCount, start, tenantWithGraph } from './rate-limit-helpers.js';

describe('rate limit config', () => {
  it('is off on loopback unless set, on with defaults elsewhere, off when set to off', () => {
    expect(loadRateLimits({}, '127.0.0.1')).toEqual({ startRuns: null, connections: null });
    expect(loadRateLimits({}, 'localhost')).toEqual({ startRuns: null, connections: null });
    expect(loadRateLimits({}, '0.0.0.0')).toEqual({
      startRuns: { points: 120, durationSec: 60 },
      connections: { points: 60, durationSec: 60 },
    });
    expect(DEFAULT_RATE_LIMITS.startRuns).toBe('120/60s');
    expect(
      loadRateLimits({ RATE_LIMIT_START_RUNS: 'off', RATE_LIMIT_CONNECTIONS: '0' }, '0.0.0.0'),
    ).toEqual({ startRuns: null, connections: null });
    expect(
      loadRateLimits({ RATE_LIMIT_START_RUNS: '5/2s', RATE_LIMIT_CONNECTIONS: '1000/1h' }, '::1'),
    ).toEqual({
      startRuns: { points: 5, durationSec: 2 },
      connections: { points: 1000, durationSec: 3600 },
    });
    expect(loadRateLimits({ RATE_LIMIT_START_RUNS: '10 / 5m' }, '::1').startRuns).toEqual({
      points: 10,
      durationSec: 300,
    });
    expect(loadConfig({ HOST: '0.0.0.0', AUTH: 'none' }).rateLimits.startRuns?.points).toBe(120);
  });

  it('refuses malformed values with the expected format', () => {
    for (const bad of ['100', '100/60', '0/60s', '1.5/60s', '100/0s', '100/60ms', 'x/1s'])
      expect(() => loadRateLimits({ RATE_LIMIT_START_RUNS: bad }, '127.0.0.1')).toThrow(
        /RATE_LIMIT_START_RUNS must be POINTS\/DURATION like 100\/60s/,
      );
  });
});

describe('startRun rate limit (in memory)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH: 'apikey', SEED_EXAMPLES: 'false', RATE_LIMIT_START_RUNS: '3/3s' },
    });
    await t.listen();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the 4th start in a window RATE_LIMITED (429, retryAfterMs), stores nothing, and spares other keys', async () => {
    const { tenantId, a, b, graphId } = await tenantWithGraph(t, t.url);
    for (let i = 0; i < 3; i++) {
      const ok = await start(t.url, a, graphId);
      expect(ok.body.errors, JSON.stringify(ok.body)).toBeUndefined();
      expect(ok.status).toBe(200);
    }
    const refused = await start(t.url, a, graphId);
    expect(refused.status).toBe(429);
    expect(refused.body.data ?? null).toBeNull();
    const error = refused.body.errors?.[0];
    expect(error?.extensions?.code).toBe('RATE_LIMITED');
    const retryAfterMs = error?.extensions?.retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(3_000);
    expect(error?.extensions?.http).toBeUndefined();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await runCount(t, tenantId)).toBe(3);

    // Another key of the same tenant has its own budget.
    const other = await start(t.url, b, graphId);
    expect(other.body.errors).toBeUndefined();
    expect(await runCount(t, tenantId)).toBe(4);

    // The window passes: the first key may start again.
    await new Promise((r) => setTimeout(r, retryAfterMs + 50));
    const again = await start(t.url, a, graphId);
    expect(again.body.errors, JSON.stringify(again.body)).toBeUndefined();
    expect(await runCount(t, tenantId)).toBe(5);
  });

  it('counts every startRun of one mutation, and refuses all of them when over budget', async () => {
    const { tenantId, a, graphId } = await tenantWithGraph(t, t.url);
    const four = `mutation ($g: ID!) {
      r1: startRun(graphId: $g) { id } r2: startRun(graphId: $g) { id }
      r3: startRun(graphId: $g) { id } r4: startRun(graphId: $g) { id }
    }`;
    const refused = await post(t.url, a, four, { g: graphId });
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await runCount(t, tenantId)).toBe(0);
  });

  it('limits startRun over graphql-ws too', async () => {
    const { tenantId, a, graphId } = await tenantWithGraph(t, t.url);
    const client = wsClient(t.wsUrl, { connectionParams: { authorization: `Bearer ${a}` } });
    try {
      const codes: unknown[] = [];
      for (let i = 0; i < 4; i++) {
        const result = await new Promise<{ errors?: Array<{ extensions?: { code?: unknown } }> }>(
          (resolve, reject) => {
            let last: never;
            client.subscribe(
              { query: START_RUN, variables: { graphId, input: {} } },
              {
                next: (r) => {
                  last = r as never;
                },
                error: reject,
                complete: () => resolve(last),
              },
            );
          },
        );
        codes.push(result.errors?.[0]?.extensions?.code ?? 'OK');
      }
      expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
      expect(await runCount(t, tenantId)).toBe(3);
    } finally {
      await client.dispose();
    }
  });
});

describe('rate limits by default on loopback', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SEED_EXAMPLES: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are off: many starts from one caller are all accepted', async () => {
    expect(t.app.config.rateLimits).toEqual({ startRuns: null, connections: null });
    const graph = await createGraph(t, {
      name: uniqueName('many'),
      nodes: [{ id: 'set', tool: 'set_state', config: { values: { done: true } } }],
      edges: [],
      entry: 'set',
    });
    const started = await Promise.all(Array.from({ length: 150 }, () => startRun(t, graph.id)));
    expect(new Set(started.map((r) => r.id)).size).toBe(150);
  });
});
