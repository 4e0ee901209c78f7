/**
 * Edge conditions: CEL expressions over the run state (`state.quality_score < 70.0`), compiled
 * once per graph with @marcbachmann/cel-js. No eval, no `new Function`, no vm.
 *
 * Numbers: run state is JSON, which has one number type, but CEL tells `int` from `double`.
 * Before evaluation, safe-integer JS numbers in the state become CEL ints (BigInt) and other
 * numbers stay doubles; mixed `int`/`double` arithmetic (+ - * /) is registered and yields a
 * double. So `state.n < 70`, `state.n < 70.0`, `state.n + 1 > 3` and `state.n * 1.5 > 3` all
 * work whether `n` is 65 or 65.5. Integer division stays CEL's (`7 / 2 == 3`).
 *
 * Cost bounds: source length, parse depth and AST size are capped, comprehension macros may
 * nest only MAX_COMPREHENSION_NESTING deep (three nested `all` over a 10k list never finishes),
 * and each evaluation has a work budget over the run's data (condition-budget.ts):
 * CONDITION_BUDGET_EXCEEDED instead of an event loop frozen for seconds.
 *
 * `matches()` is rejected at compile time: CEL regexes run on the JS backtracking engine, and a
 * 28-character pattern can take seconds (ReDoS). Use contains / startsWith / endsWith instead.
 */
import { Environment } from '@marcbachmann/cel-js';
import { EngineError } from '../errors.js';
import type { State } from '../graph.js';
import type { Condition, Expression } from './compiled.js';
import { findMatches, loopShape, stateReads } from './condition-ast.js';
import { budgetExceeded, DEFAULT_CONDITION_BUDGET, estimatedWork } from './condition-budget.js';
import { fromCel } from './expression-value.js';
import { isReservedKey, reservedKeyMessage } from './reserved-keys.js';

export const MAX_CONDITION_LENGTH = 1_000;
export const MAX_CONDITION_DEPTH = 32;
const MAX_AST_NODES = 500;
/** Comprehensions (all, exists, map...) nested deeper than this cost O(n^depth) on big lists. */
export const MAX_COMPREHENSION_NESTING = 2;
/** Values nested deeper than this are passed to CEL unconverted (JSON state is never this deep). */
const MAX_CONVERT_DEPTH = 64;

interface Failure {
  ok: false;
  message: string;
  position?: number;
}

export type CompileConditionResult = { ok: true; condition: Condition } | Failure;

type Num = number | bigint;
const mixed = (f: (a: number, b: number) => number) => (a: Num, b: Num) => f(Number(a), Number(b));

function createEnvironment(extra: readonly string[]): Environment {
  let env = new Environment({
    limits: {
      maxDepth: MAX_CONDITION_DEPTH,
      maxAstNodes: MAX_AST_NODES,
      maxListElements: 100,
      maxMapEntries: 100,
      maxCallArguments: 8,
    },
  }).registerVariable('state', 'map');
  for (const name of extra) env = env.registerVariable(name, 'dyn');
  const ops: Array<[string, (a: number, b: number) => number]> = [
    ['+', (a, b) => a + b],
    ['-', (a, b) => a - b],
    ['*', (a, b) => a * b],
    ['/', (a, b) => a / b],
  ];
  for (const [op, f] of ops) {
    env = env
      .registerOperator(`int ${op} double`, mixed(f))
      .registerOperator(`double ${op} int`, mixed(f));
  }
  return env;
}

/** Environments by their extra variables (`''`: `state` only; a map node adds its item's). */
const environments = new Map<string, Environment>();
function environment(extra: readonly string[] = NO_VARS): Environment {
  const key = extra.join(',');
  let env = environments.get(key);
  if (env === undefined) {
    env = createEnvironment(extra);
    environments.set(key, env);
  }
  return env;
}
const NO_VARS: readonly string[] = Object.freeze([]);

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The largest list or map converted by the current evaluation. Shared scratch: an evaluation is
 * synchronous and never re-entered, and `evaluate` resets it before converting.
 */
let largest = 0;

/** JSON value -> CEL value: safe integers become ints (BigInt); arrays and objects are copied. */
function toCel(value: unknown, depth: number): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null || depth >= MAX_CONVERT_DEPTH) return value;
  if (Array.isArray(value)) {
    if (value.length > largest) largest = value.length;
    return value.map((v) => toCel(v, depth + 1));
  }
  if (!isPlainObject(value)) return value;
  // Null prototype: a JSON key named __proto__ stays a plain key.
  const out: Record<string, unknown> = Object.create(null);
  const entries = Object.entries(value);
  if (entries.length > largest) largest = entries.length;
  for (const [k, v] of entries) out[k] = toCel(v, depth + 1);
  return out;
}

