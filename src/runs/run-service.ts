import { randomUUID } from 'node:crypto';
import {
  type CompiledGraph,
  compileGraphOrThrow,
  executeRun,
  type RunEvent,
  replayEvents,
  type State,
  TERMINAL_EVENT_TYPES,
  type ToolResolver,
} from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import type { GraphStore } from '../graphs/types.js';
import { uuidv7 } from '../ids.js';
import type { Logger } from '../logger.js';
import type { RunBus } from '../pubsub/run-bus.js';
import { EventWriter } from './event-writer.js';
import type { CommitBatch, GraphVersionRecord, RunRecord, RunStore } from './types.js';

export interface RunServiceOptions {
  store: RunStore;
  graphs: GraphStore;
  tools: ToolResolver;
  bus: RunBus;
  logger: Logger;
  /** Runs executing at once in this process; more wait QUEUED. */
  maxConcurrentRuns?: number;
  /** A run whose owner has not heartbeated for this long is resumed by another process. */
  leaseMs?: number;
  /** On start, resume every active run whatever its heartbeat (single-process SQLite). */
  resumeAllOnStart?: boolean;
  owner?: string;
}

/**
 * How long a graph's latest version is cached for startRun. Saving a graph in this process
 * invalidates it at once (invalidateGraph); a save in another process is seen within this time.
 */
const VERSION_CACHE_MS = 1_000;

export interface RunService {
  readonly owner: string;
  /** True while the run executes (or waits to) in this process. */
  isLocal(runId: string): boolean;
  /** Forgets the cached latest version of a graph (it was saved or deleted). */
  invalidateGraph(graphId: string): void;
  start(graphId: string, input: unknown): Promise<RunRecord>;
  cancel(runId: string): Promise<RunRecord>;
  /** The state of a run now: final when finished, else folded from its stored events. */
  currentState(run: RunRecord): Promise<State | null>;
  /** Resolves once the run's terminal event is stored (runs executing in this process). */
  waitFor(runId: string): Promise<void>;
  /** Takes over and resumes runs left by a crashed or stopped process; returns how many. */
  resumeOrphans(all?: boolean): Promise<number>;
  /** Starts heartbeats and the orphan scan. */
  startBackground(): void;
  /** Stops taking runs, stores what is buffered, hands unfinished runs back for resume. */
  shutdown(graceMs?: number): Promise<void>;
  stats(): { active: number; queued: number; pendingEvents: number };
}

interface Job {
  runId: string;
  graphId: string;
  graph: CompiledGraph;
  input: State;
  history: RunEvent[];
}

