import {
  type ErrorInfo,
  type RunEvent,
  replayEvents,
  type State,
  TERMINAL_EVENT_TYPES,
} from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { EventWriter } from './event-writer.js';
import type { GraphVersions } from './graph-versions.js';
import { deadBoots, type Instance } from './instance.js';
import { loadEvents } from './load-events.js';
import type { LocalRuns } from './local-runs.js';
import { type ClaimedRun, isActive, type RunRecord, type RunStore } from './ports.js';
import type { Job, RunPool } from './run-pool.js';

export const RECOVERY_LIMIT_EXCEEDED = 'RECOVERY_LIMIT_EXCEEDED';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Nodes started and not finished in a run's log: what was executing when its process died. */
function inFlightNodes(history: readonly RunEvent[]): string[] {
  const open = new Set<string>();
  for (const e of history) {
    if (e.type === 'NODE_STARTED') open.add(e.nodeId);
    else if (e.type === 'NODE_SUCCEEDED' || e.type === 'NODE_FAILED' || e.type === 'NODE_SKIPPED')
      open.delete(e.nodeId);
  }
  return [...open];
}

export interface RecoveryDeps {
  store: RunStore;
  writer: EventWriter;
  pool: RunPool;
  local: LocalRuns;
  versions: GraphVersions;
  logger: Logger;
  instance: Instance;
  owner: string;
  leaseMs: number;
  recoveryLimit: number;
  /** RECOVERY=paused: a claimed run that was executing is paused (reason recovery), not resumed. */
  pauseRecovered: boolean;
  resumeBatch: number;
  resumeIntervalMs: number;
  /** False once the service shuts down: nothing more is claimed. */
  accepting(): boolean;
  enqueue(record: RunRecord, job: Job): void;
}

/**
 * How runs come back: resumed here after a failed commit, claimed from crashed or stopped
 * processes a batch per tick (recoveries counted in the claim), failed past the recovery limit,
 * and runs whose start was abandoned deleted.
 */
