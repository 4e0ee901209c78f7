/**
 * Scale-out with roles, the small correctness version (the figures are in `npm run bench`,
 * bench/workloads/scale-out.ts): one ROLE=api process stores runs and executes none, two
 * ROLE=worker processes claim and execute them over PostgreSQL, events travel over Redis; a
 * worker killed with SIGKILL mid-load loses nothing and no run finishes twice.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { redisUnavailable, TEST_REDIS_URL } from '../helpers/redis.js';
import { createGraph, poll, startRun } from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { type ServerProcess, spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 180_000;
const RUNS = 120;

const pgSkip = (await backends()).find((b) => b.name === 'postgresql')?.skip ?? null;
const skip = pgSkip ?? (await redisUnavailable('scale-out with roles'));

async function worker(databaseUrl: string, name: string): Promise<ServerProcess> {
  const w = await spawnServer({
    databaseUrl,
    name,
    waitReady: false,
    env: {
      ROLE: 'worker',
      REDIS_URL: TEST_REDIS_URL,
      RUN_LEASE_MS: '1000',
      RESUME_BATCH: '10',
      RESUME_INTERVAL_MS: '10',
      QUEUE_POLL_MS: '50',
    },
  });
  await w.waitForLine(/worker process \(ROLE=worker\)/);
  return w;
}

const base = (s: ServerProcess) => s.url.replace(/\/graphql$/, '');

/** The sum of a counter over its label sets, from a process's /metrics. */
async function counter(s: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${base(s)}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('roles: 1 api + 2 worker processes (PostgreSQL, Redis)', () => {
  if (skip) {
    it.skip(skip, () => {});
    return;
  }
  const database = processSuiteDatabases('postgresql', TIMEOUT);

  it(
    'every run started through the api finishes exactly once, a SIGKILLed worker notwithstanding',
    async () => {
      const db = await database();
      const api = await spawnServer({
        databaseUrl: db.url,
        name: 'api',
        env: { ROLE: 'api', REDIS_URL: TEST_REDIS_URL },
      });
      const w1 = await worker(db.url, 'worker-1');
      const w2 = await worker(db.url, 'worker-2');
      // A worker answers only the operator's routes.
      expect((await fetch(`${base(w1)}/health`)).status).toBe(200);
      expect((await fetch(w1.url, { method: 'POST' })).status).toBe(404);

      const graph = delayChain({ name: 'scaled', delays: 4, incrementEvery: 0, ms: () => 30 });
      const graphId = await createGraph(api.url, graph.input);
      const ids: string[] = [];
      for (let i = 0; i < RUNS; i += 20)
        ids.push(
          ...(await Promise.all(Array.from({ length: 20 }, () => startRun(api.url, graphId)))).map(
            (r) => r.id,
          ),
        );

      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const finished = async () =>
          Number(
            (
              await client.query(
                `SELECT count(*) AS n FROM "Run" WHERE status IN ('SUCCEEDED','FAILED','CANCELLED')`,
              )
            ).rows[0].n,
          );
        // Kill one worker while runs are still left: its runs are taken over once its lease lapses.
        await poll('a fifth of the runs finished', async () =>
          (await finished()) >= RUNS / 5 ? true : undefined,
        );
        expect(await counter(w1, 'aef_runs_started_total')).toBeGreaterThan(0);
        await w1.kill('SIGKILL');
        await poll(
          'every run finished',
          async () => ((await finished()) === RUNS ? true : undefined),
          120_000,
          100,
        );
        const statuses = await client.query(
          `SELECT status, count(*)::int AS n FROM "Run" GROUP BY status`,
        );
        expect(statuses.rows).toEqual([{ status: 'SUCCEEDED', n: RUNS }]);
        // Exactly once: one terminal event per run, seq without gaps, the final state whole.
        const terminal = await client.query(
          `SELECT "runId", count(*)::int AS n FROM "RunEvent"
           WHERE type IN ('RUN_SUCCEEDED','RUN_FAILED','RUN_CANCELLED') GROUP BY "runId"`,
        );
        expect(terminal.rows).toHaveLength(RUNS);
        expect(terminal.rows.filter((r) => r.n !== 1)).toEqual([]);
        const gaps = await client.query(
          `SELECT "runId" FROM "RunEvent" GROUP BY "runId" HAVING max(seq) <> count(*)`,
        );
        expect(gaps.rows).toEqual([]);
        const states = await client.query(`SELECT state FROM "Run"`);
        for (const { state } of states.rows) expect(state.visited).toEqual(graph.visited);
      } finally {
        await client.end();
      }
      // The api executed nothing; the surviving worker finished what the killed one left.
      expect(await counter(api, 'aef_runs_started_total')).toBe(0);
      expect(await counter(w2, 'aef_runs_finished_total')).toBeGreaterThan(0);
      expect(ids).toHaveLength(RUNS);
    },
    TIMEOUT,
  );
});
