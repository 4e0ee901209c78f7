/**
 * What one activation of a node has recorded besides its outcome: completed steps
 * (`ctx.step`) and interrupts (`ctx.interrupt`). Fold state, rebuilt from STEP_COMPLETED and
 * INTERRUPT_* events, kept across the attempts of the activation (a retry, or the node run again
 * after a crash or an answer, finds them), and dropped when the activation ends.
 */

export type InterruptStatus = 'PENDING' | 'ANSWERED' | 'TIMED_OUT';

export interface InterruptRecord {
  readonly id: string;
  readonly prompt: string;
  readonly schema: Record<string, unknown>;
  readonly deadline: number | undefined;
  readonly hasDefault: boolean;
  readonly default: unknown;
  status: InterruptStatus;
  /** The answer, or the default a timeout continued with. */
  value: unknown;
}

export class ActivationMemo {
  /** `<n>:<name>` -> the step's result. */
  readonly steps = new Map<string, unknown>();
  /** Interrupt id -> its record, in request order. */
  readonly interrupts = new Map<string, InterruptRecord>();
  /** Interrupts still PENDING. */
  pending = 0;
  /** A map node's items started and not finished: index -> the item's attempt to run. */
  items: Map<number, number> | undefined = undefined;
}

/** The memo key of a map item's result (a step of its own, `map:<index>`). */
export function mapItemKey(index: number): string {
  return stepKey(`map:${index}`, 1);
}

/** The memo key of the n-th call of a step name in one execution of a tool. */
export function stepKey(name: string, n: number): string {
  return `${n}:${name}`;
}

/** The id of an interrupt (its key, default its call order): unique in the run, stable on re-runs. */
export function interruptId(nodeId: string, iteration: number, key: string | number): string {
  return `${nodeId}:${iteration}:${key}`;
}

export const INTERRUPT_KEY_PATTERN = /^[A-Za-z0-9_\-.:/]{1,200}$/;
