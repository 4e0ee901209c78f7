import type { IncomingMessage } from 'node:http';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from '../persistence/database.js';
import { createOpsQueries } from '../persistence/ops-queries.js';
import { createPrismaRetentionStore } from '../persistence/prisma-retention-store.js';
import type { Redactor } from '../redaction.js';
import { combineObservers, type RunObserver } from '../runs/observer.js';
import { createRetention, type Retention } from '../runs/retention.js';
import { createRunTracing } from '../runs/run-tracing.js';
import { createOpsEndpoint, isOpsRequest } from '../server/ops-endpoint.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createRunLog } from './run-log.js';
import { createRunMetrics } from './run-metrics.js';

/** What the composition root wires in: metrics, traces, the run log and the ops routes. */
export interface Operations {
  metrics: Metrics;
  /** For the run service's event writer. */
  observer: RunObserver;
  /** `/health`, `/ready`, `/metrics` for the HTTP server. */
  route: {
    matches(url: string | undefined): boolean;
    handle: ReturnType<typeof createOpsEndpoint>;
  };
  gauges: { subscriptions: { inc(): void; dec(): void }; websockets: { inc(): void; dec(): void } };
  /** Continues the request's W3C traceparent (when tracing). */
  traced: ((req: IncomingMessage, handle: () => void) => void) | undefined;
  /** The retention job, purgeGraph and per-graph retention (RETENTION_*). */
  retention: Retention;
  /** The services the scrape-time gauges read. */
  attach(runs: { stats(): { active: number; queued: number; pendingEvents: number } }): void;
  /** From now on /ready answers 503 (shutting down). */
  stopping(): void;
}

export function createOperations(o: {
  config: Config;
  db: Database;
  logger: Logger;
  redactor: Redactor;
  /** Trace runs whatever OTEL_* say (a test registering its own SDK). */
  tracing?: boolean | undefined;
}): Operations {
  const queries = createOpsQueries(o.db);
  const metrics = createMetrics();
  const tracing = o.tracing ?? o.config.ops.tracing;
  let shuttingDown = false;
  const lookup = async (runId: string) => {
    const run = await o.db.prisma.run.findUnique({
      where: { id: runId },
      select: { graphId: true, startedAt: true },
    });
    return run ? { graphId: run.graphId, startedAt: run.startedAt?.getTime() ?? null } : null;
  };
  const observer = combineObservers(
    // Tracing first: the events the others see carry their span ids.
    tracing ? createRunTracing() : undefined,
    createRunMetrics(metrics, lookup),
    createRunLog(o.logger),
  );
  const handle = createOpsEndpoint({
    notReady: async () => {
      if (shuttingDown) return 'shutting down';
      try {
        return await queries.notReady();
      } catch (err) {
        metrics.databaseErrors.inc({ operation: 'ready' });
        return `database: ${o.redactor.text((err as Error)?.message ?? String(err))}`;
      }
    },
    ...(o.config.ops.metrics ? { metrics: metrics.registry } : {}),
  });
  const retention = createRetention({
    store: createPrismaRetentionStore(o.db),
    logger: o.logger,
    defaultDays: o.config.ops.retention.days,
    mode: o.config.ops.retention.mode,
    batch: o.config.ops.retention.batch,
    removed: (action, n) => metrics.retentionRemoved.inc({ action }, n),
  });
  return {
    metrics,
    observer,
    retention,
    route: { matches: isOpsRequest, handle },
    gauges: { subscriptions: metrics.subscriptions, websockets: metrics.websockets },
    traced: tracing
      ? (req, next) => context.with(propagation.extract(ROOT_CONTEXT, req.headers), next)
      : undefined,
    attach(runs) {
      metrics.setSources({
        runsByStatus: queries.runsByStatus,
        workers: queries.workers,
        processRuns: () => {
          const s = runs.stats();
          return { executing: s.active, queued: s.queued, pendingEvents: s.pendingEvents };
        },
      });
    },
    stopping() {
      shuttingDown = true;
    },
  };
}
