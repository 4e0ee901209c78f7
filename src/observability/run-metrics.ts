import type { RunEvent } from '../engine/index.js';
import type { RunObserver } from '../runs/observer.js';
import type { Metrics } from './metrics.js';

interface RunInfo {
  graphId: string;
  startedAt: number | null;
}

/** Runs remembered for their labels; past this many (runs that never ended) the memory starts over. */
const MAX_KNOWN = 100_000;

/**
 * The run observer that counts: runs started and finished, run and node durations, and each
 * group commit's size, latency and failure. Counted once stored, by the process that stored
 * it; a run resumed here (its graph not seen) is looked up once.
 */
export function createRunMetrics(
  metrics: Metrics,
  lookup: (runId: string) => Promise<RunInfo | null>,
): RunObserver {
  const known = new Map<string, RunInfo>();
  const withRun = (runId: string, fn: (info: RunInfo) => void) => {
    const info = known.get(runId);
    if (info) return fn(info);
    lookup(runId).then(
      (found) => {
        if (!found) return;
        if (known.size >= MAX_KNOWN) known.clear();
        known.set(runId, found);
        fn(found);
      },
      () => metrics.databaseErrors.inc({ operation: 'metrics' }),
    );
  };
  const count = (e: RunEvent) => {
    switch (e.type) {
      case 'RUN_STARTED':
        return withRun(e.runId, (info) => {
          info.startedAt = e.at;
          metrics.runsStarted.inc({ graph: info.graphId });
        });
      case 'NODE_SUCCEEDED':
      case 'NODE_FAILED':
        return withRun(e.runId, (info) =>
          metrics.nodeDuration.observe(
            {
              graph: info.graphId,
              node: e.nodeId,
              outcome: e.type === 'NODE_SUCCEEDED' ? 'succeeded' : 'failed',
            },
            e.data.durationMs / 1000,
          ),
        );
      case 'RUN_SUCCEEDED':
      case 'RUN_FAILED':
      case 'RUN_CANCELLED':
        return withRun(e.runId, (info) => {
          const status = e.type.slice(4);
          metrics.runsFinished.inc({ graph: info.graphId, status });
          if (info.startedAt !== null)
            metrics.runDuration.observe(
              { graph: info.graphId, status },
              Math.max(0, e.at - info.startedAt) / 1000,
            );
          known.delete(e.runId);
        });
      default:
        return;
    }
  };
  return {
    created(run) {
      if (known.size >= MAX_KNOWN) known.clear();
      known.set(run.id, { graphId: run.graphId, startedAt: null });
    },
    flushed(batch, ms, error) {
      if (error !== undefined) {
        metrics.databaseErrors.inc({ operation: 'commit' });
        return;
      }
      metrics.flushEvents.observe(batch.events.length);
      metrics.flushSeconds.observe(ms / 1000);
      for (const e of batch.events) count(e);
    },
  };
}
