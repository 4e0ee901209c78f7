import type {
  ConcurrencyConflict,
  EdgeDef,
  GraphDef,
  NodeDef,
  ReducerName,
  State,
} from '../graph.js';
import type { Tool } from '../tool.js';

/** A `when` expression compiled once per graph. */
export interface Condition {
  readonly source: string;
  /**
   * True when the edge is taken. Throws EngineError('CONDITION_FAILED') on a runtime error or a
   * non-boolean, and EngineError('CONDITION_BUDGET_EXCEEDED') when evaluating it on this state
   * could take more than `budget` iterations (default DEFAULT_CONDITION_BUDGET).
   */
  evaluate(state: Readonly<State>, budget?: number): boolean;
}

/** A node `inputs` expression (CEL, any type), compiled once per graph. */
export interface Expression {
  readonly source: string;
  /**
   * The JSON value. Throws EngineError('INVALID_INPUT') or ('CONDITION_BUDGET_EXCEEDED').
   * `vars`: the values of the variables beside `state` it was compiled with (a map item's).
   */
  evaluate(
    state: Readonly<State>,
    budget?: number,
    vars?: Readonly<Record<string, unknown>>,
  ): unknown;
}

/** A node's `map`, compiled: its tool runs once per item of the list `over` gives. */
export interface CompiledMap {
  readonly over: Expression;
  /** The item's variable in the node's `inputs` (beside `index`); default `item`. */
  readonly as: string;
  readonly maxConcurrency: number;
}

/** Where a node's tool result lands: state key -> dotted path into the result ('' = all of it). */
export type OutputMap = ReadonlyArray<readonly [key: string, path: readonly string[]]>;

export interface CompiledEdge {
  readonly index: number;
  readonly def: EdgeDef;
  readonly from: CompiledNode;
  readonly to: CompiledNode;
  readonly condition: Condition | undefined;
  /** A back edge (found by DFS from the entry) closes a cycle; joins do not wait for it. */
  readonly isBack: boolean;
}

export interface CompiledNode {
  /** Position in graph.nodes: the tie-breaker that makes merges deterministic. */
  readonly index: number;
  readonly id: string;
  readonly def: NodeDef;
  readonly tool: Tool<unknown>;
  /** Config parsed by the tool's schema, defaults applied. */
  readonly config: unknown;
  /** Compiled `inputs`, in declaration order; undefined when the node declares none. */
  readonly inputs: ReadonlyArray<readonly [name: string, expression: Expression]> | undefined;
  /** Normalised `output`; undefined: the tool's result is the patch. */
  readonly output: OutputMap | undefined;
  /** Set for a map node (`map`): the tool runs once per item, results gathered in order. */
  readonly map: CompiledMap | undefined;
  readonly out: CompiledEdge[];
  /** Incoming edges that are not back edges: what a join waits for. */
  readonly inForward: CompiledEdge[];
  readonly inBack: CompiledEdge[];
}

/** A validated graph, ready to execute many times. Immutable. */
export interface CompiledGraph {
  readonly def: GraphDef;
  readonly nodes: readonly CompiledNode[];
  readonly byId: ReadonlyMap<string, CompiledNode>;
  readonly edges: readonly CompiledEdge[];
  readonly entry: CompiledNode;
  /** Reducer per declared key; undeclared keys use 'replace'. */
  readonly reducers: Readonly<Record<string, ReducerName>>;
  /** Declared defaults, applied under the run input. */
  readonly defaults: Readonly<State>;
  /** The start policy with its key compiled (see GraphDef.concurrency). */
  readonly concurrency?: { readonly key: Expression; readonly onConflict: ConcurrencyConflict };
}
