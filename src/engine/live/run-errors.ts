/**
 * Errors the executor records: tool failures as ErrorInfo, condition failures, and the run-level
 * stops (limits, timeout, cancel) with messages that say how to fix them.
 */

import { EngineError, type EngineErrorCode, type ErrorInfo } from '../errors.js';
import type { RunCheckpoint } from '../fold/checkpoint.js';
import type { CompiledEdge, CompiledNode } from '../graph/compiled.js';

/** Why the live loop stops before the graph is done. */
export type Stop =
  | { kind: 'cancel'; reason: string | undefined }
  | { kind: 'fail'; error: ErrorInfo };

/** A thrown value as stored in events: EngineErrors keep their code, the rest are TOOL_FAILED. */
export function toErrorInfo(err: unknown, nodeId: string): ErrorInfo {
  if (err instanceof EngineError) {
    const info = err.toInfo();
    info.nodeId ??= nodeId;
    return info;
  }
  if (err instanceof Error) {
    const info: ErrorInfo = { code: 'TOOL_FAILED', message: err.message || err.name, nodeId };
    if (err.name !== 'Error') info.details = { name: err.name };
    return info;
  }
  let message: string;
  try {
    message = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    message = String(err);
  }
  return { code: 'TOOL_FAILED', message: `Tool threw a non-Error value: ${message}`, nodeId };
}

/** A `when` that threw: its error (CONDITION_FAILED...) naming the edge (never read as false). */
export function conditionError(err: unknown, edge: CompiledEdge): EngineError {
  const where = `edge ${edge.from.id} -> ${edge.to.id} (edges[${edge.index}])`;
  if (
    err instanceof EngineError &&
    (err.code === 'CONDITION_FAILED' || err.code === 'CONDITION_BUDGET_EXCEEDED')
  ) {
    const details = { ...(err.details as object | undefined), edge: edge.index };
    return new EngineError(err.code, `${err.message} [${where}]`, edge.from.id, details);
  }
  const text = err instanceof Error ? err.message : String(err);
  return new EngineError(
    'CONDITION_FAILED',
    `Condition \`${edge.condition?.source}\` of ${where} failed: ${text}`,
    edge.from.id,
    { edge: edge.index },
  );
}

/** The ErrorInfo of a run-level stop. */
export function describeStop(
  cp: RunCheckpoint,
  code: Extract<EngineErrorCode, 'RUN_TIMEOUT' | 'MAX_STEPS_EXCEEDED' | 'LOOP_LIMIT_EXCEEDED'>,
  node?: CompiledNode,
): ErrorInfo {
  const limits = cp.graph.def.limits;
  let message: string;
  if (code === 'RUN_TIMEOUT') {
    message = `The run did not finish within maxDurationMs (${limits?.maxDurationMs} ms); raise limits.maxDurationMs or make the graph faster`;
  } else if (code === 'MAX_STEPS_EXCEEDED') {
    message = `The run reached maxSteps (${cp.info.maxSteps} node starts); raise limits.maxSteps or check the graph's loops`;
  } else {
    message = `Node "${node?.id}" passed its maxIterations (${node?.def.maxIterations}); raise maxIterations, fix the loop condition or set onLimit: "exit"`;
  }
  const info: ErrorInfo = { code, message };
  if (node !== undefined) info.nodeId = node.id;
  return info;
}

/** The abort reason given to running tools when the run is cancelled. */
export function asCancelled(reason: string | undefined): EngineError {
  return new EngineError('RUN_CANCELLED', reason ?? 'The run was cancelled');
}
