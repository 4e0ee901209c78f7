/**
 * Workload 5, end to end through the server (SQLite, a real socket on port 0):
 * - startRun over HTTP to completion: runs/s and latency p50/p99, with `width` clients at once;
 * - one run's events delivered to 1,000 graphql-ws subscribers: delivery latency p50/p99 (event
 *   `at` -> received, same machine clock) and a check that every subscriber got every seq once.
 * - the floor: a bare graphql-yoga answering `{ __typename }` (yoga-floor.ts), in this process
 *   beside the server, driven by the same client at the same client count, alternating with the
 *   HTTP runs; the target is startRun->done >= 60 % of its request rate (issue 16).
 * The clients run in a child process (server-clients.child.ts), the server in this one. Every
 * HTTP run must end SUCCEEDED and every run's events be stored (counted), else the workload fails.
 */
import { join } from 'node:path';
import { broadcastGraph, eventsPerRun, PIPELINE_NODES, pipelineGraph } from '../graphs.js';
import { benchApp } from '../lib/app.js';
import { type Child, spawnChild } from '../lib/child.js';
import { tempSqlite } from '../lib/databases.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { latencyPercentiles } from '../lib/stats.js';
import { perSecond, settleWithin } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';
import type {
  HttpCommand,
  HttpResult,
  Reply,
  RequestsCommand,
  RequestsResult,
  SubscribeCommand,
  SubscribeResult,
} from './server-clients.child.js';
import { startBareYoga } from './yoga-floor.js';

async function request<T extends Reply>(
  child: Child,
  command: HttpCommand | SubscribeCommand | RequestsCommand,
) {
  child.send(command);
  const reply = await child.next<T>('result', 180_000);
  if (reply.error) throw new Error(`${command.type} client failed: ${reply.error}`);
  return reply;
}

interface Delivery {
  p50: number;
  p99: number;
  measured: number;
  lost: number;
  duplicates: number;
  incomplete: number;
  attachMs: number;
  lastSeq: number;
}

