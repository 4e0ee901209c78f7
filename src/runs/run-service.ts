import {
  type ErrorInfo,
  type RunEvent,
  replayEvents,
  type State,
  TERMINAL_EVENT_TYPES,
} from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import { createEventStream, shuttingDown } from './event-stream.js';
import { EventWriter } from './event-writer.js';
import { only } from './filter-subscription.js';
import { createGraphVersions } from './graph-versions.js';
import { createInstance, deadBoots } from './instance.js';
import { loadEvents } from './load-events.js';
import { LocalRuns } from './local-runs.js';
import {
  type ClaimedRun,
  type CommitBatch,
  DEFAULT_TENANT,
  type Feed,
  isActive,
  type RunRecord,
  type RunStatus,
} from './ports.js';
import { type Job, RunPool } from './run-pool.js';
import type { RunService, RunServiceOptions } from './run-service-contract.js';

export type { RunService, RunServiceOptions, RunStateSource } from './run-service-contract.js';

const onlyTenant = <T extends { tenantId: string }>(sub: Feed<T>, tenantId: string) =>
  only(sub, (item) => item.tenantId === tenantId);

/** How long cancelRun waits for another process to cancel a run it executes. */
const CANCEL_WAIT_MS = 15_000;

export const RECOVERY_LIMIT_EXCEEDED = 'RECOVERY_LIMIT_EXCEEDED';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** Nodes started and not finished in a run's log: what was executing when its process died. */
function inFlightNodes(history: readonly RunEvent[]): string[] {
  const open = new Set<string>();
  for (const e of history) {
    if (e.type === 'NODE_STARTED') open.add(e.nodeId);
    else if (e.type === 'NODE_SUCCEEDED' || e.type === 'NODE_FAILED' || e.type === 'NODE_SKIPPED')
      open.delete(e.nodeId);
  }
  return [...open];
}

