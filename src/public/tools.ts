/**
 * `agent-execution-framework/tools`: `defineTool`, the registry, the generic tools, helpers that
 * read state, and the loader behind `TOOL_MODULES`.
 */
export * from '../tools/index.js';
export {
  type LoadedToolModule,
  loadToolModules,
  registerToolModules,
  ToolModuleError,
  type ToolModuleErrorCode,
} from '../tools/load-modules.js';
