import { z } from 'zod';
import { TOOL_NAME_PATTERN } from '../engine/graph/schema.js';
import type { Tool, ToolResolver } from '../engine/tool.js';

/** JSON Schema of a tool's config, as rendered by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/** Where a tool lives when it is not in this process; read by `list`. */
export type ToolOrigin =
  | {
      readonly kind: 'MCP';
      readonly server: string;
      /** The server's status now. */
      status(): string;
      /** JSON Schema of the tool's `input`. */
      readonly inputSchema: JsonSchema;
    }
  | {
      /** Served by remote workers; its schemas are what the workers declared (they may change). */
      readonly kind: 'WORKER';
      /** The tenant whose workers serve it. */
      readonly tenantId: string;
      configSchema(): JsonSchema;
      inputSchema(): JsonSchema | undefined;
    };

export type ToolSourceName = 'IN_PROCESS' | 'MCP' | 'WORKER';

/** What the `tools` query shows: enough for a UI to render a config form. */
export interface ToolInfo {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the config the tool accepts, input side (defaults optional). */
  configSchema: JsonSchema;
  source: ToolSourceName;
  /** JSON Schema of the node `inputs` the tool takes, when it declares one. */
  inputSchema: JsonSchema | undefined;
  /** Worker tools: the tenant whose workers serve it. */
  tenantId?: string;
  /** MCP tools: their server and its status. */
  server: string | undefined;
  status: string | undefined;
}

export interface ToolRegistry extends ToolResolver {
  /** Adds a tool. Throws `DuplicateToolError` when the name is taken, `Error` when it is invalid. */
  register(tool: Tool<unknown>): this;
  get(name: string): Tool<unknown> | undefined;
  has(name: string): boolean;
  /** Adds an explanation for unknown names (e.g. an MCP server that failed to start). */
  explainMissing(explain: (name: string) => string | undefined): this;
  /** Every tool sorted by name, with its config schema as JSON Schema (computed once per tool). */
  list(): ToolInfo[];
}

export class DuplicateToolError extends Error {
  override readonly name = 'DuplicateToolError';
  constructor(readonly toolName: string) {
    super(
      `A tool named "${toolName}" is already registered: tool names must be unique, rename one of them`,
    );
  }
}

/** Creates a registry holding `tools` (duplicates among them throw, as with `register`). */
export function createToolRegistry(tools: Iterable<Tool<unknown>> = []): ToolRegistry {
  const byName = new Map<string, Tool<unknown>>();
  const schemas = new Map<string, JsonSchema>();
  const explainers: Array<(name: string) => string | undefined> = [];

  const registry: ToolRegistry = {
    register(tool) {
      if (typeof tool.name !== 'string' || !TOOL_NAME_PATTERN.test(tool.name)) {
        throw new Error(
          `Invalid tool name ${JSON.stringify(tool.name)}: start with a letter or _ and use only letters, digits, _ or - (max 64)`,
        );
      }
      if (byName.has(tool.name)) throw new DuplicateToolError(tool.name);
      byName.set(tool.name, tool);
      return registry;
    },
    get: (name) => byName.get(name),
    missingReason(name) {
      for (const explain of explainers) {
        const reason = explain(name);
        if (reason !== undefined) return reason;
      }
      return undefined;
    },
    explainMissing(explain) {
      explainers.push(explain);
      return registry;
    },
    has: (name) => byName.has(name),
    list() {
      return [...byName.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((tool): ToolInfo => {
          const origin = originOf(tool);
          if (origin?.kind === 'WORKER') {
            return {
              name: tool.name,
              description: tool.description,
              configSchema: origin.configSchema(),
              source: 'WORKER',
              inputSchema: origin.inputSchema(),
              tenantId: origin.tenantId,
              server: undefined,
              status: undefined,
            };
          }
          return {
            name: tool.name,
            description: tool.description,
            configSchema: schemaOf(tool),
            source: origin === undefined ? 'IN_PROCESS' : 'MCP',
            inputSchema:
              origin?.inputSchema ??
              (tool.input === undefined ? undefined : toJsonSchema(tool.input)),
            server: origin?.server,
            status: origin?.status(),
          };
        });
    },
  };

  function schemaOf(tool: Tool<unknown>): JsonSchema {
    let schema = schemas.get(tool.name);
    if (schema === undefined) {
      schema = toJsonSchema(tool.config);
      schemas.set(tool.name, schema);
    }
    return schema;
  }

  for (const tool of tools) registry.register(tool);
  return registry;
}

export function originOf(tool: Tool<unknown>): ToolOrigin | undefined {
  const origin = (tool as { origin?: ToolOrigin }).origin;
  return origin?.kind === 'MCP' || origin?.kind === 'WORKER' ? origin : undefined;
}

/**
 * Zod schemas become JSON Schema on the input side (fields with defaults are optional and carry
 * their `default`). A config port that is not zod is published as "any object".
 */
export function toJsonSchema(config: unknown): JsonSchema {
  if (config instanceof z.ZodType) {
    return z.toJSONSchema(config, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  }
  return { type: 'object' };
}
