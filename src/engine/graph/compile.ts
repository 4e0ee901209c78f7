/**
 * Compilation: validate a graph definition, then build the immutable CompiledGraph the executor
 * runs (node and edge indices, parsed configs, compiled conditions, back edges, reducers).
 */

import { GraphInvalidError, type GraphIssue } from '../errors.js';
import type { EdgeDef, GraphDef, NodeDef, ReducerName, State } from '../graph.js';
import type { Tool, ToolResolver } from '../tool.js';
import { findBackEdges } from './analysis.js';
import type {
  CompiledEdge,
  CompiledGraph,
  CompiledNode,
  Condition,
  Expression,
} from './compiled.js';
import { compileMap } from './map-node.js';
import { compileOutput } from './node-io.js';
import { analyzeGraph, type GraphAnalysis, isReducerName } from './validate.js';

export type CompileGraphResult =
  | { ok: true; graph: CompiledGraph }
  | { ok: false; issues: GraphIssue[] };

interface MutableNode {
  index: number;
  id: string;
  def: NodeDef;
  tool: Tool<unknown>;
  config: unknown;
  inputs: CompiledNode['inputs'];
  output: CompiledNode['output'];
  map: CompiledNode['map'];
  out: CompiledEdge[];
  inForward: CompiledEdge[];
  inBack: CompiledEdge[];
}

/**
 * Validates `def` (see validateGraph) and compiles it. Conditions are compiled and configs parsed
 * exactly once, here. Returns every issue when the graph is invalid.
 */
export function compileGraph(def: unknown, tools: ToolResolver): CompileGraphResult {
  const analysis = analyzeGraph(def, tools);
  if (analysis.issues.length > 0 || analysis.def === undefined) {
    return { ok: false, issues: analysis.issues };
  }
  return { ok: true, graph: build(analysis.def, analysis) };
}

/** compileGraph, throwing GraphInvalidError (code GRAPH_INVALID, issues in `details`). */
export function compileGraphOrThrow(def: unknown, tools: ToolResolver): CompiledGraph {
  const result = compileGraph(def, tools);
  if (!result.ok) throw new GraphInvalidError(result.issues);
  return result.graph;
}

function build(def: GraphDef, analysis: GraphAnalysis): CompiledGraph {
  const nodes: MutableNode[] = def.nodes.map((nodeDef, index) => ({
    index,
    id: nodeDef.id,
    def: Object.freeze(nodeDef),
    tool: analysis.tools.get(index)!,
    config: analysis.configs.get(index),
    inputs: frozenInputs(analysis.inputs.get(index)),
    output: compileOutput(nodeDef),
    map: compileMap(nodeDef.map, analysis.mapOver.get(index)),
    out: [],
    inForward: [],
    inBack: [],
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const entry = byId.get(def.entry)!;
  const ends = def.edges.map((e) => ({ from: byId.get(e.from)!.index, to: byId.get(e.to)!.index }));
  const back = findBackEdges(nodes.length, ends, entry.index);

  const edges = def.edges.map((edgeDef, index): CompiledEdge => {
    const from = nodes[ends[index]!.from]!;
    const to = nodes[ends[index]!.to]!;
    const condition: Condition | undefined = analysis.conditions.get(index);
    const edge: CompiledEdge = Object.freeze({
      index,
      def: Object.freeze(edgeDef) as EdgeDef,
      from: from as CompiledNode,
      to: to as CompiledNode,
      condition,
      isBack: back[index] ?? false,
    });
    from.out.push(edge);
    (edge.isBack ? to.inBack : to.inForward).push(edge);
    return edge;
  });
  for (const node of nodes) {
    Object.freeze(node.out);
    Object.freeze(node.inForward);
    Object.freeze(node.inBack);
    Object.freeze(node);
  }

  const reducers: Record<string, ReducerName> = {};
  const defaults: State = {};
  for (const [key, spec] of Object.entries(def.state ?? {})) {
    if (isReducerName(spec.reducer)) reducers[key] = spec.reducer;
    if (spec.default !== undefined) defaults[key] = spec.default;
  }
  Object.freeze(def.nodes);
  Object.freeze(def.edges);
  return Object.freeze({
    def: Object.freeze(def),
    nodes: Object.freeze(nodes as CompiledNode[]),
    byId: byId as ReadonlyMap<string, CompiledNode>,
    edges: Object.freeze(edges),
    entry: entry as CompiledNode,
    reducers: Object.freeze(reducers),
    defaults: Object.freeze(defaults),
    ...(def.concurrency && analysis.concurrencyKey
      ? {
          concurrency: Object.freeze({
            key: analysis.concurrencyKey,
            onConflict: def.concurrency.onConflict,
          }),
        }
      : {}),
  });
}

function frozenInputs(list: Array<[string, Expression]> | undefined): CompiledNode['inputs'] {
  if (list === undefined) return undefined;
  return Object.freeze(list.map((pair) => Object.freeze(pair)));
}
