import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the gauges read when /metrics is scraped; each may be missing (an api-only process). */
export interface MetricSources {
  /** Runs in the database by status (every process's): the queue depth. */
  runsByStatus?(): Promise<Record<string, number>>;
  /** Runs this process executes and holds queued in memory. */
  processRuns?(): { executing: number; queued: number; pendingEvents: number };
  /** Remote workers connected to any server, and their slots. */
  workers?(): Promise<{ connected: number; slots: number }>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The Prometheus metrics of one process (prom-client), in their own registry: tests build
 * several apps in one process without their counters mixing. Names are listed in the README
 * ("Operating it: metrics").
 */
export function createMetrics(options: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'aef_' });
  const registers = [registry];
  let sources: MetricSources = {};
  const metrics = {
    registry,
    runsStarted: new Counter({
      name: 'aef_runs_started_total',
      help: 'Runs that started executing (RUN_STARTED stored), by graph id.',
      labelNames: ['graph'] as const,
      registers,
    }),
    runsFinished: new Counter({
      name: 'aef_runs_finished_total',
      help: 'Runs that ended, by graph id and final status.',
      labelNames: ['graph', 'status'] as const,
      registers,
    }),
    runDuration: new Histogram({
      name: 'aef_run_duration_seconds',
      help: 'From RUN_STARTED to the end of the run, by graph id and final status.',
      labelNames: ['graph', 'status'] as const,
      buckets: SECONDS,
      registers,
    }),
    nodeDuration: new Histogram({
      name: 'aef_node_duration_seconds',
      help: 'One node attempt, by graph id, node id and outcome (succeeded, failed).',
      labelNames: ['graph', 'node', 'outcome'] as const,
      buckets: SECONDS,
      registers,
    }),
    flushEvents: new Histogram({
      name: 'aef_event_writer_flush_events',
      help: 'Events stored per group commit.',
      buckets: [1, 5, 10, 50, 100, 500, 1000, 5000],
      registers,
    }),
    flushSeconds: new Histogram({
      name: 'aef_event_writer_flush_seconds',
      help: 'Duration of one group commit (retries included).',
      buckets: SECONDS,
      registers,
    }),
    databaseErrors: new Counter({
      name: 'aef_database_errors_total',
      help: 'Database operations that failed, by operation.',
      labelNames: ['operation'] as const,
      registers,
    }),
    subscriptions: new Gauge({
      name: 'aef_subscriptions_open',
      help: 'GraphQL subscriptions open on this process (graphql-ws and SSE).',
      registers,
    }),
    websockets: new Gauge({
      name: 'aef_websocket_connections',
      help: 'WebSocket connections open on this process.',
      registers,
    }),
    retentionRemoved: new Counter({
      name: 'aef_retention_runs_removed_total',
      help: 'Finished runs removed by the retention job, by action (deleted, compacted, purged).',
      labelNames: ['action'] as const,
      registers,
    }),
    /** Where the scrape-time gauges read from (set once the services exist). */
    setSources(s: MetricSources) {
      sources = s;
    },
  };
  new Gauge({
    name: 'aef_runs',
    help: 'Runs in the database by status (QUEUED, RUNNING, WAITING, PAUSED): the queue depth of every process.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      if (!sources.runsByStatus) return;
      this.reset();
      try {
        for (const [status, n] of Object.entries(await sources.runsByStatus()))
          this.set({ status }, n);
      } catch {
        metrics.databaseErrors.inc({ operation: 'metrics' });
      }
    },
  });
  new Gauge({
    name: 'aef_process_runs',
    help: 'Runs of this process: executing, queued in memory, and events waiting to be stored.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const p = sources.processRuns?.();
      if (!p) return;
      this.set({ state: 'executing' }, p.executing);
      this.set({ state: 'queued' }, p.queued);
      this.set({ state: 'pending_events' }, p.pendingEvents);
    },
  });
  const workers = { connected: 0, slots: 0 };
  const readWorkers = async () => {
    if (!sources.workers) return;
    try {
      Object.assign(workers, await sources.workers());
    } catch {
      metrics.databaseErrors.inc({ operation: 'metrics' });
    }
  };
  new Gauge({
    name: 'aef_workers_connected',
    help: 'Remote workers connected to any server.',
    registers,
    async collect() {
      await readWorkers();
      this.set(workers.connected);
    },
  });
  new Gauge({
    name: 'aef_worker_slots',
    help: 'Slots (tasks at once) of the connected remote workers.',
    registers,
    collect() {
      this.set(workers.slots);
    },
  });
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
