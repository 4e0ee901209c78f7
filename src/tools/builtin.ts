import type { Tool } from '../engine/tool.js';
import {
  createDataPipelineTools,
  type DataPipelineServices,
  exampleTools,
} from '../examples/index.js';
import { createAgentTool } from '../llm/agent.tool.js';
import { createLlmTool } from '../llm/llm.tool.js';
import { createModelProviders } from '../llm/providers.js';
import { genericTools } from './generic/index.js';
import { createToolRegistry, type ToolRegistry } from './registry.js';

/**
 * The default composition, and the one module of `src/tools/` that knows the examples: the
 * registry, `defineTool` and the generic tools never import them. Callers that want another set
 * compose their own: `createToolRegistry([...genericTools, ...myTools])`.
 */

/** What a server registers by default: the generic tools, then every example domain's tools. */
export const builtinTools: readonly Tool<unknown>[] = Object.freeze([
  ...genericTools,
  ...exampleTools,
]);

export interface BuiltinRegistryOptions {
  /** Tools registered after the built-in ones; a name already taken throws `DuplicateToolError`. */
  tools?: Iterable<Tool<unknown>>;
  /** Register the example domains' tools too (default true: the example graphs need them). */
  examples?: boolean;
  /**
   * The `llm` tool, created from the server's providers (app.ts). Default: one with no provider,
   * so graphs with llm nodes still validate and their nodes fail with LLM_NOT_CONFIGURED.
   */
  llm?: Tool<unknown>;
  /**
   * Makes the `agent` tool, given the registry its tools are looked up in. Default: one on the
   * same providers as the default llm tool (none), so agent graphs validate.
   */
  agent?: (registry: ToolRegistry) => Tool<unknown>;
  /** Where the data-pipeline example stores rows (the server's database); default: in memory. */
  dataPipeline?: DataPipelineServices;
}

/**
 * A registry of the generic tools, the example tools unless `examples: false`, and `tools`.
 * An iterable instead of options is read as `{ tools }` (the signature before the options).
 */
export function createBuiltinRegistry(
  options: BuiltinRegistryOptions | Iterable<Tool<unknown>> = {},
): ToolRegistry {
  const opts = isIterable(options) ? { tools: options } : options;
  const { tools = [], examples = true, llm } = opts;
  const registry = createToolRegistry([
    ...genericTools,
    llm ?? (createLlmTool({ providers: createModelProviders({}) }) as Tool<unknown>),
  ]);
  const agent =
    opts.agent ??
    ((r: ToolRegistry) =>
      createAgentTool({ providers: createModelProviders({}), tools: r }) as Tool<unknown>);
  registry.register(agent(registry));
  const pipeline = new Map(
    opts.dataPipeline ? createDataPipelineTools(opts.dataPipeline).map((t) => [t.name, t]) : [],
  );
  for (const tool of [...(examples ? exampleTools : []), ...tools])
    registry.register(pipeline.get(tool.name) ?? tool);
  return registry;
}

function isIterable(value: object): value is Iterable<Tool<unknown>> {
  return Symbol.iterator in value;
}
