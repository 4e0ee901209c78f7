import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { GraphDef } from './engine/index.js';
import type { Tool } from './engine/tool.js';
import { exampleGraphs } from './examples/index.js';
import { createConsoleLogger, type Logger } from './logger.js';
import { type Database, openDatabase } from './persistence/database.js';
import { createPrismaGraphStore } from './persistence/prisma-graph-store.js';
import { createPrismaRunStore } from './persistence/prisma-run-store.js';
import { createRedisRunBus } from './pubsub/redis-run-bus.js';
import { createRunBus } from './pubsub/run-bus.js';
import { createGraphService, type GraphService } from './runs/graph-service.js';
import type { RunEventBus, RunStore } from './runs/ports.js';
import { createRunService, type RunService } from './runs/run-service.js';
import { getSchema } from './schema/index.js';
import { createHttpServer, type HttpServer } from './server/create-server.js';
import { createBuiltinRegistry } from './tools/index.js';
import { loadToolModules, registerToolModules } from './tools/load-modules.js';

export const VERSION = '0.1.0';

export interface App {
  config: Config;
  db: Database;
  yoga: HttpServer['yoga'];
  http: HttpServer['http'];
  graphs: GraphService;
  runs: RunService;
  store: RunStore;
  bus: RunEventBus;
  logger: Logger;
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
}

/** The composition root: the only module that knows every layer. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createConsoleLogger(config.logLevel);
  const examples = options.examples ?? true;
  // Tools first: a bad tool module stops the start before the database is touched.
  const tools = createBuiltinRegistry({ tools: options.tools ?? [], examples: examples !== false });
  registerToolModules(tools, await loadToolModules(config.toolModules ?? []));
  const db = await openDatabase(config.databaseUrl);
  if (db.migrations.applied.length > 0)
    logger.info('applied migrations', { migrations: db.migrations.applied });
  const store = createPrismaRunStore(db);
  const graphStore = createPrismaGraphStore(db);
  const bus: RunEventBus & { close?: () => Promise<void> } = config.redisUrl
    ? await createRedisRunBus(config.redisUrl, logger)
    : createRunBus();
  const runs = createRunService({
    store,
    graphs: graphStore,
    tools,
    bus,
    logger,
    maxConcurrentRuns: config.maxConcurrentRuns,
    leaseMs: config.runLeaseMs,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const graphs = createGraphService(graphStore, tools, (graphId) => runs.invalidateGraph(graphId));
  if (config.seedExamples && examples !== false) {
    const created = await graphs.ensureExamples(examples === true ? exampleGraphs : examples);
    if (created.length > 0) logger.info('created example graphs', { graphs: created });
  }
  const server = createHttpServer({
    schema: getSchema(),
    context: {
      prisma: db.prisma,
      provider: db.provider,
      version: VERSION,
      startedAt: new Date(),
      graphs,
      runs,
      tools,
    },
    logger,
    devErrors: config.devErrors,
    limits: config.limits,
  });

  let started = false;
  return {
    config,
    db,
    yoga: server.yoga,
    http: server.http,
    graphs,
    runs,
    store,
    bus,
    logger,
    async start(port = config.port) {
      await new Promise<void>((resolve, reject) => {
        server.http.once('error', reject);
        server.http.listen(port, config.host, () => resolve());
      });
      started = true;
      // SQLite is single-process: every active run in the file is ours to resume.
      await runs.resumeOrphans(db.provider === 'sqlite');
      runs.startBackground();
      const actual = (server.http.address() as AddressInfo).port;
      return { port: actual, url: `http://${config.host}:${actual}/graphql` };
    },
    async stop() {
      await runs.shutdown(config.shutdownGraceMs);
      // The bus is closed: let subscriptions send their `complete` before sockets close.
      await new Promise((r) => setTimeout(r, 50));
      if (started) await server.close();
      await bus.close?.();
      await db.close();
    },
  };
}
