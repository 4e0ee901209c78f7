/**
 * Workload 9, scale-out: one ROLE=api process and 1, 2 and 4 ROLE=worker processes on
 * PostgreSQL with Redis. RUNS runs (a two-node graph) are started through the API's GraphQL
 * endpoint; the figure is runs finished per second from the first start to the last end, and
 * per worker process. Every run is checked to have finished exactly once (one terminal event,
 * seq without gaps, the final state whole). The kill -9 case is tests/e2e/roles.test.ts.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { tempPostgres } from '../lib/databases.js';
import { int } from '../lib/format.js';
import { type ServerChild, scrape, startServer } from '../lib/processes.js';
import { row } from '../lib/result.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** startRun fields per request, and requests in flight. */
const PER_REQUEST = 50;
const IN_FLIGHT = 8;

const GRAPH = {
  name: 'scale-out',
  nodes: [
    { id: 'a', tool: 'set_state', config: { values: { a: 1 } } },
    { id: 'b', tool: 'increment', config: { key: 'n', by: 1 } },
  ],
  edges: [{ from: 'a', to: 'b' }],
  entry: 'a',
};

async function gql<T>(url: string, query: string, variables?: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors[0]));
  return body.data as T;
}

async function redisUnavailable(): Promise<string | null> {
  const r = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (err) {
    return `no Redis at ${REDIS_URL} (${(err as Error).message}); set BENCH_REDIS_URL`;
  } finally {
    r.disconnect();
  }
}

interface Measured {
  workers: number;
  runs: number;
  startMs: number;
  totalMs: number;
  runsPerSec: number;
  /** CPU seconds each worker used (process_cpu_seconds_total), and the api's. */
  workerCpu: number[];
  apiCpu: number;
  perWorker: number[];
}

