import { afterEach, describe, expect, it, vi } from 'vitest';
import { createQuietTicks, createSharedReads } from '../../src/runs/shared-reads.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('createSharedReads', () => {
  it('makes one read for the askers of one turn and gives each the same answer', async () => {
    const shared = createSharedReads();
    let reads = 0;
    const read = async () => ({ n: ++reads });
    const answers = await Promise.all([1, 2, 3].map(() => shared('k', read)));
    expect(reads).toBe(1);
    expect(answers[0]).toBe(answers[1]);
    expect(answers[2]).toEqual({ n: 1 });
  });

  it('starts a new read for an ask made once the read has started (no answer from the past)', async () => {
    const shared = createSharedReads();
    let reads = 0;
    let release: () => void = () => {};
    const read = () =>
      new Promise<number>((resolve) => {
        reads++;
        release = () => resolve(reads);
      });
    const first = shared('k', read);
    await turn(); // the read has started
    const second = shared('k', read);
    release();
    expect(await first).toBe(1);
    await turn();
    release();
    expect(await second).toBe(2);
  });

  it('keeps keys apart', async () => {
    const shared = createSharedReads();
    const [a, b] = await Promise.all([shared('a', async () => 'A'), shared('b', async () => 'B')]);
    expect([a, b]).toEqual(['A', 'B']);
  });
});

describe('createQuietTicks', () => {
  afterEach(() => vi.useRealTimers());

  it('gives every waiter of one key the same timer, which wakes them all when it fires', async () => {
    vi.useFakeTimers();
    const quiet = createQuietTicks();
    const waits = Array.from({ length: 100 }, () => quiet('run-1 500', 500));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(500);
    expect(await Promise.all(waits.map((w) => w.fired))).toEqual(waits.map(() => 'quiet'));
    for (const w of waits) w.done(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not fire while waiters keep getting items, only after a whole quiet interval', async () => {
    vi.useFakeTimers();
    const quiet = createQuietTicks();
    let fired = false;
    // A waiter gets an item every 300 ms and waits again on the same tick (another still waits).
    const other = quiet('run-1 500', 500);
    void other.fired.then(() => {
      fired = true;
    });
    for (let i = 0; i < 5; i++) {
      const w = quiet('run-1 500', 500);
      vi.advanceTimersByTime(300);
      w.done(true);
      await Promise.resolve();
      expect(fired).toBe(false);
    }
    vi.advanceTimersByTime(1_000); // no item for a whole interval now
    await Promise.resolve();
    expect(fired).toBe(true);
    other.done(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the timer when its last waiter leaves before it fires, and starts afresh after', () => {
    vi.useFakeTimers();
    const quiet = createQuietTicks();
    const a = quiet('run-1 500', 500);
    const b = quiet('run-1 500', 500);
    a.done(false);
    a.done(false); // leaving twice counts once
    expect(vi.getTimerCount()).toBe(1);
    b.done(false);
    expect(vi.getTimerCount()).toBe(0);
    const c = quiet('run-1 500', 500);
    expect(vi.getTimerCount()).toBe(1);
    c.done(false);
  });
});
