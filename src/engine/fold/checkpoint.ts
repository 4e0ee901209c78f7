/**
 * RunCheckpoint: everything the executor knows about a run, rebuilt from its events by one fold
 * (`applyEvent`). Live runs call the same fold after each event they emit (decide -> emit ->
 * apply); a resumed run folds its stored events (`replayEvents`) and continues, so the two
 * cannot drift. The fold is deterministic and has no side effect outside the checkpoint; for
 * speed it updates the checkpoint in place instead of copying it.
 */

import { EngineError, type ErrorInfo } from '../errors.js';
import type { RunEvent } from '../events.js';
import type { CompiledGraph, CompiledNode } from '../graph/compiled.js';
import { type GraphInfo, graphInfo } from '../graph/info.js';
import type { RunBudget, State } from '../graph.js';
import { type AgendaItem, AgendaSkip, Execution, ExecutionList } from './execution.js';
import { StateStore } from './state.js';

/**
 * Where the fold is in a run's log. Not the application's RunStatus (QUEUED, WAITING...): this
 * one only says which events may come next (NEW: only RUN_STARTED; terminal: none).
 */
export type CheckpointStatus = 'NEW' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A forward edge's status since its target last fired (small integers, one per edge). */
export const EdgeStatus = {
  /** Not settled yet. */
  PENDING: 0,
  TAKEN: 1,
  DEAD: 2,
  /** Found false, but it leaves a loop whose source can still run again (EXECUTOR.md, loops). */
  EXIT_PENDING: 3,
} as const;
export type EdgeStatus = (typeof EdgeStatus)[keyof typeof EdgeStatus];

export class RunCheckpoint {
  status: CheckpointStatus = 'NEW';
  lastSeq = 0;
  /** `at` of RUN_STARTED: the origin of maxDurationMs. */
  startedAt = 0;
  input: State = {};
  store: StateStore;
  /** NODE_STARTED events so far (maxSteps). */
  steps = 0;
  /** Set by NODE_FAILED: the run fails with this error. */
  failure: ErrorInfo | undefined = undefined;
  /** Set by NODE_SKIPPED cancelled / run_failed: the run is being stopped. */
  ending: 'cancelled' | 'run_failed' | undefined = undefined;
  /** The graph's budget with the run's own (RUN_STARTED) over it; undefined: none. */
  budget: RunBudget | undefined = undefined;
  /** Spent by model calls so far (the `llm.usage` events). */
  readonly usage = { modelCalls: 0, tokens: 0, costUsd: 0 };
  /** In-flight executions with an unanswered interrupt (they wait for resumeRun). */
  awaitingInput = 0;
  /** RUN_SUSPENDED is the last event: the next one must be RUN_RESUMED. */
  suspended = false;
  /** RUN_PAUSED is the last event: the next one must be RUN_UNPAUSED. */
  paused = false;
  /** The terminal error (RUN_FAILED). */
  error: ErrorInfo | undefined = undefined;
  readonly info: GraphInfo;
  /** Per node: activations so far (iteration of the latest). */
  readonly iterations: number[];
  readonly edgeStatus: EdgeStatus[];
  /** Per node: forward inputs settled (taken or dead) / taken since it last fired. */
  readonly arrived: number[];
  readonly taken: number[];
  readonly joinParents: (Execution[] | undefined)[];
  /** Per node: the largest step among joinParents. */
  readonly joinStep: number[];
  /** Joins with some inputs settled and others not (pendingFlag[node] is 1 while listed). */
  pending: CompiledNode[] = [];
  readonly pendingFlag: number[];
  /** What to do next, in order: executions to start, skips to record. */
  agenda: AgendaItem[] = [];
  agendaHead = 0;
  /** Started and not finished: RUNNING or WAITING for a retry. */
  readonly inflight = new ExecutionList();
  /** Per node: agenda items plus inflight executions; activeBits mirrors `> 0`. */
  readonly activeCount: number[];
  readonly activeBits: number[];
  activeTotal = 0;

