import type { ApiKeys } from '../auth/api-keys.js';
import type { Identity } from '../auth/identity.js';
import type { EvalService } from '../evals/eval-service.js';
import type { DatabaseProvider, Db } from '../persistence/database.js';
import type { GraphService } from '../runs/graph-service.js';
import type { Retention } from '../runs/retention.js';
import type { RunService } from '../runs/run-service.js';
import type { ThreadService } from '../threads/thread-service.js';
import type { ScheduleService } from '../triggers/schedule-service.js';
import type { WebhookService } from '../triggers/webhook-service.js';
import type { WorkerService } from '../workers/worker-service.js';

/** One tool as the `tools` query lists it. */
export interface ToolShape {
  name: string;
  description: string;
  configSchema: unknown;
  source?: 'IN_PROCESS' | 'MCP' | 'WORKER';
  inputSchema?: unknown;
  server?: string | undefined;
  status?: string | undefined;
  /** Worker tools: the tenant whose workers serve it. */
  tenantId?: string | undefined;
  /** Worker tools: connected workers and their free slots now. */
  workers?: number;
  freeSlots?: number;
}

/** What a tool listing needs (the tool registry satisfies it). */
export interface ToolCatalog {
  list(): ToolShape[];
}

/**
 * The GraphQL context: the services, and Prisma for reads that select what the client asked
 * for (Pothos' `query`). Built once per app and shared by requests; no adapter is reachable.
 */
export interface AppContext {
  prisma: Db;
  provider: DatabaseProvider;
  version: string;
  startedAt: Date;
  graphs: GraphService;
  runs: RunService;
  schedules: ScheduleService;
  webhooks: WebhookService;
  apiKeys: ApiKeys;
  tools: ToolCatalog;
  workers: WorkerService;
  /** Purge of archived graphs and per-graph retention. */
  retention: Retention;
  /** Threads: their messages and memory, and the tenant's memory. */
  threads: ThreadService;
  /** Eval sets and their runs. */
  evals: EvalService;
}

/** One request's (or one socket's) context: the app's, plus who is calling. */
export interface Context extends AppContext {
  identity: Identity;
}
