import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { AppError } from '../../src/errors.js';
import { type Database, openDatabase } from '../../src/persistence/database.js';
import { createPrismaGraphStore } from '../../src/persistence/prisma-graph-store.js';
import { createPrismaRunStore } from '../../src/persistence/prisma-run-store.js';
import { createRunBus } from '../../src/pubsub/run-bus.js';
import { BatchBuilder } from '../../src/runs/batch-builder.js';
import { createEventStream } from '../../src/runs/event-stream.js';
import type { RunEventBus, RunStore } from '../../src/runs/ports.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import {
  collect,
  deferred,
  log,
  MemoryRunStore,
  seqs,
  sleep,
  started,
  succeeded,
  timeline,
} from './run-fakes.js';

/** `n` turns of the event loop (real setImmediate, also under fake timers). */
async function turns(n: number) {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Poll intervals long enough that no test passes by polling unless it means to. */
const NEVER = 60_000;

function setup(opts: { isLocal?: (id: string) => boolean; pollMs?: number } = {}) {
  const mem = new MemoryRunStore();
  const unsubscribed: string[] = [];
  const bus = createRunBus({ onLastUnsubscribed: (_topic, id) => unsubscribed.push(id) });
  const events = createEventStream({
    store: mem.asStore(),
    bus,
    isLocal: opts.isLocal ?? (() => true),
    pollLocalMs: opts.pollMs ?? NEVER,
    pollRemoteMs: opts.pollMs ?? NEVER,
  });
  /** Stores then publishes, as the run service does. */
  const emit = (...es: RunEvent[]) => {
    mem.append(...es);
    for (const e of es) bus.publish('run:event', e.runId, [e]);
  };
  return { mem, bus, events, emit, unsubscribed };
}

describe('createEventStream (in-memory store)', () => {
  it('streams every event of a run subscribed to before it started, then ends', async () => {
    const { mem, events, emit, unsubscribed } = setup();
    mem.addRun('r', 'QUEUED');
    const all = timeline('r', 5);
    const got = collect(events('r'));
    await sleep(5); // the stream is waiting on the bus now
    emit(all[0]!, all[1]!);
    await sleep(5);
    emit(...all.slice(2));
    expect(seqs(await got)).toEqual([1, 2, 3, 4, 5]);
    expect(unsubscribed).toEqual(['r']);
  });

  it('replays stored events then streams live ones without a gap or a duplicate', async () => {
    const { mem, events, emit } = setup();
    mem.addRun('r', 'RUNNING');
    const all = timeline('r', 8);
    mem.append(...all.slice(0, 3));
    // Published while the replay reads: 4 and 5 are stored after the read, so only the bus
    // has them for this subscriber.
    mem.afterList = () => {
      mem.afterList = null;
      emit(all[3]!, all[4]!);
    };
    const got = await collect(events('r'), {
      onEach: (e) => {
        if (e.seq === 5) emit(...all.slice(5));
      },
    });
    expect(seqs(got)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('skips live events the replay already gave (published before the read)', async () => {
    const { mem, events, emit } = setup();
    mem.addRun('r', 'RUNNING');
    const all = timeline('r', 7);
    mem.append(...all.slice(0, 2));
    // 3 and 4 are stored and published after the subscription opened but before the replay
    // read: both the replay and the live buffer hold them.
    mem.beforeList = () => {
      mem.beforeList = null;
      emit(all[2]!, all[3]!);
    };
    const got = await collect(events('r'), {
      onEach: (e) => {
        if (e.seq === 4) emit(...all.slice(4));
      },
    });
    expect(seqs(got)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('replays a finished run and ends without waiting for the bus', async () => {
    const { mem, events, unsubscribed } = setup();
    mem.addRun('r', 'SUCCEEDED');
    mem.append(...timeline('r', 5));
    const got = await collect(events('r'), { ms: 500 });
    expect(seqs(got)).toEqual([1, 2, 3, 4, 5]);
    expect(got.at(-1)?.type).toBe('RUN_SUCCEEDED');
    expect(unsubscribed).toEqual(['r']);
  });

  it('resumes after afterSeq in the middle: stored events after it, then live ones', async () => {
    const { mem, events, emit } = setup();
    mem.addRun('r', 'RUNNING');
    const all = timeline('r', 6);
    mem.append(...all.slice(0, 4));
    const got = await collect(events('r', 2), {
      onEach: (e) => {
        if (e.seq === 4) emit(all[4]!, all[5]!);
      },
    });
    expect(seqs(got)).toEqual([3, 4, 5, 6]);
  });

  it('ends at once when afterSeq is at or past the end of a finished run', async () => {
    const { mem, events } = setup();
    mem.addRun('r', 'SUCCEEDED');
    mem.append(...timeline('r', 5));
    const t = Date.now();
    expect(await collect(events('r', 5), { ms: 500 })).toEqual([]);
    expect(await collect(events('r', 9), { ms: 500 })).toEqual([]);
    expect(Date.now() - t).toBeLessThan(400);
  });

  it('fills a gap on the bus from the store (an event stored but never published)', async () => {
    const { mem, events, emit } = setup(); // no polling: only the gap can fetch event 3
    mem.addRun('r', 'RUNNING');
    const all = timeline('r', 6);
    const got = collect(events('r'));
    await sleep(5);
    emit(all[0]!, all[1]!);
    mem.append(all[2]!); // this process missed the publish of 3
    emit(all[3]!);
    await sleep(5);
    emit(all[4]!, all[5]!);
    expect(seqs(await got)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('polls the store when the bus is quiet (a run another process executes)', async () => {
    const { mem, events } = setup({ isLocal: () => false, pollMs: 10 });
    mem.addRun('r', 'RUNNING');
    const all = timeline('r', 4);
    const got = collect(events('r'));
    // Another process stores the events; nothing is ever published here.
    for (const e of all) {
      await sleep(15);
      mem.append(e);
    }
    expect(seqs(await got)).toEqual([1, 2, 3, 4]);
    expect(mem.listCalls).toBeGreaterThan(2);
  });

  it('waits the local poll interval, not the remote one, while the run executes here', async () => {
    const mem = new MemoryRunStore();
    const bus = createRunBus();
    const events = createEventStream({
      store: mem.asStore(),
      bus,
      isLocal: () => true,
      pollLocalMs: NEVER,
      pollRemoteMs: 5,
    });
    mem.addRun('r', 'RUNNING');
    const it = events('r');
    const first = it.next();
    await sleep(10);
    mem.append(started('r')); // stored, not published
    await sleep(60);
    const listedWhileQuiet = mem.listCalls;
    bus.publish('run:event', 'r', [started('r')]);
    expect((await first).value?.seq).toBe(1);
    expect(listedWhileQuiet).toBe(1); // the replay only: no remote-rate polling
    await it.return(undefined);
  });

  it('shares the attach reads of streams subscribing in one turn, and streams each of them everything', async () => {
    const { mem, events, emit } = setup();
    mem.addRun('r', 'RUNNING');
    const all = timeline('r', 6);
    mem.append(all[0]!, all[1]!);
    const got = Array.from({ length: 50 }, () => collect(events('r')));
    await sleep(5);
    emit(...all.slice(2));
    for (const g of got) expect(seqs(await g)).toEqual([1, 2, 3, 4, 5, 6]);
    // One run lookup and one replay for the 50 of them, not 50 of each.
    expect(mem.getRunCalls).toBe(1);
    expect(mem.listCalls).toBe(1);
  });

  it('polls a quiet remote run with one timer and one read for all its streams', async () => {
    // Only the poll timer is faked: the shared reads still wait their turn of the event loop.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { mem, events } = setup({ isLocal: () => false, pollMs: 10 });
      mem.addRun('r', 'RUNNING');
      // Drained without collect(), whose deadline timers would be faked too.
      const drain = async () => {
        const out: RunEvent[] = [];
        for await (const e of events('r')) out.push(e);
        return out;
      };
      const got = Array.from({ length: 20 }, drain);
      await turns(20); // attached: the replay found nothing, all 20 wait on the bus
      expect(mem.listCalls).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      // Another process stores the events; each poll finds one.
      for (const e of timeline('r', 3)) {
        mem.append(e);
        await vi.advanceTimersByTimeAsync(10);
        await turns(20);
      }
      for (const g of got) expect(seqs(await g)).toEqual([1, 2, 3]);
      expect(mem.listCalls).toBe(1 + 3);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('throws NOT_FOUND for an unknown run and releases its subscription', async () => {
    const { events, unsubscribed } = setup();
    const err = await events('nope')
      .next()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('NOT_FOUND');
    expect(unsubscribed).toEqual(['nope']);
  });

  it('fails with SUBSCRIBER_TOO_SLOW when the live buffer overflows', async () => {
    const { mem, bus, events } = setup();
    mem.addRun('r', 'RUNNING');
    const gate = deferred();
    mem.beforeGetRun = () => gate.promise;
    const it = events('r');
    const first = it.next().catch((e: unknown) => e);
    // The stream has subscribed and is held in getRun: nothing drains its buffer.
    const e = log('r', 1);
    bus.publish('run:event', 'r', new Array<RunEvent>(100_001).fill(e));
    gate.resolve();
    const err = await first;
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SUBSCRIBER_TOO_SLOW');
  });

  it('fails with SHUTTING_DOWN, not a complete, when the bus closes before the run ends', async () => {
    const { mem, bus, events, emit, unsubscribed } = setup();
    mem.addRun('r', 'RUNNING');
    const got: RunEvent[] = [];
    const ended = (async () => {
      for await (const e of events('r')) {
        got.push(e);
        if (e.seq === 2) bus.closeAll();
      }
    })().then(
      () => null,
      (err: unknown) => err,
    );
    await sleep(5);
    emit(started('r'), log('r', 2), log('r', 3));
    const err = await ended;
    expect(seqs(got)).toEqual([1, 2, 3]); // what was buffered before the close still arrives
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('SHUTTING_DOWN');
    expect((err as AppError).details).toMatchObject({ runId: 'r', afterSeq: 3 });
    expect(unsubscribed).toEqual(['r']);
  });

  it('ends an active run subscribed with afterSeq past its last event at its terminal event', async () => {
    const { mem, events, emit } = setup();
    mem.addRun('r', 'RUNNING');
    const got = collect(events('r', 50));
    await sleep(5);
    emit(started('r'), log('r', 2), succeeded('r', 3));
    expect(seqs(await got)).toEqual([]);
  });
});

describe('createEventStream (SQLite store)', () => {
  let tdb: TestDatabase;
  let db: Database;
  let store: RunStore;
  let bus: RunEventBus;
  const graphId = randomUUID();
  const versionId = randomUUID();

  beforeAll(async () => {
    tdb = await openTestDatabase('sqlite');
    db = await openDatabase(tdb.url);
    store = createPrismaRunStore(db);
    bus = createRunBus();
    await createPrismaGraphStore(db).create(graphId, versionId, {
      tenantId: 'default',
      name: 'stream',
      description: null,
      definition: {
        name: 'stream',
        nodes: [{ id: 'a', tool: 'set_state' }],
        edges: [],
        entry: 'a',
      },
    });
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const newRun = async () => {
    const id = randomUUID();
    await store.createRun({
      id,
      tenantId: 'default',
      graphId,
      graphVersionId: versionId,
      input: {},
      owner: 'p1',
    });
    return id;
  };
  const commit = async (events: RunEvent[]) => {
    const b = new BatchBuilder();
    for (const e of events) b.add(e);
    const { lost } = await store.commit(b.take(), 'p1');
    expect(lost).toEqual([]);
  };

  it('replays stored events then streams live ones without a duplicate', async () => {
    const id = await newRun();
    const all = timeline(id, 6);
    await commit(all.slice(0, 3));
    const events = createEventStream({ store, bus, isLocal: () => true, pollLocalMs: NEVER });
    const got = await collect(events(id), {
      onEach: async (e) => {
        if (e.seq !== 3) return;
        await commit(all.slice(3));
        // Republishing 3 too: the stream must skip what the replay gave.
        bus.publish('run:event', id, all.slice(2));
      },
    });
    expect(seqs(got)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(got.at(-1)).toEqual(succeeded(id, 6));
  });

  it('streams a run another process writes, from the store alone', async () => {
    const id = await newRun();
    const all = timeline(id, 5);
    const events = createEventStream({ store, bus, isLocal: () => false, pollRemoteMs: 10 });
    const got = collect(events(id), { ms: 5_000 });
    for (const e of all) {
      await sleep(10);
      await commit([e]);
    }
    expect(seqs(await got)).toEqual([1, 2, 3, 4, 5]);
  });

  it('replays a finished run from the store and ends', async () => {
    const id = await newRun();
    await commit(timeline(id, 4));
    expect((await store.getRun(id))?.status).toBe('SUCCEEDED');
    const events = createEventStream({ store, bus, isLocal: () => false });
    expect(seqs(await collect(events(id), { ms: 1_000 }))).toEqual([1, 2, 3, 4]);
    expect(seqs(await collect(events(id, 2), { ms: 1_000 }))).toEqual([3, 4]);
  });
});
