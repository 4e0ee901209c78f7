import type { ErrorInfo } from './errors.js';
import type { Patch, RunBudget, State } from './graph.js';

/**
 * Every step of a run is one event. `seq` starts at 1 and increases by one per event of a run;
 * `at` is epoch milliseconds. The event log is the source of truth: replaying it (see
 * `replayEvents`) rebuilds the executor's state, which is how runs resume after a crash.
 */
interface Base<T extends string, D> {
  runId: string;
  seq: number;
  at: number;
  type: T;
  data: D;
}
interface NodeBase<T extends string, D> extends Base<T, D> {
  nodeId: string;
  /** 1-based attempt within this activation of the node. */
  attempt: number;
}

export type SkipReason = 'dead_path' | 'loop_limit' | 'cancelled' | 'run_failed';

/** `budget`: the run's own budget (startRun), over the graph's `limits.budget`. */
export type RunStartedEvent = Base<
  'RUN_STARTED',
  { input: State; state: State; budget?: RunBudget }
>;
export type NodeStartedEvent = NodeBase<'NODE_STARTED', { iteration: number }>;
/** `taken` lists the indices (into graph.edges) of the outgoing edges this completion took. */
export type NodeSucceededEvent = NodeBase<
  'NODE_SUCCEEDED',
  { iteration: number; patch: Patch; durationMs: number; taken: number[] }
>;
export type NodeFailedEvent = NodeBase<
  'NODE_FAILED',
  { iteration: number; error: ErrorInfo; durationMs: number }
>;
export type NodeRetryingEvent = NodeBase<
  'NODE_RETRYING',
  { iteration: number; error: ErrorInfo; delayMs: number; nextAttempt: number }
>;
export type NodeSkippedEvent = NodeBase<'NODE_SKIPPED', { reason: SkipReason }>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** `item`: the map item (its index) the tool call that logged was for. */
export type LogEvent = Base<
  'LOG',
  { level: LogLevel; message: string; fields?: unknown; item?: number }
> & {
  nodeId?: string;
  attempt?: number;
};
export type CustomEvent = Base<'CUSTOM', { name: string; payload?: unknown; item?: number }> & {
  nodeId?: string;
  attempt?: number;
};
/**
 * Keys set outright, between node executions: the edited state of a forked run (forkRun's
 * `statePatch`), recorded right after the history it copied. Later writes fold onto it.
 */
export type StatePatchedEvent = Base<'STATE_PATCHED', { patch: Patch; reason: 'fork' }>;
/**
 * A `ctx.step(name, fn)` of the node completed: `result` (JSON) is returned instead of calling
 * `fn` again when this activation runs again (crash, answered interrupt, retry). `n` counts the
 * calls of `name` in one execution of the tool (the n-th call of a name has its own memo).
 */
export type StepCompletedEvent = NodeBase<
  'STEP_COMPLETED',
  { iteration: number; name: string; n: number; result?: unknown }
>;
/**
 * A map node's items (graph.ts MapDef): `index` in the list, `itemAttempt` the item's own
 * attempt (the node's `retry` applies per item; `attempt` stays the node's). MAP_ITEM_SUCCEEDED
 * holds the item's result (JSON), kept in the activation's memo like a step, so a resumed map
 * runs only the items that have none.
 */
export type MapItemStartedEvent = NodeBase<
  'MAP_ITEM_STARTED',
  { iteration: number; index: number; itemAttempt: number }
>;
export type MapItemSucceededEvent = NodeBase<
  'MAP_ITEM_SUCCEEDED',
  { iteration: number; index: number; itemAttempt: number; durationMs: number; result?: unknown }
>;
export type MapItemRetryingEvent = NodeBase<
  'MAP_ITEM_RETRYING',
  {
    iteration: number;
    index: number;
    itemAttempt: number;
    error: ErrorInfo;
    delayMs: number;
    nextAttempt: number;
  }
>;
/** The item failed for good: the node fails with its error (`details.index`). */
export type MapItemFailedEvent = NodeBase<
  'MAP_ITEM_FAILED',
  { iteration: number; index: number; itemAttempt: number; error: ErrorInfo }
>;
export type MapItemEvent =
  | MapItemStartedEvent
  | MapItemSucceededEvent
  | MapItemRetryingEvent
  | MapItemFailedEvent;
