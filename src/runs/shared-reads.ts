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

/** A timer many waiters share: it fires once, `ms` after the first of them asked. */
interface Tick {
  fired: Promise<'quiet'>;
  timer: NodeJS.Timeout;
  waiters: number;
}

/**
 * One quiet timer per key (a run and its poll interval) for every stream waiting on it, instead
 * of one timer per stream per event: with 1,000 subscribers of one run, that is one timer set
 * per interval rather than 1,000 set and cleared per event. `wait()` gives the tick to race
 * against the bus and a `done()` to call once the race is over; the last waiter to leave before
 * it fires clears it.
 */
export function createQuietTicks() {
  const ticks = new Map<string, Tick>();
  return function wait(key: string, ms: number): { fired: Promise<'quiet'>; done(): void } {
    let tick = ticks.get(key);
    if (!tick) {
      let fire: (value: 'quiet') => void = () => {};
      const fired = new Promise<'quiet'>((resolve) => {
        fire = resolve;
      });
      const created: Tick = {
        fired,
        waiters: 0,
        timer: setTimeout(() => {
          if (ticks.get(key) === created) ticks.delete(key);
          fire('quiet');
        }, ms),
      };
      ticks.set(key, created);
      tick = created;
    }
    const mine = tick;
    mine.waiters++;
    let left = false;
    return {
      fired: mine.fired,
      done() {
        if (left) return;
        left = true;
        if (--mine.waiters === 0 && ticks.get(key) === mine) {
          clearTimeout(mine.timer);
          ticks.delete(key);
        }
      },
    };
  };
}
