/**
 * What the live run decides when an attempt settles: a success (check the patch, plan the merge,
 * evaluate the out-edges' conditions, emit NODE_SUCCEEDED) or a failure (retry with backoff, or
 * NODE_FAILED and the run fails).
 */
import { EngineError } from '../errors.js';
import type { Execution } from '../fold/execution.js';
import { outputPatch } from '../graph/node-io.js';
import { failureDelayMs, isRetryable, maxAttempts } from './retry.js';
import { conditionError, toErrorInfo } from './run-errors.js';
import type { RunLoop } from './run-loop.js';

const EMPTY_PATCH = Object.freeze({}) as Record<string, unknown>;

export function succeedNode(run: RunLoop, exec: Execution, value: unknown): void {
  const cp = run.cp;
  const node = exec.node;
  let patch = value as Record<string, unknown>;
  if (node.output !== undefined) patch = outputPatch(node.output, value);
  else if (value === undefined) patch = EMPTY_PATCH;
  else if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    const msg = `Tool "${node.tool.name}" of node "${node.id}" returned ${got}; a tool must return an object patch (or nothing), or the node must set "output" to place the value`;
    failAttempt(run, exec, new EngineError('INVALID_PATCH', msg, node.id));
    return;
  }
  const rejected = cp.store.plan(exec, patch);
  if (rejected !== undefined) {
    failAttempt(run, exec, rejected);
    return;
  }
  let taken = cp.info.allOut[node.index] as number[];
  if (cp.info.conditional[node.index] === 1) {
    const state = cp.store.plannedState;
    const budget = run.ports.conditionBudget;
    taken = [];
    for (const e of node.out) {
      try {
        if (e.condition === undefined || e.condition.evaluate(state, budget)) taken.push(e.index);
      } catch (err) {
        failAttempt(run, exec, conditionError(err, e));
        return;
      }
    }
  }
  const at = run.ports.now();
  run.emit(
    {
      runId: run.runId,
      seq: cp.lastSeq + 1,
      at,
      type: 'NODE_SUCCEEDED',
      nodeId: node.id,
      attempt: exec.attempt,
      data: { iteration: exec.iteration, patch, durationMs: at - exec.startedAt, taken },
    },
    exec,
    true,
  );
}

export function failAttempt(run: RunLoop, exec: Execution, err: unknown): void {
  const node = exec.node;
  const error = toErrorInfo(err, node.id);
  const policy = node.def.retry;
  const at = run.ports.now();
  const { runId } = run;
  const seq = run.cp.lastSeq + 1;
  const nodeId = node.id;
  const attempt = exec.attempt;
  if (isRetryable(err) && exec.attempt < maxAttempts(policy)) {
    const delayMs = failureDelayMs(policy, exec.attempt, err, run.ports.random);
    const data = { iteration: exec.iteration, error, delayMs, nextAttempt: exec.attempt + 1 };
    run.emit({ runId, seq, at, type: 'NODE_RETRYING', nodeId, attempt, data }, exec);
    if (delayMs <= 0) run.cp.requeue(exec);
    else exec.timer = setTimeout(retryDue, delayMs, run, exec);
    return;
  }
  const data = { iteration: exec.iteration, error, durationMs: at - exec.startedAt };
  run.emit({ runId, seq, at, type: 'NODE_FAILED', nodeId, attempt, data }, exec);
  run.failRun(error);
}

function retryDue(run: RunLoop, exec: Execution): void {
  run.retryDue(exec);
}
