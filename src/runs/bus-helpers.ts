import type { RunEvent } from '../engine/index.js';
import type { Feed, RunEventBus } from './ports.js';

/**
 * The items of a subscription that pass `keep`, as an async iterator whose `return()` ends the
 * subscription underneath (a client going away unsubscribes at once, even while waiting).
 */
export function only<T>(
  source: Feed<T>,
  keep: (item: T) => boolean,
  /** Called when the source ends by itself (not by `return()`); may throw to say why. */
  onEnd: () => unknown = () => undefined,
): Feed<T> {
  let unsubscribed = false;
  const iterator: Feed<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) {
          if (!unsubscribed) {
            const error = onEnd();
            if (error) throw error;
          }
          return result;
        }
        if (keep(result.value)) return result;
      }
    },
    return: () => {
      unsubscribed = true;
      return source.return();
    },
    throw: async (err?: unknown) => {
      await source.return();
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** A batch holds many runs' events: publish each run's consecutive slice under its key. */
export function publishByRun(bus: RunEventBus, events: readonly RunEvent[]): void {
  let from = 0;
  for (let i = 1; i <= events.length; i++) {
    if (i < events.length && events[i]!.runId === events[from]!.runId) continue;
    bus.publish(
      'run:event',
      events[from]!.runId,
      from === 0 && i === events.length ? events : events.slice(from, i),
    );
    from = i;
  }
}
