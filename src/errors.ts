/**
 * Errors the API shows to clients, with a stable code (`extensions.code` in GraphQL).
 * Anything that is not an AppError or an EngineError is masked at the edge and logged.
 */
export type AppErrorCode =
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'GRAPH_NAME_TAKEN'
  /** createEvalSet with a name the tenant already uses. */
  | 'EVAL_NAME_TAKEN'
  | 'GRAPH_HAS_ACTIVE_RUNS'
  | 'RUN_NOT_ACTIVE'
  /** unpauseRun of a run that is not PAUSED. */
  | 'RUN_NOT_PAUSED'
  /** resumeRun of a PAUSED run: unpause it first. */
  | 'RUN_PAUSED'
  /** pauseRun of a run held behind an older run with its concurrency key (it has not started). */
  | 'RUN_NOT_PAUSABLE'
  /** startRun(version:) names a version the graph does not have. */
  | 'VERSION_NOT_FOUND'
  /** An idempotency key reused (within its window) with another input or version. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The graph's concurrency policy is `reject` and a run with the same key is active. */
  | 'CONCURRENCY_LIMIT'
  | 'SHUTTING_DOWN'
  | 'SUBSCRIBER_TOO_SLOW'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  /** Too many calls for this identity in the current window: retry after `retryAfterMs`. */
  | 'RATE_LIMITED'
  /** A tool name that is taken by another kind of tool, or by another tenant's workers. */
  | 'TOOL_NAME_TAKEN'
  /** A worker's answer for a task that was given to another worker since (drop the result). */
  | 'TASK_REASSIGNED'
  /** A worker's answer for a task whose run was cancelled. */
  | 'TASK_CANCELLED'
  /** A worker's answer for a task whose attempt timed out (the node's timeoutMs). */
  | 'TASK_TIMED_OUT'
  /** A second answer for a task. */
  | 'TASK_ALREADY_ANSWERED'
  /** forkRun/retryRun: the node never ran, or the chosen graph version does not fit the history. */
  | 'FORK_MISMATCH'
  /** retryRun of a run that did not fail and was not cancelled. */
  | 'RUN_NOT_RETRYABLE'
  /** replayRun of a run that is still queued, running or waiting. */
  | 'RUN_NOT_FINISHED'
  /** resumeRun for an interrupt that already has its answer. */
  | 'INTERRUPT_ALREADY_ANSWERED'
  /** resumeRun for an interrupt whose timeoutMs passed (the run went on with its default, or failed). */
  | 'INTERRUPT_TIMED_OUT'
  /** The database is locked or down: nothing was done; retry shortly (retryable). */
  | 'UNAVAILABLE'
  /** purgeGraph of a graph that is not archived (deleteGraph archives it first). */
  | 'GRAPH_NOT_ARCHIVED'
  /** A state value or event payload above MAX_VALUE_BYTES. */
  | 'VALUE_TOO_LARGE'
  /** startRun(threadId:) or a thread query with an id that is not 1-128 of A-Z a-z 0-9 _ - . : @ */
  | 'INVALID_THREAD_ID'
  /** A memory key that is not 1-200 characters, or a scope already holding MAX_MEMORY_ENTRIES. */
  | 'INVALID_MEMORY_KEY'
  | 'MEMORY_FULL';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function notFound(what: string, id: string): AppError {
  return new AppError('NOT_FOUND', `${what} "${id}" does not exist.`, { id });
}
