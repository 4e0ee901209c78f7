/**
 * Pause in the live loop (EXECUTOR.md, "Pause"): once a pause is asked for, `pump` starts
 * nothing new (the agenda is held as it is), the attempts that are running settle as usual,
 * and when none is left running the run pauses: RUN_PAUSED, and executeRun resolves PAUSED.
 * An attempt that only waits for an answer to an interrupt, or a retry waiting for its delay,
 * does not hold the pause up: it is cut (as a suspension cuts it) and comes back on unpause.
 */
import type { PauseReason } from '../events.js';
import type { RunLoop } from './run-loop.js';

/** The reason a pause signal carries: `'recovery'` (RECOVERY=paused), anything else is a user's. */
export function pauseReasonOf(signal: AbortSignal): PauseReason {
  return signal.reason === 'recovery' ? 'recovery' : 'user';
}

/**
 * True when no attempt of the run is running: each in-flight execution waits for a retry, was
 * put back in the agenda (resume), or only waits for an interrupt's answer (no step of its own
 * running beside it).
 */
export function canPause(run: RunLoop): boolean {
  for (const exec of run.cp.inflight) {
    if (exec.handle === undefined) continue;
    if ((exec.memo?.pending ?? 0) === 0 || exec.busy > exec.blocked) return false;
  }
  return true;
}

/** Nothing runs any more: cut what waits (answers, retry delays), record RUN_PAUSED, resolve PAUSED. */
export function pauseRun(run: RunLoop, reason: PauseReason): void {
  const cp = run.cp;
  for (const exec of cp.inflight) run.abortAttempt(exec, new Error('The run was paused'));
  const { runId } = run;
  const data = { reason };
  run.emit({ runId, seq: cp.lastSeq + 1, at: run.ports.now(), type: 'RUN_PAUSED', data });
  run.end({ status: 'PAUSED', state: cp.store.state, lastSeq: cp.lastSeq });
}

/** A paused log executes again (unpause, or its cancel): RUN_UNPAUSED first. */
export function unpauseLog(run: RunLoop): void {
  const seq = run.cp.lastSeq + 1;
  run.emit({ runId: run.runId, seq, at: run.ports.now(), type: 'RUN_UNPAUSED', data: {} });
}
