import type { CompiledGraph, RunBudget, State, ToolServices } from '../engine/index.js';
import { AppError, notFound } from '../errors.js';
import { uuidv7 } from '../ids.js';
import type { Logger } from '../logger.js';
import type { ConcurrencyRule } from './concurrency.js';
import type { EventWriter } from './event-writer.js';
import type { GraphVersions } from './graph-versions.js';
import { createIdempotency } from './idempotency.js';
import type { RunRecord, RunStore, StartKeyStore } from './ports.js';
import type { Job } from './run-pool.js';
import { databaseUnavailable, runBudget, runInput, withDeadline } from './start-checks.js';
import { checkInputSize } from './value-limits.js';

/** How a run is started, beyond its graph and input. */
export interface StartOptions {
  /** The graph version to run (default: the latest). */
  version?: number | null;
  /** A repeated key (per tenant and graph) within the idempotency window returns the same run. */
  idempotencyKey?: string | null;
  /**
   * Runs with the same key wait for each other (stored held, released when the older ends):
   * set by schedules (`schedule:<id>`); without it a graph's concurrency policy applies.
   */
  concurrency?: ConcurrencyRule | null;
  /** A sub-graph node's child run: the parent run it belongs to. */
  parentRunId?: string | null;
  /** This run's budget, over the graph's `limits.budget` (field by field). */
  budget?: RunBudget | undefined;
  /** The thread the run belongs to (created on first use; see src/threads). */
  threadId?: string | null;
}

/** Port: threads as the run service needs them (src/threads/thread-service.ts implements it). */
export interface RunThreads {
  /** Throws INVALID_THREAD_ID for a malformed id. */
  checkThreadId(threadId: string): string;
  /** Records the new run on the thread (created on first use), before the run is stored. */
  join(tenantId: string, threadId: string, runId: string): Promise<unknown>;
  /** A fork or retry joins its source's thread, seeing the same history. */
  inherit(run: RunRecord): Promise<void>;
  /** ctx.thread and ctx.memory of a run's tools. */
  servicesFor(run: RunRecord): ToolServices;
}

/**
 * What a start decided: a new run with its job, or (`existing`) the run an idempotency key
 * already names (nothing was created).
 */
export type Started =
  | {
      existing: false;
      record: RunRecord;
      job: Job;
      concurrency: ConcurrencyRule | null;
      /** Its graph is paused: stored QUEUED without an owner, for a server to claim on unpause. */
      paused: boolean;
    }
  | { existing: true; record: RunRecord };

export interface StarterDeps {
  store: RunStore;
  writer: EventWriter;
  versions: GraphVersions;
  logger: Logger;
  /** null: runs are stored without an owner, for a worker process to claim (ROLE=api). */
  owner: string | null;
  startTimeoutMs: number;
  startKeys?: StartKeyStore | undefined;
  idempotencyWindowMs: number;
  /** An input value above this many bytes of JSON is refused (VALUE_TOO_LARGE). */
  maxValueBytes?: number;
  /** Threads: startRun(threadId) joins one before the run is stored. */
  threads?: RunThreads | undefined;
  /** The concurrency rule of a new run of this graph version (its policy over the input), if any. */
  concurrencyOf?(graphId: string, graph: CompiledGraph, input: State): ConcurrencyRule | null;
}

const MAX_KEY_LENGTH = 255;

function checkOptions(options: StartOptions, threads: RunThreads | undefined): void {
  if (options.threadId !== undefined && options.threadId !== null) {
    if (!threads)
      throw new AppError(
        'BAD_USER_INPUT',
        'This server does not keep threads: leave threadId out.',
      );
    threads.checkThreadId(options.threadId);
  }
  const problems: string[] = [];
  const { version, idempotencyKey } = options;
  if (version !== undefined && version !== null && !(Number.isInteger(version) && version >= 1))
    problems.push(`version must be a whole number from 1 (got ${version})`);
  if (
    idempotencyKey !== undefined &&
    idempotencyKey !== null &&
    (idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY_LENGTH)
  )
    problems.push(`idempotencyKey must have 1 to ${MAX_KEY_LENGTH} characters`);
  if (problems.length > 0)
    throw new AppError('BAD_USER_INPUT', `${problems.join('; ')}.`, { problems });
}

