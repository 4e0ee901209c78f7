/**
 * The history a forked or retried run starts from: a rewrite of the source run's log, which the
 * new run stores as its own and resumes from (nothing in it runs again). Pure: the run service
 * checks it against the chosen graph version by replaying it before anything is stored.
 */
import type { Patch, RunEvent } from '../engine/index.js';
import { AppError } from '../errors.js';

/** Where a fork starts: the first start of one execution of a node. */
export interface ForkPoint {
  fromNode: string;
  /** Which execution of the node (1-based); default: its latest. */
  iteration?: number | null;
}

const isRunEnd = (e: RunEvent) =>
  e.type === 'RUN_SUCCEEDED' || e.type === 'RUN_FAILED' || e.type === 'RUN_CANCELLED';

/**
 * Renumbers events for the new run; its deadline (maxDurationMs) starts now. A suspension or a
 * pause the copy ends on is left out: the new run starts executing (and suspends again if it must).
 */
function rebase(events: readonly RunEvent[], runId: string, now: number): RunEvent[] {
  let end = events.length;
  while (
    end > 0 &&
    (events[end - 1]?.type === 'RUN_SUSPENDED' || events[end - 1]?.type === 'RUN_PAUSED')
  )
    end--;
  return events.slice(0, end).map((e, i) => {
    const copy = { ...e, runId, seq: i + 1 } as RunEvent;
    if (copy.type === 'RUN_STARTED') copy.at = now;
    return copy;
  });
}

/**
 * The source's events before the first start of the chosen execution of `fromNode` (the node
 * and everything after it run again), then the state patch, if any.
 */
export function forkHistory(
  source: readonly RunEvent[],
  runId: string,
  point: ForkPoint,
  statePatch: Patch | null,
  now: number,
): { events: RunEvent[]; cutSeq: number; iteration: number } {
  const starts = source.filter(
    (e): e is RunEvent & { type: 'NODE_STARTED' } =>
      e.type === 'NODE_STARTED' && e.nodeId === point.fromNode,
  );
  if (starts.length === 0)
    throw new AppError(
      'FORK_MISMATCH',
      `Node "${point.fromNode}" never started in this run: fork from a node its events show (run.events).`,
      { fromNode: point.fromNode },
    );
  const iteration = point.iteration ?? Math.max(...starts.map((e) => e.data.iteration));
  const first = starts.find((e) => e.data.iteration === iteration);
  if (!first)
    throw new AppError(
      'FORK_MISMATCH',
      `Node "${point.fromNode}" has no execution ${iteration} in this run (it ran ${Math.max(...starts.map((e) => e.data.iteration))} time(s)).`,
      { fromNode: point.fromNode, iteration },
    );
  const kept = source.filter((e) => e.seq < first.seq && !isRunEnd(e));
  const events = rebase(kept, runId, now);
  if (statePatch && Object.keys(statePatch).length > 0) {
    events.push({
      runId,
      seq: events.length + 1,
      at: now,
      type: 'STATE_PATCHED',
      data: { patch: statePatch, reason: 'fork' },
    });
  }
  return { events, cutSeq: first.seq, iteration };
}

/**
 * The source's events without its end: the failed execution's starts, retries, failure, item
 * failures and log lines are dropped so it runs again from attempt 1; when it recorded work
 * (completed steps, a map's item results, answers) its first start and those records are kept,
 * so it runs again as an interrupted one, redoing only the work without a record (a map re-runs
 * only its unfinished items); nodes that
 * the failure or a cancel stopped (skipped `run_failed` / `cancelled`) run again as interrupted
 * ones; every node that succeeded is kept.
 */
/** What a failed execution recorded that its retry keeps (its memo). */
const RECORDS: ReadonlySet<RunEvent['type']> = new Set<RunEvent['type']>([
  'STEP_COMPLETED',
  'MAP_ITEM_SUCCEEDED',
  'INTERRUPT_REQUESTED',
  'INTERRUPT_ANSWERED',
  'INTERRUPT_TIMED_OUT',
]);

export function retryHistory(source: readonly RunEvent[], runId: string, now: number): RunEvent[] {
  const failed = source.find(
    (e): e is RunEvent & { type: 'NODE_FAILED' } => e.type === 'NODE_FAILED',
  );
  const failedStart = failed
    ? source.find(
        (e) =>
          e.type === 'NODE_STARTED' &&
          e.nodeId === failed.nodeId &&
          e.data.iteration === failed.data.iteration,
      )
    : undefined;
  const mine = (e: RunEvent): boolean =>
    failed !== undefined &&
    failedStart !== undefined &&
    e.seq >= failedStart.seq &&
    'nodeId' in e &&
    e.nodeId === failed.nodeId;
  // Without a record to keep, the failed execution's first start goes too: it simply starts.
  const iteration = failed?.data.iteration;
  const keepsRecords = source.some(
    (e) =>
      mine(e) && RECORDS.has(e.type) && (e.data as { iteration?: number }).iteration === iteration,
  );
  const ofFailed = (e: RunEvent): boolean => {
    if (!mine(e)) return false;
    if (e === failedStart) return !keepsRecords;
    switch (e.type) {
      case 'NODE_STARTED':
      case 'NODE_RETRYING':
      case 'NODE_FAILED':
      case 'MAP_ITEM_STARTED':
      case 'MAP_ITEM_RETRYING':
      case 'MAP_ITEM_FAILED':
        return e.data.iteration === iteration;
      case 'LOG':
      case 'CUSTOM':
        return true;
      default:
        return false;
    }
  };
  const kept = source.filter(
    (e) =>
      !isRunEnd(e) &&
      !ofFailed(e) &&
      !(
        e.type === 'NODE_SKIPPED' &&
        (e.data.reason === 'run_failed' || e.data.reason === 'cancelled')
      ),
  );
  return rebase(kept, runId, now);
}
