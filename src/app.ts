import type { AddressInfo } from 'node:net';
import { buildTools } from './app-tools.js';
import { type ApiKeys, createApiKeys } from './auth/api-keys.js';
import { createAuthenticator } from './auth/authenticate.js';
import type { ChatGraphOptions } from './chat/index.js';
import { createChatEndpoint, isChatRequest } from './chat/index.js';
import type { Config } from './config.js';
import type { GraphDef, Tool } from './engine/index.js';
import { createEvalService } from './evals/eval-service.js';
import { seedExamples } from './examples/seed.js';
import { createConsoleLogger, type Logger, redactingLogger } from './logger.js';
import type { McpToolProvider } from './mcp/client/index.js';
import { createMcpEndpoint, createPrismaGraphCatalog, isMcpRequest } from './mcp/endpoint/index.js';
import { createJsonLogger } from './observability/json-logger.js';
import type { Metrics } from './observability/metrics.js';
import { createOperations } from './observability/operations.js';
import { type Database, openDatabase, providerOf } from './persistence/database.js';
import { createPrismaApiKeyStore } from './persistence/prisma-api-key-store.js';
import { createPrismaEvalStore } from './persistence/prisma-eval-store.js';
import { createPrismaGraphStore } from './persistence/prisma-graph-store.js';
import { createPrismaHeldRunStore } from './persistence/prisma-held-runs.js';
import { createPrismaRunStore } from './persistence/prisma-run-store.js';
import { createPrismaScheduleStore } from './persistence/prisma-schedule-store.js';
import { createPrismaSqlClient } from './persistence/prisma-sql-client.js';
import { createPrismaStartKeyStore } from './persistence/prisma-start-keys.js';
import { createPrismaTaskStore } from './persistence/prisma-task-store.js';
import { createPrismaThreadStore } from './persistence/prisma-thread-store.js';
import { createPrismaWebhookStore } from './persistence/prisma-webhook-store.js';
import { createPrismaWorkerStore } from './persistence/prisma-worker-store.js';
import { createRunBus } from './pubsub/run-bus.js';
import { createRedactor } from './redaction.js';
import { createGraphService, type GraphService } from './runs/graph-service.js';
import { createInstance } from './runs/instance.js';
import type { RunEventBus, RunStore } from './runs/ports.js';
import type { Retention } from './runs/retention.js';
import { createRunService, type RunService } from './runs/run-service.js';
import { createSubgraphTool } from './runs/subgraph-tool.js';
import { limitToolValues } from './runs/value-limits.js';
import { getSchema } from './schema/index.js';
import { createHttpServer, type HttpServer } from './server/create-server.js';
import { createDashboardRoute } from './server/dashboard.js';
import { createRateLimiter } from './server/rate-limit.js';
import { createWebhookEndpoint, isHookRequest } from './server/webhook-endpoint.js';
import { createThreadService } from './threads/thread-service.js';
import { createScheduleService, type ScheduleService } from './triggers/schedule-service.js';
import { createWebhookService, type WebhookService } from './triggers/webhook-service.js';
import { createWorkerService, type WorkerService } from './workers/worker-service.js';

export const VERSION = '0.1.0';

