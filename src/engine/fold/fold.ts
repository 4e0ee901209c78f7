/**
 * The fold: `applyEvent(checkpoint, event)` turns one event into checkpoint updates, and
 * `replayEvents(graph, events)` folds a stored log. The live executor calls applyEvent after
 * every event it emits, passing the execution it already holds (and, for NODE_SUCCEEDED, the
 * merge it already planned) so nothing is computed twice; replay looks them up instead.
 */

import { assertNever } from '../errors.js';
import type { NodeSkippedEvent, RunEvent } from '../events.js';
import type { CompiledGraph } from '../graph/compiled.js';
import { USAGE_EVENT } from '../graph.js';
import { budgetOf, countUsage } from './budget.js';
import { RunCheckpoint, resumeMismatch } from './checkpoint.js';
import { type Execution, ExecutionStatus } from './execution.js';
import { applyMemoEvent, releaseMemo } from './memo-fold.js';
import {
  activateEntry,
  killOutEdges,
  minFutureStep,
  settleOutEdges,
  settlePending,
} from './scheduling.js';

const { RUNNING, WAITING, SUCCEEDED, FAILED, SKIPPED } = ExecutionStatus;

/**
 * Applies one event to `cp` (in place) and returns it. `exec` is the execution the event is
 * about when the caller holds it; `planned` says the caller already ran `cp.store.plan` for this
 * NODE_SUCCEEDED. Throws EngineError('RESUME_MISMATCH') when the event does not fit.
 */
export function applyEvent(
  cp: RunCheckpoint,
  event: RunEvent,
  exec?: Execution,
  planned = false,
): RunCheckpoint {
  if (event.seq !== cp.lastSeq + 1) {
    throw resumeMismatch(`expected seq ${cp.lastSeq + 1}`, event);
  }
  if (event.runId !== cp.runId) throw resumeMismatch(`event of run "${event.runId}"`, event);
  if (cp.status !== (event.type === 'RUN_STARTED' ? 'NEW' : 'RUNNING')) {
    throw resumeMismatch(`run is ${cp.status}`, event);
  }
  if (cp.suspended !== (event.type === 'RUN_RESUMED')) {
    throw resumeMismatch(cp.suspended ? 'the run is suspended' : 'the run is not suspended', event);
  }
  if (cp.paused !== (event.type === 'RUN_UNPAUSED')) {
    throw resumeMismatch(cp.paused ? 'the run is paused' : 'the run is not paused', event);
  }
  cp.lastSeq = event.seq;
  switch (event.type) {
    case 'RUN_STARTED':
      cp.status = 'RUNNING';
      cp.startedAt = event.at;
      cp.input = event.data.input;
      cp.store.state = event.data.state;
      cp.budget = budgetOf(cp.graph.def.limits?.budget, event.data.budget);
      activateEntry(cp);
      break;
    case 'NODE_STARTED': {
      const e = exec ?? cp.find(event.nodeId, event.data.iteration);
      if (e === undefined) throw resumeMismatch('no such activation', event);
      if (e.queued) {
        cp.unqueue(e);
        e.queued = false;
      }
      // A restart after resume (already RUNNING) does not use up a step.
      if (e.status !== RUNNING) cp.steps++;
      e.status = RUNNING;
      e.attempt = event.attempt;
      e.startedAt = event.at;
      cp.inflight.add(e);
      break;
    }
    case 'NODE_SUCCEEDED': {
      const e = finished(cp, event, exec, event.data.iteration);
      if (!planned) {
        const err = cp.store.plan(e, event.data.patch);
        if (err !== undefined) throw resumeMismatch(err.message, event);
      }
      cp.store.commit(e, event.data.patch);
      e.status = SUCCEEDED;
      settleOutEdges(cp, e, event.data.taken);
      if (cp.store.needsCompaction) cp.store.compact(minFutureStep(cp));
      settlePending(cp);
      break;
    }
    case 'NODE_FAILED':
      finished(cp, event, exec, event.data.iteration).status = FAILED;
      cp.failure = event.data.error;
      break;
    case 'NODE_RETRYING': {
      const e = exec ?? cp.find(event.nodeId, event.data.iteration);
      if (e === undefined || !cp.inflight.has(e)) throw resumeMismatch('not running', event);
      e.status = WAITING;
      e.attempt = event.data.nextAttempt;
      break;
    }
    case 'NODE_SKIPPED':
      skipped(cp, event, exec);
      break;
    case 'LOG':
      break;
    case 'CUSTOM':
      if (event.data.name === USAGE_EVENT) countUsage(cp, event.data.payload);
      break;
    case 'STEP_COMPLETED':
    case 'MAP_ITEM_STARTED':
    case 'MAP_ITEM_SUCCEEDED':
    case 'MAP_ITEM_RETRYING':
    case 'MAP_ITEM_FAILED':
    case 'INTERRUPT_REQUESTED':
    case 'INTERRUPT_ANSWERED':
    case 'INTERRUPT_TIMED_OUT':
      applyMemoEvent(cp, event, exec);
      break;
    case 'RUN_SUSPENDED':
      cp.suspended = true;
      break;
    case 'RUN_RESUMED':
      cp.suspended = false;
      break;
    case 'RUN_PAUSED':
      cp.paused = true;
      break;
    case 'RUN_UNPAUSED':
      cp.paused = false;
      break;
    case 'STATE_PATCHED':
      cp.store.override(event.data.patch);
      break;
    case 'RUN_SUCCEEDED':
      cp.status = 'SUCCEEDED';
      break;
    case 'RUN_FAILED':
      cp.status = 'FAILED';
      cp.error = event.data.error;
      break;
    case 'RUN_CANCELLED':
      cp.status = 'CANCELLED';
      break;
    default:
      assertNever(event, 'run event');
  }
  return cp;
}

