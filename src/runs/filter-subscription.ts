/**
 * The items of a subscription that pass `keep`, as an async iterator whose `return()` ends the
 * subscription underneath (a client going away unsubscribes at once, even while waiting).
 */
export function only<T>(
  source: AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T>> },
  keep: (item: T) => boolean,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    return: () => source.return(),
    throw: async (err?: unknown) => {
      await source.return();
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
