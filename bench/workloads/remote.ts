/**
 * Workload 8, remote tools: a one-node graph whose tool runs in a TypeScript worker in another
 * process (64 slots), against the real server (SQLite, HTTP and graphql-ws on port 0):
 * - round trip: runs one after another, each run's start -> end latency, beside the same graph
 *   with an in-process tool (the difference is the remote call's overhead);
 * - throughput: many runs started at once, tasks/s through the one worker.
 */
import { join } from 'node:path';
import type { GraphDef } from '../../src/engine/index.js';
import { eventsPerRun } from '../graphs.js';
import { benchApp } from '../lib/app.js';
import { spawnChild } from '../lib/child.js';
import { tempSqlite } from '../lib/databases.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { latencyPercentiles } from '../lib/stats.js';
import { perSecond } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

const remoteGraph: GraphDef = {
  name: 'bench-remote',
  entry: 'echo',
  nodes: [{ id: 'echo', tool: 'bench_echo', inputs: { v: 'state.v' }, output: 'out' }],
  edges: [],
};
const localGraph: GraphDef = {
  name: 'bench-local',
  entry: 'echo',
  nodes: [{ id: 'echo', tool: 'set_state', config: { values: { out: 1 } } }],
  edges: [],
};

export const remote: Workload = {
  name: 'remote',
  async run(s: Settings) {
    const sequential = size(s, 300, 60);
    const burst = size(s, 3_000, 500);
    const slots = 64;
    const db = tempSqlite();
    const app = await benchApp(db.url, { WORKER_POLL_MS: '250' });
    const child = spawnChild(join(import.meta.dirname, 'remote-worker.child.ts'));
    try {
      const { port } = await app.start(0);
      child.send({ type: 'start', url: `http://127.0.0.1:${port}/graphql`, slots });
      await child.next('ready', 60_000);
      for (let i = 0; ; i++) {
        if ((await app.workers.capacity('default')).get('bench_echo')?.workers) break;
        if (i > 400) throw new Error('the bench worker never connected');
        await new Promise((r) => setTimeout(r, 25));
      }
      const remoteId = (await app.graphs.create(remoteGraph)).id;
      const localId = (await app.graphs.create(localGraph)).id;
      const once = async (graphId: string, v: number) => {
        const t0 = performance.now();
        const run = await app.runs.start(graphId, { v });
        await app.runs.waitFor(run.id);
        return performance.now() - t0;
      };
      const latencies = { remote: [] as number[], local: [] as number[] };
      s.log(`remote: ${int(sequential)} runs one after another, remote and in-process alternating`);
      for (let i = 0; i < 20; i++) await once(remoteId, i); // warm-up
      const p50 = { remote: [] as number[], local: [] as number[] };
      const p99 = { remote: [] as number[], local: [] as number[] };
      for (let rep = 0; rep < s.reps; rep++) {
        latencies.remote.length = 0;
        latencies.local.length = 0;
        for (let i = 0; i < sequential; i++) {
          latencies.remote.push(await once(remoteId, i));
          latencies.local.push(await once(localId, i));
        }
        for (const k of ['remote', 'local'] as const) {
          const p = latencyPercentiles(latencies[k]);
          p50[k].push(p.p50);
          p99[k].push(p.p99);
        }
      }
      s.log(`remote: ${int(burst)} runs at once through one worker with ${slots} slots`);
      const rates: number[] = [];
      for (let rep = 0; rep < s.reps; rep++) {
        const t0 = performance.now();
        const runs = await Promise.all(
          Array.from({ length: burst }, (_, v) => app.runs.start(remoteId, { v })),
        );
        await Promise.all(runs.map((r) => app.runs.waitFor(r.id)));
        rates.push(perSecond(burst, performance.now() - t0));
      }
      const stored = await storedRuns(app);
      const base = `one-node graph, ${int(sequential)} runs one after another`;
      return {
        rows: [
          row({
            workload: 'remote',
            case: `${base}, tool in a worker process`,
            metric: 'ms p50',
            higherIsBetter: false,
            ours: p50.remote,
          }),
          row({
            workload: 'remote',
            case: `${base}, tool in a worker process`,
            metric: 'ms p99',
            higherIsBetter: false,
            ours: p99.remote,
          }),
          row({
            workload: 'remote',
            case: `${base}, tool in process (baseline)`,
            metric: 'ms p50',
            higherIsBetter: false,
            ours: p50.local,
          }),
          row({
            workload: 'remote',
            case: `${base}, tool in process (baseline)`,
            metric: 'ms p99',
            higherIsBetter: false,
            ours: p99.local,
          }),
          row({
            workload: 'remote',
            case: `${int(burst)} runs at once, one worker with ${slots} slots`,
            metric: 'tasks/s',
            ours: rates,
          }),
        ],
        notes: [
          `remote: every run checked afterwards: ${int(stored.succeeded)} of ${int(stored.runs)} runs SUCCEEDED (warm-up included), ${int(stored.events)} RunEvent rows stored.`,
          `The worker is a createWorker process (graphql-ws for tasks, an HTTP POST per answer); the server polls the task table every 250 ms only for other servers' work, so these figures are the local path.`,
        ],
      };
    } finally {
      child.send({ type: 'stop' });
      await Promise.race([child.exited, new Promise((r) => setTimeout(r, 5_000))]);
      await app.stop();
      await db.drop();
    }
  },
};

/** Every run must have SUCCEEDED with at least its one node's events stored. */
async function storedRuns(app: Awaited<ReturnType<typeof benchApp>>) {
  const prisma = app.db.prisma;
  const runs = await prisma.run.count();
  const succeeded = await prisma.run.count({ where: { status: 'SUCCEEDED' } });
  const events = await prisma.runEvent.count();
  if (succeeded !== runs || events < runs * eventsPerRun(1))
    throw new Error(`remote: ${succeeded} of ${runs} runs SUCCEEDED, ${events} events stored`);
  return { runs, succeeded, events };
}
