/**
 * One scale measurement in a fresh process (so its peak RSS is this workload's alone):
 * `runs` runs started at once, each waiting on a `delay` timer, then counting. argv[2] is
 * `memory` (executeRun only) or `sqlite` (the run service on a fresh SQLite file).
 */
import { dirname } from 'node:path';
import { waitingGraph } from '../graphs.js';
import { benchApp } from '../lib/app.js';
import { fromParent, type Message, toParent } from '../lib/child.js';
import { tempSqlite } from '../lib/databases.js';
import { compile, runInMemory } from '../lib/engine.js';

export interface ScaleCommand extends Message {
  type: 'scale';
  runs: number;
  delayMs: number;
  /** Report what happened so far if the runs have not all finished by then. */
  deadlineMs: number;
}

export interface ScaleResult extends Message {
  type: 'result';
  /** All runs finished before the deadline. */
  completed: boolean;
  finished: number;
  /** RSS before the runs started (after a GC). */
  baselineRss: number;
  /** Largest RSS sampled every 50 ms while the runs were in flight. */
  sampledPeakRss: number;
  /** The kernel's peak RSS of this process (getrusage), boot included. */
  maxRss: number;
  /** First start -> last run finished (events stored, for sqlite), or -> the deadline. */
  ms: number;
  /** Most runs seen in flight at one sample. */
  peakInFlight: number;
  /** The run service's counters at the end (sqlite). */
  stats?: unknown;
  /** The SQLite file's folder, left for the parent to remove when the runs did not complete. */
  leftover?: string;
  /** sqlite, once completed: runs stored SUCCEEDED and RunEvent rows, warm-up included. */
  stored?: { runs: number; succeeded: number; events: number };
}

const variant = process.argv[2];
const cmd = await fromParent<ScaleCommand>('scale');
const gc = (globalThis as { gc?: () => void }).gc;

let inFlight = 0;
let finished = 0;
const tracked = async (run: () => Promise<unknown>) => {
  inFlight++;
  try {
    await run();
    finished++;
  } finally {
    inFlight--;
  }
};

/** Starts `cmd.runs` runs at once and measures them until they finish or the deadline passes. */
async function measure(
  runOnce: () => Promise<unknown>,
  active: () => number = () => inFlight,
): Promise<Omit<ScaleResult, 'type'>> {
  gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peak = baselineRss;
  let peakInFlight = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    peakInFlight = Math.max(peakInFlight, active());
  }, 50);
  const t0 = performance.now();
  let deadline: NodeJS.Timeout | undefined;
  const completed = await Promise.race([
    Promise.all(Array.from({ length: cmd.runs }, () => tracked(runOnce))).then(() => true),
    new Promise<false>((resolve) => {
      deadline = setTimeout(() => resolve(false), cmd.deadlineMs);
    }),
  ]);
  const ms = performance.now() - t0;
  clearTimeout(deadline);
  clearInterval(sampler);
  return {
    completed,
    finished,
    baselineRss,
    sampledPeakRss: Math.max(peak, process.memoryUsage().rss),
    maxRss: process.resourceUsage().maxRSS * 1024,
    ms,
    peakInFlight,
  };
}

if (variant === 'memory') {
  const graph = compile(waitingGraph(cmd.delayMs));
  await runInMemory(graph); // warm-up
  await toParent({ type: 'result', ...(await measure(() => runInMemory(graph))) });
} else if (variant === 'sqlite') {
  const db = tempSqlite();
  const app = await benchApp(db.url);
  const graph = await app.graphs.create(waitingGraph(cmd.delayMs));
  await app.runs.waitFor((await app.runs.start(graph.id, {})).id); // warm-up
  const result = await measure(
    async () => app.runs.waitFor((await app.runs.start(graph.id, {})).id),
    () => app.runs.stats().active,
  );
  // A hung run service would not stop: the parent then removes this process and its database.
  const leftover = result.completed ? undefined : dirname(db.path);
  const stored = result.completed
    ? {
        runs: await app.db.prisma.run.count(),
        succeeded: await app.db.prisma.run.count({ where: { status: 'SUCCEEDED' } }),
        events: await app.db.prisma.runEvent.count(),
      }
    : undefined;
  await toParent({ type: 'result', ...result, stats: app.runs.stats(), leftover, stored });
  if (result.completed) {
    await app.stop();
    await db.drop();
  }
} else {
  throw new Error(`scale.child.ts: unknown variant "${variant}"`);
}
process.exit(0);
