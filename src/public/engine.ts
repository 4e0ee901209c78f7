/**
 * `agent-execution-framework/engine`: run graphs in process, without a server or a database.
 * The graph model, validation, `executeRun` and the event types, plus `defineTool`.
 */
export * from '../engine/index.js';
export {
  type DefinedTool,
  defineTool,
  type EmptyConfig,
  emptyConfig,
  type ToolDefinition,
} from '../tools/define-tool.js';
export { createToolRegistry, type ToolRegistry } from '../tools/registry.js';
