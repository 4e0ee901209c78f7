import type { Logger } from '../logger.js';
import type { LocalRuns } from './local-runs.js';
import type { RunStore } from './ports.js';
import type { Job, RunPool } from './run-pool.js';

export interface GraphHoldDeps {
  store: RunStore;
  pool: RunPool;
  local: LocalRuns;
  logger: Logger;
  /** Queues a job again (it could not be handed back). */
  requeue(job: Job): void;
  /** Claims held and ownerless runs now (unpauseGraph), not at the next scan. */
  kick(): void;
}

/**
 * pauseGraph in this process: the graph's runs queued here that never started leave the pool
 * and go back to the store ownerless, where no server claims them until the graph is unpaused.
 * (Runs queued on other servers start as they were; forks and retries, which start from a
 * copied history, too.)
 */
export function createGraphHold(deps: GraphHoldDeps) {
  const { store, pool, local, logger } = deps;
  async function holdQueued(graphId: string): Promise<void> {
    const jobs = pool.dequeueWhere((j) => j.graphId === graphId && j.history.length === 0);
    if (jobs.length === 0) return;
    let given = new Set<string>();
    try {
      given = new Set(await store.handBack(jobs.map((j) => j.runId)));
    } catch (err) {
      logger.warn('could not hold the queued runs of a paused graph; they start', { graphId, err });
    }
    for (const job of jobs) {
      if (given.has(job.runId)) local.settle(job.runId);
      else deps.requeue(job);
    }
  }
  /** A graph was paused (hold what is queued here) or unpaused (claim its runs at once). */
  return (graphId: string, change: 'paused' | 'unpaused'): void => {
    if (change === 'paused') void holdQueued(graphId);
    else deps.kick();
  };
}
