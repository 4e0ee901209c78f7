/**
 * The events a tool context's calls become (LOG, CUSTOM, STEP_COMPLETED) and the budget check
 * of `ctx.checkBudget` (fold/budget.ts), for LiveRun's ToolHost methods.
 */
import type { MapItemEvent, RunEvent } from '../events.js';
import { checkBudget as checkRunBudget } from '../fold/budget.js';
import type { Execution } from '../fold/execution.js';
import type { RunLoop } from './run-loop.js';
import type { ToolEventData } from './tool-context.js';

export function nodeEvent(
  run: RunLoop,
  exec: Execution,
  type: 'LOG' | 'CUSTOM',
  data: ToolEventData,
): RunEvent {
  const { runId, cp } = run;
  const at = run.ports.now();
  const nodeId = exec.node.id;
  return { runId, seq: cp.lastSeq + 1, at, type, nodeId, attempt: exec.attempt, data } as RunEvent;
}

export function recordStep(
  run: RunLoop,
  exec: Execution,
  name: string,
  n: number,
  result: unknown,
): void {
  const iteration = exec.iteration;
  const data = result === undefined ? { iteration, name, n } : { iteration, name, n, result };
  run.emit(
    {
      runId: run.runId,
      seq: run.cp.lastSeq + 1,
      at: run.ports.now(),
      type: 'STEP_COMPLETED',
      nodeId: exec.node.id,
      attempt: exec.attempt,
      data,
    },
    exec,
  );
}

export function itemEvent(
  run: RunLoop,
  exec: Execution,
  type: MapItemEvent['type'],
  data: MapItemEvent['data'],
): RunEvent {
  const { runId, cp } = run;
  const nodeId = exec.node.id;
  const at = run.ports.now();
  return { runId, seq: cp.lastSeq + 1, at, type, nodeId, attempt: exec.attempt, data } as RunEvent;
}

export function checkBudget(run: RunLoop, exec: Execution): 'ok' | 'stop' {
  return checkRunBudget(run.cp, run.ports.now(), exec.node.id);
}
