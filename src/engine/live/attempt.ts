/**
 * What the live run does with an agenda item: record a skip (dead_path, loop_limit), or start
 * one attempt of a node: NODE_STARTED, the tool call with its context, its result (a plain value
 * is queued at once, a promise is awaited) and its optional timeoutMs. Outcomes go to the run's
 * queue (queueSuccess / queueFailure); late outcomes of an attempt that was aborted or timed out are dropped (token check).
 */
import { EngineError } from '../errors.js';
import type { AgendaSkip, Execution } from '../fold/execution.js';
import { evaluateInputs } from '../graph/node-io.js';
import type { State } from '../graph.js';
import { parseToolInput, siteOf } from './input.js';
import { mapItems, runMap } from './map-run.js';
import type { RunLoop } from './run-loop.js';
import { AttemptContext, asToolContext } from './tool-context.js';

type Thenable = PromiseLike<unknown>;

const EMPTY_INPUT: Readonly<Record<string, unknown>> = Object.freeze({});

/** The node's `inputs` evaluated on the attempt's starting state, parsed by the tool's schema. */
function toolInput(run: RunLoop, exec: Execution, state: Readonly<State>): Record<string, unknown> {
  const node = exec.node;
  const input = evaluateInputs(node.inputs ?? [], state, run.ports.conditionBudget, node.id);
  return parseToolInput(node, input);
}

export function recordSkip(run: RunLoop, item: AgendaSkip): void {
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

export function startAttempt(run: RunLoop, exec: Execution, at: number): void {
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
  const state = cp.store.state;
  if (node.map !== undefined) {
    startMap(run, exec, token, state);
    return;
  }
  let input: Readonly<Record<string, unknown>> = EMPTY_INPUT;
  try {
    if (node.inputs !== undefined) input = toolInput(run, exec, state);
  } catch (err) {
    run.queueFailure(exec, err);
    return;
  }
  const ctx = new AttemptContext(run, exec, token, state, input);
  exec.handle = ctx;
  const timeoutMs = node.def.timeoutMs;
  if (timeoutMs !== undefined) exec.timer = setTimeout(timedOut, timeoutMs, run, exec, token);
  let result: unknown;
  try {
    const replay = run.services?.replay;
    result =
      replay === undefined
        ? node.tool.run(asToolContext(ctx))
        : replay.call(siteOf(exec), asToolContext(ctx), (c) => node.tool.run(c as never));
  } catch (err) {
    run.queueFailure(exec, err);
    return;
  }
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as Thenable).then === 'function'
  ) {
    void awaitResult(run, exec, token, result as Thenable);
  } else run.queueSuccess(exec, result);
}

/** A map node's attempt: its items run by map-run.ts (each with its own timeoutMs). */
function startMap(run: RunLoop, exec: Execution, token: number, state: Readonly<State>): void {
  const ctx = new AttemptContext(run, exec, token, state, EMPTY_INPUT);
  exec.handle = ctx;
  let items: unknown[];
  try {
    items = mapItems(run, exec, state);
  } catch (err) {
    run.queueFailure(exec, err);
    return;
  }
  if (items.length === 0) run.queueSuccess(exec, []);
  else void awaitResult(run, exec, token, runMap(run, ctx, items));
}

/** Awaits a tool's promise (no callbacks allocated per attempt), then lets the run settle it. */
async function awaitResult(run: RunLoop, exec: Execution, token: number, result: Thenable) {
  let failed = false;
  let value: unknown;
  try {
    value = await result;
  } catch (err) {
    failed = true;
    value = err;
  }
  if (!run.isCurrent(exec, token)) return;
  if (failed) run.queueFailure(exec, value);
  else run.queueSuccess(exec, value);
  run.pump();
}

/** The attempt's timeoutMs passed: abort its signal and fail it with TOOL_TIMEOUT (retryable). */
function timedOut(run: RunLoop, exec: Execution, token: number): void {
  exec.timer = undefined;
  if (!run.isCurrent(exec, token)) return;
  const err = new EngineError(
    'TOOL_TIMEOUT',
    `Node "${exec.node.id}" did not finish within ${exec.node.def.timeoutMs} ms; raise timeoutMs or make the tool faster`,
    exec.node.id,
  );
  exec.handle?.abort(err);
  exec.token++;
  run.queueFailure(exec, err);
  run.pump();
}
