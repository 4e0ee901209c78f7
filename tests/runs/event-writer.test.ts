import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { EventWriter } from '../../src/runs/event-writer.js';
import type { CommitBatch, RunStore } from '../../src/runs/ports.js';

const log = (runId: string, seq: number): RunEvent => ({
  runId,
  seq,
  at: 0,
  type: 'LOG',
  data: { level: 'info', message: String(seq) },
});

/** A store that records commits; `lose` runs are reported as taken over; `fail` makes commits throw. */
function fakeStore(opts: { lose?: string[]; fail?: () => boolean; instant?: boolean } = {}) {
  const commits: CommitBatch[] = [];
  const store = {
    async commit(batch: CommitBatch) {
      if (opts.instant) await Promise.resolve();
      else await new Promise((r) => setTimeout(r, 1));
      if (opts.fail?.()) throw new Error('disk full');
      commits.push(batch);
      const touched = new Set(batch.events.map((e) => e.runId));
      return { lost: (opts.lose ?? []).filter((id) => touched.has(id)) };
    },
  } as unknown as RunStore;
  return { store, commits, stored: () => commits.flatMap((c) => c.events) };
}

describe('EventWriter', () => {
  it('groups events emitted in one tick into one commit, in order', async () => {
    const { store, commits, stored } = fakeStore();
    const w = new EventWriter({ store, owner: 'me', onCommitted: () => {}, onError: () => {} });
    for (let s = 1; s <= 100; s++) w.emit(log('r', s));
    await w.idle();
    expect(commits).toHaveLength(1);
    expect(stored().map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('keeps writing after a size-triggered flush left its scheduled flush nothing to do', async () => {
    // The commit settles within the tick, so the flush scheduled for the end of the tick
    // finds an empty buffer.
    const { store, stored } = fakeStore({ instant: true });
    const w = new EventWriter({
      store,
      owner: 'me',
      maxBatch: 10,
      onCommitted: () => {},
      onError: () => {},
    });
    w.emit(log('r', 1)); // schedules a flush for the end of the tick
    for (let s = 2; s <= 10; s++) w.emit(log('r', s)); // reaches maxBatch: flushes at once
    await w.idle();
    await new Promise((r) => setImmediate(r)); // the scheduled flush runs, finding nothing
    for (let s = 11; s <= 15; s++) w.emit(log('r', s));
    await w.idle();
    expect(stored().map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('commits events emitted during a commit in the next one, never two at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const commits: number[][] = [];
    const store = {
      async commit(batch: CommitBatch) {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        commits.push(batch.events.map((e) => e.seq));
        inFlight--;
        return { lost: [] };
      },
    } as unknown as RunStore;
    const w = new EventWriter({ store, owner: 'me', onCommitted: () => {}, onError: () => {} });
    w.emit(log('r', 1));
    await new Promise((r) => setTimeout(r, 2)); // first commit in flight
    w.emit(log('r', 2));
    w.emit(log('r', 3));
    await w.idle();
    expect(maxInFlight).toBe(1);
    expect(commits).toEqual([[1], [2, 3]]);
  });

  it('drops every later event of a run another process took over, and says so once', async () => {
    const { store, stored } = fakeStore({ lose: ['taken'] });
    const lostSeen: string[][] = [];
    const w = new EventWriter({
      store,
      owner: 'me',
      onCommitted: (_b, lost) => lostSeen.push([...lost]),
      onError: () => {},
    });
    w.emit(log('mine', 1));
    w.emit(log('taken', 5));
    await w.idle();
    w.emit(log('taken', 6));
    w.emit(log('mine', 2));
    await w.idle();
    expect(lostSeen.filter((l) => l.length > 0)).toEqual([['taken']]);
    expect(
      stored()
        .filter((e) => e.runId === 'taken')
        .map((e) => e.seq),
    ).toEqual([5]);
    expect(
      stored()
        .filter((e) => e.runId === 'mine')
        .map((e) => e.seq),
    ).toEqual([1, 2]);
  });

  it('reports a commit that keeps failing and carries on with later batches', async () => {
    let failing = true;
    const { store, stored } = fakeStore({ fail: () => failing });
    const errors: unknown[] = [];
    const w = new EventWriter({
      store,
      owner: 'me',
      onCommitted: () => {},
      onError: (err) => errors.push(err),
    });
    w.emit(log('a', 1));
    await w.idle();
    expect(errors).toHaveLength(1);
    failing = false;
    w.emit(log('b', 1));
    await w.idle();
    expect(stored().map((e) => e.runId)).toEqual(['b']);
  });
});
