import ELK from 'elkjs/lib/elk-api.js';
import type { GraphDef } from '../api/types.js';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 64;

// ELK (1.4 MB) runs in a worker, started with the page: it is fetched and parsed off the main
// thread while the page waits for its first GraphQL answers.
const elk = new ELK({
  workerFactory: () => new Worker(new URL('elkjs/lib/elk-worker.min.js', import.meta.url)),
});

/** Node positions from ELK's layered algorithm (cycles are broken by ELK, drawn as back edges). */
export async function layoutGraph(def: GraphDef): Promise<Map<string, { x: number; y: number }>> {
  const ids = new Set(def.nodes.map((n) => n.id));
  const laid = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
      'elk.edgeLabels.placement': 'CENTER',
    },
    children: def.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: def.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
      .map((e, i) => ({
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
        // Room for the condition drawn on the edge.
        labels: e.when
          ? [{ text: e.when, width: Math.min(260, 7 * e.when.length + 16), height: 18 }]
          : [],
      })),
  });
  const positions = new Map<string, { x: number; y: number }>();
  for (const child of laid.children ?? [])
    positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return positions;
}
