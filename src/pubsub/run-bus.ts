import type { RunEvent } from '../engine/index.js';
import type { RunStatus } from '../runs/types.js';
import { AsyncQueue } from './async-queue.js';

/** Published when a run's status changes (after the change is stored). */
export interface RunUpdate {
  id: string;
  graphId: string;
  status: RunStatus;
}

/**
 * Typed run-event bus. Topics: `run:event` keyed by run id, `run:updated` (optionally keyed by
 * graph id). Publishers call it only after the events are stored, so a subscriber that reads
 * the store and then the bus sees every event (deduplicated by seq).
 */
export interface RunBus {
  publishEvents(events: readonly RunEvent[]): void;
  publishRunUpdate(update: RunUpdate): void;
  subscribeEvents(runId: string): AsyncQueue<RunEvent>;
  subscribeRunUpdates(graphId?: string): AsyncQueue<RunUpdate>;
  /** Ends every subscription (shutdown). */
  closeAll(): void;
}

/** Told when a run gets its first local subscriber and loses its last (a transport's cue). */
export interface RunBusHooks {
  onFirstSubscriber?(runId: string): void;
  onLastUnsubscribed?(runId: string): void;
}

/** The in-process bus: the default, and the local half of the Redis bus. */
export function createRunBus(hooks: RunBusHooks = {}): RunBus {
  const eventSubs = new Map<string, Set<AsyncQueue<RunEvent>>>();
  const updateSubs = new Set<{ graphId: string | undefined; queue: AsyncQueue<RunUpdate> }>();

  return {
    publishEvents(events) {
      if (eventSubs.size === 0) return;
      for (const e of events) {
        const subs = eventSubs.get(e.runId);
        if (subs) for (const q of subs) q.push(e);
      }
    },
    publishRunUpdate(update) {
      for (const s of updateSubs) {
        if (s.graphId === undefined || s.graphId === update.graphId) s.queue.push(update);
      }
    },
    subscribeEvents(runId) {
      let subs = eventSubs.get(runId);
      if (!subs) {
        subs = new Set();
        eventSubs.set(runId, subs);
        hooks.onFirstSubscriber?.(runId);
      }
      const set = subs;
      const queue: AsyncQueue<RunEvent> = new AsyncQueue(() => {
        set.delete(queue);
        if (set.size === 0 && eventSubs.get(runId) === set) {
          eventSubs.delete(runId);
          hooks.onLastUnsubscribed?.(runId);
        }
      });
      set.add(queue);
      return queue;
    },
    subscribeRunUpdates(graphId) {
      const entry = { graphId, queue: null as unknown as AsyncQueue<RunUpdate> };
      entry.queue = new AsyncQueue(() => updateSubs.delete(entry));
      updateSubs.add(entry);
      return entry.queue;
    },
    closeAll() {
      for (const subs of [...eventSubs.values()]) for (const q of [...subs]) q.close();
      for (const s of [...updateSubs]) s.queue.close();
    },
  };
}
