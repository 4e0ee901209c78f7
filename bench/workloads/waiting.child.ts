/**
 * One waiting measurement in a fresh process: `runs` runs of a graph whose node asks a person
 * (human_input) are started on the run service (SQLite) and all reach WAITING; then the memory
 * they still hold (after a GC) is compared with the baseline, and one is answered to the end.
 */
import { benchApp } from '../lib/app.js';
import { fromParent, type Message, toParent } from '../lib/child.js';
import { tempSqlite } from '../lib/databases.js';

export interface WaitingCommand extends Message {
  type: 'waiting';
  runs: number;
}

export interface WaitingResult extends Message {
  type: 'result';
  runs: number;
  waiting: number;
  /** RSS and heap after a GC, before the runs and once all of them wait. */
  baselineRss: number;
  waitingRss: number;
  baselineHeap: number;
  waitingHeap: number;
  /** Start of the first run -> the last one stored WAITING. */
  ms: number;
  /** Still executing in memory once all wait (should be 0). */
  active: number;
  /** The status the one answered run ended with (should be SUCCEEDED). */
  answered: string;
}

const cmd = await fromParent<WaitingCommand>('waiting');
const gc = (globalThis as { gc?: () => void }).gc;
const db = tempSqlite();
const app = await benchApp(db.url);
const graph = await app.graphs.create({
  name: 'waiting',
  nodes: [
    { id: 'prep', tool: 'set_state', config: { values: { ready: true } } },
    { id: 'ask', tool: 'human_input', config: { output: 'answer', prompt: 'Approve?' } },
  ],
  edges: [{ from: 'prep', to: 'ask' }],
  entry: 'prep',
});
const startOne = async () => {
  const run = await app.runs.start(graph.id, {});
  await app.runs.waitFor(run.id);
  return run.id;
};
await startOne(); // warm-up
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
};
await settle();
const baselineRss = process.memoryUsage().rss;
const baselineHeap = process.memoryUsage().heapUsed;
const t0 = performance.now();
const ids: string[] = [];
for (let i = 0; i < cmd.runs; i += 1_000) {
  const batch = Array.from({ length: Math.min(1_000, cmd.runs - i) }, startOne);
  ids.push(...(await Promise.all(batch)));
}
const ms = performance.now() - t0;
await settle();
const waitingRss = process.memoryUsage().rss;
const waitingHeap = process.memoryUsage().heapUsed;
const rows = await app.db.prisma.run.count({ where: { status: 'WAITING' } });
const active = app.runs.stats().active;
await app.runs.resume(ids[0]!, 'ask:1:1', { answer: 'yes' });
await app.runs.waitFor(ids[0]!);
const answered = (await app.store.getRun(ids[0]!))?.status ?? 'missing';
await toParent({
  answered,
  type: 'result',
  runs: cmd.runs,
  waiting: rows,
  baselineRss,
  waitingRss,
  baselineHeap,
  waitingHeap,
  ms,
  active,
});
await app.stop();
await db.drop();
process.exit(0);
