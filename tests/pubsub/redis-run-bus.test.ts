import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { silentLogger } from '../../src/logger.js';
import { createRedisRunBus, type RedisRunBus } from '../../src/pubsub/redis-run-bus.js';
import type { RunStatus, RunUpdate } from '../../src/runs/ports.js';
import { redisUnavailable, TEST_REDIS_URL } from '../helpers/redis.js';

const REDIS_URL = TEST_REDIS_URL;

const skip = await redisUnavailable('Redis bus tests');
if (skip) console.warn(skip);

const event = (runId: string, seq: number): RunEvent => ({
  runId,
  seq,
  at: Date.now(),
  type: 'LOG',
  data: { level: 'info', message: `m${seq}` },
});

async function take<T>(it: AsyncIterator<T>, n: number, timeoutMs = 3_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const next = await Promise.race([
      it.next(),
      new Promise<'timeout'>((r) =>
        setTimeout(() => r('timeout'), Math.max(1, deadline - Date.now())),
      ),
    ]);
    if (next === 'timeout' || next.done) break;
    out.push(next.value);
  }
  return out;
}

function update(id: string, graphId: string, status: RunStatus): RunUpdate {
  return {
    id,
    tenantId: 'default',
    graphId,
    graphVersionId: 'v1',
    status,
    input: { a: 1 },
    state: null,
    error: null,
    lastSeq: 3,
    createdAt: new Date(1_700_000_000_000),
    startedAt: new Date(1_700_000_000_500),
    finishedAt: null,
  };
}

describe.skipIf(skip !== null)('Redis run bus', () => {
  let a: RedisRunBus;
  let b: RedisRunBus;
  beforeAll(async () => {
    const prefix = `aef-test-${randomUUID()}:`;
    a = await createRedisRunBus(REDIS_URL, silentLogger, prefix);
    b = await createRedisRunBus(REDIS_URL, silentLogger, prefix);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('delivers events published in one process to subscribers in another, in order', async () => {
    const runId = randomUUID();
    const remote = b.subscribe('run:event', runId);
    await new Promise((r) => setTimeout(r, 100)); // let SUBSCRIBE reach Redis
    a.publish('run:event', runId, [event(runId, 1), event(runId, 2)]);
    a.publish('run:event', runId, [event(runId, 3)]);
    const got = await take(remote, 3);
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3]);
    await remote.return();
  });

  it('delivers a local publish to local subscribers exactly once (no echo from Redis)', async () => {
    const runId = randomUUID();
    const mine = a.subscribe('run:event', runId);
    await new Promise((r) => setTimeout(r, 100));
    a.publish('run:event', runId, [event(runId, 1)]);
    const got = await take(mine, 2, 500);
    expect(got.map((e) => e.seq)).toEqual([1]);
    await mine.return();
  });

  it('does not deliver events of other runs', async () => {
    const runId = randomUUID();
    const other = randomUUID();
    const sub = b.subscribe('run:event', runId);
    await new Promise((r) => setTimeout(r, 100));
    a.publish('run:event', other, [event(other, 1)]);
    a.publish('run:event', runId, [event(runId, 7)]);
    const got = await take(sub, 2, 500);
    expect(got.map((e) => [e.runId, e.seq])).toEqual([[runId, 7]]);
    await sub.return();
  });

  it('carries run updates across processes, filtered by graph', async () => {
    const graphId = randomUUID();
    const updates = b.subscribe('run:updated', graphId);
    const all = b.subscribe('run:updated');
    a.publish('run:updated', 'other', [update('r1', 'other', 'RUNNING')]);
    a.publish('run:updated', graphId, [update('r2', graphId, 'SUCCEEDED')]);
    const got = await take(updates, 2, 1_000);
    // The record arrives whole, its dates as dates.
    expect(got).toEqual([update('r2', graphId, 'SUCCEEDED')]);
    expect((await take(all, 3, 1_000)).map((u) => u.id)).toEqual(['r1', 'r2']);
    await all.return();
    await updates.return();
  });
});
