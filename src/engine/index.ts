/** Public API of the engine: graph model, compilation, execution, events and errors. */
export { RunCheckpoint, type RunStatus } from './checkpoint.js';
export { type CompileGraphResult, compileGraph, compileGraphOrThrow } from './compile.js';
export type { CompiledEdge, CompiledGraph, CompiledNode, Condition } from './compiled.js';
export * from './errors.js';
export * from './events.js';
export { type ExecuteOptions, executeRun, type RunResult } from './executor.js';
export { applyEvent, replayEvents } from './fold.js';
export * from './graph.js';
export { reduce, reduceAll } from './reducers.js';
export {
  DEFAULT_BACKOFF,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  isRetryable,
  maxAttempts,
  retryDelayMs,
} from './retry.js';
export type { ConfigSchema, Tool, ToolContext, ToolResolver } from './tool.js';
export { validateGraph } from './validate.js';
