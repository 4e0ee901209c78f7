import { createGraphHold } from './graph-hold.js';
import { createPauser, type PauseDeps } from './pause-run.js';
import type { RunInboxes } from './run-inboxes.js';
import type { RunPool } from './run-pool.js';

export interface PauseControlDeps extends Omit<PauseDeps, 'pauseHere'> {
  pool: RunPool;
  inboxes: RunInboxes;
  accepting(): boolean;
  /** Claims ownerless runs and releases held ones now (unpauseGraph), not at the next scan. */
  claimNow(): Array<Promise<unknown> | undefined>;
}

/** The run service's pause side: pauseRun / unpauseRun, and what pauseGraph does here. */
export function createPauseControls(deps: PauseControlDeps) {
  const { pool, inboxes } = deps;
  const pauser = createPauser({ ...deps, pauseHere: (runId, reason) => pool.pause(runId, reason) });
  const graphChanged = createGraphHold({
    ...deps,
    requeue: (job) => pool.enqueue({ ...job, inbox: inboxes.open(job.runId) }),
    kick() {
      if (!deps.accepting()) return;
      for (const pass of deps.claimNow())
        pass?.catch((err) => deps.logger.warn('claiming runs failed', { err }));
    },
  });
  return { pauser, graphChanged };
}