  constructor(
    readonly graph: CompiledGraph,
    readonly runId: string,
  ) {
    const n = graph.nodes.length;
    this.info = graphInfo(graph);
    this.store = new StateStore(graph.reducers, {});
    // Plain arrays of small integers: far smaller per run than typed arrays (~240 bytes each),
    // which matters with thousands of runs in flight.
    this.iterations = zeros(n);
    this.edgeStatus = zeros(graph.edges.length) as EdgeStatus[];
    this.arrived = zeros(n);
    this.taken = zeros(n);
    this.joinParents = [];
    this.joinStep = zeros(n);
    this.pendingFlag = zeros(n);
    this.activeCount = zeros(n);
    this.activeBits = zeros(this.info.words);
  }

  /** The current state (an immutable snapshot). */
  get state(): State {
    return this.store.state;
  }

  /** The next agenda item, if any. */
  peek(): AgendaItem | undefined {
    return this.agenda[this.agendaHead];
  }

  push(item: AgendaItem): void {
    this.agenda.push(item);
    this.activeInc(item.node);
  }

  /** Removes `item` from the agenda (usually its head). */
  unqueue(item: AgendaItem): void {
    const agenda = this.agenda;
    if (agenda[this.agendaHead] === item) {
      agenda[this.agendaHead++] = undefined as unknown as AgendaItem;
      if (this.agendaHead === agenda.length && this.agendaHead >= 16) {
        // Drained: start over (a fresh array is cheaper than truncating this one).
        this.agenda = [];
        this.agendaHead = 0;
      } else if (this.agendaHead > 1024 && this.agendaHead * 2 > agenda.length) {
        this.agenda = agenda.slice(this.agendaHead);
        this.agendaHead = 0;
      }
      return;
    }
    const i = agenda.indexOf(item, this.agendaHead);
    if (i >= 0) agenda.splice(i, 1);
  }

  /** Live only: puts a started execution back in the agenda (retry due, resume). */
  requeue(exec: Execution, first = false): void {
    if (exec.queued) return;
    exec.queued = true;
    if (first) this.agenda.splice(this.agendaHead, 0, exec);
    else this.agenda.push(exec);
  }

  activeInc(node: CompiledNode): void {
    const i = node.index;
    if (this.activeCount[i]!++ === 0) this.activeBits[i >>> 5]! |= 1 << (i & 31);
    this.activeTotal++;
  }

  activeDec(node: CompiledNode): void {
    const i = node.index;
    if (--this.activeCount[i]! === 0) this.activeBits[i >>> 5]! &= ~(1 << (i & 31));
    this.activeTotal--;
  }

  /** The execution of `nodeId` / `iteration` in the agenda or in flight (replay lookups). */
  find(nodeId: string, iteration: number | undefined, attempt?: number): Execution | undefined {
    for (let i = this.agendaHead; i < this.agenda.length; i++) {
      const item = this.agenda[i];
      if (item instanceof Execution && matches(item, nodeId, iteration, attempt)) return item;
    }
    for (const e of this.inflight) if (matches(e, nodeId, iteration, attempt)) return e;
    return undefined;
  }

  findSkip(nodeId: string, reason: AgendaSkip['reason']): AgendaSkip | undefined {
    for (let i = this.agendaHead; i < this.agenda.length; i++) {
      const item = this.agenda[i];
      if (item instanceof AgendaSkip && item.node.id === nodeId && item.reason === reason) {
        return item;
      }
    }
    return undefined;
  }
}

/** Zeros to copy from: a slice is exactly `length` long, a pushed-to array holds 17 slots at once. */
const ZEROS: readonly number[] = Array.from({ length: 64 }, () => 0);

function zeros(length: number): number[] {
  if (length <= ZEROS.length) return ZEROS.slice(0, length);
  const list: number[] = [];
  for (let i = 0; i < length; i++) list.push(0);
  return list;
}

function matches(e: Execution, nodeId: string, iteration?: number, attempt?: number): boolean {
  return (
    e.node.id === nodeId &&
    (iteration === undefined || e.iteration === iteration) &&
    (attempt === undefined || e.attempt === attempt)
  );
}

/** The error for a stored log that does not fit the graph (wrong graph version, gap...). */
export function resumeMismatch(message: string, event?: RunEvent): EngineError {
  const where = event === undefined ? '' : ` at seq ${event.seq} (${event.type})`;
  return new EngineError(
    'RESUME_MISMATCH',
    `Stored events do not replay on this graph${where}: ${message}; resume with the graph version the run started on`,
    event !== undefined && 'nodeId' in event ? event.nodeId : undefined,
  );
}
