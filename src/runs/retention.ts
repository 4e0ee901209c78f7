import { AppError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Port: what the retention job needs of storage. Finished runs only (an active run is never
 * touched); every method works in one bounded batch, so a large backlog never becomes one long
 * transaction holding the database.
 */
export interface RetentionStore {
  /**
   * Up to `limit` ids of finished runs past their graph's retention (a graph's retentionDays;
   * null: `defaultDays`; 0: kept forever), oldest first; `compact`: only runs not compacted yet.
   */
  expiredRuns(defaultDays: number, now: Date, limit: number, compact: boolean): Promise<string[]>;
  /** Deletes the runs with their events and node rows; returns how many were deleted. */
  deleteRuns(ids: readonly string[]): Promise<number>;
  /** Keeps each run's row, node rows, RUN_STARTED and final event; deletes its other events. */
  compactRuns(ids: readonly string[]): Promise<number>;
  /** The graph's tenant and whether it is archived; null when there is no such graph. */
  graphState(graphId: string): Promise<{ tenantId: string; archived: boolean } | null>;
  /** Up to `limit` run ids of the graph, finished ones first. */
  runsOf(graphId: string, limit: number): Promise<string[]>;
  /** Deletes the graph row (versions, schedules, triggers go with it). */
  deleteGraph(graphId: string): Promise<void>;
  /** Sets a graph's retention (null: the default); false when it does not exist. */
  setRetention(graphId: string, days: number | null): Promise<boolean>;
  /** Gives freed pages back to the file system (SQLite incremental vacuum; no-op elsewhere). */
  reclaim(): Promise<void>;
}

export interface RetentionOptions {
  store: RetentionStore;
  logger: Logger;
  /** RETENTION_DAYS: finished runs older than this are removed (0: kept forever). */
  defaultDays: number;
  /** RETENTION_MODE: delete the runs, or compact them (events reduced to start and end). */
  mode: 'delete' | 'compact';
  /** Runs per batch (RETENTION_BATCH). */
  batch: number;
  /** Told how many runs each batch removed, by action (the metric). */
  removed?(action: 'deleted' | 'compacted' | 'purged', count: number): void;
}

const pause = () => new Promise((r) => setTimeout(r, 5));

/** The retention job, the purge of archived graphs, and per-graph retention settings. */
export function createRetention(o: RetentionOptions) {
  let running: Promise<number> | null = null;
  let timer: NodeJS.Timeout | undefined;
  /** Passes over other data, after the runs' (threads: see src/threads). */
  const followers: Array<(now: Date) => Promise<unknown>> = [];

  async function pass(now: Date): Promise<number> {
    let total = 0;
    const compact = o.mode === 'compact';
    for (;;) {
      const ids = await o.store.expiredRuns(o.defaultDays, now, o.batch, compact);
      if (ids.length === 0) break;
      const n = compact ? await o.store.compactRuns(ids) : await o.store.deleteRuns(ids);
      o.removed?.(compact ? 'compacted' : 'deleted', n);
      total += n;
      if (ids.length < o.batch) break;
      await pause(); // other writers get the database between batches
    }
    if (total > 0) {
      await o.store.reclaim();
      o.logger.info('retention removed finished runs', { runs: total, mode: o.mode });
    }
    for (const follow of followers) await follow(now);
    return total;
  }

  return {
    /** Adds a pass run after each pass over runs (with the same `now`). */
    follow(pass: (now: Date) => Promise<unknown>): void {
      followers.push(pass);
    },
    /** One pass over every graph, batch after batch; returns the runs removed (one pass at a time). */
    runOnce(now = new Date()): Promise<number> {
      running ??= pass(now).finally(() => {
        running = null;
      });
      return running;
    },
    /** Runs a pass every `intervalMs` (and one soon after the start). */
    start(intervalMs: number): void {
      const tick = () =>
        void this.runOnce().catch((err) => o.logger.warn('retention pass failed', { err }));
      timer = setInterval(tick, intervalMs);
      timer.unref();
      setTimeout(tick, Math.min(intervalMs, 5_000)).unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await running?.catch(() => {});
    },
    /**
     * Removes an archived graph with every run and event, in batches; PURGE_NOT_ARCHIVED for a
     * graph that is not archived (deleteGraph first: purging is the explicit second step).
     */
    async purgeGraph(graphId: string, tenantId: string): Promise<number> {
      const graph = await o.store.graphState(graphId);
      if (!graph || graph.tenantId !== tenantId) throw notFound('Graph', graphId);
      if (!graph.archived)
        throw new AppError(
          'GRAPH_NOT_ARCHIVED',
          `Graph "${graphId}" is not archived; deleteGraph archives it, then purgeGraph removes its data.`,
          { id: graphId },
        );
      let total = 0;
      for (;;) {
        const ids = await o.store.runsOf(graphId, o.batch);
        if (ids.length === 0) break;
        const n = await o.store.deleteRuns(ids);
        // Only active runs are left (deleteRuns keeps them): never delete a run under way.
        if (n === 0)
          throw new AppError(
            'GRAPH_HAS_ACTIVE_RUNS',
            `Graph "${graphId}" still has runs in progress; cancel them or wait for them to finish, then purge it.`,
            { id: graphId },
          );
        total += n;
        await pause();
      }
      await o.store.deleteGraph(graphId);
      o.removed?.('purged', total);
      await o.store.reclaim();
      o.logger.info('purged archived graph', { graphId, runs: total });
      return total;
    },
    async setRetention(graphId: string, tenantId: string, days: number | null): Promise<void> {
      if (days !== null && (!Number.isInteger(days) || days < 0))
        throw new AppError(
          'BAD_USER_INPUT',
          `retentionDays must be a whole number ≥ 0 or null, got ${days}.`,
        );
      const graph = await o.store.graphState(graphId);
      if (!graph || graph.tenantId !== tenantId || graph.archived) throw notFound('Graph', graphId);
      await o.store.setRetention(graphId, days);
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
