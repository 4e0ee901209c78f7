import { AppError, notFound } from '../errors.js';
import { only, publishByRun } from './bus-helpers.js';
import { createCancel } from './cancel-run.js';
import { cancelledBeforeStart, createConcurrency } from './concurrency.js';
import { concurrencyOfGraph } from './concurrency-policy.js';
import { createEventStream, shuttingDown } from './event-stream.js';
import { EventWriter } from './event-writer.js';
import { createForker } from './fork-run.js';
import { createGraphVersions } from './graph-versions.js';
import { createInstance } from './instance.js';
import { LazyToolServices } from './lazy-services.js';
import { loadEvents } from './load-events.js';
import { LocalRuns } from './local-runs.js';
import { createPauseControls } from './pause-controls.js';
import {
  type CommitBatch,
  DEFAULT_TENANT,
  isActive,
  type RunRecord,
  type RunStatus,
} from './ports.js';
import { createRecovery } from './recovery.js';
import { createReplay, replayMarkerOf } from './replay.js';
import { createResumer } from './resume-run.js';
import { RunInboxes } from './run-inboxes.js';
import { type Job, jobWith, RunPool, SHUTDOWN_REASON } from './run-pool.js';
import type { RunService, RunServiceOptions } from './run-service-contract.js';
import { interruptsOf, usageOf } from './run-views.js';
import { createStarter } from './start-run.js';

export type { RunService, RunServiceOptions, RunStateSource } from './run-service-contract.js';