export function createRunService(opts: RunServiceOptions): RunService {
  const { store, bus, logger } = opts;
  const instance = opts.instance ?? createInstance();
  const owner = opts.owner ?? instance.owner;
  const leaseMs = opts.leaseMs ?? 10_000;
  const recoveryLimit = opts.recoveryLimit ?? 3;
  const resumeBatch = Math.max(1, opts.resumeBatch ?? 10);
  const resumeIntervalMs = opts.resumeIntervalMs ?? 100;
  const startTimeoutMs = opts.startTimeoutMs ?? 5_000;
  const versions = createGraphVersions(opts.graphs, opts.tools);
  /** Runs this process owns until their end is stored, with their records. */
  const local = new LocalRuns();
  const timers: NodeJS.Timeout[] = [];
  let accepting = true;

  const writer = new EventWriter({
    store,
    owner,
    ...(opts.redactor ? { redactor: opts.redactor } : {}),
    onAbandonedStored: (runId) => void discard(runId, 1),
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
        setTimeout(() => void resumeHere(runId, 1), 1_000).unref();
      }
    },
  });
  const pool = new RunPool(writer, logger, opts.maxConcurrentRuns ?? 10_000);

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

  /** Re-executes a run this process owns from its stored events (after a failed commit). */
  async function resumeHere(runId: string, attempt: number): Promise<void> {
    try {
      const run = await store.getRun(runId);
      const version = run && (await store.getGraphVersion(run.graphVersionId));
      if (!run || !version || !isActive(run.status)) {
        writer.resumeStoring(runId);
        settle(runId);
        return;
      }
      while (pool.isRunning(runId)) await new Promise((r) => setTimeout(r, 10));
      const history = await loadHistory(run.id);
      writer.resumeStoring(runId);
      const graph = versions.compile(version);
      enqueue(
        { ...run, pinnedVersion: version.version },
        { runId, graphId: run.graphId, graph, input: run.input, history },
      );
    } catch (err) {
      if (attempt >= 10) {
        logger.error('could not resume run after a storage failure; it resumes on restart', {
          runId,
          err,
        });
        return;
      }
      setTimeout(() => void resumeHere(runId, attempt + 1), 1_000 * attempt).unref();
    }
  }

  /** A run stored after startRun gave up on it (UNAVAILABLE): delete it, it was never started. */
  async function discard(runId: string, attempt: number): Promise<void> {
    try {
      await store.discardRun(runId);
    } catch (err) {
      if (attempt >= 10) {
        logger.error('could not delete a run whose start was abandoned', { runId, err });
        return;
      }
      setTimeout(() => void discard(runId, attempt + 1), 500 * attempt).unref();
    }
  }

  function publish(batch: CommitBatch, lost: readonly string[]): void {
    if (lost.length > 0) lose(lost);
    publishByRun(batch.events);
    for (const patch of batch.runs) {
      const updates = local.apply(patch);
      if (updates.length > 0) bus.publish('run:updated', updates[0]!.graphId, updates);
      if (patch.status === 'FAILED' && patch.error)
        logger.info('run failed', { runId: patch.id, error: patch.error });
      if (patch.finishedAt !== undefined) settle(patch.id);
    }
  }

  /**
   * Fails a run that was taken over more than `recoveryLimit` times without progress: its
   * process keeps dying while executing it (a tool crashes it, exhausts memory...). The end is
   * stored as a normal RUN_FAILED event, so subscribers, the run row and its graph see it.
   */
  function failRecovered({ run, version }: ClaimedRun, history: RunEvent[]): void {
    const recoveries = run.recoveries ?? 0;
    const nodes = inFlightNodes(history);
    let state: State = (run.state as State | null) ?? run.input;
    try {
      if (history.length > 0) state = replayEvents(versions.compile(version), history).state;
    } catch {
      // The stored state (or the input) will do.
    }
    const error = {
      code: RECOVERY_LIMIT_EXCEEDED,
      message:
        `The run was stopped for good: its server process died while executing it ${recoveries} times in a row ` +
        `without a node succeeding (limit ${recoveryLimit}, RECOVERY_LIMIT). ` +
        `${nodes.length > 0 ? `Node${nodes.length > 1 ? 's' : ''} ${nodes.join(', ')} ${nodes.length > 1 ? 'were' : 'was'} executing; ` : ''}` +
        'a tool probably crashes the process (native crash, out of memory, process.exit). ' +
        'Check the server logs around those restarts, fix the tool or the input, then start a new run.',
      details: { recoveries, limit: recoveryLimit, nodes },
    } as unknown as ErrorInfo;
    logger.error('run failed: recovery limit exceeded', { runId: run.id, recoveries, nodes });
    local.add({ ...run, pinnedVersion: version.version });
    writer.emit({
      runId: run.id,
      seq: (history.at(-1)?.seq ?? 0) + 1,
      at: Date.now(),
      type: 'RUN_FAILED',
      data: { error, state },
    });
  }

  /** Claims orphaned runs a batch per tick (a poison run cannot starve the API) and resumes them. */
  async function resumePaced(): Promise<number> {
    const staleBefore = new Date(Date.now() - leaseMs);
    const dead = deadBoots(instance, await store.activeOwners());
    let total = 0;
    for (let tick = 0; accepting; tick++) {
      if (tick > 0) await sleep(resumeIntervalMs);
      if (!accepting) break;
      const claimed = await store.claimOrphans(owner, staleBefore, resumeBatch, dead);
      let resumed = 0;
      for (const claim of claimed) {
        const { run, version } = claim;
        // Our own run whose heartbeat lapsed (a blocked event loop): it is still executing.
        if (local.has(run.id)) continue;
        try {
          const history = await loadHistory(run.id);
          if (history.some((e) => TERMINAL_EVENT_TYPES.has(e.type))) continue;
          if ((run.recoveries ?? 0) > recoveryLimit) {
            failRecovered(claim, history);
            continue;
          }
          const graph = versions.compile(version);
          enqueue(
            { ...run, pinnedVersion: version.version },
            { runId: run.id, graphId: run.graphId, graph, input: run.input, history },
          );
          resumed++;
        } catch (err) {
          logger.error('could not resume run', { runId: run.id, err });
        }
      }
      if (resumed > 0) logger.info('resumed runs', { count: resumed, owner });
      total += resumed;
      if (claimed.length < resumeBatch) break;
    }
    return total;
  }
  let resuming: Promise<number> | null = null;

  /** A batch holds many runs' events: publish each run's consecutive slice under its key. */
  function publishByRun(events: readonly RunEvent[]): void {
    let from = 0;
    for (let i = 1; i <= events.length; i++) {
      if (i < events.length && events[i]!.runId === events[from]!.runId) continue;
      bus.publish(
        'run:event',
        events[from]!.runId,
        from === 0 && i === events.length ? events : events.slice(from, i),
      );
      from = i;
    }
  }

  function enqueue(record: RunRecord, job: Job): void {
    local.add(record);
    pool.enqueue(job);
  }

  const loadHistory = (runId: string) => loadEvents(store, runId);
  const isLocal = (runId: string) => local.has(runId);

  const unavailable = () =>
    new AppError(
      'UNAVAILABLE',
      `The database did not answer within ${startTimeoutMs} ms (locked by another process or down); the run was not created. Retry shortly.`,
      { retryable: true },
    );

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

    async start(graphId, input, tenantId = DEFAULT_TENANT) {
      if (!accepting)
        throw new AppError('SHUTTING_DOWN', 'The server is shutting down; retry shortly.');
      if (
        input !== undefined &&
        input !== null &&
        (typeof input !== 'object' || Array.isArray(input))
      )
        throw new AppError(
          'BAD_USER_INPUT',
          'Run input must be a JSON object (the initial state).',
        );
      const state = (input ?? {}) as State;
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
      let timer: NodeJS.Timeout | undefined;
      const created = await Promise.race([
        create(),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), startTimeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
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
      enqueue(record, { runId: id, graphId, graph, input: state, history: [] });
      // Stored: dashboards see the run waiting (QUEUED is in no commit patch).
      bus.publish('run:updated', graphId, [{ ...record }]);
      // A copy: the local record changes as the run goes on.
      return { ...record };
    },

    async cancel(runId, tenantId = DEFAULT_TENANT) {
      const run = await service.get(runId, tenantId);
      if (run.status === 'CANCELLED') return run;
      if (run.status === 'SUCCEEDED' || run.status === 'FAILED')
        throw new AppError(
          'RUN_NOT_ACTIVE',
          `Run "${runId}" already ${run.status.toLowerCase()}.`,
          {
            status: run.status,
          },
        );
      const done = service.waitFor(runId);
      if (cancelHere(runId, 'cancelled by user')) {
        await done;
        return (await store.getRun(runId)) ?? run;
      }
      // Another process executes it: ask its owner (it looks at every heartbeat), then wait.
      await store.requestCancel(runId);
      const deadline = Date.now() + CANCEL_WAIT_MS;
      for (;;) {
        const now = await store.getRun(runId);
        if (!now || !isActive(now.status) || Date.now() > deadline) return now ?? run;
        await new Promise((r) => setTimeout(r, 100));
      }
    },

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

    resumeOrphans() {
      if (!accepting) return Promise.resolve(0);
      resuming ??= resumePaced().finally(() => {
        resuming = null;
      });
      return resuming;
    },

    startBackground() {
      const heartbeat = () =>
        store
          .heartbeat(owner, new Date())
          .then((asked) => {
            for (const runId of asked) cancelHere(runId, 'cancelled by user on another server');
          })
          .catch((err) => logger.warn('heartbeat failed', { err }));
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
      await resuming?.catch(() => undefined);
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
