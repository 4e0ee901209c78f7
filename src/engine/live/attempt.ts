/**
 * What the live run does with an agenda item: record a skip (dead_path, loop_limit), or start
 * one attempt of a node: NODE_STARTED, the tool call with its context, its result (a plain value
 * is queued at once, a promise is awaited) and its optional timeoutMs. Outcomes go to the run's
 * queue; late outcomes of an attempt that was aborted or timed out are dropped (token check).
 */
import { EngineError } from '../errors.js';
import type { AgendaSkip, Execution } from '../fold/execution.js';
import type { LiveRun } from './live-run.js';
import { AttemptContext, asToolContext } from './tool-context.js';

type Thenable = PromiseLike<unknown>;

export function recordSkip(run: LiveRun, item: AgendaSkip): void {
  if (item.reason === 'limit') return;
  run.emit({
    runId: run.runId,
    seq: run.cp.lastSeq + 1,
    at: run.ports.now(),
    type: 'NODE_SKIPPED',
    nodeId: item.node.id,
    attempt: 0,
    data: { reason: item.reason },
  });
}

export function startAttempt(run: LiveRun, exec: Execution, at: number): void {
  const cp = run.cp;
  const node = exec.node;
  run.emit(
    {
      runId: run.runId,
      seq: cp.lastSeq + 1,
      at,
      type: 'NODE_STARTED',
      nodeId: node.id,
      attempt: exec.attempt,
      data: { iteration: exec.iteration },
    },
    exec,
  );
  const token = ++exec.token;
  const ctx = new AttemptContext(run, exec, token, cp.store.state);
  exec.handle = ctx;
  const timeoutMs = node.def.timeoutMs;
  if (timeoutMs !== undefined) exec.timer = setTimeout(timedOut, timeoutMs, run, exec, token);
  let result: unknown;
  try {
    result = node.tool.run(asToolContext(ctx));
  } catch (err) {
    run.queue(exec, 2, err);
    return;
  }
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as Thenable).then === 'function'
  ) {
    void awaitResult(run, exec, token, result as Thenable);
  } else run.queue(exec, 1, result);
}

/** Awaits a tool's promise (no callbacks allocated per attempt), then lets the run settle it. */
async function awaitResult(run: LiveRun, exec: Execution, token: number, result: Thenable) {
  let outcome = 1;
  let value: unknown;
  try {
    value = await result;
  } catch (err) {
    outcome = 2;
    value = err;
  }
  if (!run.isCurrent(exec, token)) return;
  run.queue(exec, outcome, value);
  run.pump();
}

/** The attempt's timeoutMs passed: abort its signal and fail it with TOOL_TIMEOUT (retryable). */
function timedOut(run: LiveRun, exec: Execution, token: number): void {
  exec.timer = undefined;
  if (!run.isCurrent(exec, token)) return;
  const err = new EngineError(
    'TOOL_TIMEOUT',
    `Node "${exec.node.id}" did not finish within ${exec.node.def.timeoutMs} ms; raise timeoutMs or make the tool faster`,
    exec.node.id,
  );
  exec.handle?.abort(err);
  exec.token++;
  run.queue(exec, 2, err);
  run.pump();
}
