/**
 * What many streams of one run can share instead of doing it each: the reads they are about to
 * make (1,000 subscribers attaching to one run ask the store the same question 1,000 times),
 * and the timer that tells them the bus has been quiet.
 */

/**
 * Reads asked for in one turn of the event loop, by key, made once after that turn and shared
 * by everyone who asked. A read starts only after every one of its askers asked, so an asker
 * that subscribed to the bus before asking gets a read made after its subscription, as if it
 * had made the read itself. A later ask starts a new read (never an answer from the past).
 */
export function createSharedReads() {
  const waiting = new Map<string, Promise<unknown>>();
  return function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const known = waiting.get(key);
    if (known) return known as Promise<T>;
    const made = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      waiting.delete(key);
      return read();
    });
    waiting.set(key, made);
    return made;
  };
}

/** A timer many waiters share: it fires once `ms` have passed without traffic on its key. */
interface Tick {
  timer: NodeJS.Timeout;
  /** Wakes each waiter; a waiter leaves the set when its race is over. */
  waiters: Set<() => void>;
  /** A waiter left with a live item since the timer was (re)armed: not quiet yet. */
  traffic: boolean;
}

/**
 * One quiet timer per key (a run and its poll interval) for every stream waiting on it, instead
 * of one timer per stream per event: with 1,000 subscribers of one run, one timer re-armed at
 * most once per interval rather than 1,000 set and cleared per event. `wait()` gives a promise
 * to race against the bus and a `done(gotItem)` to call once the race is over. The tick fires
 * only after a whole interval in which no waiter got an item (as a stream's own timer would,
 * reset at each item); the last waiter to leave before it fires clears it. Each wait has its
 * own promise, dropped when it is done: a tick that lives as long as traffic flows holds only
 * the waiters of the moment.
 */
export function createQuietTicks() {
  const ticks = new Map<string, Tick>();
  return function wait(
    key: string,
    ms: number,
  ): { fired: Promise<'quiet'>; done(gotItem: boolean): void } {
    let tick = ticks.get(key);
    if (!tick) {
      const created: Tick = { waiters: new Set(), traffic: false, timer: undefined as never };
      const expire = () => {
        if (created.traffic && created.waiters.size > 0) {
          created.traffic = false;
          created.timer = setTimeout(expire, ms);
          return;
        }
        if (ticks.get(key) === created) ticks.delete(key);
        for (const wake of created.waiters) wake();
      };
      created.timer = setTimeout(expire, ms);
      ticks.set(key, created);
      tick = created;
    }
    const mine = tick;
    let wake: () => void = () => {};
    const fired = new Promise<'quiet'>((resolve) => {
      wake = () => resolve('quiet');
    });
    mine.waiters.add(wake);
    let left = false;
    return {
      fired,
      done(gotItem) {
        if (left) return;
        left = true;
        if (gotItem) mine.traffic = true;
        mine.waiters.delete(wake);
        if (mine.waiters.size === 0 && ticks.get(key) === mine) {
          clearTimeout(mine.timer);
          ticks.delete(key);
        }
      },
    };
  };
}
