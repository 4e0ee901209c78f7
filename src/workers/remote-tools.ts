/**
 * Tools served by remote workers, as registry tools. Each is defined from a stored
 * registration (so graphs naming it validate with no worker connected) and updated in place
 * when a worker registers it again with other schemas. Running one hands the attempt to the
 * task broker, which queues it for a worker and waits for the answer.
 */
import type { ConfigSchema, Tool, ToolContext } from '../engine/index.js';
import { originOf, type ToolOrigin, type ToolRegistry } from '../tools/registry.js';
import type { WorkerToolRecord } from './ports.js';
import { workerSchemaPort } from './schema-port.js';

/** Runs one attempt of a worker tool (the task broker). */
export type RemoteExecute = (tool: RemoteTool, ctx: ToolContext<unknown>) => Promise<unknown>;

export interface RemoteTool extends Tool<unknown> {
  readonly origin: ToolOrigin & { kind: 'WORKER' };
  /** The tenant whose workers serve it. */
  readonly tenantId: string;
}

export type DefineOutcome = 'DEFINED' | 'UPDATED' | 'UNCHANGED' | 'TAKEN';

export interface RemoteTools {
  /** Registers or updates a worker tool; TAKEN when the name is another kind of tool or tenant's. */
  define(record: WorkerToolRecord): DefineOutcome;
  get(name: string): RemoteTool | undefined;
}

export function createRemoteTools(registry: ToolRegistry, execute: RemoteExecute): RemoteTools {
  const byName = new Map<
    string,
    { tool: RemoteTool; set(r: WorkerToolRecord): void; key: string }
  >();

  function make(record: WorkerToolRecord) {
    let current = record;
    let config: ConfigSchema<unknown> = workerSchemaPort(record.configSchema);
    let input: ConfigSchema<unknown> | undefined = record.inputSchema
      ? workerSchemaPort(record.inputSchema)
      : undefined;
    const tool: RemoteTool = {
      name: record.name,
      tenantId: record.tenantId,
      get description() {
        return current.description;
      },
      get config() {
        return config;
      },
      get input() {
        return input;
      },
      origin: {
        kind: 'WORKER',
        tenantId: record.tenantId,
        configSchema: () => current.configSchema,
        inputSchema: () => current.inputSchema ?? undefined,
      },
      run: (ctx) => execute(tool, ctx) as Promise<Record<string, unknown>>,
    };
    return {
      tool,
      key: keyOf(record),
      set(r: WorkerToolRecord) {
        current = r;
        config = workerSchemaPort(r.configSchema);
        input = r.inputSchema ? workerSchemaPort(r.inputSchema) : undefined;
        this.key = keyOf(r);
      },
    };
  }

  return {
    define(record) {
      const known = byName.get(record.name);
      if (known) {
        if (known.tool.tenantId !== record.tenantId) return 'TAKEN';
        if (known.key === keyOf(record)) return 'UNCHANGED';
        known.set(record);
        return 'UPDATED';
      }
      const other = registry.get(record.name);
      if (other && originOf(other)?.kind !== 'WORKER') return 'TAKEN';
      const entry = make(record);
      registry.register(entry.tool);
      byName.set(record.name, entry);
      return 'DEFINED';
    },
    get: (name) => byName.get(name)?.tool,
  };
}

function keyOf(r: WorkerToolRecord): string {
  return JSON.stringify([r.description, r.configSchema, r.inputSchema]);
}
