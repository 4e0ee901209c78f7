import type { RunEvent } from '../engine/index.js';
import type { CommitBatch, NewRun, RunRecord } from './ports.js';

/**
 * Port: what operations tooling (metrics, traces) sees of the event writer. Every hook is
 * optional and synchronous; none may throw (a failing observer must not stop runs).
 */
export interface RunObserver {
  /**
   * A run is being created, inside the startRun call (its trace context is the active one); it
   * may set `run.traceparent` (stored with the run).
   */
  created?(run: NewRun): void;
  /** A run is handed to this process's pool: started here, or claimed from another process. */
  executing?(run: RunRecord): void;
  /** Each event before it is stored; may return a copy carrying trace ids (see TracedEvent). */
  event?(event: RunEvent): RunEvent;
  /** After each group commit: its batch, how long it took, and the error when it failed. */
  flushed?(batch: CommitBatch, ms: number, error?: unknown): void;
}

/** An event with the ids of the span it belongs to (the run's or the node attempt's). */
export type TracedEvent = RunEvent & { traceId?: string; spanId?: string };

/** One observer made of several, called in order. */
export function combineObservers(...observers: Array<RunObserver | undefined>): RunObserver {
  const list = observers.filter((o) => o !== undefined);
  return {
    created(run) {
      for (const o of list) o.created?.(run);
    },
    executing(run) {
      for (const o of list) o.executing?.(run);
    },
    event(event) {
      let e = event;
      for (const o of list) if (o.event) e = o.event(e);
      return e;
    },
    flushed(batch, ms, error) {
      for (const o of list) o.flushed?.(batch, ms, error);
    },
  };
}
