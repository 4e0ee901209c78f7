import type { GraphDef, NodeDef, ReducerName, RunBudget, StateKeyDef } from '../engine/index.js';
import { builder } from './builder.js';

export const ReducerEnum = builder.enumType('Reducer', {
  description: 'How patches to one state key combine.',
  values: {
    REPLACE: {
      value: 'replace',
      description: 'The latest write wins; concurrent writes conflict.',
    },
    APPEND: { value: 'append', description: 'Arrays concatenate.' },
    MERGE: { value: 'merge', description: 'Objects merge shallowly.' },
    SUM: { value: 'sum' },
    MAX: { value: 'max' },
    MIN: { value: 'min' },
  } as const,
});

export const OnLimitEnum = builder.enumType('OnLimit', {
  description: 'What passing a node’s maxIterations does.',
  values: {
    FAIL: { value: 'fail', description: 'Fail the run with LOOP_LIMIT_EXCEEDED.' },
    EXIT: { value: 'exit', description: 'Skip the node, leaving the loop.' },
  } as const,
});

const RetryInput = builder.inputType('RetryInput', {
  fields: (t) => ({
    maxAttempts: t.int({ required: true, description: 'Attempts in all, the first included.' }),
    initialDelayMs: t.int(),
    backoff: t.float({ description: 'Multiplier between delays, e.g. 2.' }),
    maxDelayMs: t.int(),
    jitter: t.boolean(),
  }),
});

const MapInput = builder.inputType('MapInput', {
  description:
    'Runs the node’s tool once per item of a list, each item with its own attempts, timeout and events (MAP_ITEM_*); the results, in item order, land under the node’s `output` key.',
  fields: (t) => ({
    over: t.string({
      required: true,
      description: 'A CEL expression over `state` giving the list, e.g. "state.files".',
    }),
    as: t.string({
      description: 'The item’s name in the node’s `inputs` (beside `index`); default "item".',
    }),
    maxConcurrency: t.int({ description: 'Items running at once, 1-1000; default 8.' }),
  }),
});

const NodeInput = builder.inputType('NodeInput', {
  fields: (t) => ({
    id: t.string({ required: true }),
    tool: t.string({ description: 'The tool the node runs (leave out for a sub-graph node).' }),
    config: t.field({ type: 'JSON' }),
    graph: t.string({
      description: 'A sub-graph node: the name of the saved graph to run as a child run.',
    }),
    graphVersion: t.int({ description: "The sub-graph's version (default: its latest)." }),
    retry: t.field({ type: RetryInput }),
    timeoutMs: t.int(),
    maxIterations: t.int(),
    onLimit: t.field({ type: OnLimitEnum }),
    inputs: t.field({
      type: 'JSON',
      description:
        'The tool\'s `input`: an object of name -> CEL expression over `state`, e.g. {"path": "state.file"}.',
    }),
    output: t.field({
      type: 'JSON',
      description:
        'Where the tool result lands: a state key ("content"), or an object of key -> dotted path into the result. Absent: the result is the patch.',
    }),
    map: t.field({ type: MapInput, description: 'A map node: the tool runs once per item.' }),
  }),
});

const EdgeInput = builder.inputType('EdgeInput', {
  fields: (t) => ({
    from: t.string({ required: true }),
    to: t.string({ required: true }),
    when: t.string({ description: 'A CEL condition over `state`, e.g. "state.score < 70".' }),
  }),
});

const StateKeyInput = builder.inputType('StateKeyInput', {
  fields: (t) => ({
    key: t.string({ required: true }),
    reducer: t.field({ type: ReducerEnum, defaultValue: 'replace' }),
    default: t.field({ type: 'JSON' }),
  }),
});

