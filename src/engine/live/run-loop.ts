/**
 * What the live loop's helpers (attempt.ts, outcomes.ts, run-end.ts) may do to the run: the
 * narrow interface LiveRun implements, so they never import live-run.ts (no import circle) and
 * cannot touch its queue or its stop directly.
 */
import type { ErrorInfo } from '../errors.js';
import type { EventSink, PauseReason, RunEvent } from '../events.js';
import type { RunCheckpoint } from '../fold/checkpoint.js';
import type { Execution } from '../fold/execution.js';
import type { State } from '../graph.js';
import type { ToolServices } from '../tool.js';
import type { RunInbox } from './inbox.js';
import type { ToolHost } from './tool-context.js';

/** The outcome of executeRun. */
export interface RunResult {
  /**
   * WAITING: every active node waits for an answer; the run left memory (RUN_SUSPENDED).
   * PAUSED: a pause stopped it at a node boundary; it left memory (RUN_PAUSED).
   */
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'WAITING' | 'PAUSED';
  state: State;
  error?: ErrorInfo;
  lastSeq: number;
}

/**
 * Cancel and pause of one executing run, without an AbortSignal each (ExecuteOptions.controls).
 * `cancel` ends the run with RUN_CANCELLED (the reason is recorded); `pause` stops it at its next
 * node boundary, as aborting `signal` / `pause` would.
 */
export interface RunControls {
  cancel(reason?: string): void;
  pause(reason: PauseReason): void;
}

/** Where the executor hands a run's controls, once, as the run begins. */
export interface RunControlSlot {
  attach(run: RunControls): void;
}

/** The outside world of a live run: where events go, the clock, jitter, cancellation. */
export interface LivePorts {
  sink: EventSink;
  now: () => number;
  random: () => number;
  signal: AbortSignal | undefined;
  /** Pause: aborted when the run must stop at its next node boundary (pause.ts). */
  pause: AbortSignal | undefined;
  /** Given the run's controls as it begins (cancel and pause with no AbortSignal). */
  controls?: RunControlSlot | undefined;
  /** Most iterations one `when` evaluation may cost (condition-budget.ts). */
  conditionBudget: number;
  /** Answers to the run's interrupts (inbox.ts). */
  inbox: RunInbox | undefined;
  /** The application's services for the run's tools (tool.ts ToolServices). */
  services?: ToolServices | undefined;
}

/** Also the host of its tools' contexts (ToolHost: LOG and CUSTOM events). */
export interface RunLoop extends ToolHost {
  readonly cp: RunCheckpoint;
  readonly ports: LivePorts;
  /** Emits `event` to the sink, then folds it (decide -> emit -> apply). */
  emit(event: RunEvent, exec?: Execution, planned?: boolean): void;
  /** True while `token` is the attempt `exec` is running and its outcome is still unknown. */
  isCurrent(exec: Execution, token: number): boolean;
  /** Queues the value an attempt returned; the loop settles it in order. */
  queueSuccess(exec: Execution, value: unknown): void;
  /** Queues the error an attempt threw (or its timeout); the loop settles it in order. */
  queueFailure(exec: Execution, err: unknown): void;
  /** Runs the loop now (after an async result or a timer), unless it is already running. */
  pump(): void;
  /** A retry's delay passed: its next attempt goes back in the agenda. */
  retryDue(exec: Execution): void;
  /** Aborts the attempt's signal and forgets it: its late result or logs are ignored. */
  abortAttempt(exec: Execution, reason: unknown): void;
  /** The run fails with `error` (a node failed for good): it stops at the top of the loop. */
  failRun(error: ErrorInfo): void;
  /** Resolves executeRun's promise (after the terminal event). */
  end(result: RunResult): void;
  /** Deadline timers of pending interrupts, by interrupt id (cleared when the run ends). */
  readonly interruptTimers: Map<string, ReturnType<typeof setTimeout>>;
  /** An interrupt's deadline passed (its timer). */
  interruptDue(exec: Execution, id: string): void;
}
