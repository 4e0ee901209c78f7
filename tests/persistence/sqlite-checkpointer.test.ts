/**
 * The WAL checkpoint of a busy SQLite database runs in a worker thread, not inside a commit on
 * the event loop (sqlite-checkpointer.ts).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { openDatabase } from '../../src/persistence/database.js';
import { createPrismaGraphStore } from '../../src/persistence/prisma-graph-store.js';
import { createPrismaRunStore } from '../../src/persistence/prisma-run-store.js';
import { BatchBuilder } from '../../src/runs/batch-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'aef-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Events in the database file alone (what checkpoints copied there), not in its WAL; -1 when the
 * copy caught a checkpoint half-way (the poll below tries again).
 */
function checkpointedEvents(path: string): number {
  const copy = join(dir, `copy-${randomUUID()}.db`);
  copyFileSync(path, copy);
  let db: Database.Database | undefined;
  try {
    db = new Database(copy, { readonly: true });
    return (db.prepare('SELECT count(*) AS c FROM "RunEvent"').get() as { c: number }).c;
  } catch {
    return -1;
  } finally {
    db?.close();
  }
}

it('checkpoints a busy database from a worker thread, and stops it on close', async () => {
  const path = join(dir, 'busy.db');
  const db = await openDatabase(`file:${path}`);
  const store = createPrismaRunStore(db);
  const [graphId, versionId] = [randomUUID(), randomUUID()];
  await createPrismaGraphStore(db).create(graphId, versionId, {
    tenantId: 'default',
    name: 'c',
    description: null,
    definition: { name: 'c', nodes: [{ id: 'a', tool: 'set_state' }], edges: [], entry: 'a' },
  });
  const run = await store.createRun({
    id: randomUUID(),
    tenantId: 'default',
    graphId,
    graphVersionId: versionId,
    input: {},
    owner: 'p1',
  });
  const pragma = (name: string) => {
    const driver = db.driver();
    if (driver?.provider !== 'sqlite') throw new Error('no SQLite connection');
    return driver.connection.pragma(name, { simple: true });
  };
  expect(Number(pragma('wal_autocheckpoint'))).toBe(2000);
  const commits = 250;
  for (let seq = 1; seq <= commits; seq++) {
    const b = new BatchBuilder();
    b.add({
      runId: run.id,
      seq,
      at: seq,
      type: 'LOG',
      data: { level: 'info', message: `${seq}` },
    } as RunEvent);
    await store.commit(b.take(), 'p1');
  }
  // The main connection now leaves checkpoints to the worker (a WAL this small never reaches
  // its mark), yet the events reach the database file.
  expect(Number(pragma('wal_autocheckpoint'))).toBe(20_000);
  const deadline = Date.now() + 10_000;
  while (checkpointedEvents(path) < commits && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  expect(checkpointedEvents(path)).toBe(commits);
  await db.close();
});
