import type { GraphService } from '../graphs/graph-service.js';
import type { DatabaseProvider, Db } from '../persistence/database.js';
import type { RunBus } from '../pubsub/run-bus.js';
import type { RunService } from '../runs/run-service.js';
import type { RunStore } from '../runs/types.js';

/** What a tool listing needs (the tool registry satisfies it). */
export interface ToolCatalog {
  list(): Array<{ name: string; description: string; configSchema: unknown }>;
}

/** The GraphQL context: services and read access, built once per app and shared by requests. */
export interface Context {
  prisma: Db;
  provider: DatabaseProvider;
  version: string;
  startedAt: Date;
  graphs: GraphService;
  runs: RunService;
  store: RunStore;
  bus: RunBus;
  tools: ToolCatalog;
}
