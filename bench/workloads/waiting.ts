/**
 * Workload 7, waiting: 10,000 runs WAITING for a person (human_input) on the run service
 * (SQLite). A waiting run leaves memory: the target is under 100 MB held by all of them (RSS
 * after a GC, against the baseline before they started; heap alongside).
 */
import { join } from 'node:path';
import { spawnChild } from '../lib/child.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { type Settings, size, type Workload } from '../lib/workload.js';
import type { WaitingCommand, WaitingResult } from './waiting.child.js';

const MB = 1_000_000;

async function measure(command: WaitingCommand): Promise<WaitingResult> {
  const child = spawnChild(join(import.meta.dirname, 'waiting.child.ts'), [], ['--expose-gc']);
  try {
    child.send(command);
    return await child.next<WaitingResult>('result', 300_000);
  } finally {
    const kill = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(kill);
  }
}

export const waiting: Workload = {
  name: 'waiting',
  async run(s: Settings) {
    const command: WaitingCommand = { type: 'waiting', runs: size(s, 10_000, 1_000) };
    const results: WaitingResult[] = [];
    for (let i = 0; i < size(s, 2, 1); i++) {
      s.log(`waiting: ${int(command.runs)} runs waiting for an answer (${i + 1})`);
      const r = await measure(command);
      // The warm-up run waits too.
      if (r.waiting !== command.runs + 1 || r.active !== 0 || r.answered !== 'SUCCEEDED')
        throw new Error(
          `waiting: ${r.waiting} of ${command.runs} + 1 runs stored WAITING, ${r.active} executing, the answered run ${r.answered}`,
        );
      results.push(r);
    }
    const c = `${int(command.runs)} runs WAITING (human_input), run service on SQLite`;
    return {
      rows: [
        row({
          workload: 'waiting',
          case: c,
          metric: 'RSS held MB',
          higherIsBetter: false,
          ours: results.map((r) => (r.waitingRss - r.baselineRss) / MB),
          target: { op: '<', value: 100 },
        }),
        row({
          workload: 'waiting',
          case: c,
          metric: 'heap held MB',
          higherIsBetter: false,
          ours: results.map((r) => (r.waitingHeap - r.baselineHeap) / MB),
        }),
        row({
          workload: 'waiting',
          case: c,
          metric: 'time to all WAITING ms',
          higherIsBetter: false,
          ours: results.map((r) => r.ms),
        }),
      ],
      notes: [
        `waiting: ${results.map((r) => `${int(r.waiting)} rows WAITING, ${r.active} executing in memory`).join('; ')}; one run then answered to its end.`,
      ],
      details: { results },
    };
  },
};