function celState(state: Readonly<State>, keys: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  const list = keys ?? Object.keys(state);
  if (keys === undefined && list.length > largest) largest = list.length;
  for (const key of list) {
    if (Object.hasOwn(state, key) && state[key] !== undefined) out[key] = toCel(state[key], 1);
  }
  return out;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

function rangeStart(err: unknown): number | undefined {
  const range = (err as { range?: { start?: unknown } } | null)?.range;
  return typeof range?.start === 'number' ? range.start : undefined;
}

function failure(message: string, position?: number): Failure {
  return position === undefined
    ? { ok: false, message }
    : { ok: false, message: `${message} (at position ${position})`, position };
}

/** A parsed, checked CEL program and what its evaluation needs (shared by `when` and `inputs`). */
interface CheckedProgram {
  program: ReturnType<Environment['parse']>;
  type: string;
  keys: string[] | undefined;
  count: number;
  depth: number;
}

function checkSource(
  source: string,
  what: string,
  vars: readonly string[] = NO_VARS,
): { ok: true; checked: CheckedProgram } | Failure {
  if (typeof source !== 'string') return failure(`${what} must be a string`);
  if (source.length > MAX_CONDITION_LENGTH) {
    return failure(`${what} is ${source.length} characters; the limit is ${MAX_CONDITION_LENGTH}`);
  }
  if (source.trim() === '') return failure(`${what} is empty`);
  let program: ReturnType<Environment['parse']>;
  try {
    program = environment(vars).parse(source);
  } catch (err) {
    return failure(`Syntax error: ${firstLine(err)}`, rangeStart(err));
  }
  const regex = findMatches(program.ast);
  if (regex !== undefined) {
    return failure(
      'matches() is not allowed (regular expressions can run for seconds); use contains(), startsWith() or endsWith()',
      regex.start,
    );
  }
  const reads = stateReads(program.ast);
  const reserved = reads.named.find((r) => isReservedKey(r.key));
  if (reserved !== undefined) return failure(reservedKeyMessage(reserved.key), reserved.start);
  const loops = loopShape(program.ast, MAX_COMPREHENSION_NESTING);
  const deep = loops.tooDeep;
  if (deep !== undefined) {
    return failure(
      `Comprehensions (all, exists, exists_one, map, filter) may nest at most ${MAX_COMPREHENSION_NESTING} deep`,
      deep.start,
    );
  }
  const checked = program.check();
  if (!checked.valid) {
    return failure(`Type error: ${firstLine(checked.error)}`, rangeStart(checked.error));
  }
  return {
    ok: true,
    checked: {
      program,
      type: String(checked.type),
      keys: reads.keys,
      count: loops.count,
      depth: loops.depth,
    },
  };
}

/** Runs a checked program on `state` within the work budget; `failCode` is its runtime error. */
function run(
  checked: CheckedProgram,
  source: string,
  state: Readonly<State>,
  budget: number,
  failCode: 'CONDITION_FAILED' | 'INVALID_INPUT',
  extra?: Readonly<Record<string, unknown>>,
): unknown {
  const { program, keys, count, depth } = checked;
  largest = 0;
  const vars: Record<string, unknown> = { state: celState(state, keys) };
  if (extra !== undefined) for (const [k, v] of Object.entries(extra)) vars[k] = toCel(v, 1);
  if (depth !== 0) {
    const work = estimatedWork(count, depth, largest);
    if (work > budget) throw budgetExceeded(source, work, largest, budget);
  }
  try {
    return program(vars);
  } catch (err) {
    const what = failCode === 'CONDITION_FAILED' ? 'Condition' : 'Input expression';
    throw new EngineError(
      failCode,
      `${what} \`${source}\` failed: ${firstLine(err)}. Guard optional keys with has(state.key).`,
    );
  }
}

/** Compiles a `when` expression once; the returned condition is evaluated on each edge check. */
export function compileCondition(source: string): CompileConditionResult {
  const result = checkSource(source, 'Condition');
  if (!result.ok) {
    if (result.message.endsWith('is empty'))
      return failure('Condition is empty; remove `when` or write a test');
    return result;
  }
  const { checked } = result;
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return failure(`Condition must be a boolean expression, but it returns ${checked.type}`);
  }
  const condition: Condition = {
    source,
    evaluate(state: Readonly<State>, budget = DEFAULT_CONDITION_BUDGET): boolean {
      const value = run(checked, source, state, budget, 'CONDITION_FAILED');
      if (typeof value !== 'boolean') {
        throw new EngineError(
          'CONDITION_FAILED',
          `Condition \`${source}\` returned ${typeof value === 'bigint' ? 'int' : typeof value}, not a boolean`,
        );
      }
      return value;
    },
  };
  return { ok: true, condition: Object.freeze(condition) };
}

export type CompileExpressionResult = { ok: true; expression: Expression } | Failure;

/**
 * Compiles a node `inputs` expression (any type). Its value is converted back to JSON
 * (ints become numbers, CEL maps plain objects); runtime errors are INVALID_INPUT. `vars`:
 * variables beside `state` (a map node's item and `index`), given to `evaluate`.
 */
export function compileExpression(
  source: string,
  vars: readonly string[] = NO_VARS,
): CompileExpressionResult {
  const result = checkSource(source, 'Input expression', vars);
  if (!result.ok) return result;
  const { checked } = result;
  const expression: Expression = {
    source,
    evaluate(
      state: Readonly<State>,
      budget = DEFAULT_CONDITION_BUDGET,
      extra?: Readonly<Record<string, unknown>>,
    ): unknown {
      return fromCel(run(checked, source, state, budget, 'INVALID_INPUT', extra), 0);
    },
  };
  return { ok: true, expression: Object.freeze(expression) };
}