/** Takes an in-flight execution out of flight (success, failure); it is no longer active. */
function finished(
  cp: RunCheckpoint,
  event: RunEvent & { nodeId: string },
  exec: Execution | undefined,
  iteration: number,
): Execution {
  const e = exec ?? cp.find(event.nodeId, iteration);
  if (e === undefined || e.status !== RUNNING) throw resumeMismatch('not running', event);
  cp.inflight.delete(e);
  cp.activeDec(e.node);
  releaseMemo(cp, e);
  return e;
}

function skipped(cp: RunCheckpoint, event: NodeSkippedEvent, exec: Execution | undefined): void {
  const reason = event.data.reason;
  if (reason === 'dead_path' || reason === 'loop_limit') {
    const item = cp.findSkip(event.nodeId, reason);
    if (item === undefined) throw resumeMismatch(`no ${reason} skip due`, event);
    cp.unqueue(item);
    cp.activeDec(item.node);
    killOutEdges(cp, item.node);
    settlePending(cp);
    return;
  }
  const e = exec ?? cp.find(event.nodeId, undefined, event.attempt);
  if (e === undefined || !cp.inflight.has(e)) throw resumeMismatch('not in flight', event);
  if (e.queued) {
    cp.unqueue(e);
    e.queued = false;
  }
  cp.inflight.delete(e);
  cp.activeDec(e.node);
  releaseMemo(cp, e);
  e.status = SKIPPED;
  cp.ending = reason;
}

/** Folds a stored log (a prefix of a run's events, starting at RUN_STARTED) into a checkpoint. */
export function replayEvents(graph: CompiledGraph, events: readonly RunEvent[]): RunCheckpoint {
  const first = events[0];
  if (first === undefined) throw resumeMismatch('no events');
  if (first.type !== 'RUN_STARTED')
    throw resumeMismatch('the log must start with RUN_STARTED', first);
  const cp = new RunCheckpoint(graph, first.runId);
  for (const event of events) applyEvent(cp, event);
  return cp;
}
