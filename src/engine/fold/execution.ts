/**
 * One activation of a node (an *execution*): its iteration, its logical step and the executions
 * whose taken edges activated it (its causes). Shared by the fold (checkpoint.ts) and the live
 * executor, which also keeps the per-attempt runtime handles here.
 */

import type { SkipReason } from '../events.js';
import type { CompiledNode } from '../graph/compiled.js';
import type { ActivationMemo, InterruptRecord } from './memo.js';

/** Where an execution is in its life (small integers: compared on every hot path). */
export const ExecutionStatus = {
  /** Activated, waiting in the agenda to start. */
  READY: 0,
  /** NODE_STARTED emitted, no outcome yet. */
  RUNNING: 1,
  /** NODE_RETRYING emitted: waits for its next attempt. */
  WAITING: 2,
  SUCCEEDED: 3,
  FAILED: 4,
  SKIPPED: 5,
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

/** Live only: the settled result of an attempt, waiting in the live loop's queue. */
export const Outcome = {
  /** Nothing queued. */
  NONE: 0,
  /** The tool returned (or resolved) a value: `Execution.value` is the patch. */
  VALUE: 1,
  /** The tool threw (or rejected, or timed out): `Execution.value` is the error. */
  ERROR: 2,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Live-only handle on a running attempt (the tool context); see tool-context.ts. */
export interface AttemptHandle {
  abort(reason: unknown): void;
  /** An interrupt of this attempt was answered or timed out: settle its `ctx.interrupt`. */
  deliver(record: InterruptRecord): void;
}

export class Execution {
  status: ExecutionStatus = ExecutionStatus.READY;
  attempt = 1;
  /** In the checkpoint's agenda (to start or to restart). */
  queued = true;
  startedAt = 0;
  /** Epoch mark for ancestor walks (see isAncestor). */
  mark = 0;
  /** Links of the in-flight list (ExecutionList). */
  prev: Execution | undefined = undefined;
  next: Execution | undefined = undefined;
  listed = false;
  /** Recorded steps and interrupts of this activation (memo.ts); undefined until it has one. */
  memo: ActivationMemo | undefined = undefined;
  // Live-only fields, never read by the fold (a replayed execution leaves them at their defaults).
  /** Incremented per start; late results of an older attempt carry an older token. */
  token = 0;
  handle: AttemptHandle | undefined = undefined;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** The settled result waiting in the live loop's queue (Outcome.NONE when none). */
  outcome: Outcome = Outcome.NONE;
  value: unknown = undefined;
  /** `ctx.step` functions of the current attempt still running (a waiting node suspends at 0). */
  busy = 0;
  /** Of those, the ones waiting for an interrupt asked inside them (tool-context.ts). */
  blocked = 0;

  constructor(
    readonly node: CompiledNode,
    readonly iteration: number,
    /** 1 for the entry, else 1 + the largest step among `parents`. */
    readonly step: number,
    /** The executions whose taken edges activated this one. */
    readonly parents: readonly Execution[],
  ) {}
}

/** An agenda entry that is not a run: skip a node (dead_path, loop_limit) or fail on its limit. */
export class AgendaSkip {
  constructor(
    readonly node: CompiledNode,
    /** 'limit' fails the run with LOOP_LIMIT_EXCEEDED (onLimit: fail). */
    readonly reason: Extract<SkipReason, 'dead_path' | 'loop_limit'> | 'limit',
    readonly iteration: number,
  ) {}
}

export type AgendaItem = Execution | AgendaSkip;

/**
 * The executions in flight, in start order: an intrusive doubly-linked list (O(1) add / delete
 * without hashing; the Set subset the fold needs).
 */
export class ExecutionList {
  private first: Execution | undefined = undefined;
  private last: Execution | undefined = undefined;
  size = 0;

  has(e: Execution): boolean {
    return e.listed;
  }

  add(e: Execution): void {
    if (e.listed) return;
    e.listed = true;
    e.prev = this.last;
    e.next = undefined;
    if (this.last === undefined) this.first = e;
    else this.last.next = e;
    this.last = e;
    this.size++;
  }

  delete(e: Execution): void {
    if (!e.listed) return;
    e.listed = false;
    if (e.prev === undefined) this.first = e.next;
    else e.prev.next = e.next;
    if (e.next === undefined) this.last = e.prev;
    else e.next.prev = e.prev;
    e.prev = e.next = undefined;
    this.size--;
  }

  *[Symbol.iterator](): IterableIterator<Execution> {
    for (let e = this.first; e !== undefined; ) {
      const next = e.next;
      yield e;
      e = next;
    }
  }
}

const walk: Execution[] = [];

/**
 * True when `a` is a strict ancestor of `e` (a cause, transitively). The walk goes back through
 * parents and never below `a`'s step (steps strictly grow from parent to child), marking visited
 * executions with `epoch` (a fresh number per call) so shared ancestry is walked once.
 */
export function isAncestor(a: Execution, e: Execution, epoch: number): boolean {
  if (a.step >= e.step) return false;
  let top = 0;
  walk[top++] = e;
  let found = false;
  while (top > 0 && !found) {
    const x = walk[--top]!;
    for (const p of x.parents) {
      if (p === a) {
        found = true;
        break;
      }
      if (p.step <= a.step || p.mark === epoch) continue;
      p.mark = epoch;
      walk[top++] = p;
    }
  }
  walk.length = 0;
  return found;
}
