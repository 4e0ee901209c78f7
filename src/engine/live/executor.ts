/**
 * executeRun: runs (or resumes) one run of a compiled graph. See EXECUTOR.md for the semantics.
 */

import { EngineError } from '../errors.js';
import type { EventSink, RunEvent } from '../events.js';
import { RunCheckpoint, resumeMismatch } from '../fold/checkpoint.js';
import { AgendaSkip } from '../fold/execution.js';
import { replayEvents } from '../fold/fold.js';
import type { CompiledGraph } from '../graph/compiled.js';
import { DEFAULT_CONDITION_BUDGET } from '../graph/condition-budget.js';
import { isReservedKey, reservedKeyMessage } from '../graph/reserved-keys.js';
import type { RunBudget, State } from '../graph.js';
import type { ToolServices } from '../tool.js';
import type { RunInbox } from './inbox.js';
import { LiveRun } from './live-run.js';
import { describeStop, type Stop } from './run-errors.js';
import type { RunControlSlot, RunResult } from './run-loop.js';

export type { RunControlSlot, RunControls, RunResult } from './run-loop.js';

export interface ExecuteOptions {
  runId: string;
  graph: CompiledGraph;
  /** The run input; ignored when resuming (the stored RUN_STARTED event has it). */
  input?: State;
  /** Receives every event, in seq order, synchronously. */
  sink: EventSink;
  /** Resume: the stored events of this run (a prefix of a previous execution's log). */
  history?: readonly RunEvent[];
  /** Cancel: abort it (a string reason is recorded) and the run ends with RUN_CANCELLED. */
  signal?: AbortSignal;
  /** Clock port (epoch ms). Default Date.now. */
  now?: () => number;
  /**
   * Pause: abort it and the run stops at its next node boundary (RUN_PAUSED, resolves PAUSED);
   * aborted already, the run pauses as soon as it begins. Reason `'recovery'`: RECOVERY=paused.
   * A log ending with RUN_PAUSED continues (RUN_UNPAUSED first) when executed again.
   */
  pause?: AbortSignal;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /**
   * Most iterations one `when` evaluation may cost over the run's data (lists it scans, to the
   * power of its loop nesting); past it the node fails with CONDITION_BUDGET_EXCEEDED.
   * Default DEFAULT_CONDITION_BUDGET (100,000).
   */
  conditionBudget?: number;
  /** Answers to the run's interrupts (resumeRun), taken when it begins and as they arrive. */
  inbox?: RunInbox;
  /** A new run's own budget, over the graph's limits.budget (recorded in RUN_STARTED). */
  budget?: RunBudget;
  /** The application's services for the run's tools (`ctx.thread`, `ctx.memory`). */
  services?: ToolServices;
  /**
   * Cancel and pause without `signal` / `pause` (two AbortControllers per run, ~1 KB each):
   * `attach` receives the run's controls, once, as it begins (before its first node starts);
   * never for a log that has ended already.
   */
  controls?: RunControlSlot;
}

/**
 * Executes a run to its end and resolves with its outcome (it rejects only on a broken log,
 * EngineError RESUME_MISMATCH, or a throwing sink). Synchronous tools run without a microtask
 * each, so a graph of synchronous tools may complete before this returns.
 */
export function executeRun(opts: ExecuteOptions): Promise<RunResult> {
  const history = opts.history ?? [];
  const last = history[history.length - 1];
  if (last !== undefined) {
    const done = terminalResult(last);
    if (done !== undefined) {
      opts.inbox?.close();
      return Promise.resolve(done);
    }
  }
  const ports = {
    sink: opts.sink,
    now: opts.now ?? Date.now,
    random: opts.random ?? Math.random,
    signal: opts.signal,
    pause: opts.pause,
    conditionBudget: opts.conditionBudget ?? DEFAULT_CONDITION_BUDGET,
    inbox: opts.inbox,
    services: opts.services,
    controls: opts.controls,
  };
  let run: LiveRun;
  let resumeStop: Stop | undefined;
  try {
    if (history.length > 0) {
      if (history[0]!.runId !== opts.runId) {
        throw resumeMismatch(`history is of run "${history[0]!.runId}", not "${opts.runId}"`);
      }
      run = new LiveRun(replayEvents(opts.graph, history), ports);
      resumeStop = prepareResume(run.cp);
    } else {
      const input = opts.input ?? {};
      const reserved = Object.keys(input).find(isReservedKey);
      if (reserved !== undefined) {
        throw new EngineError('INVALID_PATCH', `Run input: ${reservedKeyMessage(reserved)}`);
      }
      run = new LiveRun(new RunCheckpoint(opts.graph, opts.runId), ports);
      const state = Object.assign({}, opts.graph.defaults, input);
      run.emit({
        runId: opts.runId,
        seq: 1,
        at: ports.now(),
        type: 'RUN_STARTED',
        data: opts.budget === undefined ? { input, state } : { input, state, budget: opts.budget },
      });
    }
  } catch (err) {
    opts.inbox?.close();
    return Promise.reject(err);
  }
  run.begin(resumeStop);
  return run.promise;
}

function terminalResult(event: RunEvent): RunResult | undefined {
  const lastSeq = event.seq;
  switch (event.type) {
    case 'RUN_SUCCEEDED':
      return { status: 'SUCCEEDED', state: event.data.state, lastSeq };
    case 'RUN_FAILED':
      return { status: 'FAILED', state: event.data.state, error: event.data.error, lastSeq };
    case 'RUN_CANCELLED':
      return { status: 'CANCELLED', state: event.data.state, lastSeq };
    default:
      return undefined;
  }
}

/**
 * After replay: interrupted attempts (NODE_STARTED without outcome) and due retries go back to
 * the front of the agenda, in the order they started, except nodes waiting for an answer to an
 * interrupt (they run again once answered). Returns the stop the log was recording.
 */
function prepareResume(cp: RunCheckpoint): Stop | undefined {
  const interrupted = [...cp.inflight].filter(
    (e) => !e.queued && (e.memo === undefined || e.memo.pending === 0),
  );
  for (let i = interrupted.length - 1; i >= 0; i--) cp.requeue(interrupted[i]!, true);
  if (cp.failure !== undefined) return { kind: 'fail', error: cp.failure };
  if (cp.ending === 'cancelled') return { kind: 'cancel', reason: undefined };
  if (cp.ending === 'run_failed') return { kind: 'fail', error: failureCause(cp) };
  return undefined;
}

/** A run stopped mid-way through recording a run-level failure: find which one again. */
function failureCause(cp: RunCheckpoint) {
  for (let i = cp.agendaHead; i < cp.agenda.length; i++) {
    const item = cp.agenda[i];
    if (item instanceof AgendaSkip && item.reason === 'limit') {
      return describeStop(cp, 'LOOP_LIMIT_EXCEEDED', item.node);
    }
  }
  if (cp.steps >= cp.info.maxSteps) return describeStop(cp, 'MAX_STEPS_EXCEEDED');
  return describeStop(cp, 'RUN_TIMEOUT');
}
