/**
 * Workload 6, scale: runs in flight at once, each waiting on a 2,000 ms `delay` timer then
 * counting: 10,000 in memory (engine only) and 50,000 through the run service on SQLite (issue
 * 16: under 1 GB RSS). Each measurement is a fresh child process: peak RSS (the kernel's, and
 * sampled every 50 ms) and the time for all runs to complete (the ideal is the delay itself);
 * on SQLite every run is checked SUCCEEDED with its events stored. Then the server's start-up
 * RSS (startup.ts): compiled (`node dist/main.js`, target under 150 MB) and under tsx.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventsPerRun } from '../graphs.js';
import { spawnChild } from '../lib/child.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { type Settings, size, type Workload } from '../lib/workload.js';
import type { ScaleCommand, ScaleResult } from './scale.child.js';
import { startupRows } from './startup-rows.js';

const MB = 1_000_000;
type Variant = 'memory' | 'sqlite';

async function measure(variant: Variant, command: ScaleCommand): Promise<ScaleResult> {
  const child = spawnChild(join(import.meta.dirname, 'scale.child.ts'), [variant], ['--expose-gc']);
  let leftover: string | undefined;
  try {
    child.send(command);
    const result = await child.next<ScaleResult>('result', command.deadlineMs + 60_000);
    leftover = result.leftover;
    return result;
  } finally {
    // Whatever state it is in (a hung run service does not exit by itself).
    const kill = setTimeout(() => child.process.kill('SIGKILL'), leftover ? 0 : 15_000);
    await child.exited;
    clearTimeout(kill);
    if (leftover) rmSync(leftover, { recursive: true, force: true });
  }
}

export const scale: Workload = {
  name: 'scale',
  async run(s: Settings) {
    const commands: Record<Variant, ScaleCommand> = {
      memory: { type: 'scale', runs: size(s, 10_000, 2_000), delayMs: 2_000, deadlineMs: 30_000 },
      sqlite: { type: 'scale', runs: size(s, 50_000, 5_000), delayMs: 2_000, deadlineMs: 180_000 },
    };
    const reps = size(s, 2, 1);
    const results: Record<Variant, ScaleResult[]> = { memory: [], sqlite: [] };
    for (let i = 0; i < reps; i++) {
      for (const variant of ['memory', 'sqlite'] as const) {
        // A measurement that hung would hang again: one is enough to report it.
        if (results[variant].some((r) => !r.completed)) continue;
        const command = commands[variant];
        s.log(`scale: ${int(command.runs)} runs in flight, ${variant} (${i + 1}/${reps})`);
        const r = await measure(variant, command);
        if (!r.completed)
          s.log(
            `scale: ${variant}: only ${int(r.finished)} of ${int(command.runs)} runs finished in ${command.deadlineMs / 1000} s; ${JSON.stringify(r.stats ?? {})}`,
          );
        const st = r.stored;
        // The warm-up run counts too: runs + 1, each with its 2 nodes' events.
        if (st && (st.succeeded !== command.runs + 1 || st.events !== st.runs * eventsPerRun(2)))
          throw new Error(`scale: ${JSON.stringify(st)} stored for ${command.runs} + 1 runs`);
        results[variant].push(r);
      }
    }
    const title = { memory: 'in memory (engine only)', sqlite: 'run service on SQLite' };
    const rows = (['memory', 'sqlite'] as const).flatMap((v) => {
      const command = commands[v];
      const c = `${int(command.runs)} runs in flight (delay ${int(command.delayMs)} ms), ${title[v]}`;
      const done = results[v].filter((r) => r.completed);
      const hung = results[v].length - done.length;
      return [
        row({
          workload: 'scale',
          case: c,
          metric: 'peak RSS MB',
          higherIsBetter: false,
          // Peak memory counts whether or not the runs then finished.
          ours: results[v].map((r) => r.maxRss / MB),
          target: { op: '<', value: 1_000 },
        }),
        row({
          workload: 'scale',
          case: c,
          metric: 'time to complete ms',
          higherIsBetter: false,
          ours: done.map((r) => r.ms),
          note: hung
            ? `${hung} of ${results[v].length} measurements never completed (see notes)`
            : `ideal ${int(command.delayMs)} ms`,
        }),
      ];
    });
    const describe = (v: Variant, command = commands[v]) =>
      results[v]
        .map(
          (r) =>
            `${r.completed ? `done in ${int(r.ms)} ms` : `NOT DONE after ${int(r.ms)} ms (${int(r.finished)} of ${int(command.runs)} runs finished; run service ${JSON.stringify(r.stats)})`}, baseline ${int(r.baselineRss / MB)} MB, sampled peak ${int(r.sampledPeakRss / MB)} MB, kernel peak ${int(r.maxRss / MB)} MB, ${int(r.peakInFlight)} in flight at peak`,
        )
        .join('; ');
    const startup = await startupRows(s);
    return {
      rows: [...rows, ...startup.rows],
      notes: [
        "scale: each measurement is a fresh Node process; peak RSS is the kernel's (getrusage maxRSS, process boot and tsx included: the built-in tools load the TypeScript compiler, most of the baseline), cross-checked by sampling process.memoryUsage().rss every 50 ms. MB = 10^6 bytes.",
        `scale: in memory: ${describe('memory')}.`,
        `scale: SQLite: ${describe('sqlite')}.`,
        'scale: no LangGraph counterpart (10,000 concurrent invokes would take most of the time budget on their own).',
        ...startup.notes,
      ],
      details: results,
    };
  },
};
