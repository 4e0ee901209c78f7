import type { GraphDef } from '../api/types.js';

/**
 * The edges that close a loop (to a node on the depth-first path from the entry, as the engine
 * tells forward from back edges), and per node its forward incoming edges: a join has several.
 */
export function backEdges(def: GraphDef): { back: Set<number>; incoming: Map<string, number> } {
  const out = new Map<string, number[]>();
  def.edges.forEach((e, i) => {
    out.set(e.from, [...(out.get(e.from) ?? []), i]);
  });
  const back = new Set<number>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const i of out.get(id) ?? []) {
      const to = def.edges[i]!.to;
      if (state.get(to) === 'open') back.add(i);
      else if (!state.has(to)) visit(to);
    }
    state.set(id, 'done');
  };
  visit(def.entry);
  for (const n of def.nodes) if (!state.has(n.id)) visit(n.id);
  const incoming = new Map<string, number>();
  def.edges.forEach((e, i) => {
    if (!back.has(i)) incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1);
  });
  return { back, incoming };
}