export function createRunService(opts: RunServiceOptions): RunService {
  const { store, bus, logger } = opts;
  const instance = opts.instance ?? createInstance();
  const owner = opts.owner ?? instance.owner;
  const execute = opts.execute !== false;
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
    ...(opts.observer ? { observer: opts.observer } : {}),
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
  const forker = createForker({
    store,
    writer,
    versions,
    owner,
    accepting: () => accepting,
    enqueue(record, job) {
      enqueue(record, job);
      bus.publish('run:updated', record.graphId, [{ ...record }]);
    },
  });
  const starter = createStarter({
    store,
    writer,
    versions,
    logger,
    owner: execute ? owner : null,
    startTimeoutMs,
    startKeys: opts.startKeys,
    idempotencyWindowMs: opts.idempotencyWindowMs ?? 86_400_000,
    ...(opts.maxValueBytes ? { maxValueBytes: opts.maxValueBytes } : {}),
    ...(opts.held ? { concurrencyOf: concurrencyOfGraph } : {}),
    threads: opts.threads,
  });
  const concurrency = opts.held
    ? createConcurrency({
        held: opts.held,
        store,
        versions,
        logger,
        owner,
        enqueue,
        cancel: (run) => service.cancel(run.id, run.tenantId),
        cancelTaken(run, reason) {
          local.add({ ...run, held: false });
          const done = local.waitFor(run.id);
          writer.emit(cancelledBeforeStart(run.id, run.lastSeq + 1, reason, run.input));
          return done;
        },
      })
    : undefined;
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
    pauseRecovered: opts.recovery === 'paused',
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
    writer.emit(cancelledBeforeStart(runId, (job.history.at(-1)?.seq ?? 0) + 1, reason, job.input));
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
      // Ended, or WAITING / PAUSED (it left memory; an answer or an unpause takes it again).
      const away = patch.status === 'WAITING' || patch.status === 'PAUSED';
      if (patch.finishedAt !== undefined || away) {
        const key = local.concurrencyKeyOf(patch.id);
        settle(patch.id);
        // A waiting or paused run still holds its concurrency key: the next one starts when it ends.
        if (key && patch.finishedAt !== undefined) concurrency?.kick(key);
      }
    }
  }

  function enqueue(record: RunRecord, job: Job): void {
    if (!execute) return; // stored ownerless: a worker process claims it
    opts.observer?.executing?.(record);
    local.add(record);
    const marker = replayMarkerOf(job.history);
    const replay = marker
      ? createReplay(marker, () => loadEvents(store, marker.sourceRunId))
      : undefined;
    const services =
      opts.threads || replay ? new LazyToolServices(opts.threads, record, replay) : job.services;
    pool.enqueue(jobWith(job, job.inbox ?? inboxes.open(job.runId), services));
  }

  const isLocal = (runId: string) => local.has(runId);

  /** A fork or retry is listed on its source's thread (its tools find it there anyway). */
  async function joinSource(record: RunRecord): Promise<RunRecord> {
    await opts.threads
      ?.inherit(record)
      .catch((err) =>
        logger.warn('could not list a fork on its thread', { err, runId: record.id }),
      );
    return record;
  }

  const resumer = createResumer({
    ...{ store, local, inboxes, versions, owner, logger, enqueue },
    get: (runId, tenantId) => service.get(runId, tenantId),
  });
  const { pauser, graphChanged } = createPauseControls({
    ...{ store, writer, local, versions, owner, execute, logger, enqueue, pool, inboxes },
    get: (runId, tenantId) => service.get(runId, tenantId),
    takeWaiting: resumer.takeWaiting,
    accepting: () => accepting,
    claimNow: () => [service.resumeOrphans(), concurrency?.sweep()],
  });
  const cancelRun = createCancel({
    store,
    get: (runId, tenantId) => service.get(runId, tenantId),
    waitFor: (runId) => local.waitFor(runId),
    cancelHere,
    cancelWaiting: resumer.cancelWaiting,
    cancelPaused: pauser.cancelPaused,
    cancelHeld: async (run, reason) =>
      run.held === true &&
      concurrency !== undefined &&
      (await concurrency.cancelHeld(run.id, reason)),
  });

  const service: RunService = {
    owner,
    invalidateGraph(graphId, change) {
      versions.invalidate(graphId);
      if (change) graphChanged(graphId, change);
    },
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
      const asked = concurrency ? options : { ...options, concurrency: null };
      const started = await starter.start(graphId, input, tenantId, asked);
      if (started.existing) return started.record;
      const { job, concurrency: rule } = started;
      let record = started.record;
      // A paused graph's run waits stored (ownerless, or held behind its key) until unpauseGraph.
      if (started.paused) {
        bus.publish('run:updated', graphId, [{ ...record }]);
        return { ...record };
      }
      if (rule && concurrency)
        record = await concurrency.admit(record, job, rule.onConflict).catch(async (err) => {
          // Refused (CONCURRENCY_LIMIT): the key may be used again.
          await starter.releaseKey(record, asked);
          throw err;
        });
      else enqueue(record, job);
      // Stored: dashboards see the run waiting (QUEUED is in no commit patch).
      bus.publish('run:updated', graphId, [{ ...record }]);
      // A copy: the local record changes as the run goes on.
      return { ...record };
    },

    fork: async (runId, input, tenantId = DEFAULT_TENANT) =>
      joinSource(await forker.fork(runId, input, tenantId)),
    retry: async (runId, input, tenantId = DEFAULT_TENANT) =>
      joinSource(await forker.retry(runId, input, tenantId)),
    // Not listed on the source's thread: a replay appends nothing to it.
    replay: (runId, input, tenantId = DEFAULT_TENANT) => forker.replay(runId, input, tenantId),
    stateAt: async (runId, seq, tenantId) =>
      forker.stateAt(await service.get(runId, tenantId), seq),
    cancel: (runId, tenantId = DEFAULT_TENANT) => cancelRun(runId, tenantId),
    pause: (runId, tenantId = DEFAULT_TENANT) => pauser.pause(runId, tenantId),
    unpause: (runId, tenantId = DEFAULT_TENANT) => pauser.unpause(runId, tenantId),

    currentState: (run) => forker.currentState(run),

    waitFor: (runId) => local.waitFor(runId),
    resume: (runId, interruptId, value, tenantId = DEFAULT_TENANT) =>
      resumer.resume(runId, interruptId, value, tenantId),
    interrupts: async (run) =>
      interruptsOf(await loadEvents(store, run.id), isActive(run.status as RunStatus)),
    usage: async (run) => usageOf(await loadEvents(store, run.id)),

    resumeOrphans: () => recovery.resumeOrphans(),

    startBackground() {
      const heartbeat = async () => {
        try {
          const asked = await store.heartbeat(owner, new Date());
          for (const runId of asked) cancelHere(runId, 'cancelled by user on another server');
          // Ours but not in the pool yet (being taken): asked again at the next heartbeat.
          for (const runId of await store.takePauseRequests(owner))
            if (!pool.pause(runId, 'user') && local.has(runId)) await store.requestPause(runId);
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
      const scan = () => {
        service.resumeOrphans().catch((err) => logger.warn('orphan scan failed', { err }));
        if (accepting)
          concurrency?.sweep().catch((err) => logger.warn('held-run sweep failed', { err }));
      };
      timers.push(
        setInterval(heartbeat, Math.max(100, Math.floor(leaseMs / 4))),
        setInterval(scan, Math.max(200, Math.floor(leaseMs / 2))),
      );
      for (const t of timers) t.unref();
      // Held runs whose older run ended while no server was up start now, not at the first scan.
      concurrency?.sweep().catch((err) => logger.warn('held-run sweep failed', { err }));
    },

    async shutdown(graceMs = 3_000) {
      accepting = false;
      for (const t of timers.splice(0)) clearInterval(t);
      // A claim under way finishes first, so release() hands its runs back too.
      await recovery.idle();
      await pool.drain(graceMs);
      await writer.stop();
      // Whatever is still running stops here without recording an end: it resumes on next start.
      pool.abortAll(SHUTDOWN_REASON);
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
