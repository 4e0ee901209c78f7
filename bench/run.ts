/**
 * `npm run bench`: every workload on our engine and on LangGraph.js, side by side, in one
 * run (each in-memory side in a clean child process). Prints the table, writes
 * .bench/results.json and rewrites BENCHMARKS.md. The previous commit's figures are kept in
 * .bench/previous.json (or read from BENCHMARKS.md) and printed beside the new ones.
 *
 *   BENCH_QUICK=1        small sizes, 2 repetitions: a smoke test of the harness (~1 min)
 *   BENCH_ONLY=a,b       only these workloads (BENCHMARKS.md is then left alone)
 *   BENCH_REPS=n         measured repetitions per side (default 5, quick 2)
 *   BENCH_DATABASE_URL   PostgreSQL server for the durable and scale-out workloads (default 127.0.0.1:5432)
 *   BENCH_REDIS_URL      Redis for the scale-out workload (default redis://127.0.0.1:6379)
 *   BENCH_CHILD_ARGS     extra Node flags for child processes, e.g. "--cpu-prof"
 *
 * Profile one workload: BENCH_ONLY=durable node --cpu-prof --import tsx bench/run.ts
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setChildExecArgv } from './lib/child.js';
import { postgresAdminUrl, postgresUnavailable } from './lib/databases.js';
import { describeMachine, ROOT } from './lib/machine.js';
import { rotatePrevious } from './lib/previous.js';
import { type BenchReport, consoleReport, markdownReport, writeFile } from './lib/report.js';
import type { WorkloadResult } from './lib/result.js';
import type { Settings, Workload } from './lib/workload.js';
import { durable } from './workloads/durable.js';
import { fanOut } from './workloads/fan-out.js';
import { loop } from './workloads/loop.js';
import { map } from './workloads/map.js';
import { pipeline } from './workloads/pipeline.js';
import { remote } from './workloads/remote.js';
import { responsiveness } from './workloads/responsiveness.js';
import { scale } from './workloads/scale.js';
import { scaleOut } from './workloads/scale-out.js';
import { server } from './workloads/server.js';
import { waiting } from './workloads/waiting.js';

const WORKLOADS: Workload[] = [
  pipeline,
  loop,
  fanOut,
  durable,
  server,
  remote,
  responsiveness,
  scale,
  waiting,
  map,
  scaleOut,
];
const BUDGET_SECONDS = 600;

const env = process.env;
const quick = ['1', 'true', 'yes'].includes(env.BENCH_QUICK ?? '');
const only = env.BENCH_ONLY?.split(',')
  .map((w) => w.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !WORKLOADS.some((w) => w.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(
    `Unknown workload(s) ${unknown.join(', ')}; choose from ${WORKLOADS.map((w) => w.name).join(', ')}.`,
  );
  process.exit(2);
}
if (env.BENCH_CHILD_ARGS) setChildExecArgv(env.BENCH_CHILD_ARGS.split(' ').filter(Boolean));

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const adminUrl = postgresAdminUrl(env);
const settings: Settings = {
  quick,
  reps: Number(env.BENCH_REPS ?? (quick ? 2 : 5)),
  postgres: { adminUrl, unavailable: await postgresUnavailable(adminUrl) },
  log: (message) => console.error(`[${elapsed().toFixed(0).padStart(4)} s] ${message}`),
};
const machine = describeMachine();
settings.log(
  `${quick ? 'quick' : 'full'} mode, ${settings.reps} repetitions; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.start.toFixed(2)}`,
);
if (settings.postgres.unavailable)
  settings.log(`PostgreSQL skipped: ${settings.postgres.unavailable}`);

const results: WorkloadResult[] = [];
const failures: BenchReport['failures'] = [];
for (const workload of WORKLOADS.filter((w) => !only || only.includes(w.name))) {
  const t0 = performance.now();
  try {
    const result = await workload.run(settings);
    results.push({ name: workload.name, ...result, seconds: (performance.now() - t0) / 1000 });
  } catch (err) {
    // One broken workload must not lose the others' figures.
    settings.log(`${workload.name} FAILED: ${(err as Error)?.stack ?? err}`);
    failures.push({ workload: workload.name, error: String((err as Error)?.stack ?? err) });
  }
}

machine.loadAverage.end = loadavg()[0]!;
const report: BenchReport = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  reps: settings.reps,
  seconds: elapsed(),
  machine,
  workloads: results,
  failures,
};
const { kept, shown } = rotatePrevious(ROOT, report);
if (Object.keys(kept).length > 0)
  writeFile(join(ROOT, '.bench', 'previous.json'), `${JSON.stringify(kept, null, 2)}\n`);
console.log(
  `\nNode ${machine.node} (${machine.platform})\n${consoleReport({ ...report, previous: shown })}`,
);
writeFile(join(ROOT, '.bench', 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
if (!only) writeFile(join(ROOT, 'BENCHMARKS.md'), markdownReport({ ...report, previous: shown }));
settings.log(
  `wrote .bench/results.json${only ? '' : ' and BENCHMARKS.md'}; ${elapsed().toFixed(0)} s in all${
    elapsed() > BUDGET_SECONDS ? ` (over the ${BUDGET_SECONDS} s budget)` : ''
  }`,
);
process.exit(failures.length > 0 ? 1 : 0);
