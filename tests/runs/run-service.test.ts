import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDef, RunEvent } from '../../src/engine/index.js';
import { AppError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { type Database, openDatabase } from '../../src/persistence/database.js';
import { createPrismaGraphStore } from '../../src/persistence/prisma-graph-store.js';
import { createPrismaRunStore } from '../../src/persistence/prisma-run-store.js';
import { createRunBus } from '../../src/pubsub/run-bus.js';
import { BatchBuilder } from '../../src/runs/batch-builder.js';
import type { GraphStore, RunStore, RunUpdate } from '../../src/runs/ports.js';
import { createRunService, type RunService } from '../../src/runs/run-service.js';
import { createToolRegistry } from '../../src/tools/registry.js';
import { type CallLog, createCallLog, createFixtureTools } from '../fixtures/fixture-tools.js';
import { cancellable, linear } from '../fixtures/scenarios.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { collect, seqs, sleep } from './run-fakes.js';

let tdb: TestDatabase;
let db: Database;
let store: RunStore;
let graphs: GraphStore;
const linearId = randomUUID();
/** A previous boot of this host's instance whose process is gone (no such pid). */
const CRASHED = `host-${hostname()}:999999999.dead`;
const blockingId = randomUUID();

async function saveGraph(id: string, definition: GraphDef): Promise<void> {
  const saved = await graphs.create(id, randomUUID(), {
    tenantId: 'default',
    name: `${definition.name}-${id}`,
    description: null,
    definition,
  });
  expect(saved.ok).toBe(true);
}

beforeAll(async () => {
  tdb = await openTestDatabase('sqlite');
  db = await openDatabase(tdb.url);
  store = createPrismaRunStore(db);
  graphs = createPrismaGraphStore(db);
  await saveGraph(linearId, linear().graph);
  await saveGraph(blockingId, cancellable().graph);
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

const services: RunService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.shutdown(50);
});

/** A service over the SQLite stores, its store wrapped to count getRun calls. */
function makeService(opts: { owner?: string; maxConcurrentRuns?: number } = {}) {
  const calls = { getRun: 0 };
  const counted: RunStore = {
    ...store,
    getRun: (id) => {
      calls.getRun++;
      return store.getRun(id);
    },
  };
  const log: CallLog = createCallLog();
  const service = createRunService({
    store: counted,
    graphs,
    tools: createToolRegistry(createFixtureTools(log)),
    bus: createRunBus(),
    logger: silentLogger,
    owner: opts.owner ?? `test-${randomUUID()}`,
    maxConcurrentRuns: opts.maxConcurrentRuns,
  });
  services.push(service);
  return { service, calls, log };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return (err as AppError).code;
}

/** Waits until the stored run has the status (a run executing in the pool). */
async function storedStatus(runId: string, status: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await store.getRun(runId))?.status !== status) {
    if (Date.now() > deadline) throw new Error(`run ${runId} never reached ${status}`);
    await sleep(5);
  }
}

