/**
 * pauseRun and unpauseRun. A pause reaches the run where it is: executing or queued here (the
 * pool's pause signal), WAITING out of memory (taken from the store and resumed paused), or
 * executing on another server (asked through the store, taken at that server's heartbeat, as a
 * cancel is). The executor records RUN_PAUSED once nothing runs; the run leaves memory and its
 * lease (no owner). Unpause takes the PAUSED run from the store and continues it from its log.
 */
import type { PauseReason } from '../engine/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EventWriter } from './event-writer.js';
import type { GraphVersions } from './graph-versions.js';
import { loadEvents } from './load-events.js';
import type { LocalRuns } from './local-runs.js';
import { isActive, type RunRecord, type RunStore } from './ports.js';
import type { Job } from './run-pool.js';

/**
 * How long pauseRun waits for the run to pause (its running nodes to finish), here or on another
 * process; past it, pauseRun answers with the run as it is (still RUNNING: it pauses later).
 */
const PAUSE_WAIT_MS = 15_000;
const giveUp = () => new Promise<void>((resolve) => setTimeout(resolve, PAUSE_WAIT_MS).unref());

export interface PauseDeps {
  store: RunStore;
  writer: EventWriter;
  local: LocalRuns;
  versions: GraphVersions;
  owner: string;
  /** False on ROLE=api: a taken run is left ownerless for a worker process to execute. */
  execute: boolean;
  logger: Logger;
  get(runId: string, tenantId: string): Promise<RunRecord>;
  enqueue(record: RunRecord, job: Job): void;
  /** Pauses a run executing or queued here; false when it is not here. */
  pauseHere(runId: string, reason: PauseReason): boolean;
  /** Takes a WAITING run and executes it with `extra`; false when it is not WAITING. */
  takeWaiting(runId: string, extra: Partial<Job>): Promise<boolean>;
}

export function createPauser(deps: PauseDeps) {
  const { store, writer, local, versions, owner, logger } = deps;

  /** Takes the PAUSED run from the store and executes it here; false when it is not PAUSED. */
  async function takePaused(runId: string, extra: Partial<Job> = {}): Promise<boolean> {
    if (!deps.execute) {
      // Nothing executes here: the run goes back to the queue, and a cancel is asked of
      // whichever worker takes it (it cancels at its first heartbeat).
      if (!(await store.claimWaiting(runId, null, 'PAUSED'))) return false;
      if (extra.cancelReason !== undefined) await store.requestCancel(runId);
      return true;
    }
    const claim = await store.claimWaiting(runId, owner, 'PAUSED');
    if (!claim) return false;
    const { run, version } = claim;
    try {
      const history = await loadEvents(store, runId);
      const graph = versions.compile(version);
      // It may have been counted lost here when its lease was given up: ours again.
      writer.resumeStoring(runId);
      deps.enqueue(
        { ...run, pinnedVersion: version.version },
        { runId, graphId: run.graphId, graph, input: run.input, history, ...extra },
      );
    } catch (err) {
      // Claimed but not executed: it resumes when this process restarts (its lease lapses).
      logger.error('could not take a paused run', { runId, err });
      throw err;
    }
    return true;
  }

  async function pause(runId: string, tenantId: string): Promise<RunRecord> {
    const run = await deps.get(runId, tenantId);
    if (run.status === 'PAUSED') return run;
    if (!isActive(run.status))
      throw new AppError('RUN_NOT_ACTIVE', `Run "${runId}" already ${run.status.toLowerCase()}.`, {
        status: run.status,
      });
    if (run.held === true)
      throw new AppError(
        'RUN_NOT_PAUSABLE',
        `Run "${runId}" has not started: it waits behind an older run with its concurrency key. Cancel it, or pause its graph (pauseGraph).`,
        { status: run.status },
      );
    const settled = async () => (await store.getRun(runId)) ?? run;
    if (run.status === 'WAITING' && (await deps.takeWaiting(runId, { pauseReason: 'user' }))) {
      await local.waitFor(runId);
      return settled();
    }
    const done = local.waitFor(runId);
    if (deps.pauseHere(runId, 'user')) {
      await Promise.race([done, giveUp()]);
      return settled();
    }
    // Another process executes it: ask its owner (it looks at every heartbeat), then wait.
    const asked = await store.requestPause(runId);
    // No process has it yet (a paused graph's run, ROLE=api): it pauses as it is taken.
    if (asked === 'unowned' && run.status === 'QUEUED') return run;
    const deadline = Date.now() + PAUSE_WAIT_MS;
    for (;;) {
      const now = await store.getRun(runId);
      if (!now || now.status === 'PAUSED' || !isActive(now.status) || Date.now() > deadline)
        return now ?? run;
      if (now.status === 'WAITING' && (await deps.takeWaiting(runId, { pauseReason: 'user' }))) {
        await local.waitFor(runId);
        return settled();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function unpause(runId: string, tenantId: string): Promise<RunRecord> {
    const run = await deps.get(runId, tenantId);
    const notPaused = (status: string) =>
      new AppError(
        'RUN_NOT_PAUSED',
        `Run "${runId}" is ${status.toLowerCase()}, not paused: only a paused run can be unpaused.`,
        { status },
      );
    if (run.status !== 'PAUSED') throw notPaused(run.status);
    if (!(await takePaused(runId))) {
      // Another call took it first (an unpause or a cancel): say what it is now.
      const now = await store.getRun(runId);
      if (now?.status === 'RUNNING') return now;
      throw notPaused(now?.status ?? run.status);
    }
    const record = local.get(runId) ?? run;
    return { ...record, status: 'RUNNING' };
  }

  return {
    pause,
    unpause,
    /** Cancels a paused run: taken from the store and executed cancelled (RUN_UNPAUSED first). */
    cancelPaused: (runId: string, reason: string) => takePaused(runId, { cancelReason: reason }),
  };
}
