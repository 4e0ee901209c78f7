/**
 * The graph model: plain data, storable as JSON. See src/engine/EXECUTOR.md for run semantics.
 */

/** How concurrent and successive patches to one state key combine. */
export type ReducerName = 'replace' | 'append' | 'merge' | 'sum' | 'max' | 'min';

export const REDUCER_NAMES: readonly ReducerName[] = [
  'replace',
  'append',
  'merge',
  'sum',
  'max',
  'min',
];

/** Per-node retry policy. Delay before attempt n+1 = min(maxDelayMs, initialDelayMs * backoff^(n-1)) with full jitter. */
export interface RetryPolicy {
  /** Total attempts including the first; 1 means no retry. */
  maxAttempts: number;
  initialDelayMs?: number;
  backoff?: number;
  maxDelayMs?: number;
  /** Randomise each delay in [delay/2, delay]. Default true. */
  jitter?: boolean;
}

export type OnLimit = 'fail' | 'exit';

export interface NodeDef {
  id: string;
  tool: string;
  config?: Record<string, unknown>;
  retry?: RetryPolicy;
  timeoutMs?: number;
  /** How many times this node may run in one run; required on some node of every cycle. */
  maxIterations?: number;
  /** What passing maxIterations does: fail the run (default) or skip the node, leaving the loop. */
  onLimit?: OnLimit;
  /**
   * The tool's `input`: name -> CEL expression over `state`, evaluated when the node starts and
   * checked against the tool's input schema when it declares one.
   */
  inputs?: Record<string, string>;
  /**
   * Where the tool's result lands: a state key (the whole result), or key -> dotted path into
   * the result. Absent: the result is the patch.
   */
  output?: string | Record<string, string>;
  /**
   * A sub-graph node: runs the saved graph of this name (in the run's tenant) as a child run.
   * Its tool is `subgraph` (the graph service fills it in), `inputs` are the child's input and
   * the child's final state is the result (placed by `output`).
   */
  graph?: string;
  /** The sub-graph's version (default: its latest when the node starts). */
  graphVersion?: number;
  /**
   * A map node: its tool runs once per item of the list `over` gives (a CEL expression over
   * `state`), each item with its own attempts (the node's `retry`), `timeoutMs` and events, at
   * most `maxConcurrency` at once (default 8). `inputs` see the item as `as` (default `item`)
   * and its position as `index`; without `inputs` the tool's input is `{ <as>: item, index }`.
   * The results, in item order, land under `output` (a state key, required).
   */
  map?: MapDef;
}

export interface MapDef {
  over: string;
  as?: string;
  maxConcurrency?: number;
}

export interface EdgeDef {
  from: string;
  to: string;
  /** A CEL expression over `state` (and `input`); the edge is taken when it is true. */
  when?: string;
}

export interface StateKeyDef {
  reducer: ReducerName;
  /** Initial value when the run input does not set the key. */
  default?: unknown;
}

export interface RunLimits {
  /** Most node executions (attempts count once per start) in one run. */
  maxSteps?: number;
  /** Wall-clock bound for the whole run. */
  maxDurationMs?: number;
  /** What the run's model calls may spend; startRun may override it per run. */
  budget?: RunBudget;
}

/** What a new run does while an active run of the graph has the same concurrency key. */
export type ConcurrencyConflict = 'enqueue' | 'reject' | 'cancel_older';

/**
 * A graph's start policy: `key` is a CEL expression over the run input (as `state`, e.g.
 * "state.customerId"); runs whose key is equal never execute at once.
 */
export interface ConcurrencyDef {
  key: string;
  onConflict: ConcurrencyConflict;
}

/**
 * A run's budget, checked before each model call (`ctx.checkBudget`): past one, the model call
 * is refused, and the node fails with BUDGET_EXCEEDED (`onBudget: "fail"`, default) or finishes
 * with what it has (`"stop"`). Spent amounts are the run's `llm.usage` events.
 */
export interface RunBudget {
  /** Input + output tokens of all model calls. */
  maxTokens?: number;
  /** US dollars, from the server's price table per model (LLM_PRICES). */
  maxCostUsd?: number;
  maxModelCalls?: number;
  /** Milliseconds since the run started after which no model call is made. */
  maxWallTimeMs?: number;
  onBudget?: 'fail' | 'stop';
}

/** The CUSTOM event a model call records its usage in (`{ totalTokens, costUsd, ... }`). */
export const USAGE_EVENT = 'llm.usage';

export interface GraphDef {
  name: string;
  description?: string;
  nodes: NodeDef[];
  edges: EdgeDef[];
  entry: string;
  state?: Record<string, StateKeyDef>;
  limits?: RunLimits;
  concurrency?: ConcurrencyDef;
}

/** The shared JSON state of a run. */
export type State = Record<string, unknown>;
/** What a tool returns: keys to fold into the state with their reducers. */
export type Patch = Record<string, unknown>;

export const DEFAULT_MAX_STEPS = 10_000;
