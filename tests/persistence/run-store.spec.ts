import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import type { Database } from '../../src/persistence/database.js';
import { openDatabase } from '../../src/persistence/database.js';
import { createPrismaGraphStore } from '../../src/persistence/prisma-graph-store.js';
import { createPrismaRunStore } from '../../src/persistence/prisma-run-store.js';
import { BatchBuilder } from '../../src/runs/batch-builder.js';
import type { GraphStore, RunStore } from '../../src/runs/ports.js';
import type { Backend, TestDatabase } from '../helpers/databases.js';
import { openTestDatabase } from '../helpers/databases.js';

const definition = {
  name: 'spec',
  nodes: [{ id: 'a', tool: 'set_state' }],
  edges: [],
  entry: 'a',
};

function ev(
  runId: string,
  seq: number,
  type: RunEvent['type'],
  extra: Partial<RunEvent> = {},
): RunEvent {
  const base = { runId, seq, at: 1_700_000_000_000 + seq, type };
  const data: Record<string, unknown> = {
    RUN_STARTED: { input: {}, state: {} },
    NODE_STARTED: { iteration: 1 },
    NODE_SUCCEEDED: { iteration: 1, patch: { n: seq }, durationMs: 3, taken: [] },
    NODE_FAILED: { iteration: 1, error: { code: 'TOOL_FAILED', message: 'x' }, durationMs: 1 },
    NODE_RETRYING: {
      iteration: 1,
      error: { code: 'TOOL_FAILED', message: 'x' },
      delayMs: 5,
      nextAttempt: 2,
    },
    NODE_SKIPPED: { reason: 'dead_path' },
    LOG: { level: 'info', message: 'hello' },
    CUSTOM: { name: 'progress', payload: { pct: 50 } },
    RUN_SUCCEEDED: { state: { n: seq } },
    RUN_FAILED: { error: { code: 'TOOL_FAILED', message: 'boom', nodeId: 'a' }, state: {} },
    RUN_CANCELLED: { reason: 'user', state: {} },
    RUN_SUSPENDED: { interrupts: ['a:1:1'] },
    RUN_RESUMED: {},
  };
  return { ...base, data: data[type], ...extra } as RunEvent;
}

/**
 * The RunStore conformance suite, run against every backend (LangGraph does the same for its
 * checkpointers): what the run service relies on must hold on SQLite and PostgreSQL alike.
 */
