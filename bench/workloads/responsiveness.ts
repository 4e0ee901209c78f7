/**
 * Workload 7, API responsiveness under a long run: the server (SQLite, a real socket on port 0)
 * runs one 100,000-iteration loop (`increment` on a self-edge `when: "state.n < 100000"`,
 * maxIterations 100,000, limits.maxSteps raised above the 10,000 default) while a client in a
 * child process (responsiveness.child.ts) sends GET /health every 10 ms over keep-alive HTTP.
 * Reports the health checks' latency p50/p99/max and the loop's iterations/s (startRun ->
 * waitFor, every event stored). Each repetition: 1 s of polling an idle server (the baseline),
 * then the run.
 *
 * Alone: npx tsx bench/workloads/responsiveness.ts   (BENCH_QUICK=1, BENCH_REPS=n as for run.ts)
 */
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LONG_LOOP_ITERATIONS, longLoopGraph } from '../graphs.js';
import { benchApp } from '../lib/app.js';
import { spawnChild } from '../lib/child.js';
import { tempSqlite } from '../lib/databases.js';
import { fmt, int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { percentile } from '../lib/stats.js';
import { perSecond, settleWithin } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';
import type { PollResult, StartCommand } from './responsiveness.child.js';

const INTERVAL_MS = 10;
const IDLE_MS = 1_000;
/** Far above the seconds a run takes: only a hung run service reaches it. */
const RUN_TIMEOUT_MS = 300_000;

interface Sample {
  p50: number;
  p99: number;
  max: number;
  checks: number;
  idleP50: number;
  idleP99: number;
  failed: number;
  firstError: string | null;
  maxTimerLateMs: number;
  runMs: number;
  /** The server process's event-loop delay during the run (perf_hooks, 10 ms resolution), ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  iterationsPerSecond: number;
  events: number;
}

export const responsiveness: Workload = {
  name: 'responsiveness',
  async run(s: Settings) {
    const iterations = size(s, LONG_LOOP_ITERATIONS, 20_000);
    const db = tempSqlite();
    const app = await benchApp(db.url);
    const child = spawnChild(resolve(import.meta.dirname, 'responsiveness.child.ts'));
    try {
      const { port } = await app.start(0);
      const healthUrl = `http://127.0.0.1:${port}/health`;
      await child.next('ready', 60_000);
      const graph = await app.graphs.create(longLoopGraph(iterations));

      const oneRun = async () => {
        const delay = monitorEventLoopDelay({ resolution: 10 });
        delay.enable();
        const t0 = performance.now();
        const run = await app.runs.start(graph.id, {});
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          app.runs.waitFor(run.id),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`responsiveness: run not done in ${RUN_TIMEOUT_MS} ms`)),
              RUN_TIMEOUT_MS,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        const ms = performance.now() - t0;
        delay.disable();
        const loopDelay = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
        const done = await app.store.getRun(run.id);
        if (done?.status !== 'SUCCEEDED' || done.state?.n !== iterations)
          throw new Error(
            `responsiveness: run ended ${done?.status} with n = ${done?.state?.n} (${JSON.stringify(done?.error)})`,
          );
        const stored = await app.db.prisma.runEvent.count({ where: { runId: run.id } });
        if (stored !== done.lastSeq)
          throw new Error(`responsiveness: ${stored} events stored, lastSeq ${done.lastSeq}`);
        return { ms, events: done.lastSeq, loopDelay };
      };

      s.log(`responsiveness: warm-up run of ${int(iterations)} iterations`);
      await oneRun();
      const samples: Sample[] = [];
      for (let i = 0; i < s.reps; i++) {
        s.log(
          `responsiveness: GET /health every ${INTERVAL_MS} ms during a ${int(iterations)}-iteration run (${i + 1}/${s.reps})`,
        );
        const start: StartCommand = { type: 'start', url: healthUrl, intervalMs: INTERVAL_MS };
        child.send(start);
        await new Promise((r) => setTimeout(r, IDLE_MS));
        child.send({ type: 'mark' });
        const run = await oneRun();
        child.send({ type: 'stop' });
        const polled = await child.next<PollResult>('result', 60_000);
        if (polled.error) throw new Error(`health poller failed: ${polled.error}`);
        if (polled.loaded.length === 0) throw new Error('responsiveness: no health check answered');
        samples.push({
          p50: percentile(polled.loaded, 0.5),
          p99: percentile(polled.loaded, 0.99),
          max: Math.max(...polled.loaded),
          checks: polled.loaded.length,
          idleP50: percentile(polled.idle, 0.5),
          idleP99: percentile(polled.idle, 0.99),
          failed: polled.failed,
          firstError: polled.firstError,
          maxTimerLateMs: polled.maxTimerLateMs,
          runMs: run.ms,
          loopDelayP99: run.loopDelay.p99,
          loopDelayMax: run.loopDelay.max,
          iterationsPerSecond: perSecond(iterations, run.ms),
          events: run.events,
        });
      }

      const c = `GET /health every ${INTERVAL_MS} ms during one ${int(iterations)}-iteration loop run (SQLite)`;
      const failed = samples.reduce((n, x) => n + x.failed, 0);
      const firstError = samples.find((x) => x.firstError)?.firstError;
      return {
        rows: [
          row({
            workload: 'responsiveness',
            case: c,
            metric: 'health ms p50',
            higherIsBetter: false,
            ours: samples.map((x) => x.p50),
          }),
          row({
            workload: 'responsiveness',
            case: c,
            metric: 'health ms p99',
            higherIsBetter: false,
            ours: samples.map((x) => x.p99),
            target: { op: '<', value: 200 },
          }),
          row({
            workload: 'responsiveness',
            case: c,
            metric: 'health ms max',
            higherIsBetter: false,
            ours: samples.map((x) => x.max),
          }),
          row({
            workload: 'responsiveness',
            case: c,
            metric: 'loop iterations/s',
            ours: samples.map((x) => x.iterationsPerSecond),
            note: 'startRun -> waitFor, every event stored',
          }),
        ],
        notes: [
          `responsiveness: one node (\`increment\`) looping on itself ${int(iterations)} times (maxIterations ${int(iterations)}, limits.maxSteps ${int(iterations + 1)}: the 10,000 default would stop it), through the run service on SQLite with every event stored (${int(samples[0]?.events ?? 0)} events per run). One warm-up run first. The poller is a child process: GET /health (Yoga's health-check endpoint: no GraphQL, no database) on a fixed ${INTERVAL_MS} ms schedule whether or not the previous check has answered, each timed from its own send, fetch keep-alive.`,
          `responsiveness: per repetition: run ${samples.map((x) => int(x.runMs)).join(', ')} ms; ${samples.map((x) => int(x.checks)).join(', ')} checks during the run; idle server beforehand p50 ${samples.map((x) => fmt(x.idleP50)).join(', ')} ms, p99 ${samples.map((x) => fmt(x.idleP99)).join(', ')} ms; the server's event-loop delay (monitorEventLoopDelay) p99 ${samples.map((x) => fmt(x.loopDelayP99)).join(', ')} ms, max ${samples.map((x) => fmt(x.loopDelayMax)).join(', ')} ms; the poller's own timer at worst ${samples.map((x) => fmt(x.maxTimerLateMs)).join(', ')} ms late. ${failed === 0 ? 'Every check answered 200.' : `${int(failed)} checks failed (${firstError}).`}`,
        ],
        details: { samples },
      };
    } finally {
      child.send({ type: 'exit' });
      setTimeout(() => child.process.kill('SIGKILL'), 15_000).unref();
      await child.exited;
      await settleWithin(() => app.stop(), 15_000);
      await settleWithin(() => db.drop(), 15_000);
    }
  },
};

// Alone: prints this workload's rows and notes (BENCHMARKS.md and results.json are left alone).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { loadavg } = await import('node:os');
  const { describeMachine } = await import('../lib/machine.js');
  const { consoleReport } = await import('../lib/report.js');
  const quick = ['1', 'true', 'yes'].includes(process.env.BENCH_QUICK ?? '');
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const settings: Settings = {
    quick,
    reps: Number(process.env.BENCH_REPS ?? (quick ? 2 : 5)),
    postgres: { adminUrl: '', unavailable: 'not used by this workload' },
    log: (message) => console.error(`[${elapsed().toFixed(0).padStart(4)} s] ${message}`),
  };
  const machine = describeMachine();
  settings.log(`load ${machine.loadAverage.start.toFixed(2)}`);
  const result = await responsiveness.run(settings);
  machine.loadAverage.end = loadavg()[0]!;
  console.log(
    consoleReport({
      generatedAt: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      reps: settings.reps,
      seconds: elapsed(),
      machine,
      workloads: [{ name: responsiveness.name, ...result, seconds: elapsed() }],
      failures: [],
    }),
  );
  settings.log(`load ${machine.loadAverage.end.toFixed(2)}; ${elapsed().toFixed(0)} s`);
  process.exit(0);
}
