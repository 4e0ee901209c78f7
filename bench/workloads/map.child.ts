/**
 * One map measurement in a fresh process: a run whose map node runs `items` items (the `delay`
 * tool, 1 ms each: I/O-bound work) at most `concurrency` at once, on the run service (SQLite,
 * durable: every item's events stored). RSS is sampled while it runs; the peak above the
 * baseline (after a GC) is what the items held.
 */
import { benchApp } from '../lib/app.js';
import { fromParent, type Message, toParent } from '../lib/child.js';
import { tempSqlite } from '../lib/databases.js';

export interface MapCommand extends Message {
  type: 'map';
  items: number;
  concurrency: number;
}

export interface MapResult extends Message {
  type: 'result';
  status: string;
  results: number;
  itemEvents: number;
  ms: number;
  baselineRss: number;
  peakRss: number;
}

const cmd = await fromParent<MapCommand>('map');
const gc = (globalThis as { gc?: () => void }).gc;
const db = tempSqlite();
const app = await benchApp(db.url);
const graph = await app.graphs.create({
  name: 'map',
  nodes: [
    {
      id: 'each',
      tool: 'delay',
      config: { ms: 1, values: { done: true } },
      map: { over: 'state.items', maxConcurrency: cmd.concurrency },
      output: 'results',
    },
  ],
  edges: [],
  entry: 'each',
});
const items = Array.from({ length: cmd.items }, (_, i) => i);
const warm = await app.runs.start(graph.id, { items: items.slice(0, 100) });
await app.runs.waitFor(warm.id);
for (let i = 0; i < 3; i++) {
  gc?.();
  await new Promise((r) => setTimeout(r, 50));
}
const baselineRss = process.memoryUsage().rss;
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const t0 = performance.now();
const run = await app.runs.start(graph.id, { items });
await app.runs.waitFor(run.id);
const ms = performance.now() - t0;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const row = await app.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
const itemEvents = await app.db.prisma.runEvent.count({
  where: { runId: run.id, type: { startsWith: 'MAP_ITEM_' } },
});
const state = (row.state ?? {}) as { results?: unknown[] };
await toParent({
  type: 'result',
  status: row.status,
  results: state.results?.length ?? 0,
  itemEvents,
  ms,
  baselineRss,
  peakRss,
});
await app.stop();
await db.drop();
process.exit(0);