export function runStoreSpec(backend: Backend): void {
  describe(`RunStore on ${backend}`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let store: RunStore;
    let graphs: GraphStore;
    let versionId: string;
    let graphId: string;

    beforeAll(async () => {
      tdb = await openTestDatabase(backend);
      db = await openDatabase(tdb.url);
      store = createPrismaRunStore(db);
      graphs = createPrismaGraphStore(db);
      graphId = randomUUID();
      versionId = randomUUID();
      await graphs.create(graphId, versionId, {
        tenantId: 'default',
        name: 'spec',
        description: null,
        definition,
      });
    });
    afterAll(async () => {
      await db?.close();
      await tdb?.drop();
    });

    const newRun = async (owner = 'p1') =>
      store.createRun({
        id: randomUUID(),
        tenantId: 'default',
        graphId,
        graphVersionId: versionId,
        input: { x: 1 },
        owner,
      });

    it('creates a run QUEUED with its input and pinned version', async () => {
      const run = await newRun();
      expect(run.status).toBe('QUEUED');
      expect(run.input).toEqual({ x: 1 });
      expect(run.lastSeq).toBe(0);
      const again = await store.getRun(run.id);
      expect(again?.graphVersionId).toBe(versionId);
      expect((await store.getGraphVersion(versionId))?.definition).toEqual(definition);
    });

    it('stores events, run status and node rows in one commit and lists them in seq order', async () => {
      const run = await newRun();
      const b = new BatchBuilder();
      b.add(ev(run.id, 1, 'RUN_STARTED'));
      b.add(ev(run.id, 2, 'NODE_STARTED', { nodeId: 'a', attempt: 1 } as Partial<RunEvent>));
      b.add(ev(run.id, 3, 'NODE_RETRYING', { nodeId: 'a', attempt: 1 } as Partial<RunEvent>));
      await store.commit(b.take(), 'p1');
      expect((await store.getRun(run.id))?.status).toBe('RUNNING');
      b.add(ev(run.id, 4, 'NODE_STARTED', { nodeId: 'a', attempt: 2 } as Partial<RunEvent>));
      b.add(ev(run.id, 5, 'NODE_SUCCEEDED', { nodeId: 'a', attempt: 2 } as Partial<RunEvent>));
      b.add(ev(run.id, 6, 'RUN_SUCCEEDED'));
      await store.commit(b.take(), 'p1');

      const events = await store.listEvents(run.id, 0, 100);
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(events[4]).toMatchObject({ type: 'NODE_SUCCEEDED', nodeId: 'a', attempt: 2 });
      expect(events[4]?.data).toEqual({ iteration: 1, patch: { n: 5 }, durationMs: 3, taken: [] });
      expect(events[0]?.at).toBe(1_700_000_000_001);
      expect((await store.listEvents(run.id, 4, 100)).map((e) => e.seq)).toEqual([5, 6]);
      expect((await store.listEvents(run.id, 0, 2)).map((e) => e.seq)).toEqual([1, 2]);

      const stored = await store.getRun(run.id);
      expect(stored).toMatchObject({ status: 'SUCCEEDED', lastSeq: 6, state: { n: 6 } });
      expect(stored?.startedAt?.getTime()).toBe(1_700_000_000_001);
      expect(stored?.finishedAt?.getTime()).toBe(1_700_000_000_006);
      const nodes = await db.prisma.nodeExecution.findMany({ where: { runId: run.id } });
      expect(nodes).toHaveLength(1);
      expect(nodes[0]).toMatchObject({
        nodeId: 'a',
        iteration: 1,
        status: 'SUCCEEDED',
        attempts: 2,
        durationMs: 3,
      });
      expect(nodes[0]?.startedAt?.getTime()).toBe(1_700_000_000_002);
    });

    it('records a failed run with its error', async () => {
      const run = await newRun();
      const b = new BatchBuilder();
      b.add(ev(run.id, 1, 'RUN_STARTED'));
      b.add(ev(run.id, 2, 'RUN_FAILED'));
      await store.commit(b.take(), 'p1');
      expect(await store.getRun(run.id)).toMatchObject({
        status: 'FAILED',
        error: { code: 'TOOL_FAILED', message: 'boom', nodeId: 'a' },
      });
    });

    it('rejects a duplicate (runId, seq) and keeps what was stored', async () => {
      const run = await newRun();
      const b = new BatchBuilder();
      b.add(ev(run.id, 1, 'RUN_STARTED'));
      await store.commit(b.take(), 'p1');
      b.add(ev(run.id, 2, 'LOG'));
      b.add(ev(run.id, 1, 'LOG'));
      await expect(store.commit(b.take(), 'p1')).rejects.toThrow();
      const events = await store.listEvents(run.id, 0, 10);
      expect(events.map((e) => [e.seq, e.type])).toEqual([[1, 'RUN_STARTED']]);
    });

    it('keeps every event of concurrent commits for many runs', async () => {
      const runs = await Promise.all(Array.from({ length: 20 }, () => newRun()));
      await Promise.all(
        runs.map(async (run) => {
          for (let s = 1; s <= 50; s += 10) {
            const b = new BatchBuilder();
            for (let k = s; k < s + 10; k++) b.add(ev(run.id, k, 'LOG'));
            await store.commit(b.take(), 'p1');
          }
        }),
      );
      for (const run of runs) {
        const events = await store.listEvents(run.id, 0, 1000);
        expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect((await store.getRun(run.id))?.lastSeq).toBe(50);
      }
    });

    it('stores a large batch in one commit (chunked under the parameter limit)', async () => {
      const run = await newRun();
      const b = new BatchBuilder();
      for (let s = 1; s <= 6_000; s++) b.add(ev(run.id, s, 'CUSTOM'));
      await store.commit(b.take(), 'p1');
      const events = await store.listEvents(run.id, 5_990, 100);
      expect(events.map((e) => e.seq)).toEqual([
        5_991, 5_992, 5_993, 5_994, 5_995, 5_996, 5_997, 5_998, 5_999, 6_000,
      ]);
    });

    it('stores nothing for a run another process took over, and reports it lost', async () => {
      const mine = await newRun('me');
      const taken = await newRun('me');
      await store.heartbeat('me', new Date(Date.now() - 60_000));
      const claimed = await store.claimOrphans('peer', new Date(Date.now() - 10_000), 1000);
      expect(claimed.map((c) => c.run.id)).toContain(taken.id);
      // "me" comes back from a stall: it still owns nothing it had, except what it re-owns
      await db.prisma.run.update({ where: { id: mine.id }, data: { owner: 'me' } });
      const b = new BatchBuilder();
      b.add(ev(mine.id, 1, 'RUN_STARTED'));
      b.add(ev(taken.id, 1, 'RUN_STARTED'));
      b.add(ev(taken.id, 2, 'LOG'));
      const { lost } = await store.commit(b.take(), 'me');
      expect(lost).toEqual([taken.id]);
      expect((await store.listEvents(mine.id, 0, 10)).map((e) => e.seq)).toEqual([1]);
      expect(await store.listEvents(taken.id, 0, 10)).toEqual([]);
      expect((await store.getRun(taken.id))?.status).toBe('QUEUED');
      expect((await store.getRun(mine.id))?.status).toBe('RUNNING');
    });

    it('tells a process which of its runs it does not own any more, without a commit', async () => {
      const kept = await newRun('stalled');
      const taken = await newRun('stalled');
      await db.prisma.run.update({ where: { id: taken.id }, data: { owner: 'peer' } });
      expect(await store.notOwned('stalled', [kept.id, taken.id])).toEqual([taken.id]);
      expect(await store.notOwned('peer', [kept.id, taken.id])).toEqual([kept.id]);
      expect(await store.notOwned('stalled', [])).toEqual([]);
    });

    it('passes a cancel request to the owner at its heartbeat, for active runs only', async () => {
      const active = await newRun('owner-x');
      const done = await newRun('owner-x');
      const b = new BatchBuilder();
      b.add(ev(done.id, 1, 'RUN_STARTED'));
      b.add(ev(done.id, 2, 'RUN_SUCCEEDED'));
      await store.commit(b.take(), 'owner-x');
      expect(await store.heartbeat('owner-x', new Date())).toEqual([]);
      expect(await store.requestCancel(active.id)).toBe(true);
      expect(await store.requestCancel(done.id)).toBe(false);
      expect(await store.heartbeat('owner-x', new Date())).toEqual([active.id]);
      expect(await store.heartbeat('someone-else', new Date())).toEqual([]);
    });

    it('claims orphaned runs once, never those of a live owner', async () => {
      const live = await newRun('alive');
      const dead = await newRun('dead');
      const now = Date.now();
      await store.heartbeat('alive', new Date(now));
      await store.heartbeat('dead', new Date(now - 60_000));
      const staleBefore = new Date(now - 10_000);
      const [first, second] = await Promise.all([
        store.claimOrphans('p2', staleBefore, 100),
        store.claimOrphans('p3', staleBefore, 100),
      ]);
      const claimedIds = [...first, ...second].map((c) => c.run.id);
      expect(claimedIds.filter((id) => id === dead.id)).toHaveLength(1);
      expect(claimedIds).not.toContain(live.id);
      const claim = [...first, ...second].find((c) => c.run.id === dead.id);
      expect(claim?.version.definition).toEqual(definition);
      // claimed runs are now heartbeated by their new owner: nobody claims them again
      expect((await store.claimOrphans('p4', staleBefore, 100)).map((c) => c.run.id)).not.toContain(
        dead.id,
      );
    });

    it('released runs are claimable at once; finished runs never are', async () => {
      const run = await newRun('leaving');
      const done = await newRun('leaving');
      const b = new BatchBuilder();
      b.add(ev(done.id, 1, 'RUN_STARTED'));
      b.add(ev(done.id, 2, 'RUN_SUCCEEDED'));
      await store.commit(b.take(), 'leaving');
      await store.heartbeat('leaving', new Date());
      await store.release('leaving');
      const claimed = (await store.claimOrphans('next', new Date(0), 1000)).map((c) => c.run.id);
      expect(claimed).toContain(run.id);
      expect(claimed).not.toContain(done.id);
    });

    /** A run stored WAITING by its owner (RUN_SUSPENDED), with a wake-up time or none. */
    const waitingRun = async (owner: string, wakeAt?: number) => {
      const run = await newRun(owner);
      const b = new BatchBuilder();
      b.add(ev(run.id, 1, 'RUN_STARTED'));
      b.add(
        ev(run.id, 2, 'RUN_SUSPENDED', {
          data: { interrupts: ['a:1:1'], ...(wakeAt === undefined ? {} : { wakeAt }) },
        } as Partial<RunEvent>),
      );
      await store.commit(b.take(), owner);
      return run;
    };

    it('never claims a WAITING run as an orphan, until its wakeAt passed (then once, RUNNING, no recovery counted)', async () => {
      const asleep = await waitingRun('gone');
      const due = await waitingRun('gone', Date.now() - 1_000);
      const later = await waitingRun('gone', Date.now() + 3_600_000);
      expect((await store.getRun(asleep.id))?.status).toBe('WAITING');
      const [a, b] = await Promise.all([
        // Stale means no heartbeat for a minute: the winner's fresh heartbeat is not stale
        // to the loser (with \`new Date()\` here, a millisecond between the two calls made it so).
        store.claimOrphans('p5', new Date(Date.now() - 60_000), 1000, ['gone']),
        store.claimOrphans('p6', new Date(Date.now() - 60_000), 1000, ['gone']),
      ]);
      const ids = [...a, ...b].map((c) => c.run.id);
      expect(ids).not.toContain(asleep.id);
      expect(ids).not.toContain(later.id);
      expect(ids.filter((id) => id === due.id)).toHaveLength(1);
      const row = await store.getRun(due.id);
      expect(row).toMatchObject({ status: 'RUNNING', recoveries: 0 });
    });

    it('lets exactly one process take a WAITING run (claimWaiting), and only while it waits', async () => {
      const run = await waitingRun('p1');
      const claims = await Promise.all([
        store.claimWaiting(run.id, 'x'),
        store.claimWaiting(run.id, 'y'),
        store.claimWaiting(run.id, 'z'),
      ]);
      const won = claims.filter((c) => c !== null);
      expect(won).toHaveLength(1);
      expect(won[0]?.version.definition).toEqual(definition);
      expect((await store.getRun(run.id))?.status).toBe('RUNNING');
      expect(await store.claimWaiting(run.id, 'late')).toBeNull();
      const running = await newRun('p1');
      expect(await store.claimWaiting(running.id, 'x')).toBeNull();
    });

    /** A run stored PAUSED by its owner (RUN_PAUSED). */
    const pausedRun = async (owner: string) => {
      const run = await newRun(owner);
      const b = new BatchBuilder();
      b.add(ev(run.id, 1, 'RUN_STARTED'));
      b.add(ev(run.id, 2, 'RUN_PAUSED', { data: { reason: 'user' } } as Partial<RunEvent>));
      await store.commit(b.take(), owner);
      return run;
    };

    it('stores a paused run PAUSED without an owner, never claims it as an orphan, and lets exactly one process take it', async () => {
      const run = await pausedRun('gone');
      const row = await db.prisma.run.findUnique({ where: { id: run.id } });
      expect(row).toMatchObject({ status: 'PAUSED', owner: null });
      const claimed = await store.claimOrphans('p7', new Date(), 1000, ['gone']);
      expect(claimed.map((c) => c.run.id)).not.toContain(run.id);
      // Not a WAITING run: the default claim does not take it.
      expect(await store.claimWaiting(run.id, 'x')).toBeNull();
      const claims = await Promise.all([
        store.claimWaiting(run.id, 'x', 'PAUSED'),
        store.claimWaiting(run.id, 'y', 'PAUSED'),
      ]);
      expect(claims.filter((c) => c !== null)).toHaveLength(1);
      expect(await store.getRun(run.id)).toMatchObject({ status: 'RUNNING' });
      expect(await store.claimWaiting(run.id, 'late', 'PAUSED')).toBeNull();
    });

    it('passes a pause request to the owner of a running run once, and to no one else', async () => {
      const active = await newRun('owner-p');
      const paused = await pausedRun('owner-p');
      expect(await store.requestPause(active.id)).toBe('asked');
      expect(await store.requestPause(paused.id)).toBe(false);
      const unowned = await store.createRun({
        id: randomUUID(),
        tenantId: 'default',
        graphId,
        graphVersionId: versionId,
        input: {},
        owner: null,
      });
      expect(await store.requestPause(unowned.id)).toBe('unowned');
      expect((await store.getRun(unowned.id))?.pauseRequested).toBe(true);
      expect((await store.getRun(paused.id))?.pauseRequested).toBeUndefined();
      expect(await store.takePauseRequests('someone-else')).toEqual([]);
      expect(await store.takePauseRequests('owner-p')).toEqual([active.id]);
      expect(await store.takePauseRequests('owner-p')).toEqual([]);
    });

    it('hands back only runs that never started: they are ownerless again', async () => {
      const fresh = await newRun('owner-h');
      const started = await newRun('owner-h');
      const b = new BatchBuilder();
      b.add(ev(started.id, 1, 'RUN_STARTED'));
      await store.commit(b.take(), 'owner-h');
      expect(await store.handBack([fresh.id, started.id])).toEqual([fresh.id]);
      expect((await db.prisma.run.findUnique({ where: { id: fresh.id } }))?.owner).toBeNull();
      expect((await db.prisma.run.findUnique({ where: { id: started.id } }))?.owner).toBe(
        'owner-h',
      );
      expect(await store.handBack([])).toEqual([]);
    });

    it('keeps answers posted for an active run until its owner takes them, once', async () => {
      const run = await newRun('owner-q');
      expect(await store.postAnswer(run.id, { interruptId: 'a:1:1', value: { ok: true } })).toBe(
        true,
      );
      expect(await store.postAnswer(run.id, { interruptId: 'a:1:2', value: 2 })).toBe(true);
      expect(await store.takeAnswers('someone-else')).toEqual([]);
      expect(await store.takeAnswers('owner-q')).toEqual([
        {
          runId: run.id,
          answers: [
            { interruptId: 'a:1:1', value: { ok: true } },
            { interruptId: 'a:1:2', value: 2 },
          ],
        },
      ]);
      expect(await store.takeAnswers('owner-q')).toEqual([]);
      const done = await newRun('owner-q');
      const b = new BatchBuilder();
      b.add(ev(done.id, 1, 'RUN_STARTED'));
      b.add(ev(done.id, 2, 'RUN_SUCCEEDED'));
      await store.commit(b.take(), 'owner-q');
      expect(await store.postAnswer(done.id, { interruptId: 'a:1:1', value: 1 })).toBe(false);
    });
  });
}
