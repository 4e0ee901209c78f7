/**
 * The group commit straight on the driver (sqlite-commit.ts, postgres-commit.ts): it stores
 * exactly what the Prisma path stores, never through Prisma's interactive transaction, and on
 * SQLite (one connection shared with Prisma) it never runs inside a Prisma transaction.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { type Database, openDatabase } from '../../src/persistence/database.js';
import { createPrismaGraphStore } from '../../src/persistence/prisma-graph-store.js';
import { createPrismaRunStore } from '../../src/persistence/prisma-run-store.js';
import { BatchBuilder } from '../../src/runs/batch-builder.js';
import type { CommitBatch, RunStore } from '../../src/runs/ports.js';
import { backends, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const definition = { name: 'd', nodes: [{ id: 'a', tool: 'set_state' }], edges: [], entry: 'a' };

/** One run's whole life in one batch: created, started, a node that retried then succeeded. */
function lifeOf(runId: string, base: Omit<CommitBatch['created'][number], 'id'>): CommitBatch {
  const b = new BatchBuilder();
  b.addRun({ ...base, id: runId });
  const at = 1_700_000_000_000;
  const node = { nodeId: 'a' };
  const events = [
    { type: 'RUN_STARTED', data: { input: { x: 1 }, state: { x: 1 } } },
    { type: 'NODE_STARTED', ...node, attempt: 1, data: { iteration: 1 } },
    {
      type: 'NODE_RETRYING',
      ...node,
      attempt: 1,
      data: {
        iteration: 1,
        error: { code: 'TOOL_FAILED', message: "it's \\ 'quoted'" },
        delayMs: 1,
        nextAttempt: 2,
      },
    },
    { type: 'NODE_STARTED', ...node, attempt: 2, data: { iteration: 1 } },
    {
      type: 'NODE_SUCCEEDED',
      ...node,
      attempt: 2,
      data: { iteration: 1, patch: { y: 'ü $1 ?' }, durationMs: 4, taken: [] },
    },
    { type: 'RUN_SUCCEEDED', data: { state: { x: 1, y: 'ü $1 ?' } } },
  ];
  for (const [i, e] of events.entries()) b.add({ runId, seq: i + 1, at: at + i, ...e } as RunEvent);
  return b.take();
}

for (const { name, skip } of await backends()) {
  describe.skipIf(skip)(`the direct group commit on ${name}`, () => {
    let tdb: TestDatabase;
    let db: Database;
    let store: RunStore;
    let graphId: string;
    let versionId: string;

    beforeAll(async () => {
      tdb = await openTestDatabase(name);
      db = await openDatabase(tdb.url);
      store = createPrismaRunStore(db);
      graphId = randomUUID();
      versionId = randomUUID();
      await createPrismaGraphStore(db).create(graphId, versionId, {
        tenantId: 'default',
        name: 'd',
        description: null,
        definition,
      });
      await db.prisma.run.count(); // Prisma connects: the driver is there from now on
    });
    afterAll(async () => {
      await db?.close();
      await tdb?.drop();
    });

    const base = () => ({
      tenantId: 'default',
      graphId,
      graphVersionId: versionId,
      input: { x: 1 },
      owner: 'p1',
    });
    const stored = async (runId: string) => {
      const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      const events = await db.prisma.runEvent.findMany({
        where: { runId },
        orderBy: { seq: 'asc' },
      });
      const nodes = await db.prisma.nodeExecution.findMany({ where: { runId } });
      const { id, createdAt, heartbeatAt, ...rest } = run;
      return {
        run: rest,
        events: events.map(({ runId: _, ...e }) => e),
        nodes: nodes.map(({ runId: _, ...n }) => n),
      };
    };

    it('stores what the Prisma path stores, without a Prisma transaction', async () => {
      expect(db.driver()?.provider).toBe(name);
      const direct = randomUUID();
      const viaPrisma = randomUUID();
      const transactions = vi.spyOn(db.prisma, '$transaction');
      await store.commit(lifeOf(direct, base()), 'p1');
      expect(transactions).not.toHaveBeenCalled();
      transactions.mockRestore();
      const driver = db.driver;
      Object.assign(db, { driver: () => undefined });
      try {
        await store.commit(lifeOf(viaPrisma, base()), 'p1');
      } finally {
        Object.assign(db, { driver });
      }
      const [a, b] = [await stored(direct), await stored(viaPrisma)];
      expect(a.run).toMatchObject({ status: 'SUCCEEDED', lastSeq: 6 });
      expect(a.events).toHaveLength(6);
      expect(a).toEqual(b);
    });

    it('stores nothing for a run it does not own, and says so', async () => {
      const runId = randomUUID();
      await store
        .commit(lifeOf(runId, { ...base(), owner: 'someone-else' }), 'p1')
        .then((r) => expect(r.lost).toEqual([runId]));
      expect(await store.listEvents(runId, 0, 10)).toEqual([]);
      expect((await store.getRun(runId))?.status).toBe('QUEUED');
    });

    it('stores a backlog larger than one transaction in order, the run row with it', async () => {
      const run = await store.createRun({ id: randomUUID(), ...base() });
      const b = new BatchBuilder();
      b.add({ runId: run.id, seq: 1, at: 1, type: 'RUN_STARTED', data: { input: {}, state: {} } });
      for (let s = 2; s <= 12_001; s++)
        b.add({
          runId: run.id,
          seq: s,
          at: s,
          type: 'LOG',
          data: { level: 'info', message: `${s}` },
        } as RunEvent);
      expect((await store.commit(b.take(), 'p1')).lost).toEqual([]);
      expect(await db.prisma.runEvent.count({ where: { runId: run.id } })).toBe(12_001);
      expect(await store.getRun(run.id)).toMatchObject({ status: 'RUNNING', lastSeq: 12_001 });
    });

    it.runIf(name === 'sqlite')(
      'waits out a Prisma transaction open on the shared connection: neither takes the other down',
      async () => {
        const run = await store.createRun({ id: randomUUID(), ...base() });
        let inside!: () => void;
        const opened = new Promise<void>((resolve) => {
          inside = resolve;
        });
        const rolledBack = db.prisma
          .$transaction(async (t) => {
            await t.run.update({ where: { id: run.id }, data: { status: 'CANCELLED' } });
            inside();
            await new Promise((r) => setTimeout(r, 100));
            throw new Error('roll back');
          })
          .catch((err: Error) => err.message);
        await opened;
        const b = new BatchBuilder();
        b.add({
          runId: run.id,
          seq: 1,
          at: 1,
          type: 'RUN_STARTED',
          data: { input: {}, state: {} },
        });
        const committed = store.commit(b.take(), 'p1');
        expect(await rolledBack).toBe('roll back');
        expect((await committed).lost).toEqual([]);
        expect(await store.getRun(run.id)).toMatchObject({ status: 'RUNNING', lastSeq: 1 });
        expect(await store.listEvents(run.id, 0, 10)).toHaveLength(1);
      },
    );
  });
}
