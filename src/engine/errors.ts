/** Stable error codes. Clients switch on these; never rename one. */
export type EngineErrorCode =
  | 'GRAPH_INVALID'
  | 'TOOL_NOT_FOUND'
  | 'TOOL_FAILED'
  | 'TOOL_TIMEOUT'
  | 'INVALID_PATCH'
  | 'CONDITION_FAILED'
  /** A node `inputs` expression failed, or its values do not fit the tool's input schema. */
  | 'INVALID_INPUT'
  /** A tool of an MCP server answered with an error (isError result or JSON-RPC error); not retried. */
  | 'MCP_ERROR'
  /** The MCP server could not be reached or dropped the call; retried like any tool failure. */
  | 'MCP_SERVER_UNAVAILABLE'
  /** No remote worker took the task of a worker tool in time; retried like any tool failure. */
  | 'SCHEDULE_TO_START_TIMEOUT'
  /** A sub-graph node's child run failed or was cancelled (its error is in details); not retried. */
  | 'SUBGRAPH_FAILED'
  /** An `llm` node found no provider or model in the server's configuration; not retried. */
  | 'LLM_NOT_CONFIGURED'
  /** The model provider refused the request (4xx: key, model name, bad request); not retried. */
  | 'LLM_REQUEST_FAILED'
  /** The provider failed or could not be reached (5xx, network, 408/409); retried. */
  | 'LLM_UNAVAILABLE'
  /** The provider answered 429; retried, after its `retry-after` when it sent one. */
  | 'LLM_RATE_LIMITED'
  /** The model's structured output is not JSON or does not match the node's schema; retried. */
  | 'LLM_OUTPUT_INVALID'
  /** A `when` would iterate more than the executor's conditionBudget over the run's data. */
  | 'CONDITION_BUDGET_EXCEEDED'
  /** An interrupt without a default was not answered within its timeoutMs; not retried. */
  | 'INTERRUPT_TIMEOUT'
  /** An `agent` node made maxTurns model calls without an answer; not retried. */
  | 'AGENT_MAX_TURNS'
  /** A run budget (tokens, cost, model calls, wall time) is spent; not retried. */
  | 'BUDGET_EXCEEDED'
  | 'LOOP_LIMIT_EXCEEDED'
  | 'MAX_STEPS_EXCEEDED'
  | 'RUN_TIMEOUT'
  | 'RUN_CANCELLED'
  | 'STATE_CONFLICT'
  | 'RESUME_MISMATCH'
  /** A value a tool returned, logged or emitted is above the server's MAX_VALUE_BYTES; not retried. */
  | 'VALUE_TOO_LARGE'
  /** A replayed run reached a tool call its recorded run did not make; not retried. */
  | 'REPLAY_NOT_RECORDED'
  /** A map node's `over` did not give a list; not retried. */
  | 'MAP_NOT_A_LIST'
  /** A map node's list has more than MAX_MAP_ITEMS items; not retried. */
  | 'MAP_TOO_LARGE'
  /** ctx.memory scope `thread` on a run started without a threadId; not retried. */
  | 'NO_THREAD'
  /** ctx.memory: a scope already holds MAX_MEMORY_ENTRIES keys; not retried. */
  | 'MEMORY_FULL';

/** A validation problem: where it is (`nodes[2].tool`), a stable code and how to fix it. */
export interface GraphIssue {
  path: string;
  code: GraphIssueCode;
  message: string;
}

export type GraphIssueCode =
  | 'INVALID_SHAPE'
  | 'DUPLICATE_NODE_ID'
  | 'UNKNOWN_TOOL'
  | 'UNKNOWN_NODE'
  | 'MISSING_ENTRY'
  | 'UNKNOWN_ENTRY'
  | 'UNREACHABLE_NODE'
  | 'UNCONDITIONAL_CYCLE'
  | 'UNBOUNDED_CYCLE'
  | 'INVALID_CONFIG'
  | 'INVALID_CONDITION'
  /** A node `inputs` expression that does not compile, or a bad `output` mapping. */
  | 'INVALID_INPUT'
  | 'INVALID_OUTPUT'
  /** A node `map` whose `over` does not compile, whose `as` is not a name, or without `output`. */
  | 'INVALID_MAP'
  /** A sub-graph node names a graph the tenant does not have. */
  | 'UNKNOWN_GRAPH'
  /** Graphs calling graphs in a cycle (a sub-graph node reaches the graph being saved). */
  | 'SUBGRAPH_CYCLE'
  | 'UNKNOWN_REDUCER'
  /** A state key named __proto__, constructor or prototype. */
  | 'RESERVED_STATE_KEY'
  /** A `concurrency.key` expression that does not compile. */
  | 'INVALID_CONCURRENCY_KEY';

/** Serializable error as stored in events and shown to clients. */
export interface ErrorInfo {
  code: EngineErrorCode;
  message: string;
  nodeId?: string;
  /** Extra machine-readable detail (issues for GRAPH_INVALID, key for STATE_CONFLICT...). */
  details?: unknown;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly nodeId?: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.nodeId !== undefined) info.nodeId = this.nodeId;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }
}

/** The one message shape of GRAPH_INVALID: every issue, with its path. */
export function describeIssues(issues: readonly GraphIssue[]): string {
  const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return `The graph has ${issues.length} problem(s): ${list}`;
}

/**
 * The engine's only GRAPH_INVALID error (compileGraphOrThrow throws it): `details` and `issues`
 * hold every issue.
 */
export class GraphInvalidError extends EngineError {
  constructor(readonly issues: GraphIssue[]) {
    super('GRAPH_INVALID', describeIssues(issues), undefined, issues);
  }
}

/** A tool throws this to say retrying cannot help (bad input, permission denied...). */
export class NonRetryableError extends Error {
  override readonly name = 'NonRetryableError';
  readonly retryable = false;
}

export function isNonRetryable(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false
  );
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
