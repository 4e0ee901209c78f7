/**
 * Graph validation: every problem at once, each with a path and a stable GraphIssueCode.
 * Shape problems (zod) do not stop the semantic checks: whatever can still be read is checked.
 */

import type { GraphIssue } from '../errors.js';
import { type GraphDef, REDUCER_NAMES, type ReducerName } from '../graph.js';
import type { Tool, ToolResolver } from '../tool.js';
import { reachableFrom } from './analysis.js';
import type { Condition, Expression } from './compiled.js';
import { compileCondition, compileExpression } from './condition.js';
import { cycleIssues, type StructEdge } from './cycles.js';
import { checkMap } from './map-node.js';
import { checkNodeIo } from './node-io.js';
import { formatPath, isRecord, joinPath, listNames, ROOT_PATH, shapeIssues } from './paths.js';
import { isReservedKey, reservedKeyMessage } from './reserved-keys.js';
import { graphDefSchema, MAX_EDGES, MAX_NODES } from './schema.js';

/** What validation learned, reused by compileGraph so conditions and configs are built once. */
export interface GraphAnalysis {
  issues: GraphIssue[];
  /** Per node index: its tool, when found. */
  tools: Map<number, Tool<unknown>>;
  /** Per node index: config parsed by the tool's schema. */
  configs: Map<number, unknown>;
  /** Per edge index: the compiled `when`. */
  conditions: Map<number, Condition>;
  /** Per node index: the compiled `inputs`. */
  inputs: Map<number, Array<[string, Expression]>>;
  /** Per map node index: its compiled `map.over`. */
  mapOver: Map<number, Expression>;
  /** The compiled `concurrency.key`. */
  concurrencyKey?: Expression;
  /** The zod-parsed definition (a copy of the input), when its shape is valid. */
  def?: GraphDef;
}

/** Checks a graph definition against its shape and the tools; returns every issue, never throws. */
export function validateGraph(def: unknown, tools: ToolResolver): GraphIssue[] {
  return analyzeGraph(def, tools).issues;
}