export const server: Workload = {
  name: 'server',
  async run(s: Settings) {
    const http = { runs: size(s, 1_000, 300), width: 100 };
    const fanout = {
      subscribers: size(s, 1_000, 200),
      sockets: size(s, 1_000, 200),
      gateMs: size(s, 4_000, 2_000),
      steps: 20,
      stepMs: 25,
    };
    const db = tempSqlite();
    const app = await benchApp(db.url);
    const yoga = await startBareYoga();
    const child = spawnChild(join(import.meta.dirname, 'server-clients.child.ts'));
    try {
      const { port } = await app.start(0);
      const url = `http://127.0.0.1:${port}/graphql`;
      const wsUrl = `ws://127.0.0.1:${port}/graphql`;
      await child.next('ready', 60_000);

      const pipeline = await app.graphs.create(pipelineGraph());
      const httpCommand: HttpCommand = { type: 'http', url, wsUrl, graphId: pipeline.id, ...http };
      s.log(`server: startRun over HTTP, ${int(http.runs)} runs, ${http.width} clients at once`);
      const floorCommand: RequestsCommand = {
        type: 'requests',
        url: yoga.url,
        requests: size(s, 5_000, 1_000),
        width: http.width,
      };
      await request<HttpResult>(child, { ...httpCommand, runs: Math.ceil(http.runs / 4) });
      await request<RequestsResult>(child, floorCommand);
      const httpSamples: HttpResult[] = [];
      const floorSamples: RequestsResult[] = [];
      for (let i = 0; i < s.reps; i++) {
        httpSamples.push(await request<HttpResult>(child, httpCommand));
        floorSamples.push(await request<RequestsResult>(child, floorCommand));
      }
      const bad = httpSamples.filter((x) => x.failed > 0 || x.notSucceeded > 0);
      if (bad.length > 0)
        throw new Error(
          `server: HTTP runs did not all succeed: ${bad.map((x) => `${x.failed} not ended, ${x.notSucceeded} ended ${x.firstStatus}`).join('; ')}`,
        );
      if (floorSamples.some((x) => x.failed > 0))
        throw new Error(
          `server: bare Yoga answered ${floorSamples.map((x) => x.failed)} requests wrong`,
        );
      const stored = await storedRuns(app, pipeline.id);

      const broadcast = await app.graphs.create(
        broadcastGraph(fanout.gateMs, fanout.steps, fanout.stepMs),
      );
      const deliveries: Delivery[] = [];
      const deliveryReps = size(s, 3, 1);
      for (let i = 0; i < deliveryReps; i++) {
        s.log(
          `server: one run to ${int(fanout.subscribers)} subscribers on ${int(fanout.sockets)} sockets (${i + 1}/${deliveryReps})`,
        );
        const run = await app.runs.start(broadcast.id, {});
        const ended = app.runs.waitFor(run.id);
        const result = await request<SubscribeResult>(child, {
          type: 'subscribe',
          wsUrl,
          runId: run.id,
          subscribers: fanout.subscribers,
          sockets: fanout.sockets,
        });
        await ended;
        const lastSeq = (await app.store.getRun(run.id))?.lastSeq ?? -1;
        const subs = result.subscribers;
        const errors = subs.filter((x) => x.error).map((x) => x.error);
        if (errors.length > 0)
          s.log(`server: ${errors.length} subscriber errors, e.g. ${errors[0]}`);
        deliveries.push({
          ...latencyPercentiles(result.latencies),
          measured: result.latencies.length,
          lost: subs.reduce((n, x) => n + Math.max(0, lastSeq - x.distinct), 0),
          duplicates: subs.reduce((n, x) => n + x.duplicates, 0),
          incomplete: subs.filter((x) => !x.completed || x.maxSeq !== lastSeq).length,
          attachMs: result.attachMs,
          lastSeq,
        });
      }

      const lost = deliveries.reduce((n, d) => n + d.lost + d.duplicates + d.incomplete, 0);
      const slowAttach = deliveries.filter((d) => d.attachMs > fanout.gateMs).length;
      const httpCase = `${int(http.runs)} runs, ${http.width} clients at once`;
      const subCase = `1 run, ${int(fanout.subscribers)} subscribers on ${int(fanout.sockets)} sockets`;
      return {
        rows: [
          row({
            workload: 'server',
            case: `startRun over HTTP to completion: ${httpCase}`,
            metric: 'runs/s',
            ours: httpSamples.map((x) => perSecond(x.runs, x.ms)),
          }),
          row({
            workload: 'server',
            case: `floor: bare Yoga { __typename } over HTTP, ${int(floorCommand.requests)} requests, ${http.width} clients at once`,
            metric: 'requests/s',
            ours: floorSamples.map((x) => perSecond(x.requests, x.ms)),
          }),
          row({
            workload: 'server',
            case: `startRun over HTTP to completion: ${httpCase}`,
            metric: 'share of bare Yoga (runs/s per request/s)',
            ours: httpSamples.map(
              (x, i) =>
                perSecond(x.runs, x.ms) / perSecond(floorSamples[i]!.requests, floorSamples[i]!.ms),
            ),
            target: { op: '>=', value: 0.6 },
            note: 'per round',
          }),
          row({
            workload: 'server',
            case: `startRun over HTTP to completion: ${httpCase}`,
            metric: 'latency ms p50',
            higherIsBetter: false,
            ours: httpSamples.map((x) => x.p50),
            target: { op: '<', value: 50 },
          }),
          row({
            workload: 'server',
            case: `startRun over HTTP to completion: ${httpCase}`,
            metric: 'latency ms p99',
            higherIsBetter: false,
            ours: httpSamples.map((x) => x.p99),
          }),
          row({
            workload: 'server',
            case: subCase,
            metric: 'delivery ms p50',
            higherIsBetter: false,
            ours: deliveries.map((d) => d.p50),
          }),
          row({
            workload: 'server',
            case: subCase,
            metric: 'delivery ms p99',
            higherIsBetter: false,
            ours: deliveries.map((d) => d.p99),
            target: { op: '<', value: 50 },
          }),
          row({
            workload: 'server',
            case: subCase,
            metric: 'events lost/duplicated',
            higherIsBetter: false,
            ours: deliveries.map((d) => d.lost + d.duplicates + d.incomplete),
            target: { op: '<', value: 1 },
          }),
        ],
        notes: [
          `server: HTTP runs are the ${PIPELINE_NODES}-node pipeline; latency = POST startRun sent -> terminal status received on one graphql-ws runUpdated subscription (client clock). Every run ended SUCCEEDED; stored afterwards: ${int(stored.succeeded)} of ${int(stored.runs)} runs SUCCEEDED (probes and warm-up included), ${int(stored.events)} RunEvent rows (${eventsPerRun(PIPELINE_NODES)} per run).`,
          `server: the floor is a bare graphql-yoga (one-field schema, no plugins, no database) on node:http in the server's process, \`{ __typename }\` POSTs from the same client process at the same ${http.width} clients, alternating with the HTTP runs; the share is per round.`,
          `server: subscribers use ${fanout.sockets === fanout.subscribers ? 'one graphql-ws socket each' : `${int(fanout.sockets)} sockets, several subscriptions each`} (${int(fanout.sockets)} sockets, no client-side limit hit). The run waits ${int(fanout.gateMs)} ms (a delay node) so every subscriber attaches, then ${fanout.steps} nodes ${fanout.stepMs} ms apart: ${deliveries[0]?.lastSeq ?? '?'} events, of which those emitted after a subscriber's first event are timed (${deliveries.map((d) => int(d.measured)).join(', ')} deliveries timed per repetition). Attach took ${deliveries.map((d) => int(d.attachMs)).join(', ')} ms${slowAttach ? ` (longer than the gate in ${slowAttach} repetition(s))` : ''}.`,
          `server: delivery check: ${lost === 0 ? 'every subscriber received every seq exactly once, in every repetition, and completed' : `${int(lost)} problems (lost, duplicated or incomplete subscribers) across repetitions`}.`,
        ],
        details: { http: httpSamples, deliveries },
      };
    } finally {
      child.send({ type: 'exit' });
      await yoga.close();
      setTimeout(() => child.process.kill('SIGKILL'), 15_000).unref();
      await child.exited;
      await settleWithin(() => app.stop(), 15_000);
      await settleWithin(() => db.drop(), 15_000);
    }
  },
};

/** The pipeline's runs as stored: every one must be SUCCEEDED with all its events. */
async function storedRuns(app: Awaited<ReturnType<typeof benchApp>>, graphId: string) {
  const prisma = app.db.prisma;
  const runs = await prisma.run.count({ where: { graphId } });
  const succeeded = await prisma.run.count({ where: { graphId, status: 'SUCCEEDED' } });
  const events = await prisma.runEvent.count({ where: { run: { graphId } } });
  if (succeeded !== runs || events !== runs * eventsPerRun(PIPELINE_NODES))
    throw new Error(`server: ${succeeded} of ${runs} runs SUCCEEDED, ${events} events stored`);
  return { runs, succeeded, events };
}
