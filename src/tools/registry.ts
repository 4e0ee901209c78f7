import { z } from 'zod';
import { TOOL_NAME_PATTERN } from '../engine/graph/schema.js';
import type { Tool, ToolResolver } from '../engine/tool.js';

/** JSON Schema of a tool's config, as rendered by `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

/** What the `tools` query shows: enough for a UI to render a config form. */
export interface ToolInfo {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the config the tool accepts, input side (defaults optional). */
  configSchema: JsonSchema;
}

export interface ToolRegistry extends ToolResolver {
  /** Adds a tool. Throws `DuplicateToolError` when the name is taken, `Error` when it is invalid. */
  register(tool: Tool<unknown>): this;
  get(name: string): Tool<unknown> | undefined;
  has(name: string): boolean;
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
    has: (name) => byName.has(name),
    list() {
      return [...byName.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((tool) => ({
          name: tool.name,
          description: tool.description,
          configSchema: schemaOf(tool),
        }));
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
