export {
  type BuiltinRegistryOptions,
  builtinTools,
  createBuiltinRegistry,
} from './builtin.js';
export {
  type DefinedTool,
  defineTool,
  type EmptyConfig,
  emptyConfig,
  type ToolDefinition,
} from './define-tool.js';
export {
  DEFAULT_FAIL_MESSAGE,
  delayTool,
  failTool,
  genericTools,
  incrementTool,
  logTool,
  MAX_DELAY_MS,
  setStateTool,
} from './generic/index.js';
export {
  isRecord,
  optionalArray,
  optionalString,
  requireArray,
  requireObject,
  requireString,
} from './input.js';
export {
  createToolRegistry,
  DuplicateToolError,
  type JsonSchema,
  type ToolInfo,
  type ToolRegistry,
  toJsonSchema,
} from './registry.js';
