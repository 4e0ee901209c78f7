/**
 * Workload: a map node over 10,000 items with maxConcurrency 64 (issue "Run control" §2), on
 * the run service with SQLite: items/s and the memory the map held at its peak (RSS above the
 * baseline). Every run is checked SUCCEEDED with one result and two stored events per item.
 */
import { join } from 'node:path';
import { spawnChild } from '../lib/child.js';
import { int } from '../lib/format.js';
import { row } from '../lib/result.js';
import { type Settings, size, type Workload } from '../lib/workload.js';
import type { MapCommand, MapResult } from './map.child.js';

const MB = 1_000_000;

async function measure(command: MapCommand): Promise<MapResult> {
  const child = spawnChild(join(import.meta.dirname, 'map.child.ts'), [], ['--expose-gc']);
  try {
    child.send(command);
    return await child.next<MapResult>('result', 300_000);
  } finally {
    const kill = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
    await child.exited;
    clearTimeout(kill);
  }
}

export const map: Workload = {
  name: 'map',
  async run(s: Settings) {
    const command: MapCommand = { type: 'map', items: size(s, 10_000, 1_000), concurrency: 64 };
    const results: MapResult[] = [];
    for (let i = 0; i < size(s, 3, 1); i++) {
      s.log(`map: ${int(command.items)} items, 64 at once (${i + 1})`);
      const r = await measure(command);
      if (
        r.status !== 'SUCCEEDED' ||
        r.results !== command.items ||
        r.itemEvents < 2 * command.items
      )
        throw new Error(`map run did not complete: ${JSON.stringify(r)}`);
      results.push(r);
    }
    const c = `map over ${int(command.items)} items (delay 1 ms), maxConcurrency 64, SQLite`;
    return {
      rows: [
        row({
          workload: 'map',
          case: c,
          metric: 'items/s',
          ours: results.map((r) => (command.items / r.ms) * 1000),
        }),
        row({
          workload: 'map',
          case: c,
          metric: 'peak RSS above baseline MB',
          higherIsBetter: false,
          ours: results.map((r) => (r.peakRss - r.baselineRss) / MB),
        }),
      ],
      notes: [
        `map: ${results.map((r) => `${int(r.itemEvents)} item events stored in ${Math.round(r.ms)} ms`).join('; ')}.`,
      ],
      details: { results },
    };
  },
};
