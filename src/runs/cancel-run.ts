import { AppError } from '../errors.js';
import { isActive, type RunRecord, type RunStore } from './ports.js';

/** How long cancelRun waits for another process to cancel a run it executes. */
const CANCEL_WAIT_MS = 15_000;

export interface CancelDeps {
  store: RunStore;
  get(runId: string, tenantId: string): Promise<RunRecord>;
  waitFor(runId: string): Promise<void>;
  /** Cancels a run executing or queued here; false when it is not here. */
  cancelHere(runId: string, reason: string): boolean;
  /** Takes a WAITING run and resumes it cancelled; false when it is not WAITING. */
  cancelWaiting(runId: string, reason: string): Promise<boolean>;
  /** Takes a PAUSED run and executes it cancelled; false when it is not PAUSED. */
  cancelPaused?(runId: string, reason: string): Promise<boolean>;
  /** Takes a held run (QUEUED behind its concurrency key) out and cancels it; false if not held. */
  cancelHeld?(run: RunRecord, reason: string): Promise<boolean>;
}

/**
 * cancelRun: here (aborted, or taken out of the queue), a WAITING or PAUSED run taken from the
 * store and ended from its log, or a run of another process asked to stop through the store.
 */
export function createCancel(deps: CancelDeps) {
  const { store } = deps;
  return async (runId: string, tenantId: string): Promise<RunRecord> => {
    const run = await deps.get(runId, tenantId);
    if (run.status === 'CANCELLED') return run;
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED')
      throw new AppError('RUN_NOT_ACTIVE', `Run "${runId}" already ${run.status.toLowerCase()}.`, {
        status: run.status,
      });
    const reason = 'cancelled by user';
    if (deps.cancelHeld && (await deps.cancelHeld(run, reason)))
      return (await store.getRun(runId)) ?? run;
    // A WAITING run is in no process: take it and record its cancel from its log.
    if (run.status === 'WAITING' && (await deps.cancelWaiting(runId, reason))) {
      await deps.waitFor(runId);
      return (await store.getRun(runId)) ?? run;
    }
    // A PAUSED run is in no process either: taken, unpaused and cancelled from its log.
    if (run.status === 'PAUSED' && deps.cancelPaused && (await deps.cancelPaused(runId, reason))) {
      await deps.waitFor(runId);
      return (await store.getRun(runId)) ?? run;
    }
    const done = deps.waitFor(runId);
    if (deps.cancelHere(runId, reason)) {
      await done;
      return (await store.getRun(runId)) ?? run;
    }
    // Another process executes it: ask its owner (it looks at every heartbeat), then wait.
    await store.requestCancel(runId);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    for (;;) {
      const now = await store.getRun(runId);
      if (!now || !isActive(now.status) || Date.now() > deadline) return now ?? run;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
}
