/**
 * Sub-graph nodes at save time: `{ graph, graphVersion }` nodes get the `subgraph` tool and its
 * config (from the node fields, the one source of truth), and graphs calling graphs are checked:
 * every named graph must exist in the tenant, and none may lead back to the graph being saved.
 */
import { type GraphDef, GraphInvalidError, type GraphIssue } from '../engine/index.js';
import type { GraphStore } from './ports.js';

export const SUBGRAPH_TOOL = 'subgraph';

/** The definition with its sub-graph nodes' tool and config filled in. */
export function withSubgraphTools(def: GraphDef): GraphDef {
  if (!def.nodes?.some((n) => n.graph !== undefined)) return def;
  return {
    ...def,
    nodes: def.nodes.map((n) =>
      n.graph === undefined
        ? n
        : {
            ...n,
            tool: n.tool ?? SUBGRAPH_TOOL,
            config: {
              graph: n.graph,
              ...(n.graphVersion === undefined ? {} : { version: n.graphVersion }),
            },
          },
    ),
  };
}

/** The agent tool, whose `graphs` and `handoffs` name graphs too (src/llm/agent-graphs.ts). */
const AGENT_TOOL = 'agent';

/** Every graph a node calls, with the path of its name: `graph`, an agent's graphs and handoffs. */
function calledGraphs(
  node: GraphDef['nodes'][number],
  i: number,
): Array<{ name: string; path: string }> {
  const called: Array<{ name: string; path: string }> = [];
  if (node.graph !== undefined) called.push({ name: node.graph, path: `nodes[${i}].graph` });
  if (node.tool !== AGENT_TOOL || node.config === null || typeof node.config !== 'object')
    return called;
  for (const field of ['graphs', 'handoffs'] as const) {
    const list = (node.config as Record<string, unknown>)[field];
    if (!Array.isArray(list)) continue;
    list.forEach((ref: unknown, j) => {
      const name = typeof ref === 'string' ? ref : (ref as { graph?: unknown } | null)?.graph;
      if (typeof name === 'string')
        called.push({ name, path: `nodes[${i}].config.${field}[${j}]` });
    });
  }
  return called;
}

/**
 * Refuses unknown sub-graphs and cycles through the graphs they name (latest versions): `graph`
 * nodes, and the graphs an agent calls or hands off to.
 */
export async function checkSubgraphs(
  def: GraphDef,
  tenantId: string,
  store: GraphStore,
): Promise<void> {
  const issues: GraphIssue[] = [];
  const named = (d: GraphDef) => (d.nodes ?? []).flatMap((n, i) => calledGraphs(n, i));
  for (const [i, n] of (def.nodes ?? []).entries()) {
    if (n.graph !== undefined && n.tool !== SUBGRAPH_TOOL)
      issues.push({
        path: `nodes[${i}].tool`,
        code: 'INVALID_SHAPE',
        message: `A node with "graph" runs the sub-graph itself: leave "tool" out (or set it to "${SUBGRAPH_TOOL}")`,
      });
  }
  for (const { name: called, path } of named(def)) {
    if (called === def.name) {
      issues.push({
        path,
        code: 'SUBGRAPH_CYCLE',
        message: `Graph "${def.name}" may not run itself`,
      });
      continue;
    }
    // Depth-first through the named graphs' latest definitions, looking for def.name.
    const seen = new Set<string>();
    const stack: Array<{ name: string; via: string[] }> = [{ name: called, via: [def.name] }];
    let found: string[] | undefined;
    let missing = false;
    while (stack.length > 0 && !found) {
      const { name, via } = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const graph = await store.getByName(tenantId, name);
      if (!graph) {
        if (name === called) missing = true;
        continue;
      }
      const latest = await store.latestVersion(graph.id);
      for (const child of latest ? named(latest.definition) : []) {
        const next = [...via, name];
        if (child.name === def.name) found = [...next, def.name];
        else stack.push({ name: child.name, via: next });
      }
    }
    if (missing)
      issues.push({
        path,
        code: 'UNKNOWN_GRAPH',
        message: `No graph named "${called}" in this tenant; save it first`,
      });
    else if (found)
      issues.push({
        path,
        code: 'SUBGRAPH_CYCLE',
        message: `Graphs call each other in a cycle: ${found.join(' -> ')}`,
      });
  }
  if (issues.length > 0) throw new GraphInvalidError(issues);
}