export const ConcurrencyConflictEnum = builder.enumType('ConcurrencyConflict', {
  description: 'What a new run does while a run with the same concurrency key is active.',
  values: {
    ENQUEUE: { value: 'enqueue', description: 'Wait QUEUED; start when the older ends.' },
    REJECT: { value: 'reject', description: 'Refuse the start with CONCURRENCY_LIMIT.' },
    CANCEL_OLDER: { value: 'cancel_older', description: 'Cancel the older runs, then start.' },
  } as const,
});

const ConcurrencyInput = builder.inputType('ConcurrencyInput', {
  description: 'Runs of the graph whose key is equal never execute at once.',
  fields: (t) => ({
    key: t.string({
      required: true,
      description: 'A CEL expression over the run input (as `state`), e.g. "state.customerId".',
    }),
    onConflict: t.field({ type: ConcurrencyConflictEnum, required: true }),
  }),
});

export const OnBudgetEnum = builder.enumType('OnBudget', {
  description: 'What a spent budget does to the next model call.',
  values: {
    FAIL: { value: 'fail', description: 'Fail the node (and the run) with BUDGET_EXCEEDED.' },
    STOP: { value: 'stop', description: 'Make no call: the node finishes with what it has.' },
  } as const,
});

export const RunBudgetInput = builder.inputType('RunBudgetInput', {
  description: 'What a run may spend on model calls; checked before each call. Spent: Run.usage.',
  fields: (t) => ({
    maxTokens: t.int({ description: 'Input + output tokens of all model calls.' }),
    maxCostUsd: t.float({ description: 'US dollars, from the server price table (LLM_PRICES).' }),
    maxModelCalls: t.int(),
    maxWallTimeMs: t.int({ description: 'No model call after this long since the run started.' }),
    onBudget: t.field({ type: OnBudgetEnum }),
  }),
});

const LimitsInput = builder.inputType('LimitsInput', {
  fields: (t) => ({
    maxSteps: t.int(),
    maxDurationMs: t.int(),
    budget: t.field({ type: RunBudgetInput, description: 'Default budget of its runs.' }),
  }),
});

/** RunBudgetInput -> RunBudget (nulls dropped). */
export function toRunBudget(input: typeof RunBudgetInput.$inferInput): RunBudget {
  return compact(input) as RunBudget;
}

export const GraphInput = builder.inputType('GraphInput', {
  description: 'A graph definition; the same shape the engine validates.',
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    nodes: t.field({ type: [NodeInput], required: true }),
    edges: t.field({ type: [EdgeInput], required: true }),
    entry: t.string({ required: true }),
    state: t.field({ type: [StateKeyInput] }),
    limits: t.field({ type: LimitsInput }),
    concurrency: t.field({ type: ConcurrencyInput }),
  }),
});

/** Drops null and undefined members: GraphQL's "not given" becomes the engine's "absent". */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as T;
}

type GraphInputShape = typeof GraphInput.$inferInput;

/** GraphInput -> GraphDef, the engine's model (validation happens in the graph service). */
export function toGraphDef(input: GraphInputShape): GraphDef {
  const def: GraphDef = {
    name: input.name,
    nodes: input.nodes.map((n) => {
      const node = compact({
        ...n,
        retry: n.retry ? compact(n.retry) : undefined,
        map: n.map ? compact(n.map) : undefined,
      }) as NodeDef;
      return node;
    }),
    edges: input.edges.map((e) => compact(e) as GraphDef['edges'][number]),
    entry: input.entry,
  };
  if (input.description) def.description = input.description;
  if (input.state) {
    const state: Record<string, StateKeyDef> = {};
    for (const s of input.state) {
      const key: StateKeyDef = { reducer: (s.reducer ?? 'replace') as ReducerName };
      if (s.default !== null && s.default !== undefined) key.default = s.default;
      state[s.key] = key;
    }
    def.state = state;
  }
  if (input.concurrency) def.concurrency = { ...input.concurrency };
  if (input.limits) {
    const { budget, ...rest } = input.limits;
    def.limits = compact(rest) as NonNullable<GraphDef['limits']>;
    if (budget) def.limits.budget = toRunBudget(budget);
  }
  return def;
}