/** validateGraph plus what compileGraph needs. Never throws. */
export function analyzeGraph(def: unknown, tools: ToolResolver): GraphAnalysis {
  const analysis: GraphAnalysis = {
    issues: [],
    tools: new Map(),
    configs: new Map(),
    conditions: new Map(),
    inputs: new Map(),
    mapOver: new Map(),
  };
  try {
    analyze(def, tools, analysis);
  } catch (err) {
    // Defensive: hostile input (getters, proxies) or a throwing resolver must not crash callers.
    analysis.issues.push({
      path: ROOT_PATH,
      code: 'INVALID_SHAPE',
      message: `Graph could not be validated: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  return analysis;
}

function analyze(def: unknown, resolver: ToolResolver, out: GraphAnalysis): void {
  if (!isRecord(def)) {
    out.issues.push({
      path: ROOT_PATH,
      code: 'INVALID_SHAPE',
      message: 'A graph must be an object with name, nodes, edges and entry',
    });
    return;
  }
  const semantic: GraphIssue[] = [];
  const parsed = graphDefSchema.safeParse(def);
  const shape = parsed.success ? [] : shapeIssues(parsed.error);
  // Reducer names are checked below (UNKNOWN_REDUCER); until then the cast is provisional.
  if (parsed.success) out.def = parsed.data as GraphDef;
  const entryMissing = def.entry === undefined || def.entry === '';
  // MISSING_ENTRY replaces the generic shape issue. (Reducers are z.string() in the schema, so
  // an unknown reducer name is only ever reported as UNKNOWN_REDUCER.)
  const kept = shape.filter((i) => !(i.path === 'entry' && entryMissing));
  const nodes = Array.isArray(def.nodes) ? def.nodes : [];
  const edges = Array.isArray(def.edges) ? def.edges : [];
  if (nodes.length <= MAX_NODES && edges.length <= MAX_EDGES) {
    checkSemantics(def, nodes, edges, resolver, out, semantic);
  }
  checkStateKeys(def.state, semantic);
  checkConcurrency(def.concurrency, out, semantic);
  // One issue per path: a shape problem explains the field better than a follow-up one.
  const shapePaths = new Set(kept.map((i) => i.path));
  out.issues.push(...kept, ...semantic.filter((i) => !shapePaths.has(i.path)));
}

/** Compiles `concurrency.key` (CEL over the run input, any result type). */
function checkConcurrency(concurrency: unknown, out: GraphAnalysis, issues: GraphIssue[]): void {
  if (!isRecord(concurrency) || typeof concurrency.key !== 'string') return;
  const compiled = compileExpression(concurrency.key);
  if (compiled.ok) out.concurrencyKey = compiled.expression;
  else
    issues.push({
      path: 'concurrency.key',
      code: 'INVALID_CONCURRENCY_KEY',
      message: `${compiled.message} (the key is a CEL expression over the run input, e.g. "state.customerId")`,
    });
}

function checkSemantics(
  def: Record<string, unknown>,
  nodes: unknown[],
  edges: unknown[],
  resolver: ToolResolver,
  out: GraphAnalysis,
  issues: GraphIssue[],
): void {
  const ids = new Map<string, number>();
  const bounded = new Set<number>();
  nodes.forEach((node, i) => {
    if (!isRecord(node)) return;
    if (typeof node.id === 'string' && node.id !== '') {
      const first = ids.get(node.id);
      if (first === undefined) ids.set(node.id, i);
      else {
        issues.push({
          path: `nodes[${i}].id`,
          code: 'DUPLICATE_NODE_ID',
          message: `Node id "${node.id}" is already used by nodes[${first}]; give each node a unique id`,
        });
      }
    }
    if (node.maxIterations !== undefined) bounded.add(i);
    checkTool(node, i, resolver, out, issues);
    checkNodeIo(node, i, out.inputs, issues);
    checkMap(node, i, out.mapOver, issues);
  });

  const structEdges: StructEdge[] = [];
  edges.forEach((edge, i) => {
    if (!isRecord(edge)) return;
    const from = resolveEnd(edge.from, `edges[${i}].from`, 'source', ids, issues);
    const to = resolveEnd(edge.to, `edges[${i}].to`, 'target', ids, issues);
    if (typeof edge.when === 'string') {
      const compiled = compileCondition(edge.when);
      if (compiled.ok) out.conditions.set(i, compiled.condition);
      else {
        issues.push({
          path: `edges[${i}].when`,
          code: 'INVALID_CONDITION',
          message: compiled.message,
        });
      }
    }
    if (from !== undefined && to !== undefined) {
      structEdges.push({ index: i, from, to, conditional: edge.when !== undefined });
    }
  });

  const entry = checkEntry(def.entry, ids, issues);
  if (entry !== undefined) {
    const reached = reachableFrom(nodes.length, structEdges, entry);
    for (const [id, i] of ids) {
      if (reached[i]) continue;
      issues.push({
        path: `nodes[${i}]`,
        code: 'UNREACHABLE_NODE',
        message: `Node "${id}" cannot be reached from entry "${String(def.entry)}"; add an edge to it or remove it`,
      });
    }
  }
  const names = nodes.map((n, i) => (isRecord(n) && typeof n.id === 'string' ? n.id : `#${i}`));
  issues.push(...cycleIssues(names, structEdges, bounded));
}

function checkTool(
  node: Record<string, unknown>,
  i: number,
  resolver: ToolResolver,
  out: GraphAnalysis,
  issues: GraphIssue[],
): void {
  if (typeof node.tool !== 'string' || node.tool === '') return;
  const tool = resolver.get(node.tool);
  if (tool === undefined) {
    issues.push({
      path: `nodes[${i}].tool`,
      code: 'UNKNOWN_TOOL',
      message:
        resolver.missingReason?.(node.tool) ??
        `No tool named "${node.tool}" is registered; check the name against the tools query`,
    });
    return;
  }
  out.tools.set(i, tool);
  if (node.config !== undefined && !isRecord(node.config)) return; // a shape issue already
  const result = tool.config.safeParse(node.config ?? {});
  if (result.success) {
    out.configs.set(i, result.data);
    return;
  }
  for (const issue of result.error.issues) {
    issues.push({
      path: joinPath(`nodes[${i}].config`, issue.path),
      code: 'INVALID_CONFIG',
      message: `Invalid config for tool "${node.tool}": ${issue.message}`,
    });
  }
}

function resolveEnd(
  value: unknown,
  path: string,
  role: 'source' | 'target',
  ids: Map<string, number>,
  issues: GraphIssue[],
): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const index = ids.get(value);
  if (index === undefined) {
    issues.push({
      path,
      code: 'UNKNOWN_NODE',
      message: `Edge ${role} "${value}" is not a node id; known ids: ${listNames([...ids.keys()])}`,
    });
  }
  return index;
}

function checkEntry(
  entry: unknown,
  ids: Map<string, number>,
  issues: GraphIssue[],
): number | undefined {
  if (entry === undefined || entry === '') {
    issues.push({
      path: 'entry',
      code: 'MISSING_ENTRY',
      message: `Set entry to the id of the node that runs first (one of: ${listNames([...ids.keys()])})`,
    });
    return undefined;
  }
  if (typeof entry !== 'string') return undefined; // a shape issue already
  const index = ids.get(entry);
  if (index === undefined) {
    issues.push({
      path: 'entry',
      code: 'UNKNOWN_ENTRY',
      message: `Entry "${entry}" is not a node id; use one of: ${listNames([...ids.keys()])}`,
    });
  }
  return index;
}

function checkStateKeys(state: unknown, issues: GraphIssue[]): void {
  if (!isRecord(state)) return;
  // Own keys of the raw input: a JSON `"__proto__"` key is an own key here, never a prototype.
  for (const [key, value] of Object.entries(state)) {
    if (isReservedKey(key)) {
      issues.push({
        path: formatPath(['state', key]),
        code: 'RESERVED_STATE_KEY',
        message: reservedKeyMessage(key),
      });
      continue;
    }
    if (!isRecord(value) || typeof value.reducer !== 'string') continue;
    if ((REDUCER_NAMES as readonly string[]).includes(value.reducer)) continue;
    issues.push({
      path: formatPath(['state', key, 'reducer']),
      code: 'UNKNOWN_REDUCER',
      message: `Unknown reducer "${value.reducer}" for state key "${key}"; use one of: ${REDUCER_NAMES.join(', ')}`,
    });
  }
}

/** Narrows a reducer name declared in a valid graph. */
export function isReducerName(value: unknown): value is ReducerName {
  return typeof value === 'string' && (REDUCER_NAMES as readonly string[]).includes(value);
}