export interface App {
  config: Config;
  db: Database;
  yoga: HttpServer['yoga'];
  http: HttpServer['http'];
  graphs: GraphService;
  runs: RunService;
  schedules: ScheduleService;
  webhooks: WebhookService;
  apiKeys: ApiKeys;
  store: RunStore;
  bus: RunEventBus;
  logger: Logger;
  /** The MCP servers of MCP_CONFIG, when there is one. */
  mcp: McpToolProvider | undefined;
  /** Remote workers and their tasks. */
  workers: WorkerService;
  /** The Prometheus registry and instruments served at /metrics. */
  metrics: Metrics;
  /** The retention job, purgeGraph and per-graph retention. */
  retention: Retention;
  /** Listens (port 0 picks a free one), resumes orphaned runs, starts heartbeats. */
  start(port?: number): Promise<{ port: number; url: string }>;
  /** SIGTERM path: stop taking runs, close subscriptions, store what is buffered. */
  stop(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  /**
   * The example domains. `false`: neither their tools nor their graphs; `true` (default): both,
   * graphs seeded when `config.seedExamples`; a list: the example tools, and these graphs seeded.
   */
  examples?: boolean | readonly GraphDef[];
  /** Your tools, registered beside the generic (and example) tools; a name taken throws. */
  tools?: Iterable<Tool<unknown>>;
  owner?: string;
  /** Trace runs (spans through @opentelemetry/api) even when no OTEL_* variable is set. */
  tracing?: boolean;
  /** The chat transport (README "Chat UIs"): per graph name, its input key (default `message`). */
  chat?: Record<string, ChatGraphOptions>;
}

/** The composition root: the only module that knows every layer. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  // One redactor from config: the logger and the run service's event writer both apply it.
  const redactor = createRedactor(config.secrets);
  const logger = options.logger
    ? redactingLogger(options.logger, redactor)
    : config.ops.logFormat === 'json'
      ? createJsonLogger(config.logLevel, redactor)
      : createConsoleLogger(config.logLevel, redactor);
  const examples = options.examples ?? true;
  // Tools first: a bad tool module stops the start before the database is touched.
  // The data-pipeline example stores into this database (opened below, before any run).
  const sql = createPrismaSqlClient(providerOf(config.databaseUrl), () => db);
  const { tools, mcp } = await buildTools(
    config,
    options,
    examples !== false,
    logger,
    redactor,
    VERSION,
    // Tools run only after start, when `db` is open and `runs` made.
    { database: () => sql, tenantOf: (runId) => runs.tenantOf(runId) },
    sql,
  );
  const db = await openDatabase(config.databaseUrl, {
    busyTimeoutMs: config.sqliteBusyTimeoutMs,
  }).catch(async (err: unknown) => {
    await mcp?.close(); // no stdio children left behind when the start fails here
    throw err;
  });
  if (db.migrations.applied.length > 0)
    logger.info('applied migrations', { migrations: db.migrations.applied });
  const ops = createOperations({ config, db, logger, redactor, tracing: options.tracing });
  const store = createPrismaRunStore(db);
  const graphStore = createPrismaGraphStore(db);
  // Sub-graph nodes run through the run service (made below; the tool runs only after start).
  tools.register(createSubgraphTool({ runs: () => runs, graphs: graphStore }));
  const threads = createThreadService({
    store: createPrismaThreadStore(db),
    maxValueBytes: config.ops.maxValueBytes,
    runOf: (runId) => store.getRun(runId),
  });
  // The Redis client is loaded only when there is a REDIS_URL.
  const bus: RunEventBus & { close?: () => Promise<void> } = config.redisUrl
    ? await (await import('./pubsub/redis-run-bus.js')).createRedisRunBus(config.redisUrl, logger)
    : createRunBus();
  const runs = createRunService({
    store,
    graphs: graphStore,
    // Tools' outputs, log lines and custom payloads are held to MAX_VALUE_BYTES.
    tools: limitToolValues(tools, config.ops.maxValueBytes),
    maxValueBytes: config.ops.maxValueBytes,
    bus,
    logger,
    maxConcurrentRuns: config.maxConcurrentRuns,
    leaseMs: config.runLeaseMs,
    instance: createInstance(config.instanceId),
    recoveryLimit: config.recoveryLimit,
    recovery: config.recovery,
    resumeBatch: config.resumeBatch,
    resumeIntervalMs: config.resumeIntervalMs,
    startTimeoutMs: config.startTimeoutMs,
    startKeys: createPrismaStartKeyStore(db),
    held: createPrismaHeldRunStore(db),
    idempotencyWindowMs: config.idempotencyWindowMs,
    redactor,
    observer: ops.observer,
    threads,
    // ROLE=api: runs are stored ownerless for the worker processes; none executes here.
    execute: config.ops.role !== 'api',
    ...(options.owner ? { owner: options.owner } : {}),
  });
  ops.attach(runs);
  const workers = createWorkerService({
    tasks: createPrismaTaskStore(db),
    workers: createPrismaWorkerStore(db),
    registry: tools,
    tenantOf: (runId) => runs.tenantOf(runId),
    owner: runs.owner,
    logger,
    ...config.workers,
  });
  // Worker tools registered before (by any server): graphs naming them validate with no worker.
  await workers.loadTools();
  const graphs = createGraphService(graphStore, tools, (graphId, change) =>
    runs.invalidateGraph(graphId, change),
  );
  const evals = createEvalService({
    store: createPrismaEvalStore(db),
    runs,
    graphs: graphStore,
    logger,
  });
  if (config.seedExamples && examples !== false)
    await seedExamples(graphs, examples === true ? undefined : examples, config, logger);
  const schedules = createScheduleService({
    store: createPrismaScheduleStore(db),
    graphs: graphStore,
    runs,
    logger,
  });
  let stopTicking: (() => Promise<void>) | undefined;
  const webhooks = createWebhookService({
    store: createPrismaWebhookStore(db),
    graphs: graphStore,
    runs,
    logger,
    toleranceMs: config.webhookToleranceMs,
  });
  const { retention } = ops;
  // Threads idle for RETENTION_DAYS whose runs are all gone go after the runs' pass.
  retention.follow(async (now) => {
    const n = await threads.expire(config.ops.retention.days, config.ops.retention.batch, now);
    if (n > 0) logger.info('retention removed idle threads', { threads: n });
  });
  const apiKeys = createApiKeys(createPrismaApiKeyStore(db));
  if (config.auth.openOnNetwork)
    logger.warn(
      `AUTH=none on ${config.host}: anyone who can reach the port can read and run everything.`,
    );
  const rateLimiter = await createRateLimiter(config.rateLimits, {
    redisUrl: config.redisUrl,
    logger,
  });
  const authenticate = createAuthenticator(config.auth, apiKeys);
  const mcpEndpoint = createMcpEndpoint({
    authenticate,
    catalog: createPrismaGraphCatalog(db.prisma),
    runs,
    logger,
    version: VERSION,
    maxBodyBytes: config.limits.maxBodyBytes,
    corsOrigins: config.limits.corsOrigins,
  });
  const dashboard = createDashboardRoute();
  const chat = createChatEndpoint({
    authenticate,
    graphs: graphStore,
    runs,
    threads,
    logger,
    maxBodyBytes: config.limits.maxBodyBytes,
    corsOrigins: config.limits.corsOrigins,
    rateLimiter,
    ...(options.chat ? { inputs: options.chat } : {}),
    page: (req, res) => dashboard.handle(req, res),
  });
  const server = createHttpServer({
    schema: getSchema(),
    authenticate,
    ops: ops.route,
    serveApi: config.ops.role !== 'worker',
    gauges: ops.gauges,
    ...(ops.traced ? { traced: ops.traced } : {}),
    mcp: { matches: isMcpRequest, handle: mcpEndpoint },
    dashboard,
    chat: { matches: isChatRequest, handle: chat },
    hooks: {
      matches: isHookRequest,
      handle: createWebhookEndpoint({
        hooks: webhooks,
        maxBodyBytes: config.limits.maxBodyBytes,
        logger,
        rateLimiter,
      }),
    },
    context: {
      prisma: db.prisma,
      provider: db.provider,
      version: VERSION,
      startedAt: new Date(),
      graphs,
      runs,
      schedules,
      webhooks,
      apiKeys,
      tools,
      workers,
      retention,
      threads,
      evals,
    },
    logger,
    devErrors: config.devErrors,
    limits: config.limits,
    rateLimiter,
  });

  let started = false;
  let mcpRetry: NodeJS.Timeout | undefined;
  let queuePoll: NodeJS.Timeout | undefined;
  const resume = () => {
    runs.resumeOrphans().catch((err) => logger.warn('resuming runs failed', { err }));
  };
  /** MCP servers that failed to start are tried again; their tools join the registry. */
  const retryMcp = async () => {
    for (const tool of (await mcp?.retryFailed()) ?? [])
      if (!tools.has(tool.name)) tools.register(tool);
  };
  return {
    config,
    db,
    yoga: server.yoga,
    http: server.http,
    graphs,
    runs,
    schedules,
    webhooks,
    apiKeys,
    store,
    bus,
    logger,
    mcp,
    workers,
    metrics: ops.metrics,
    retention,
    async start(port = config.port) {
      await new Promise<void>((resolve, reject) => {
        server.http.once('error', reject);
        server.http.listen(port, config.host, () => resolve());
      });
      started = true;
      // Listening first, resuming after (paced, in the background): a run that kills the process
      // cannot keep the API from answering. Runs of this instance's previous boots are taken at
      // once; a live process's runs (SQLite or PostgreSQL alike) only once its lease lapses.
      // ROLE=api executes nothing; a worker also polls for the runs API servers store ownerless.
      const executes = config.ops.role !== 'api';
      if (executes) runs.startBackground();
      // Evals a stopped server left RUNNING go on (the runs they started are found again).
      void evals.resumeRunning().catch((err) => logger.warn('resuming evals failed', { err }));
      if (config.ops.role === 'worker') queuePoll = setInterval(resume, config.ops.queuePollMs);
      queuePoll?.unref();
      workers.start();
      if (mcp && config.mcpRetryMs > 0 && mcp.servers().some((m) => m.status === 'failed')) {
        mcpRetry = setInterval(() => {
          retryMcp().catch((err) => logger.warn('retrying MCP servers failed', { err }));
        }, config.mcpRetryMs);
        mcpRetry.unref();
      }
      if (executes && config.ops.retention.intervalMs > 0)
        retention.start(config.ops.retention.intervalMs);
      if (config.schedulerIntervalMs > 0)
        stopTicking = schedules.startTicking(config.schedulerIntervalMs);
      if (executes) setImmediate(resume);
      const actual = (server.http.address() as AddressInfo).port;
      return { port: actual, url: `http://${config.host}:${actual}/graphql` };
    },
    async stop() {
      ops.stopping();
      clearInterval(mcpRetry);
      clearInterval(queuePoll);
      workers.quiesce();
      await stopTicking?.();
      await retention.stop();
      await runs.shutdown(config.shutdownGraceMs);
      await workers.stop();
      // The bus is closed: let subscriptions send their `complete` before sockets close.
      await new Promise((r) => setTimeout(r, 50));
      if (started) await server.close();
      await bus.close?.();
      await rateLimiter.close();
      await mcp?.close();
      await db.close();
    },
  };
}
