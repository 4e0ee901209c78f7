/**
 * Pause with roles: a ROLE=api process executes nothing, a ROLE=worker process executes the
 * runs (PostgreSQL, Redis). pauseRun through the api reaches the worker; unpauseRun and
 * cancelRun through the api hand the paused run back to the queue for a worker to execute.
 */
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { redisUnavailable, TEST_REDIS_URL } from '../helpers/redis.js';
import { createGraph, getRun, gqlOk, poll, startRun, storedEvents } from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 120_000;
const pgSkip = (await backends()).find((b) => b.name === 'postgresql')?.skip ?? null;
const skip = pgSkip ?? (await redisUnavailable('pause with roles'));

const mutate = (url: string, field: string, id: string) =>
  gqlOk<Record<string, { status: string }>>(
    url,
    `mutation ($id: ID!) { ${field}(id: $id) { status } }`,
    { id },
  ).then((d) => d[field]!.status);

const statusIs = (url: string, id: string, status: string) =>
  poll(
    `run ${id} ${status}`,
    async () => ((await getRun(url, id)).status === status ? true : undefined),
    30_000,
  );

describe('pause with roles: 1 api + 1 worker process (PostgreSQL, Redis)', () => {
  if (skip) {
    it.skip(skip, () => {});
    return;
  }
  const database = processSuiteDatabases('postgresql', TIMEOUT);

  it(
    'pauses through the api a run the worker executes, then unpauses one and cancels another through the api',
    async () => {
      const db = await database();
      const env = { REDIS_URL: TEST_REDIS_URL, RUN_LEASE_MS: '1000' };
      const api = await spawnServer({
        databaseUrl: db.url,
        name: 'api',
        env: { ...env, ROLE: 'api' },
      });
      const worker = await spawnServer({
        databaseUrl: db.url,
        name: 'worker',
        waitReady: false,
        env: { ...env, ROLE: 'worker', QUEUE_POLL_MS: '50' },
      });
      await worker.waitForLine(/worker process \(ROLE=worker\)/);
      const graph = delayChain({
        name: 'paused-by-api',
        delays: 10,
        incrementEvery: 0,
        ms: () => 150,
      });
      const graphId = await createGraph(api.url, graph.input);
      const [keep, drop] = [await startRun(api.url, graphId), await startRun(api.url, graphId)];
      for (const run of [keep, drop]) {
        await statusIs(api.url, run.id, 'RUNNING');
        expect(['PAUSED', 'RUNNING']).toContain(await mutate(api.url, 'pauseRun', run.id));
        await statusIs(api.url, run.id, 'PAUSED');
      }
      expect(await mutate(api.url, 'unpauseRun', keep.id)).toBe('RUNNING');
      await statusIs(api.url, keep.id, 'SUCCEEDED');
      const run = await getRun(api.url, keep.id);
      expect(run.state?.visited).toEqual(graph.visited);
      const events = await storedEvents(api.url, keep.id);
      expect(events.filter((e) => e.type === 'NODE_SUCCEEDED')).toHaveLength(graph.nodeIds.length);

      await mutate(api.url, 'cancelRun', drop.id);
      await statusIs(api.url, drop.id, 'CANCELLED');
      const dropped = await storedEvents(api.url, drop.id);
      const types = dropped.map((e) => e.type);
      expect(types).toContain('RUN_PAUSED');
      expect(types.at(-1)).toBe('RUN_CANCELLED');
      expect(types).not.toContain('RUN_SUCCEEDED');
    },
    TIMEOUT,
  );
});