async function measure(s: Settings, workers: number, runs: number): Promise<Measured> {
  const db = await tempPostgres(s.postgres.adminUrl);
  const servers: ServerChild[] = [];
  const client = new pg.Client({ connectionString: db.url });
  try {
    const common = {
      DATABASE_URL: db.url,
      REDIS_URL,
      RUN_LEASE_MS: '5000',
      MAX_ALIASES: String(PER_REQUEST + 5),
    };
    const api = await startServer('api', { ...common, ROLE: 'api' });
    servers.push(api);
    for (let i = 0; i < workers; i++)
      servers.push(
        await startServer(`worker-${i + 1}`, {
          ...common,
          ROLE: 'worker',
          INSTANCE_ID: `bench-worker-${i + 1}`,
          QUEUE_POLL_MS: '20',
          RESUME_BATCH: '200',
          RESUME_INTERVAL_MS: '5',
        }),
      );
    const url = `${api.base}/graphql`;
    const { createGraph } = await gql<{ createGraph: { id: string } }>(
      url,
      'mutation($input: GraphInput!) { createGraph(input: $input) { id } }',
      { input: GRAPH },
    );
    const mutation = `mutation($g: ID!) { ${Array.from({ length: PER_REQUEST }, (_, i) => `r${i}: startRun(graphId: $g) { id }`).join(' ')} }`;
    await client.connect();
    const t0 = performance.now();
    let sent = 0;
    const sender = async () => {
      while (sent < runs) {
        sent += PER_REQUEST;
        await gql(url, mutation, { g: createGraph.id });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
    const startMs = performance.now() - t0;
    const total = Math.ceil(runs / PER_REQUEST) * PER_REQUEST;
    for (;;) {
      const { rows } = await client.query(
        `SELECT count(*)::int AS n FROM "Run" WHERE "finishedAt" IS NOT NULL`,
      );
      if (rows[0].n >= total) break;
      if (performance.now() - t0 > 600_000)
        throw new Error(`only ${rows[0].n} of ${total} runs finished in 600 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const totalMs = performance.now() - t0;
    // Exactly once, and whole.
    const bad = await client.query(
      `SELECT r.id FROM "Run" r JOIN "RunEvent" e ON e."runId" = r.id GROUP BY r.id, r.status
       HAVING r.status <> 'SUCCEEDED' OR max(e.seq) <> count(*)
          OR count(*) FILTER (WHERE e.type IN ('RUN_SUCCEEDED','RUN_FAILED','RUN_CANCELLED')) <> 1`,
    );
    if (bad.rows.length > 0) throw new Error(`${bad.rows.length} runs did not finish exactly once`);
    // The counters follow the commits (a claimed run's graph is looked up first): give them a
    // few seconds to catch up with the database.
    const finishedCounts = () =>
      Promise.all(servers.slice(1).map((w) => scrape(w.base, 'aef_runs_finished_total')));
    let perWorker = await finishedCounts();
    for (let i = 0; i < 100 && perWorker.reduce((a, b) => a + b, 0) < total; i++) {
      await new Promise((r) => setTimeout(r, 100));
      perWorker = await finishedCounts();
    }
    if (perWorker.reduce((a, b) => a + b, 0) !== total)
      throw new Error(`workers finished ${perWorker} runs, not ${total}`);
    const workerCpu = await Promise.all(
      servers.slice(1).map((w) => scrape(w.base, 'aef_process_cpu_seconds_total')),
    );
    const apiCpu = await scrape(api.base, 'aef_process_cpu_seconds_total');
    return {
      workers,
      runs: total,
      startMs,
      totalMs,
      runsPerSec: total / (totalMs / 1000),
      workerCpu,
      apiCpu,
      perWorker,
    };
  } finally {
    await client.end().catch(() => {});
    await Promise.all(servers.map((p) => p.kill('SIGKILL')));
    await db.drop();
  }
}

export const scaleOut: Workload = {
  name: 'scale-out',
  async run(s: Settings) {
    const skip = s.postgres.unavailable ?? (await redisUnavailable());
    if (skip) return { rows: [], notes: [`scale-out: skipped: ${skip}.`] };
    // 8,000: ~20 s a configuration at the rates seen here, enough for a steady state; 20,000
    // took ~230 s of the bench's 600 s budget for the three.
    const runs = size(s, 8_000, 1_000);
    const counts = [1, 2, 4];
    const results: Measured[] = [];
    for (const workers of counts) {
      s.log(`scale-out: 1 api + ${workers} worker(s), ${int(runs)} runs`);
      results.push(await measure(s, workers, runs));
    }
    const rows = results.flatMap((r) => [
      row({
        workload: 'scale-out',
        case: `${int(r.runs)} runs through 1 api + ${r.workers} worker(s), PostgreSQL + Redis`,
        metric: 'runs/s',
        ours: [r.runsPerSec],
        note: `${(r.runsPerSec / r.workers).toFixed(0)} runs/s per worker process; all started through the api in ${int(r.startMs)} ms (${int(r.runs / (r.startMs / 1000))} starts/s)`,
      }),
    ]);
    const cpu = (r: Measured) =>
      `${r.workers} worker(s): ${r.perWorker.map(int).join(' / ')} runs, ${r.workerCpu.map((c) => c.toFixed(1)).join(' / ')} CPU s (api ${r.apiCpu.toFixed(1)} CPU s), ${(r.runs / r.workerCpu.reduce((a, b) => a + b, 0)).toFixed(0)} runs per worker CPU-second`;
    return {
      rows,
      notes: [
        `scale-out: every run was checked to have finished exactly once (one terminal event, seq without gaps). Runs started ${PER_REQUEST} per startRun mutation, ${IN_FLIGHT} requests in flight.`,
        `scale-out: ${results.map(cpu).join('; ')}.`,
        'scale-out: the machine has the cores it has (see the header): PostgreSQL, Redis, the api and the load generator share them with the workers, so past the core count more workers only add contention; the per-process figure and runs per CPU-second show where it flattens.',
      ],
      details: { results },
    };
  },
};
