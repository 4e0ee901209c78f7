/**
 * What compileCondition reads off a parsed CEL expression (cel-js AST: `{ op, args, start }`):
 * the state keys it touches, forbidden calls, and how its comprehensions nest (the cost model
 * of the condition work budget, condition-budget.ts).
 */

export interface AstLike {
  op: string;
  args: unknown;
  start?: number;
}

/** Comprehension macros: each iterates a list (or a map's keys). */
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

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

/** The key `parent` reads from `state` (`state.k`, `state.?k`, `state["k"]`), if static. */
function accessedKey(n: AstLike, parent: AstLike | undefined): string | undefined {
  const args = parent?.args;
  if (parent === undefined || !Array.isArray(args) || args[0] !== n) return undefined;
  if ((parent.op === '.' || parent.op === '.?') && typeof args[1] === 'string') return args[1];
  const index = args[1] as AstLike | undefined;
  if (
    parent.op === '[]' &&
    isAst(index) &&
    index.op === 'value' &&
    typeof index.args === 'string'
  ) {
    return index.args;
  }
  return undefined;
}

export interface StateReads {
  /** Top-level keys read by field access, or undefined when `state` is used as a whole. */
  keys: string[] | undefined;
  /** Every statically named key (field or literal index), with where it is read. */
  named: Array<{ key: string; start: number | undefined }>;
}

/** The state keys the expression reads. */
export function stateReads(ast: unknown): StateReads {
  const keys = new Set<string>();
  const named: StateReads['named'] = [];
  let whole = false;
  walk(ast, (n, parent) => {
    if (n.op !== 'id' || n.args !== 'state') return;
    const key = accessedKey(n, parent);
    if (key !== undefined) named.push({ key, start: parent?.start });
    if (key !== undefined && parent?.op !== '[]') keys.add(key);
    else whole = true;
  });
  return { keys: whole ? undefined : [...keys], named };
}

export function findMatches(ast: unknown): AstLike | undefined {
  let found: AstLike | undefined;
  walk(ast, (n) => {
    if ((n.op === 'call' || n.op === 'rcall') && Array.isArray(n.args) && n.args[0] === 'matches') {
      found ??= n;
    }
  });
  return found;
}

/** How the expression iterates: nesting depth, and how many loops there are in all. */
export interface LoopShape {
  /** Deepest nesting of loops (comprehensions, and `in`, which scans a list). */
  depth: number;
  /** Loops in the expression. */
  count: number;
  /** The first comprehension nested deeper than `maxComprehensionDepth`, if any. */
  tooDeep: AstLike | undefined;
}

export function loopShape(ast: unknown, maxComprehensionDepth: number): LoopShape {
  const shape: LoopShape = { depth: 0, count: 0, tooDeep: undefined };
  // Each entry: node, loops around it, comprehensions around it.
  const stack: Array<[unknown, number, number]> = [[ast, 0, 0]];
  while (stack.length > 0) {
    const [current, loops, comprehensions] = stack.pop()!;
    if (Array.isArray(current)) {
      for (const item of current) stack.push([item, loops, comprehensions]);
      continue;
    }
    if (!isAst(current)) continue;
    const args = current.args;
    const comprehension =
      current.op === 'rcall' && Array.isArray(args) && COMPREHENSIONS.has(args[0] as string);
    const loop = comprehension || current.op === 'in';
    const depth = loop ? loops + 1 : loops;
    const nested = comprehension ? comprehensions + 1 : comprehensions;
    if (loop) shape.count++;
    if (depth > shape.depth) shape.depth = depth;
    if (nested > maxComprehensionDepth) shape.tooDeep ??= current;
    stack.push([args, depth, nested]);
  }
  return shape;
}
