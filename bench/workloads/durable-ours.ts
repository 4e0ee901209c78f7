/**
 * Our side of the durable workload: the run service (group commit) on a fresh database per
 * measurement, runs started with app.runs.start (`width` in flight) and awaited with
 * app.runs.waitFor. Every run is checked SUCCEEDED and the stored RunEvent rows counted; the
 * events per commit are recorded so that the floors write batches of the same size.
 */
import { eventsPerRun, PIPELINE_NODES, pipelineGraph } from '../graphs.js';
import { benchApp } from '../lib/app.js';
import type { BenchDatabase } from '../lib/databases.js';
import { int } from '../lib/format.js';
import { median } from '../lib/stats.js';
import {
  type Contender,
  inFlight,
  perSecond,
  settleWithin,
  timed,
  withTimeout,
} from '../lib/timing.js';

export interface DurableSample {
  /** Node executions per second (NaN for a floor: it executes nothing). */
  nodes: number;
  /** Rows stored per second: RunEvent rows (ours, floors), checkpoints + writes rows (LangGraph). */
  rows: number;
}

/** Far above the few seconds a measurement takes: only a hung run service reaches it. */
const MEASUREMENT_TIMEOUT_MS = 120_000;

/** What our group commit wrote per commit in the last measurement: events per commit, median. */
export interface CommitShape {
  medianEvents: number;
  commits: number;
}

export function ours(
  open: () => Promise<BenchDatabase>,
  runs: number,
  width: number,
  shape?: CommitShape,
): Contender<DurableSample> {
  return {
    sample: async () => {
      const db = await open();
      const app = await benchApp(db.url);
      const sizes: number[] = [];
      const commit = app.store.commit.bind(app.store);
      app.store.commit = (batch, owner) => {
        if (batch.events.length > 0) sizes.push(batch.events.length);
        return commit(batch, owner);
      };
      try {
        const graph = await app.graphs.create(pipelineGraph());
        const ms = await withTimeout(
          timed(() =>
            inFlight(runs, width, async () => {
              const run = await app.runs.start(graph.id, {});
              await app.runs.waitFor(run.id);
            }),
          ),
          MEASUREMENT_TIMEOUT_MS,
          `durable (${db.url.split(':')[0]}): ${int(runs)} runs`,
        ).catch((err: Error) => {
          throw new Error(`${err.message}; run service ${JSON.stringify(app.runs.stats())}`);
        });
        const events = await app.db.prisma.runEvent.count();
        const succeeded = await app.db.prisma.run.count({ where: { status: 'SUCCEEDED' } });
        if (succeeded !== runs || events !== runs * eventsPerRun(PIPELINE_NODES))
          throw new Error(`durable: ${succeeded}/${runs} runs succeeded, ${events} events stored`);
        if (shape) {
          shape.medianEvents = median(sizes);
          shape.commits = sizes.length;
        }
        return { nodes: perSecond(runs * PIPELINE_NODES, ms), rows: perSecond(events, ms) };
      } finally {
        await settleWithin(() => app.stop(), 15_000);
        await settleWithin(() => db.drop(), 15_000);
      }
    },
  };
}
