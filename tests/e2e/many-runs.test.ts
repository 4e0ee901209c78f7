/**
 * Load: 1,000 runs of a 4-node graph started over HTTP against a listening app. startRun must
 * return without waiting for its run, and every run must end SUCCEEDED with a complete event
 * log (the group-commit writer batches events of many runs into one transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { type Backend, backends } from '../helpers/databases.js';
import {
  cancelRunIfActive,
  createGraph,
  getRun,
  poll,
  type RunStatus,
  startRun,
} from './helpers/gql.js';
import { delayChain, quickGraph } from './helpers/graphs.js';

const TIMEOUT = 120_000;
const RUNS = 1_000;
const CONCURRENCY = 25;

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function suite(backend: Backend) {
  describe(`1,000 runs through the API (${backend})`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ backend, env: { SEED_EXAMPLES: 'false' } });
      await t.listen();
    }, TIMEOUT);
    afterAll(async () => {
      await t?.close();
    }, TIMEOUT);

    it(
      'returns from startRun before the run finishes',
      async () => {
        const slow = delayChain({ name: 'slow', delays: 1, ms: () => 60_000, incrementEvery: 0 });
        const graphId = await createGraph(t.url, slow.input);
        const run = await startRun(t.url, graphId);
        expect(['QUEUED', 'RUNNING']).toContain(run.status);
        const now = await getRun(t.url, run.id);
        expect(['QUEUED', 'RUNNING']).toContain(now.status);
        // Cancelling aborts the minute-long delay at once.
        expect((await cancelRunIfActive(t.url, run.id)).status).toBe('CANCELLED');
      },
      TIMEOUT,
    );

    it(
      `runs ${RUNS} concurrent runs to SUCCEEDED, each with a complete, gap-free event log`,
      async () => {
        const graph = quickGraph('quick');
        const graphId = await createGraph(t.url, graph.input);
        const started = await mapLimit(
          Array.from({ length: RUNS }, (_, i) => i),
          CONCURRENCY,
          (i) => startRun(t.url, graphId, { index: i }),
        );
        const ids = started.map((r) => r.id);
        expect(new Set(ids).size).toBe(RUNS);
        const prisma = t.app.db.prisma;

        await poll(
          `${RUNS} runs to finish`,
          async () => {
            const active = await prisma.run.count({
              where: { graphId, status: { in: ['QUEUED', 'RUNNING', 'WAITING'] } },
            });
            return active === 0 ? true : undefined;
          },
          TIMEOUT - 30_000,
          200,
        );

        const byStatus = await prisma.run.groupBy({
          by: ['status'],
          where: { graphId },
          _count: { _all: true },
        });
        expect(
          Object.fromEntries(byStatus.map((g) => [g.status as RunStatus, g._count._all])),
        ).toEqual({ SUCCEEDED: RUNS });

        const counts = await prisma.runEvent.groupBy({
          by: ['runId'],
          where: { run: { graphId } },
          _count: { _all: true },
          _min: { seq: true },
          _max: { seq: true },
        });
        // Filtered by graph (a list of 1,000 ids would pass SQLite's bound-parameter limit).
        expect(counts.map((c) => c.runId).sort()).toEqual([...ids].sort());
        const expectedLength = 2 + 2 * graph.nodeIds.length;
        for (const c of counts) {
          expect({ runId: c.runId, n: c._count._all, min: c._min.seq, max: c._max.seq }).toEqual({
            runId: c.runId,
            n: expectedLength,
            min: 1,
            max: expectedLength,
          });
        }

        // Every log is exactly the timeline of the chain, in seq order.
        const expectedTimeline = [
          'RUN_STARTED:',
          ...graph.nodeIds.flatMap((n) => [`NODE_STARTED:${n}`, `NODE_SUCCEEDED:${n}`]),
          'RUN_SUCCEEDED:',
        ];
        const events = await prisma.runEvent.findMany({
          where: { run: { graphId } },
          select: { runId: true, seq: true, type: true, nodeId: true },
          orderBy: [{ runId: 'asc' }, { seq: 'asc' }],
        });
        const timelines = new Map<string, string[]>();
        for (const e of events) {
          const list = timelines.get(e.runId) ?? [];
          list.push(`${e.type}:${e.nodeId ?? ''}`);
          timelines.set(e.runId, list);
        }
        for (const id of ids) expect(timelines.get(id), id).toEqual(expectedTimeline);

        // The final states: each run folded its own input and every node exactly once.
        const runs = await prisma.run.findMany({
          where: { graphId },
          select: { id: true, state: true, lastSeq: true },
        });
        expect(runs).toHaveLength(RUNS);
        const index = new Map(ids.map((id, i) => [id, i]));
        for (const r of runs) {
          expect(r.lastSeq).toBe(expectedLength);
          expect(r.state).toEqual({
            index: index.get(r.id),
            greeting: 'hello',
            counter: 3,
            finished: true,
          });
        }
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`1,000 runs through the API (${name})`, () => {
      it.skip(skip, () => {});
    });
    console.warn(skip);
  } else suite(name);
}
