/**
 * The fold of STEP_COMPLETED and INTERRUPT_* events into the activation's memo (memo.ts), and
 * the count of executions waiting for an answer (`cp.awaitingInput`).
 */
import type {
  InterruptAnsweredEvent,
  InterruptRequestedEvent,
  InterruptTimedOutEvent,
  MapItemEvent,
  StepCompletedEvent,
} from '../events.js';
import { type RunCheckpoint, resumeMismatch } from './checkpoint.js';
import { type Execution, ExecutionStatus } from './execution.js';
import { ActivationMemo, mapItemKey, stepKey } from './memo.js';

type MemoEvent =
  | StepCompletedEvent
  | MapItemEvent
  | InterruptRequestedEvent
  | InterruptAnsweredEvent
  | InterruptTimedOutEvent;

export function applyMemoEvent(cp: RunCheckpoint, event: MemoEvent, exec?: Execution): void {
  const e = exec ?? cp.find(event.nodeId, event.data.iteration);
  if (e === undefined || e.status !== ExecutionStatus.RUNNING || !cp.inflight.has(e)) {
    throw resumeMismatch('the node is not running', event);
  }
  e.memo ??= new ActivationMemo();
  const memo = e.memo;
  switch (event.type) {
    case 'STEP_COMPLETED':
      memo.steps.set(stepKey(event.data.name, event.data.n), event.data.result);
      return;
    case 'MAP_ITEM_STARTED':
      memo.items ??= new Map();
      memo.items.set(event.data.index, event.data.itemAttempt);
      return;
    case 'MAP_ITEM_RETRYING':
      memo.items ??= new Map();
      memo.items.set(event.data.index, event.data.nextAttempt);
      return;
    case 'MAP_ITEM_SUCCEEDED':
      memo.items?.delete(event.data.index);
      memo.steps.set(mapItemKey(event.data.index), event.data.result);
      return;
    case 'MAP_ITEM_FAILED':
      memo.items?.delete(event.data.index);
      return;
    case 'INTERRUPT_REQUESTED': {
      const d = event.data;
      if (memo.interrupts.has(d.id)) throw resumeMismatch(`interrupt ${d.id} exists`, event);
      memo.interrupts.set(d.id, {
        id: d.id,
        prompt: d.prompt,
        schema: d.schema,
        deadline: d.deadline,
        hasDefault: d.hasDefault,
        default: d.default,
        status: 'PENDING',
        value: undefined,
      });
      if (memo.pending++ === 0) cp.awaitingInput++;
      return;
    }
    default: {
      const record = memo.interrupts.get(event.data.id);
      if (record === undefined || record.status !== 'PENDING') {
        throw resumeMismatch(`interrupt ${event.data.id} is not pending`, event);
      }
      record.status = event.type === 'INTERRUPT_ANSWERED' ? 'ANSWERED' : 'TIMED_OUT';
      record.value = event.data.value;
      if (--memo.pending === 0) cp.awaitingInput--;
    }
  }
}

/** The activation ended (succeeded, failed, skipped): its memo goes with it. */
export function releaseMemo(cp: RunCheckpoint, e: Execution): void {
  if (e.memo === undefined) return;
  if (e.memo.pending > 0) cp.awaitingInput--;
  e.memo = undefined;
}
