/** Timing helpers: elapsed time, bounded concurrency, and the alternating repetition loop. */

/** Milliseconds `fn` took. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Runs `task(i)` for i in [0, total) with at most `width` in flight at once. */
export async function inFlight(
  total: number,
  width: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, total) }, worker));
}

/** Per-second rate of `count` things done in `ms`. */
export const perSecond = (count: number, ms: number): number => (count * 1000) / ms;

/** One side of a comparison: takes a sample (a rate, a latency...) per call. */
export interface Contender<T> {
  sample: () => Promise<T>;
}

/**
 * Warms every contender up with one unmeasured sample (JIT, caches, pools), then takes `rounds` rounds of samples, alternating (ours, theirs,
 * ours, theirs...) so that drift in machine load hits both sides alike. A contender whose sample
 * is short takes several per round (`perRound`), for a steadier median.
 */
export async function alternate<T>(
  contenders: Record<string, Contender<T> | undefined>,
  rounds: number,
  perRound: Record<string, number> = {},
): Promise<Record<string, T[]>> {
  const entries = Object.entries(contenders).filter(
    (e): e is [string, Contender<T>] => e[1] !== undefined,
  );
  for (const [, c] of entries) await c.sample();
  const out: Record<string, T[]> = Object.fromEntries(entries.map(([k]) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, c] of entries) {
      for (let j = 0; j < (perRound[name] ?? 1); j++) {
        // Let timers and sockets of the previous sample settle. No forced GC here: a full gc()
        // makes V8 drop compiled code, and the next short sample ran ~9x slower re-warming it.
        await new Promise((r) => setImmediate(r));
        out[name]!.push(await c.sample());
      }
    }
  }
  return out;
}

/** A rate measured two ways: per wall-clock second, and per CPU second of this process. */
export interface Rate {
  wall: number;
  /** Less sensitive to other processes on a shared machine (GC helper threads count too). */
  cpu: number;
}

/** Runs `fn`, which does `count` things, and returns its rates. */
export async function measureRate(count: number, fn: () => Promise<unknown>): Promise<Rate> {
  const cpu0 = process.cpuUsage();
  const ms = await timed(fn);
  const cpu = process.cpuUsage(cpu0);
  return { wall: perSecond(count, ms), cpu: perSecond(count, (cpu.user + cpu.system) / 1000) };
}

/** `promise`, or a rejection naming `what` once `ms` pass: a hung measurement must not hang the bench. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Awaits cleanup for at most `ms`; a cleanup that hangs or fails is abandoned (the bench exits). */
export async function settleWithin(cleanup: () => Promise<unknown>, ms: number): Promise<void> {
  await withTimeout(cleanup(), ms, 'cleanup').catch(() => {});
}
