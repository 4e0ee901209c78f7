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

/** Refuses unknown sub-graphs and cycles through the graphs they name (latest versions). */
export async function checkSubgraphs(
  def: GraphDef,
  tenantId: string,
  store: GraphStore,
): Promise<void> {
  const issues: GraphIssue[] = [];
  const named = (d: GraphDef) => (d.nodes ?? []).filter((n) => n.graph !== undefined);
  for (const [i, n] of (def.nodes ?? []).entries()) {
    if (n.graph !== undefined && n.tool !== SUBGRAPH_TOOL)
      issues.push({
        path: `nodes[${i}].tool`,
        code: 'INVALID_SHAPE',
        message: `A node with "graph" runs the sub-graph itself: leave "tool" out (or set it to "${SUBGRAPH_TOOL}")`,
      });
  }
  for (const [i, n] of (def.nodes ?? []).entries()) {
    if (n.graph === undefined) continue;
    const path = `nodes[${i}].graph`;
    if (n.graph === def.name) {
      issues.push({
        path,
        code: 'SUBGRAPH_CYCLE',
        message: `Graph "${def.name}" may not run itself`,
      });
      continue;
    }
    // Depth-first through the named graphs' latest definitions, looking for def.name.
    const seen = new Set<string>();
    const stack: Array<{ name: string; via: string[] }> = [{ name: n.graph, via: [def.name] }];
    let found: string[] | undefined;
    let missing = false;
    while (stack.length > 0 && !found) {
      const { name, via } = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const graph = await store.getByName(tenantId, name);
      if (!graph) {
        if (name === n.graph) missing = true;
        continue;
      }
      const latest = await store.latestVersion(graph.id);
      for (const child of latest ? named(latest.definition) : []) {
        const next = [...via, name];
        if (child.graph === def.name) found = [...next, def.name];
        else stack.push({ name: child.graph as string, via: next });
      }
    }
    if (missing)
      issues.push({
        path,
        code: 'UNKNOWN_GRAPH',
        message: `No graph named "${n.graph}" in this tenant; save it first`,
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
