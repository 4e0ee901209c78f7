/**
 * Node `inputs` and `output` (see graph.ts): save-time checks and compilation, and where a tool's
 * result lands in the state (`outputPatch`, used by the live run before the merge is planned).
 */
import { EngineError, type GraphIssue } from '../errors.js';
import type { NodeDef, Patch } from '../graph.js';
import type { Expression, OutputMap } from './compiled.js';
import { compileExpression } from './condition.js';
import { mapVariables } from './map-node.js';
import { formatPath, isRecord } from './paths.js';
import { isReservedKey, reservedKeyMessage } from './reserved-keys.js';

/** Compiles a node's `inputs` (issues at `nodes[i].inputs.name`) and checks its `output`. */
export function checkNodeIo(
  node: Record<string, unknown>,
  i: number,
  compiled: Map<number, Array<[string, Expression]>>,
  issues: GraphIssue[],
): void {
  if (isRecord(node.inputs)) {
    const vars = mapVariables(node);
    const list: Array<[string, Expression]> = [];
    for (const [name, source] of Object.entries(node.inputs)) {
      const path = formatPath(['nodes', i, 'inputs', name]);
      if (isReservedKey(name)) {
        issues.push({ path, code: 'INVALID_INPUT', message: `Input name "${name}" is reserved` });
        continue;
      }
      if (typeof source !== 'string') continue; // a shape issue already
      const result = compileExpression(source, vars);
      if (result.ok) list.push([name, result.expression]);
      else issues.push({ path, code: 'INVALID_INPUT', message: result.message });
    }
    compiled.set(i, list);
  }
  const output = node.output;
  if (typeof output === 'string')
    checkOutputKey(output, formatPath(['nodes', i, 'output']), issues);
  else if (isRecord(output)) {
    for (const [key, path] of Object.entries(output)) {
      const at = formatPath(['nodes', i, 'output', key]);
      checkOutputKey(key, at, issues);
      if (typeof path !== 'string') continue;
      const bad = splitPath(path).find((seg) => seg === '' || isReservedKey(seg));
      if (bad !== undefined) {
        issues.push({
          path: at,
          code: 'INVALID_OUTPUT',
          message:
            bad === ''
              ? `Output path "${path}" has an empty segment; write a dotted path like "content.text" (or "" for the whole result)`
              : `Output path "${path}" reads "${bad}", which is reserved`,
        });
      }
    }
  }
}

function checkOutputKey(key: string, path: string, issues: GraphIssue[]): void {
  if (isReservedKey(key))
    issues.push({ path, code: 'INVALID_OUTPUT', message: reservedKeyMessage(key) });
}

function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/** A valid node's `output`, normalised. */
export function compileOutput(def: NodeDef): OutputMap | undefined {
  const output = def.output;
  if (output === undefined) return undefined;
  if (typeof output === 'string') return Object.freeze([Object.freeze([output, []] as const)]);
  return Object.freeze(
    Object.entries(output).map(([key, path]) =>
      Object.freeze([key, Object.freeze(splitPath(path))] as const),
    ),
  );
}

/** The value at `path` in `value`, own properties only; undefined when a segment is missing. */
function at(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const seg of path) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** The patch a tool's result makes under the node's `output` (values then fold by reducer). */
export function outputPatch(output: OutputMap, result: unknown): Patch {
  const patch: Patch = {};
  for (const [key, path] of output) patch[key] = at(result, path);
  return patch;
}

/**
 * Evaluates a node's inputs against the state at the attempt's start (and a map item's
 * variables). Throws INVALID_INPUT.
 */
export function evaluateInputs(
  inputs: ReadonlyArray<readonly [string, Expression]>,
  state: Readonly<Record<string, unknown>>,
  budget: number | undefined,
  nodeId: string,
  vars?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, expression] of inputs) {
    try {
      input[name] = expression.evaluate(state, budget, vars);
    } catch (err) {
      if (err instanceof EngineError) {
        throw new EngineError(err.code, `${err.message} [inputs.${name}]`, nodeId, err.details);
      }
      throw err;
    }
  }
  return input;
}
