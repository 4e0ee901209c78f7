import type { Logger } from '../logger.js';
import type { RunObserver, TracedEvent } from '../runs/observer.js';

/**
 * Run lifecycle in the process log, once stored: `run started`, and `run finished` or `run failed`
 * (status; the error's code and message when it failed, at info: a failed run is the user's to look at, not
 * the operator's), with the run's trace id when traced.
 */
export function createRunLog(logger: Logger): RunObserver {
  return {
    flushed(batch, _ms, error) {
      if (error !== undefined) return;
      for (const e of batch.events as TracedEvent[]) {
        const trace = e.traceId ? { traceId: e.traceId } : {};
        switch (e.type) {
          case 'RUN_STARTED':
            logger.info('run started', { runId: e.runId, ...trace });
            break;
          case 'RUN_SUCCEEDED':
          case 'RUN_CANCELLED':
            logger.info('run finished', { runId: e.runId, status: e.type.slice(4), ...trace });
            break;
          case 'RUN_FAILED':
            logger.info('run failed', {
              runId: e.runId,
              status: 'FAILED',
              ...(e.data.error.nodeId ? { nodeId: e.data.error.nodeId } : {}),
              error: { code: e.data.error.code, message: e.data.error.message },
              ...trace,
            });
            break;
          default:
        }
      }
    },
  };
}
