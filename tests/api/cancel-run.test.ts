import { expect, it } from 'vitest';
import { cancellable, retryExhausted } from '../fixtures/scenarios.js';
import type { TestApp } from '../helpers/app.js';
import { waitUntil } from '../helpers/app.js';
import {
  builtinGraph,
  CANCEL_RUN,
  createGraph,
  delayGraph,
  describeBackends,
  expectError,
  getRun,
  HEALTH,
  type RunData,
  runToEnd,
  setStateGraph,
  startRun,
  typesOf,
} from './operations.js';

/** Waits until every node in `nodeIds` has started. */
async function waitForStarts(t: TestApp, runId: string, nodeIds: string[]): Promise<void> {
  await waitUntil(async () => {
    const run = await getRun(t, runId);
    const started = run.events.edges.filter((e) => e.node.type === 'NODE_STARTED');
    return nodeIds.every((id) => started.some((e) => e.node.nodeId === id)) ? true : undefined;
  });
}

async function cancel(t: TestApp, id: string): Promise<RunData> {
  return (await t.ok<{ cancelRun: RunData }>(CANCEL_RUN, { id })).cancelRun;
}

const health = async (t: TestApp) =>
  (await t.ok<{ health: { activeRuns: number; queuedRuns: number } }>(HEALTH)).health;

// One run at a time, so a second run waits QUEUED for as long as the first one runs.
await describeBackends(
  'cancelRun',
  (api) => {
    it('cancels a running run: its running nodes stop and nothing after them starts', async () => {
      const graph = await createGraph(api(), builtinGraph(cancellable()));
      const { id } = await startRun(api(), graph.id);
      await waitForStarts(api(), id, ['blockA', 'blockB']);

      const cancelled = await cancel(api(), id);
      expect(cancelled.status).toBe('CANCELLED');
      expect(cancelled.finishedAt).not.toBeNull();
      const run = await getRun(api(), id);
      expect(run.status).toBe('CANCELLED');
      expect(typesOf(run).at(-1)).toBe('RUN_CANCELLED');
      expect(typesOf(run).filter((t) => t === 'RUN_CANCELLED')).toHaveLength(1);
      for (const nodeId of ['blockA', 'blockB']) {
        const node = run.nodes.find((n) => n.nodeId === nodeId);
        expect(node?.status, nodeId).not.toBe('SUCCEEDED');
      }
      expect(run.nodes.find((n) => n.nodeId === 'after')?.status).not.toBe('SUCCEEDED');
      expect(run.state).not.toHaveProperty('after');
      expect(await health(api())).toMatchObject({ activeRuns: 0, queuedRuns: 0 });
    });

    it('answers CANCELLED again when a cancelled run is cancelled twice, adding nothing', async () => {
      const graph = await createGraph(api(), delayGraph(60_000));
      const { id } = await startRun(api(), graph.id);
      await waitForStarts(api(), id, ['wait']);
      const first = await cancel(api(), id);
      const second = await cancel(api(), id);
      expect(second.status).toBe('CANCELLED');
      expect(second.lastSeq).toBe(first.lastSeq);
      expect(second.finishedAt).toBe(first.finishedAt);
    });

    it('cancels a queued run before it starts', async () => {
      const busy = await createGraph(api(), delayGraph(60_000));
      const blocker = await startRun(api(), busy.id);
      await waitForStarts(api(), blocker.id, ['wait']);
      const waiting = await startRun(api(), (await createGraph(api(), setStateGraph())).id);
      expect(waiting.status).toBe('QUEUED');
      expect(await health(api())).toMatchObject({ activeRuns: 1, queuedRuns: 1 });

      const cancelled = await cancel(api(), waiting.id);
      expect(cancelled.status).toBe('CANCELLED');
      const run = await getRun(api(), waiting.id);
      expect(typesOf(run)).toEqual(['RUN_CANCELLED']);
      expect(run.events.edges[0]?.node.seq).toBe(1);
      expect(run.nodes).toEqual([]);
      expect(run.state).not.toHaveProperty('done');
      expect(await health(api())).toMatchObject({ activeRuns: 1, queuedRuns: 0 });

      await cancel(api(), blocker.id);
      expect(await health(api())).toMatchObject({ activeRuns: 0, queuedRuns: 0 });
    });

    it('refuses to cancel a finished run with RUN_NOT_ACTIVE and leaves it as it was', async () => {
      const ok = await runToEnd(api(), (await createGraph(api(), setStateGraph())).id);
      expect(ok.status).toBe('SUCCEEDED');
      const res = await api().gql(CANCEL_RUN, { id: ok.id });
      expect(expectError(res, 'RUN_NOT_ACTIVE').extensions?.status).toBe('SUCCEEDED');
      const after = await getRun(api(), ok.id);
      expect(after).toMatchObject({ status: 'SUCCEEDED', lastSeq: ok.lastSeq });

      const failed = await runToEnd(
        api(),
        (await createGraph(api(), builtinGraph(retryExhausted()))).id,
      );
      const res2 = await api().gql(CANCEL_RUN, { id: failed.id });
      expect(expectError(res2, 'RUN_NOT_ACTIVE').extensions?.status).toBe('FAILED');
    });

    it('answers NOT_FOUND for an unknown run', async () => {
      const res = await api().gql(CANCEL_RUN, { id: 'no-such-run' });
      expect(expectError(res, 'NOT_FOUND').message).toContain('no-such-run');
    });
  },
  { MAX_CONCURRENT_RUNS: '1' },
);
