import { replayEvents, type State } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import { only, publishByRun } from './bus-helpers.js';
import { createCancel } from './cancel-run.js';
import { createEventStream, shuttingDown } from './event-stream.js';
import { EventWriter } from './event-writer.js';
import { createGraphVersions } from './graph-versions.js';
import { createInstance } from './instance.js';
import { loadEvents } from './load-events.js';
import { LocalRuns } from './local-runs.js';
import {
  type CommitBatch,
  DEFAULT_TENANT,
  isActive,
  type RunRecord,
  type RunStatus,
} from './ports.js';
import { createRecovery } from './recovery.js';
import { createResumer } from './resume-run.js';
import { RunInboxes } from './run-inboxes.js';
import { type Job, RunPool } from './run-pool.js';
import type { RunService, RunServiceOptions } from './run-service-contract.js';
import { interruptsOf, usageOf } from './run-views.js';
import { databaseUnavailable, runBudget, runInput, withDeadline } from './start-checks.js';

export type { RunService, RunServiceOptions, RunStateSource } from './run-service-contract.js';

export function createRunService(opts: RunServiceOptions): RunService {
  const { store, bus, logger } = opts;
  const instance = opts.instance ?? createInstance();
  const owner = opts.owner ?? instance.owner;
  const leaseMs = opts.leaseMs ?? 10_000;
  const startTimeoutMs = opts.startTimeoutMs ?? 5_000;
  const versions = createGraphVersions(opts.graphs, opts.tools);
  /** Runs this process owns until their end is stored, with their records. */
  const local = new LocalRuns();
  const inboxes = new RunInboxes();
  const timers: NodeJS.Timeout[] = [];
  let accepting = true;

  const writer = new EventWriter({
    store,
    owner,
    ...(opts.redactor ? { redactor: opts.redactor } : {}),
    onAbandonedStored: (runId) => void recovery.discard(runId, 1),
    onCommitted: publish,
    onError: (err, batch) => {
      // Their log must stay a prefix of what was decided: stop them, resume from the store.
      const runs = [...new Set(batch.events.map((e) => e.runId))];
      logger.error('storing run events failed; the runs resume from their last stored event', {
        err,
        runs,
      });
      for (const runId of runs) {
        writer.stopStoring(runId);
        pool.abort(runId, 'storing its events failed');
        setTimeout(() => void recovery.resumeHere(runId, 1), 1_000).unref();
      }
    },
  });
  const pool = new RunPool(writer, logger, opts.maxConcurrentRuns ?? 10_000);
  const recovery = createRecovery({
    store,
    writer,
    pool,
    local,
    versions,
    logger,
    instance,
    owner,
    leaseMs,
    recoveryLimit: opts.recoveryLimit ?? 3,
    resumeBatch: Math.max(1, opts.resumeBatch ?? 10),
    resumeIntervalMs: opts.resumeIntervalMs ?? 100,
    accepting: () => accepting,
    enqueue,
  });

  /** Cancels a run executing or queued in this process; false when it is not here. */
  function cancelHere(runId: string, reason: string): boolean {
    if (pool.abort(runId, reason)) return true;
    const job = pool.dequeue(runId);
    if (!job) return false;
    writer.emit({
      runId,
      seq: (job.history.at(-1)?.seq ?? 0) + 1,
      at: Date.now(),
      type: 'RUN_CANCELLED',
      data: { reason: `${reason} before it started`, state: job.input },
    });
    return true;
  }

  /** Runs another process took over while this one stalled: stop executing them here. */
  function lose(runIds: readonly string[]): void {
    logger.warn('runs taken over by another process; stopped executing them here', {
      runs: runIds,
    });
    for (const runId of runIds) {
      pool.abort(runId, 'taken over by another process');
      settle(runId);
    }
  }

  const settle = (runId: string) => local.settle(runId);

  function publish(batch: CommitBatch, lost: readonly string[]): void {
    if (lost.length > 0) lose(lost);
    publishByRun(bus, batch.events);
    for (const patch of batch.runs) {
      const updates = local.apply(patch);
      if (updates.length > 0) bus.publish('run:updated', updates[0]!.graphId, updates);
      if (patch.status === 'FAILED' && patch.error)
        logger.info('run failed', { runId: patch.id, error: patch.error });
      // Ended, or WAITING (it left memory; an answer takes it from the store again).
      if (patch.finishedAt !== undefined || patch.status === 'WAITING') settle(patch.id);
    }
  }

  function enqueue(record: RunRecord, job: Job): void {
    local.add(record);
    pool.enqueue({ ...job, inbox: job.inbox ?? inboxes.open(job.runId) });
  }

  const loadHistory = (runId: string) => loadEvents(store, runId);
  const isLocal = (runId: string) => local.has(runId);

  const unavailable = () => databaseUnavailable(startTimeoutMs);
  const resumer = createResumer({
    ...{ store, local, inboxes, versions, owner, logger, enqueue },
    get: (runId, tenantId) => service.get(runId, tenantId),
  });
  const cancelRun = createCancel({
    store,
    get: (runId, tenantId) => service.get(runId, tenantId),
    waitFor: (runId) => local.waitFor(runId),
    cancelHere,
    cancelWaiting: resumer.cancelWaiting,
  });

  const service: RunService = {
    owner,
    invalidateGraph: (graphId) => versions.invalidate(graphId),
    isLocal,
    events: createEventStream({ store, bus, isLocal }),
    eventPage: (runId, page) => store.pageEvents(runId, page),
    async updates(tenantId, graphId) {
      if (graphId !== undefined) {
        const graph = await opts.graphs.get(graphId);
        if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', graphId);
      }
      // Ended by the bus (shutdown), not by the subscriber: say so, not `complete`.
      return only(
        bus.subscribe('run:updated', graphId),
        (u) => u.tenantId === tenantId,
        () => shuttingDown(undefined),
      );
    },

    async get(runId, tenantId = DEFAULT_TENANT) {
      const run = await store.getRun(runId);
      if (!run || run.tenantId !== tenantId) throw notFound('Run', runId);
      return run;
    },
    tenantOf: async (runId) => local.get(runId)?.tenantId ?? (await store.getRun(runId))?.tenantId,

    async start(graphId, input, tenantId = DEFAULT_TENANT, options = {}) {
      if (!accepting)
        throw new AppError('SHUTTING_DOWN', 'The server is shutting down; retry shortly.');
      const state = runInput(input);
      const budget = runBudget(options.budget);
      const createdAt = Date.now();
      const id = uuidv7(createdAt);
      let gaveUp = false;
      let creating = false;
      const create = async () => {
        const version = await versions.latest(graphId);
        if (version.tenantId !== tenantId) throw notFound('Graph', graphId);
        const graph = versions.compile(version);
        if (gaveUp) return null;
        creating = true;
        // Stored with the next group commit (shared with other runs' events) before we return.
        await writer
          .createRun({
            id,
            tenantId,
            graphId,
            graphVersionId: version.id,
            input: state,
            owner,
            createdAt,
          })
          .catch((err) => {
            logger.warn('could not store a new run', { err });
            throw unavailable();
          });
        return { version, graph };
      };
      const created = await withDeadline(create(), startTimeoutMs);
      if (created === 'timeout' || created === null) {
        gaveUp = true;
        // Never half-created: out of the batch, or deleted if a commit under way stores it.
        if (creating) writer.abandon(id);
        throw unavailable();
      }
      const { version, graph } = created;
      const record: RunRecord = {
        id,
        tenantId,
        graphId,
        graphVersionId: version.id,
        status: 'QUEUED',
        input: state,
        state: null,
        error: null,
        lastSeq: 0,
        createdAt: new Date(createdAt),
        startedAt: null,
        finishedAt: null,
        pinnedVersion: version.version,
      };
      enqueue(record, { runId: id, graphId, graph, input: state, history: [], budget });
      // Stored: dashboards see the run waiting (QUEUED is in no commit patch).
      bus.publish('run:updated', graphId, [{ ...record }]);
      // A copy: the local record changes as the run goes on.
      return { ...record };
    },

    cancel: (runId, tenantId = DEFAULT_TENANT) => cancelRun(runId, tenantId),

    async currentState(run) {
      const stored = (run.state ?? null) as State | null;
      if (stored && !isActive(run.status as RunStatus)) return stored;
      const version = await store.getGraphVersion(run.graphVersionId);
      if (!version) return stored;
      const events = await loadHistory(run.id);
      if (events.length === 0) return run.input as State;
      return replayEvents(versions.compile(version), events).state;
    },

    waitFor: (runId) => local.waitFor(runId),
    resume: (runId, interruptId, value, tenantId = DEFAULT_TENANT) =>
      resumer.resume(runId, interruptId, value, tenantId),
    interrupts: async (run) =>
      interruptsOf(await loadHistory(run.id), isActive(run.status as RunStatus)),
    usage: async (run) => usageOf(await loadHistory(run.id)),

    resumeOrphans: () => recovery.resumeOrphans(),

    startBackground() {
      const heartbeat = async () => {
        try {
          const asked = await store.heartbeat(owner, new Date());
          for (const runId of asked) cancelHere(runId, 'cancelled by user on another server');
          // A run taken over while this process stalled stops here even if it commits nothing
          // (a long tool call would otherwise go on beside the new owner's execution).
          const lost = await store.notOwned(owner, local.ids());
          if (lost.length > 0) {
            for (const runId of lost) writer.stopStoring(runId);
            lose(lost);
          }
          await resumer.pickUp(); // answers posted through other servers
        } catch (err) {
          logger.warn('heartbeat failed', { err });
        }
      };
      const scan = () =>
        service.resumeOrphans().catch((err) => logger.warn('orphan scan failed', { err }));
      timers.push(
        setInterval(heartbeat, Math.max(100, Math.floor(leaseMs / 4))),
        setInterval(scan, Math.max(200, Math.floor(leaseMs / 2))),
      );
      for (const t of timers) t.unref();
    },

    async shutdown(graceMs = 3_000) {
      accepting = false;
      for (const t of timers.splice(0)) clearInterval(t);
      // A claim under way finishes first, so release() hands its runs back too.
      await recovery.idle();
      await pool.drain(graceMs);
      await writer.stop();
      // Whatever is still running stops here without recording an end: it resumes on next start.
      pool.abortAll('server shutting down');
      await store.release(owner);
      local.settleAll();
      bus.closeAll();
    },

    stats: () => ({
      active: pool.activeCount,
      queued: pool.queuedCount,
      pendingEvents: writer.pending,
    }),
  };
  return service;
}
