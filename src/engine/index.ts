/** Public API of the engine: graph model, compilation, execution, events and errors. */

export * from './errors.js';
export * from './events.js';
/** @deprecated The engine's name is CheckpointStatus; RunStatus is the application's (src/runs). */
export type { CheckpointStatus as RunStatus } from './fold/checkpoint.js';
export { type CheckpointStatus, RunCheckpoint } from './fold/checkpoint.js';
export { applyEvent, replayEvents } from './fold/fold.js';
export type { InterruptStatus } from './fold/memo.js';
export { reduce, reduceAll } from './fold/reducers.js';
export { type CompileGraphResult, compileGraph, compileGraphOrThrow } from './graph/compile.js';
export type {
  CompiledEdge,
  CompiledGraph,
  CompiledNode,
  Condition,
  Expression,
} from './graph/compiled.js';
export { compileExpression } from './graph/condition.js';
export { DEFAULT_CONDITION_BUDGET } from './graph/condition-budget.js';
export { isReservedKey, RESERVED_STATE_KEYS } from './graph/reserved-keys.js';
export { validateGraph } from './graph/validate.js';
export * from './graph.js';
export {
  type ExecuteOptions,
  executeRun,
  type RunControlSlot,
  type RunControls,
  type RunResult,
} from './live/executor.js';
export type { AnswerOutcome, InterruptAnswer, RunInbox } from './live/inbox.js';
export {
  DEFAULT_BACKOFF,
  DEFAULT_INITIAL_DELAY_MS,
  DEFAULT_MAX_DELAY_MS,
  failureDelayMs,
  isRetryable,
  maxAttempts,
  retryAfterOf,
  retryDelayMs,
} from './live/retry.js';
export type {
  ConfigSchema,
  InterruptRequest,
  MemoryEntry,
  MemoryScope,
  ThreadMessage,
  Tool,
  ToolCallSite,
  ToolContext,
  ToolMemory,
  ToolReplay,
  ToolResolver,
  ToolServices,
  ToolThread,
} from './tool.js';