/** `ctx.interrupt(...)`: the node waits for an answer (resumeRun) matching `schema`. */
export type InterruptRequestedEvent = NodeBase<
  'INTERRUPT_REQUESTED',
  {
    iteration: number;
    /** Unique in the run: `<nodeId>:<iteration>:<n>` (n-th interrupt of the activation). */
    id: string;
    prompt: string;
    /** JSON Schema of the answer. */
    schema: Record<string, unknown>;
    /** Epoch ms after which the interrupt times out (absent: never). */
    deadline?: number;
    /** Whether a timeout continues with `default` (true) or fails the node (false). */
    hasDefault: boolean;
    default?: unknown;
  }
>;
export type InterruptAnsweredEvent = NodeBase<
  'INTERRUPT_ANSWERED',
  { iteration: number; id: string; value: unknown }
>;
/** The interrupt's deadline passed: `value` is the default it continues with, when it has one. */
export type InterruptTimedOutEvent = NodeBase<
  'INTERRUPT_TIMED_OUT',
  { iteration: number; id: string; value?: unknown }
>;
/**
 * Nothing can go on until interrupts are answered: the run leaves memory (status WAITING).
 * `wakeAt`: the earliest interrupt deadline (or the run's maxDurationMs deadline), when any.
 */
export type RunSuspendedEvent = Base<'RUN_SUSPENDED', { interrupts: string[]; wakeAt?: number }>;
/** A suspended run is executing again (an answer, a timeout, a cancel, or a restart). */
export type RunResumedEvent = Base<'RUN_RESUMED', Record<string, never>>;
/** Why a run was paused: asked for (pauseRun), or held at a restart (RECOVERY=paused). */
export type PauseReason = 'user' | 'recovery';
/**
 * The run stopped at a node boundary (pauseRun, or RECOVERY=paused at a restart): the attempts
 * that were running finished, nothing new started, and the run left memory (status PAUSED).
 * The next event must be RUN_UNPAUSED.
 */
export type RunPausedEvent = Base<'RUN_PAUSED', { reason: PauseReason }>;
/** A paused run executes again (unpauseRun, or its cancel). */
export type RunUnpausedEvent = Base<'RUN_UNPAUSED', Record<string, never>>;
export type RunSucceededEvent = Base<'RUN_SUCCEEDED', { state: State }>;
export type RunFailedEvent = Base<'RUN_FAILED', { error: ErrorInfo; state: State }>;
export type RunCancelledEvent = Base<'RUN_CANCELLED', { reason?: string; state: State }>;

export type RunEvent =
  | RunStartedEvent
  | NodeStartedEvent
  | NodeSucceededEvent
  | NodeFailedEvent
  | NodeRetryingEvent
  | NodeSkippedEvent
  | LogEvent
  | CustomEvent
  | StatePatchedEvent
  | StepCompletedEvent
  | MapItemEvent
  | InterruptRequestedEvent
  | InterruptAnsweredEvent
  | InterruptTimedOutEvent
  | RunSuspendedEvent
  | RunResumedEvent
  | RunPausedEvent
  | RunUnpausedEvent
  | RunSucceededEvent
  | RunFailedEvent
  | RunCancelledEvent;

export type RunEventType = RunEvent['type'];

export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'RUN_STARTED',
  'NODE_STARTED',
  'NODE_SUCCEEDED',
  'NODE_FAILED',
  'NODE_RETRYING',
  'NODE_SKIPPED',
  'LOG',
  'CUSTOM',
  'STATE_PATCHED',
  'STEP_COMPLETED',
  'MAP_ITEM_STARTED',
  'MAP_ITEM_SUCCEEDED',
  'MAP_ITEM_RETRYING',
  'MAP_ITEM_FAILED',
  'INTERRUPT_REQUESTED',
  'INTERRUPT_ANSWERED',
  'INTERRUPT_TIMED_OUT',
  'RUN_SUSPENDED',
  'RUN_RESUMED',
  'RUN_PAUSED',
  'RUN_UNPAUSED',
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  'RUN_CANCELLED',
];

export const TERMINAL_EVENT_TYPES: ReadonlySet<RunEventType> = new Set([
  'RUN_SUCCEEDED',
  'RUN_FAILED',
  'RUN_CANCELLED',
]);

/** Port: where the executor sends events, in seq order. Must not throw; must be fast (buffer). */
export interface EventSink {
  emit(event: RunEvent): void;
}

/** An in-memory sink for tests and the in-memory benchmark. */
export function createMemorySink(): EventSink & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, emit: (e) => void events.push(e) };
}