describe('createRunService', () => {
  it('stores a QUEUED run before start returns, and runs it to SUCCEEDED', async () => {
    const { service } = makeService();
    const run = await service.start(linearId, { input: true });
    expect(run).toMatchObject({
      graphId: linearId,
      status: 'QUEUED',
      lastSeq: 0,
      input: { input: true },
      state: null,
      pinnedVersion: 1,
    });
    expect((await store.getRun(run.id))?.id).toBe(run.id);
    expect(service.isLocal(run.id)).toBe(true);

    await service.waitFor(run.id);
    const done = await store.getRun(run.id);
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      state: { input: true, a: 1, b: 2, c: 3 },
      error: null,
    });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect(service.isLocal(run.id)).toBe(false);
    expect(run.status).toBe('QUEUED'); // the returned record is a copy
  });

  it('publishes status updates with the run record, without reading the store', async () => {
    const { service, calls } = makeService();
    const updates = await service.updates('default', linearId);
    const run = await service.start(linearId, {});
    const got = await collect<RunUpdate>(updates, {
      onEach: (u) => {
        if (u.status === 'SUCCEEDED') void updates.return();
      },
    });
    const mine = got.filter((u) => u.id === run.id);
    expect(mine.map((u) => u.status)).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
    for (const u of mine) expect(u.graphId).toBe(linearId);
    expect(mine.at(-1)).toMatchObject({ state: { a: 1, b: 2, c: 3 } });
    expect(mine.at(-1)!.lastSeq).toBeGreaterThan(1);
    const events = await collect(service.events(run.id));
    expect(mine.at(-1)!.lastSeq).toBe(events.at(-1)!.seq);
    expect(calls.getRun).toBe(1); // the events() call above, not the updates
  });

  it('publishes QUEUED on run:updated once the run is stored, before it starts', async () => {
    const { service } = makeService({ maxConcurrentRuns: 1 });
    const updates = await service.updates('default', blockingId);
    const first = await service.start(blockingId, {});
    const waiting = await service.start(blockingId, {});
    const seen: RunUpdate[] = [];
    for (;;) {
      const next = await updates.next();
      seen.push(next.value as RunUpdate);
      if (seen.some((u) => u.id === waiting.id)) break;
    }
    // The second run cannot start (one at a time): a dashboard still sees it, waiting.
    expect(seen.find((u) => u.id === waiting.id)).toMatchObject({ status: 'QUEUED', lastSeq: 0 });
    await updates.return();
    await service.cancel(waiting.id);
    await service.cancel(first.id);
  });

  it('reports a status a batch passed through as the run was then, not with its end', async () => {
    const { service } = makeService();
    const updates = await service.updates('default', linearId);
    const run = await service.start(linearId, {});
    const got = await collect<RunUpdate>(updates, {
      onEach: (u) => {
        if (u.status === 'SUCCEEDED') void updates.return();
      },
    });
    const running = got.find((u) => u.id === run.id && u.status === 'RUNNING');
    expect(running).toBeDefined();
    expect(running!.finishedAt).toBeNull();
    expect(running!.state).toBeNull();
  });

  it('streams the whole event log of a finished run, in seq order', async () => {
    const { service } = makeService();
    const run = await service.start(linearId, {});
    await service.waitFor(run.id);
    const events = await collect<RunEvent>(service.events(run.id));
    expect(events[0]?.type).toBe('RUN_STARTED');
    expect(events.at(-1)?.type).toBe('RUN_SUCCEEDED');
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(
      events.filter((e) => e.type === 'NODE_SUCCEEDED').map((e) => ('nodeId' in e ? e.nodeId : '')),
    ).toEqual(['a', 'b', 'c']);
  });

  it('cancels a running run: its tools are aborted and it ends CANCELLED', async () => {
    const { service, log } = makeService();
    const run = await service.start(blockingId, {});
    await storedStatus(run.id, 'RUNNING');
    while (log.count('blockA') + log.count('blockB') < 2) await sleep(2);
    const cancelled = await service.cancel(run.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(log.calls.filter((c) => c.aborted !== undefined).map((c) => c.nodeId)).toEqual(
      expect.arrayContaining(['blockA', 'blockB']),
    );
    const events = await collect<RunEvent>(service.events(run.id));
    expect(events.at(-1)).toMatchObject({
      type: 'RUN_CANCELLED',
      data: { reason: 'cancelled by user' },
    });
    expect(await service.cancel(run.id)).toMatchObject({ status: 'CANCELLED' }); // idempotent
  });

  it('cancels a queued run before it starts', async () => {
    const { service, log } = makeService({ maxConcurrentRuns: 1 });
    const first = await service.start(blockingId, {});
    const second = await service.start(linearId, {});
    await storedStatus(first.id, 'RUNNING');
    const cancelled = await service.cancel(second.id);
    expect(cancelled.status).toBe('CANCELLED');
    expect(log.count('a')).toBe(0);
    const events = await collect<RunEvent>(service.events(second.id));
    expect(events.map((e) => e.type)).toEqual(['RUN_CANCELLED']);
    await service.cancel(first.id);
  });

  it('refuses to cancel a finished run with RUN_NOT_ACTIVE', async () => {
    const { service } = makeService();
    const run = await service.start(linearId, {});
    await service.waitFor(run.id);
    expect(await codeOf(service.cancel(run.id))).toBe('RUN_NOT_ACTIVE');
  });

  it('answers NOT_FOUND to cancel of an unknown run', async () => {
    const { service } = makeService();
    expect(await codeOf(service.cancel(randomUUID()))).toBe('NOT_FOUND');
  });

  it('rejects an input that is not a JSON object with BAD_USER_INPUT, storing nothing', async () => {
    const { service } = makeService();
    for (const input of ['text', 42, [1, 2], true])
      expect(await codeOf(service.start(linearId, input))).toBe('BAD_USER_INPUT');
    expect(service.stats()).toMatchObject({ active: 0, queued: 0, pendingEvents: 0 });
    // No input at all is an empty initial state.
    const run = await service.start(linearId, null);
    expect(run.input).toEqual({});
    await service.waitFor(run.id); // leave no active run for the orphan test
  });

  it('answers NOT_FOUND to start of an unknown graph', async () => {
    const { service } = makeService();
    expect(await codeOf(service.start(randomUUID(), {}))).toBe('NOT_FOUND');
  });

  it('refuses to start runs after shutdown with SHUTTING_DOWN', async () => {
    const { service } = makeService();
    await service.shutdown(50);
    expect(await codeOf(service.start(linearId, {}))).toBe('SHUTTING_DOWN');
    expect(await service.resumeOrphans()).toBe(0);
  });

  it('settles the runs it hands back at shutdown: waitFor resolves, isLocal is false', async () => {
    const { service } = makeService();
    const run = await service.start(blockingId, {});
    const waited = service.waitFor(run.id);
    await service.shutdown(20);
    await waited;
    expect(service.isLocal(run.id)).toBe(false);
    // Handed back unfinished: another process resumes it.
    expect((await store.getRun(run.id))?.status).not.toBe('SUCCEEDED');
    // Another process takes it over (it is nobody's now) and ends it, for the tests after this.
    const next = makeService();
    expect(await next.service.resumeOrphans()).toBe(1);
    expect((await next.service.cancel(run.id)).status).toBe('CANCELLED');
  });

  it('resumes a run a crashed boot of this instance left, from its stored events, to SUCCEEDED', async () => {
    const runId = randomUUID();
    const version = await graphs.latestVersion(linearId);
    await store.createRun({
      id: runId,
      tenantId: 'default',
      graphId: linearId,
      graphVersionId: version!.id,
      input: { input: true },
      owner: CRASHED,
    });
    // The other process got as far as node a before it stopped.
    const b = new BatchBuilder();
    const at = Date.now();
    const prefix: RunEvent[] = [
      {
        runId,
        seq: 1,
        at,
        type: 'RUN_STARTED',
        data: { input: { input: true }, state: { input: true } },
      },
      { runId, seq: 2, at, type: 'NODE_STARTED', nodeId: 'a', attempt: 1, data: { iteration: 1 } },
      {
        runId,
        seq: 3,
        at,
        type: 'NODE_SUCCEEDED',
        nodeId: 'a',
        attempt: 1,
        data: { iteration: 1, patch: { a: 1 }, durationMs: 1, taken: [0] },
      },
    ];
    for (const e of prefix) b.add(e);
    expect((await store.commit(b.take(), CRASHED)).lost).toEqual([]);

    const { service, log } = makeService();
    expect(await service.resumeOrphans()).toBe(1);
    await service.waitFor(runId);
    expect(await store.getRun(runId)).toMatchObject({
      status: 'SUCCEEDED',
      state: { input: true, a: 1, b: 2, c: 3 },
    });
    expect(log.count('a')).toBe(0); // done before the crash: not run again
    expect(log.count('b')).toBe(1);
    const events = await collect<RunEvent>(service.events(runId));
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'RUN_STARTED')).toHaveLength(1);
    expect(await service.resumeOrphans()).toBe(0); // finished: nothing left to take over
  });
});