export function createRunService(opts: RunServiceOptions): RunService {
  const { store, graphs, tools, bus, logger } = opts;
  const owner = opts.owner ?? `${process.pid}-${randomUUID()}`;
  const maxConcurrent = opts.maxConcurrentRuns ?? 10_000;
  const leaseMs = opts.leaseMs ?? 10_000;
  const compiled = new Map<string, CompiledGraph>();
  const active = new Map<string, { controller: AbortController; graphId: string }>();
  const queue: Job[] = [];
  const graphOf = new Map<string, string>();
  const waiters = new Map<string, Array<() => void>>();
  const timers: NodeJS.Timeout[] = [];
  let accepting = true;

  const writer = new EventWriter({
    store,
    onCommitted: publish,
    onError: (err, batch) =>
      logger.error(
        'storing run events failed; the affected runs resume from their last stored event',
        {
          err,
          runs: [...new Set(batch.events.map((e) => e.runId))],
        },
      ),
  });

  function publish(batch: CommitBatch): void {
    bus.publishEvents(batch.events);
    for (const patch of batch.runs) {
      if (!patch.status) continue;
      const graphId = graphOf.get(patch.id);
      if (graphId) bus.publishRunUpdate({ id: patch.id, graphId, status: patch.status });
      if (patch.finishedAt !== undefined) {
        graphOf.delete(patch.id);
        const ws = waiters.get(patch.id);
        waiters.delete(patch.id);
        if (ws) for (const w of ws) w();
      }
    }
  }

  /** graphId -> latest version, briefly cached: startRun under load reads it once, not per run. */
  const latest = new Map<string, { version: Promise<GraphVersionRecord>; at: number }>();
  function latestVersion(graphId: string): Promise<GraphVersionRecord> {
    const hit = latest.get(graphId);
    if (hit && Date.now() - hit.at < VERSION_CACHE_MS) return hit.version;
    // Single flight: concurrent starts of one graph share one read.
    const version = graphs.latestVersion(graphId).then((v) => {
      if (!v) throw notFound('Graph', graphId);
      return v;
    });
    const entry = { version, at: Date.now() };
    latest.set(graphId, entry);
    version.catch(() => {
      if (latest.get(graphId) === entry) latest.delete(graphId);
    });
    return version;
  }

  function compile(version: GraphVersionRecord): CompiledGraph {
    let graph = compiled.get(version.id);
    if (!graph) {
      graph = compileGraphOrThrow(version.definition, tools);
      compiled.set(version.id, graph);
    }
    return graph;
  }

  function pump(): void {
    while (active.size < maxConcurrent && queue.length > 0 && accepting) {
      const job = queue.shift() as Job;
      void execute(job);
    }
  }

  async function execute(job: Job): Promise<void> {
    const controller = new AbortController();
    active.set(job.runId, { controller, graphId: job.graphId });
    graphOf.set(job.runId, job.graphId);
    try {
      await executeRun({
        runId: job.runId,
        graph: job.graph,
        input: job.input,
        sink: writer,
        history: job.history,
        signal: controller.signal,
      });
    } catch (err) {
      logger.error('run executor crashed', { runId: job.runId, err });
    } finally {
      active.delete(job.runId);
      writer.forget(job.runId);
      pump();
    }
  }

  function enqueue(job: Job): void {
    graphOf.set(job.runId, job.graphId);
    queue.push(job);
    // Never run the executor inside startRun's caller: the mutation returns first.
    setImmediate(pump);
  }

  async function loadHistory(runId: string): Promise<RunEvent[]> {
    const events: RunEvent[] = [];
    for (;;) {
      const page = await store.listEvents(runId, events.at(-1)?.seq ?? 0, 5_000);
      events.push(...page);
      if (page.length < 5_000) return events;
    }
  }

  const service: RunService = {
    owner,
    invalidateGraph: (graphId) => void latest.delete(graphId),
    isLocal: (runId) => graphOf.has(runId),
    async start(graphId, input) {
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
      const version = await latestVersion(graphId);
      const graph = compile(version);
      const state = (input ?? {}) as State;
      const createdAt = Date.now();
      const run: RunRecord = {
        id: uuidv7(createdAt),
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
      };
      // Stored with the next group commit (shared with other runs' events) before we return.
      await writer.createRun({
        id: run.id,
        graphId,
        graphVersionId: version.id,
        input: state,
        owner,
        createdAt,
      });
      enqueue({ runId: run.id, graphId, graph, input: state, history: [] });
      return run;
    },

    async cancel(runId) {
      const run = await store.getRun(runId);
      if (!run) throw notFound('Run', runId);
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
      const running = active.get(runId);
      if (running) running.controller.abort('cancelled by user');
      else {
        const index = queue.findIndex((j) => j.runId === runId);
        if (index < 0)
          throw new AppError(
            'RUN_NOT_ACTIVE',
            `Run "${runId}" is executed by another process; cancel it there.`,
          );
        const [job] = queue.splice(index, 1);
        writer.emit({
          runId,
          seq: (job?.history.at(-1)?.seq ?? 0) + 1,
          at: Date.now(),
          type: 'RUN_CANCELLED',
          data: { reason: 'cancelled by user before it started', state: job?.input ?? {} },
        });
      }
      await done;
      return (await store.getRun(runId)) ?? run;
    },

    async currentState(run) {
      if (run.state && !['QUEUED', 'RUNNING', 'WAITING'].includes(run.status)) return run.state;
      const version = await store.getGraphVersion(run.graphVersionId);
      if (!version) return run.state;
      const events = await loadHistory(run.id);
      if (events.length === 0) return run.input;
      return replayEvents(compile(version), events).state;
    },

    waitFor(runId) {
      if (!graphOf.has(runId)) return Promise.resolve();
      return new Promise((resolve) => {
        const list = waiters.get(runId) ?? [];
        list.push(resolve);
        waiters.set(runId, list);
      });
    },

    async resumeOrphans(all = false) {
      if (!accepting) return 0;
      const staleBefore = new Date(all ? Date.now() + 1 : Date.now() - leaseMs);
      let resumed = 0;
      for (;;) {
        const claimed = await store.claimOrphans(owner, staleBefore, 500);
        for (const { run, version } of claimed) {
          try {
            const history = await loadHistory(run.id);
            if (history.some((e) => TERMINAL_EVENT_TYPES.has(e.type))) continue;
            enqueue({
              runId: run.id,
              graphId: run.graphId,
              graph: compile(version),
              input: run.input,
              history,
            });
            resumed++;
          } catch (err) {
            logger.error('could not resume run', { runId: run.id, err });
          }
        }
        if (claimed.length < 500) break;
      }
      if (resumed > 0) logger.info('resumed runs', { count: resumed, owner });
      return resumed;
    },

    startBackground() {
      const beat = Math.max(100, Math.floor(leaseMs / 4));
      timers.push(
        setInterval(() => {
          store
            .heartbeat(owner, new Date())
            .catch((err) => logger.warn('heartbeat failed', { err }));
        }, beat),
        setInterval(
          () => {
            service.resumeOrphans().catch((err) => logger.warn('orphan scan failed', { err }));
          },
          Math.max(200, Math.floor(leaseMs / 2)),
        ),
      );
      for (const t of timers) t.unref();
    },

    async shutdown(graceMs = 3_000) {
      accepting = false;
      for (const t of timers.splice(0)) clearInterval(t);
      const deadline = Date.now() + graceMs;
      while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await writer.stop();
      // Whatever is still running stops here without recording an end: it resumes on next start.
      for (const { controller } of active.values()) controller.abort('server shutting down');
      await store.release(owner);
      bus.closeAll();
    },

    stats: () => ({ active: active.size, queued: queue.length, pendingEvents: writer.pending }),
  };
  return service;
}
