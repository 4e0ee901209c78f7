/**
 * A node's `map` (see graph.ts MapDef): save-time checks (issues at `nodes[i].map.*`, code
 * INVALID_MAP) and compilation. The live side is live/map-run.ts.
 */
import type { GraphIssue } from '../errors.js';
import type { MapDef } from '../graph.js';
import type { CompiledMap, Expression } from './compiled.js';
import { compileExpression } from './condition.js';
import { formatPath, isRecord } from './paths.js';

export const DEFAULT_MAP_AS = 'item';
export const DEFAULT_MAP_CONCURRENCY = 8;
/** Items one map node may have; a longer list fails the node with MAP_TOO_LARGE. */
export const MAX_MAP_ITEMS = 100_000;

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Names CEL reserves or the map already uses. */
const TAKEN = new Set([
  'state',
  'index',
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/** The variables a map node's `inputs` see beside `state`; none for other nodes. */
export function mapVariables(node: Record<string, unknown>): readonly string[] {
  if (!isRecord(node.map)) return [];
  const as = typeof node.map.as === 'string' ? node.map.as : DEFAULT_MAP_AS;
  return [as, 'index'];
}

/** Checks `map` and compiles `over` (into `compiled` by node index). */
export function checkMap(
  node: Record<string, unknown>,
  i: number,
  compiled: Map<number, Expression>,
  issues: GraphIssue[],
): void {
  const map = node.map;
  if (!isRecord(map)) return;
  const issue = (field: string, message: string) =>
    issues.push({ path: formatPath(['nodes', i, 'map', field]), code: 'INVALID_MAP', message });
  if (typeof map.over === 'string') {
    const result = compileExpression(map.over);
    if (result.ok) compiled.set(i, result.expression);
    else issue('over', result.message);
  }
  const as = map.as;
  if (typeof as === 'string' && (!VARIABLE.test(as) || TAKEN.has(as)))
    issue(
      'as',
      `"${as}" cannot name the item: use letters, digits and _ (not starting with a digit), and not state, index or a CEL keyword`,
    );
  if (typeof node.output !== 'string')
    issues.push({
      path: formatPath(['nodes', i, 'output']),
      code: 'INVALID_MAP',
      message:
        'A map node gathers its results in a list: set "output" to the state key it lands in',
    });
}

export function compileMap(def: MapDef | undefined, over: Expression | undefined) {
  if (def === undefined || over === undefined) return undefined;
  const map: CompiledMap = {
    over,
    as: def.as ?? DEFAULT_MAP_AS,
    maxConcurrency: def.maxConcurrency ?? DEFAULT_MAP_CONCURRENCY,
  };
  return Object.freeze(map);
}