export function createRecovery(deps: RecoveryDeps) {
  const { store, writer, pool, local, versions, logger, instance, owner, leaseMs } = deps;
  const { recoveryLimit, resumeBatch, resumeIntervalMs, enqueue } = deps;
  const settle = (runId: string) => local.settle(runId);
  const loadHistory = (runId: string) => loadEvents(store, runId);

  /** Re-executes a run this process owns from its stored events (after a failed commit). */
  async function resumeHere(runId: string, attempt: number): Promise<void> {
    try {
      const run = await store.getRun(runId);
      const version = run && (await store.getGraphVersion(run.graphVersionId));
      if (!run || !version || !isActive(run.status)) {
        writer.resumeStoring(runId);
        settle(runId);
        return;
      }
      while (pool.isRunning(runId)) await new Promise((r) => setTimeout(r, 10));
      const history = await loadHistory(run.id);
      writer.resumeStoring(runId);
      const graph = versions.compile(version);
      enqueue(
        { ...run, pinnedVersion: version.version },
        { runId, graphId: run.graphId, graph, input: run.input, history },
      );
    } catch (err) {
      if (attempt >= 10) {
        logger.error('could not resume run after a storage failure; it resumes on restart', {
          runId,
          err,
        });
        return;
      }
      setTimeout(() => void resumeHere(runId, attempt + 1), 1_000 * attempt).unref();
    }
  }

  /** A run stored after startRun gave up on it (UNAVAILABLE): delete it, it was never started. */
  async function discard(runId: string, attempt: number): Promise<void> {
    try {
      await store.discardRun(runId);
    } catch (err) {
      if (attempt >= 10) {
        logger.error('could not delete a run whose start was abandoned', { runId, err });
        return;
      }
      setTimeout(() => void discard(runId, attempt + 1), 500 * attempt).unref();
    }
  }

  /**
   * Fails a run that was taken over more than `recoveryLimit` times without progress: its
   * process keeps dying while executing it (a tool crashes it, exhausts memory...). The end is
   * stored as a normal RUN_FAILED event, so subscribers, the run row and its graph see it.
   */
  function failRecovered({ run, version }: ClaimedRun, history: RunEvent[]): void {
    const recoveries = run.recoveries ?? 0;
    const nodes = inFlightNodes(history);
    let state: State = (run.state as State | null) ?? run.input;
    try {
      if (history.length > 0) state = replayEvents(versions.compile(version), history).state;
    } catch {
      // The stored state (or the input) will do.
    }
    const error = {
      code: RECOVERY_LIMIT_EXCEEDED,
      message:
        `The run was stopped for good: its server process died while executing it ${recoveries} times in a row ` +
        `without a node succeeding (limit ${recoveryLimit}, RECOVERY_LIMIT). ` +
        `${nodes.length > 0 ? `Node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')} ${nodes.length > 1 ? 'were' : 'was'} executing; ` : ''}` +
        'a tool probably crashes the process (native crash, out of memory, process.exit). ' +
        'Check the server logs around those restarts, fix the tool or the input, then start a new run.',
      details: { recoveries, limit: recoveryLimit, nodes },
    } as unknown as ErrorInfo;
    logger.error('run failed: recovery limit exceeded', { runId: run.id, recoveries, nodes });
    local.add({ ...run, pinnedVersion: version.version });
    writer.emit({
      runId: run.id,
      seq: (history.at(-1)?.seq ?? 0) + 1,
      at: Date.now(),
      type: 'RUN_FAILED',
      data: { error, state },
    });
  }

  /** Claims orphaned runs a batch per tick (a poison run cannot starve the API) and resumes them. */
  async function resumePaced(): Promise<number> {
    const staleBefore = new Date(Date.now() - leaseMs);
    const dead = deadBoots(instance, await store.activeOwners());
    let total = 0;
    // Not past a batch waiting in the pool: runs this process cannot start yet are left for
    // other processes (ROLE=worker processes share the queue this way).
    const room = () => deps.accepting() && deps.pool.queuedCount < resumeBatch;
    for (let tick = 0; room(); tick++) {
      if (tick > 0) await sleep(resumeIntervalMs);
      if (!room()) break;
      const claimed = await store.claimOrphans(owner, staleBefore, resumeBatch, dead);
      let resumed = 0;
      let paused = 0;
      for (const claim of claimed) {
        const { run, version } = claim;
        // Our own run whose heartbeat lapsed (a blocked event loop): it is still executing.
        if (local.has(run.id)) continue;
        try {
          const history = await loadHistory(run.id);
          if (history.some((e) => TERMINAL_EVENT_TYPES.has(e.type))) continue;
          // Ours again (we may have lost it to a peer earlier): its events are stored again.
          writer.resumeStoring(run.id);
          if ((run.recoveries ?? 0) > recoveryLimit) {
            failRecovered(claim, history);
            continue;
          }
          const graph = versions.compile(version);
          // RECOVERY=paused: it executes only to record RUN_PAUSED. Not a run never started
          // (stored for any server to claim), a WAITING run woken by its own deadline, nor a
          // paused run an operator unpaused through a ROLE=api server (left ownerless for us).
          const last = history.at(-1)?.type;
          const pause =
            deps.pauseRecovered &&
            history.length > 0 &&
            last !== 'RUN_SUSPENDED' &&
            last !== 'RUN_PAUSED';
          // pauseRun asked before any process had it: it begins paused (nothing starts).
          const pauseReason = run.pauseRequested ? 'user' : pause ? 'recovery' : undefined;
          enqueue(
            { ...run, pinnedVersion: version.version },
            {
              ...{ runId: run.id, graphId: run.graphId, graph, input: run.input, history },
              ...(pauseReason ? { pauseReason } : {}),
            },
          );
          if (pause) paused++;
          else resumed++;
        } catch (err) {
          logger.error('could not resume run', { runId: run.id, err });
        }
      }
      if (resumed > 0) logger.info('resumed runs', { count: resumed, owner });
      if (paused > 0)
        logger.warn('paused recovered runs (RECOVERY=paused): unpause, cancel or fork each', {
          count: paused,
          owner,
        });
      total += resumed + paused;
      if (claimed.length < resumeBatch) break;
    }
    return total;
  }

  let resuming: Promise<number> | null = null;
  return {
    resumeHere,
    discard,
    /** Claims and resumes orphaned runs; concurrent calls share one pass. */
    resumeOrphans(): Promise<number> {
      if (!deps.accepting()) return Promise.resolve(0);
      resuming ??= resumePaced().finally(() => {
        resuming = null;
      });
      return resuming;
    },
    /** Resolves once a pass under way is done (shutdown waits for it before releasing runs). */
    idle: () =>
      resuming?.then(
        () => undefined,
        () => undefined,
      ) ?? Promise.resolve(),
  };
}
