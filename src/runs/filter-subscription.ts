import type { Feed } from './ports.js';

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
