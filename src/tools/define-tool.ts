import { z } from 'zod';
import type { Tool, ToolContext } from '../engine/tool.js';

/** The config schema of a tool that takes no config: `{}` only, unknown keys rejected. */
export const emptyConfig = z.strictObject({});
export type EmptyConfig = typeof emptyConfig;

/** What `defineTool` takes. `run` receives `ctx.config` typed as the schema's output. */
export interface ToolDefinition<S extends z.ZodType> {
  /** Unique name, snake_case by convention (`check_complexity`); graphs refer to it. */
  name: string;
  /** One sentence shown in the `tools` query and in editors. */
  description: string;
  /** Zod schema of the node config; defaults apply before `run`. Omitted: no config accepted. */
  config?: S;
  /** Optional zod schema of `ctx.input` (the node's evaluated `inputs`); a mismatch is INVALID_INPUT. */
  input?: z.ZodType;
  run(ctx: ToolContext<z.output<S>>): ReturnType<Tool<z.output<S>>['run']>;
}

/** A tool whose config schema is a zod schema, so the registry can publish it as JSON Schema. */
export interface DefinedTool<S extends z.ZodType = z.ZodType> extends Tool<z.output<S>> {
  readonly config: S;
}

/**
 * Defines a tool. The config schema defaults to a strict empty object, so a node that passes
 * config to a tool that takes none fails validation instead of being silently ignored.
 *
 * @example
 * export const increment = defineTool({
 *   name: 'increment',
 *   description: 'Adds `by` to a numeric state key',
 *   config: z.object({ key: z.string(), by: z.number().default(1) }),
 *   run: ({ state, config }) => ({ [config.key]: Number(state[config.key] ?? 0) + config.by }),
 * });
 */
export function defineTool<S extends z.ZodType = EmptyConfig>(
  definition: ToolDefinition<S>,
): DefinedTool<S> {
  const config = (definition.config ?? emptyConfig) as S;
  return Object.freeze({
    name: definition.name,
    description: definition.description,
    config,
    ...(definition.input === undefined ? {} : { input: definition.input }),
    run: definition.run,
  });
}
