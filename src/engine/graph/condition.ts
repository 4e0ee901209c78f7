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
 * Cost bounds: source length, parse depth and AST size are capped, and comprehension macros may
 * nest only MAX_COMPREHENSION_NESTING deep (three nested `all` over a 10k list never finishes).
 *
 * `matches()` is rejected at compile time: CEL regexes run on the JS backtracking engine, and a
 * 28-character pattern can take seconds (ReDoS). Use contains / startsWith / endsWith instead.
 */
import { Environment } from '@marcbachmann/cel-js';
import { EngineError } from '../errors.js';
import type { State } from '../graph.js';
import type { Condition } from './compiled.js';

export const MAX_CONDITION_LENGTH = 1_000;
export const MAX_CONDITION_DEPTH = 32;
const MAX_AST_NODES = 500;
/** Comprehensions (all, exists, map...) nested deeper than this cost O(n^depth) on big lists. */
export const MAX_COMPREHENSION_NESTING = 2;
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/** Values nested deeper than this are passed to CEL unconverted (JSON state is never this deep). */
const MAX_CONVERT_DEPTH = 64;

export type CompileConditionResult =
  | { ok: true; condition: Condition }
  | { ok: false; message: string; position?: number };

type Num = number | bigint;
const mixed = (f: (a: number, b: number) => number) => (a: Num, b: Num) => f(Number(a), Number(b));

function createEnvironment(): Environment {
  let env = new Environment({
    limits: {
      maxDepth: MAX_CONDITION_DEPTH,
      maxAstNodes: MAX_AST_NODES,
      maxListElements: 100,
      maxMapEntries: 100,
      maxCallArguments: 8,
    },
  }).registerVariable('state', 'map');
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

let sharedEnv: Environment | undefined;
function environment(): Environment {
  sharedEnv ??= createEnvironment();
  return sharedEnv;
}

interface AstLike {
  op: string;
  args: unknown;
  start?: number;
}

function isAst(value: unknown): value is AstLike {
  return typeof value === 'object' && value !== null && 'op' in value && 'args' in value;
}

/** Visits every AST node (args may nest nodes in arrays, e.g. call arguments). */
function walk(node: unknown, visit: (n: AstLike, parent: AstLike | undefined) => void): void {
  const stack: Array<[unknown, AstLike | undefined]> = [[node, undefined]];
  while (stack.length > 0) {
    const [current, parent] = stack.pop()!;
    if (Array.isArray(current)) {
      for (const item of current) stack.push([item, parent]);
    } else if (isAst(current)) {
      visit(current, parent);
      stack.push([current.args, current]);
    }
  }
}

/** Top-level state keys the expression reads, or undefined when it uses `state` as a whole. */
function referencedKeys(ast: unknown): string[] | undefined {
  const keys = new Set<string>();
  let whole = false;
  walk(ast, (n, parent) => {
    if (n.op !== 'id' || n.args !== 'state') return;
    const access = parent !== undefined && (parent.op === '.' || parent.op === '.?');
    const args = parent?.args;
    if (access && Array.isArray(args) && args[0] === n && typeof args[1] === 'string') {
      keys.add(args[1]);
    } else {
      whole = true;
    }
  });
  return whole ? undefined : [...keys];
}

function findMatches(ast: unknown): AstLike | undefined {
  let found: AstLike | undefined;
  walk(ast, (n) => {
    if ((n.op === 'call' || n.op === 'rcall') && Array.isArray(n.args) && n.args[0] === 'matches') {
      found ??= n;
    }
  });
  return found;
}

/** The first comprehension nested deeper than allowed, if any. */
function findDeepComprehension(ast: unknown): AstLike | undefined {
  const isComprehension = (n: AstLike) =>
    n.op === 'rcall' && Array.isArray(n.args) && COMPREHENSIONS.has(n.args[0] as string);
  const stack: Array<[unknown, number]> = [[ast, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (Array.isArray(current)) {
      for (const item of current) stack.push([item, depth]);
    } else if (isAst(current)) {
      const next = isComprehension(current) ? depth + 1 : depth;
      if (next > MAX_COMPREHENSION_NESTING) return current;
      stack.push([current.args, next]);
    }
  }
  return undefined;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** JSON value -> CEL value: safe integers become ints (BigInt); arrays and objects are copied. */
function toCel(value: unknown, depth: number): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null || depth >= MAX_CONVERT_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, depth + 1));
  if (!isPlainObject(value)) return value;
  // Null prototype: a JSON key named __proto__ stays a plain key.
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = toCel(v, depth + 1);
  return out;
}

function celState(state: Readonly<State>, keys: string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys ?? Object.keys(state)) {
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

function failure(message: string, position?: number): CompileConditionResult {
  return position === undefined
    ? { ok: false, message }
    : { ok: false, message: `${message} (at position ${position})`, position };
}

/** Compiles a `when` expression once; the returned condition is evaluated on each edge check. */
export function compileCondition(source: string): CompileConditionResult {
  if (typeof source !== 'string') return failure('Condition must be a string');
  if (source.length > MAX_CONDITION_LENGTH) {
    return failure(
      `Condition is ${source.length} characters; the limit is ${MAX_CONDITION_LENGTH}`,
    );
  }
  if (source.trim() === '') return failure('Condition is empty; remove `when` or write a test');
  let program: ReturnType<Environment['parse']>;
  try {
    program = environment().parse(source);
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
  const deep = findDeepComprehension(program.ast);
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
  const type = String(checked.type);
  if (type !== 'bool' && type !== 'dyn') {
    return failure(`Condition must be a boolean expression, but it returns ${type}`);
  }
  const keys = referencedKeys(program.ast);
  const condition: Condition = {
    source,
    evaluate(state: Readonly<State>): boolean {
      let result: unknown;
      try {
        result = program({ state: celState(state, keys) });
      } catch (err) {
        throw new EngineError(
          'CONDITION_FAILED',
          `Condition \`${source}\` failed: ${firstLine(err)}. Guard optional keys with has(state.key).`,
        );
      }
      if (typeof result !== 'boolean') {
        throw new EngineError(
          'CONDITION_FAILED',
          `Condition \`${source}\` returned ${typeof result === 'bigint' ? 'int' : typeof result}, not a boolean`,
        );
      }
      return result;
    },
  };
  return { ok: true, condition: Object.freeze(condition) };
}
