/**
 * How a live run ends: RUN_SUCCEEDED when nothing is left to do, or, on a stop, every in-flight
 * node aborted and recorded NODE_SKIPPED (`cancelled` / `run_failed`) before RUN_CANCELLED /
 * RUN_FAILED. Terminal events carry the final state.
 */
import { asCancelled, type Stop } from './run-errors.js';
import type { RunLoop } from './run-loop.js';

export function finishRun(run: RunLoop, stop: Stop): void {
  const cp = run.cp;
  const reason = stop.kind === 'cancel' ? 'cancelled' : 'run_failed';
  const abortReason = stop.kind === 'cancel' ? asCancelled(stop.reason) : stop.error;
  for (const exec of [...cp.inflight]) {
    run.abortAttempt(exec, abortReason);
    const seq = cp.lastSeq + 1;
    const at = run.ports.now();
    const { runId } = run;
    const data = { reason } as const;
    run.emit(
      { runId, seq, at, type: 'NODE_SKIPPED', nodeId: exec.node.id, attempt: exec.attempt, data },
      exec,
    );
  }
  const { runId } = run;
  const seq = cp.lastSeq + 1;
  const at = run.ports.now();
  const state = cp.store.state;
  if (stop.kind === 'cancel') {
    const data = stop.reason === undefined ? { state } : { reason: stop.reason, state };
    run.emit({ runId, seq, at, type: 'RUN_CANCELLED', data });
    run.end({ status: 'CANCELLED', state, lastSeq: cp.lastSeq });
  } else {
    run.emit({ runId, seq, at, type: 'RUN_FAILED', data: { error: stop.error, state } });
    run.end({ status: 'FAILED', state, error: stop.error, lastSeq: cp.lastSeq });
  }
}

export function succeedRun(run: RunLoop): void {
  const cp = run.cp;
  const state = cp.store.state;
  run.emit({
    runId: run.runId,
    seq: cp.lastSeq + 1,
    at: run.ports.now(),
    type: 'RUN_SUCCEEDED',
    data: { state },
  });
  run.end({ status: 'SUCCEEDED', state, lastSeq: cp.lastSeq });
}