/**
 * startRun's decisions: which version, whether an idempotency key already names a run, and the
 * new run stored (QUEUED, with the next group commit) before it is handed to the pool.
 */
export function createStarter(deps: StarterDeps) {
  const { writer, versions, logger, owner, startTimeoutMs } = deps;
  const unavailable = () => databaseUnavailable(startTimeoutMs);
  const idempotency = deps.startKeys
    ? createIdempotency({
        keys: deps.startKeys,
        store: deps.store,
        windowMs: deps.idempotencyWindowMs,
        // A duplicate waits for the first start's run at most half of startRun's deadline.
        waitMs: Math.floor(startTimeoutMs / 2),
        unavailable,
      })
    : undefined;

  async function pick(graphId: string, tenantId: string, version: number | null | undefined) {
    const picked =
      version === undefined || version === null
        ? await versions.latest(graphId)
        : await versions.numbered(graphId, version);
    if (picked.tenantId !== tenantId) throw notFound('Graph', graphId);
    return picked;
  }

  async function start(
    graphId: string,
    input: unknown,
    tenantId: string,
    options: StartOptions = {},
  ): Promise<Started> {
    checkOptions(options, deps.threads);
    const state = runInput(input);
    const budget = runBudget(options.budget);
    if (deps.maxValueBytes) checkInputSize(state, deps.maxValueBytes);
    const createdAt = Date.now();
    const id = uuidv7(createdAt);
    let gaveUp = false;
    let creating = false;
    const key = options.idempotencyKey
      ? { tenantId, graphId, key: options.idempotencyKey }
      : undefined;
    let claimed = false;
    const create = async () => {
      const [version, paused] = await Promise.all([
        pick(graphId, tenantId, options.version),
        versions.isPaused(graphId),
      ]);
      const graph = versions.compile(version);
      const concurrency =
        options.concurrency ?? deps.concurrencyOf?.(graphId, graph, state) ?? null;
      const concurrencyKey = concurrency?.key ?? null;
      if (key && idempotency) {
        const existing = await idempotency.claim(key, id, state, options.version ?? null);
        if (existing) return { existing };
        claimed = true;
      }
      if (gaveUp) return null;
      // Before the run row: a run on a thread never executes without it (a run that then fails
      // to be stored leaves a link to nothing, which retention ignores).
      if (options.threadId && deps.threads) await deps.threads.join(tenantId, options.threadId, id);
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
          owner: paused ? null : owner,
          createdAt,
          concurrencyKey,
          held: concurrencyKey !== null,
          ...(options.parentRunId ? { parentRunId: options.parentRunId, origin: 'CHILD' } : {}),
        })
        .catch((err) => {
          logger.warn('could not store a new run', { err });
          throw unavailable();
        });
      return { version, graph, concurrency, paused };
    };
    const created = await withDeadline(
      create().catch(async (err: unknown) => {
        if (claimed && key && idempotency) await idempotency.release(key, id);
        throw err;
      }),
      startTimeoutMs,
    );
    if (created === 'timeout' || created === null) {
      gaveUp = true;
      // Never half-created: out of the batch, or deleted if a commit under way stores it.
      if (creating) writer.abandon(id);
      if (key && idempotency) void idempotency.release(key, id).catch(() => {});
      throw unavailable();
    }
    if ('existing' in created && created.existing)
      return { existing: true, record: created.existing };
    const { version, graph, concurrency, paused } = created;
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
      concurrencyKey: concurrency?.key ?? null,
      held: concurrency !== null,
      parentRunId: options.parentRunId ?? null,
      origin: options.parentRunId ? 'CHILD' : null,
    };
    return {
      record,
      job: { runId: id, graphId, graph, input: state, history: [], budget },
      existing: false,
      concurrency,
      paused,
    };
  }

  return {
    start,
    /** Gives up the start's idempotency key, if it had one (its run was refused after all). */
    async releaseKey(record: RunRecord, options: StartOptions): Promise<void> {
      if (!options.idempotencyKey || !idempotency) return;
      const key = {
        tenantId: record.tenantId,
        graphId: record.graphId,
        key: options.idempotencyKey,
      };
      await idempotency.release(key, record.id).catch(() => {});
    },
  };
}
