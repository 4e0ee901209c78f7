import {
  applyNodeChanges,
  Background,
  Controls,
  type Edge,
  MarkerType,
  type Node,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { GraphDef } from '../api/types.js';
import { backEdges } from './edges.js';
import { layoutGraph } from './layout.js';
import { type LiveNode, ToolNode, type ToolNodeData } from './tool-node.js';

const nodeTypes = { tool: ToolNode };

interface Props {
  def: GraphDef;
  /** Live status per node id (a run page); none: the graph alone. */
  live?: ReadonlyMap<string, LiveNode>;
  selected?: string | null;
  onSelect?: (nodeId: string | null) => void;
  height?: number;
}

/** Only what can be drawn: a definition being typed may have nodes without ids, or twice. */
function drawable(def: GraphDef): GraphDef {
  const seen = new Set<string>();
  const nodes = (def.nodes ?? []).filter((n) => {
    if (typeof n?.id !== 'string' || seen.has(n.id)) return false;
    seen.add(n.id);
    return true;
  });
  const edges = (def.edges ?? []).filter(
    (e) =>
      typeof e?.from === 'string' &&
      typeof e?.to === 'string' &&
      seen.has(e.from) &&
      seen.has(e.to),
  );
  return { ...def, nodes, edges };
}

/** Draws a graph definition: its nodes with their tool, edges with their conditions, loops. */
export function GraphDrawing({ def: given, live, selected, onSelect, height = 360 }: Props) {
  const def = useMemo(() => drawable(given), [given]);
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }> | null>(null);
  const shape = JSON.stringify([def.nodes.map((n) => n.id), def.edges]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the layout depends on the shape only
  useEffect(() => {
    let live = true;
    layoutGraph(def)
      .then((p) => live && setPositions(p))
      .catch(() => live && setPositions(new Map()));
    return () => {
      live = false;
    };
  }, [shape]);

  const { incoming, back } = useMemo(() => backEdges(def), [def]);

  const computed: Node<ToolNodeData>[] = useMemo(
    () =>
      def.nodes.map((n, i) => ({
        id: n.id,
        type: 'tool',
        position: positions?.get(n.id) ?? { x: i * 230, y: 0 },
        selected: selected === n.id,
        data: {
          def: n,
          entry: def.entry === n.id,
          join: (incoming.get(n.id) ?? 0) > 1,
          live: live?.get(n.id),
        },
      })),
    [def, positions, selected, incoming, live],
  );
  // React Flow measures nodes once and reports it through onNodesChange: the measured size is
  // kept across live updates (a node without it is hidden until measured again).
  const [nodes, setNodes] = useState<Node<ToolNodeData>[]>(computed);
  useEffect(() => {
    setNodes((prev) =>
      computed.map((n) => {
        const old = prev.find((p) => p.id === n.id);
        return old?.measured ? { ...n, measured: old.measured } : n;
      }),
    );
  }, [computed]);
  const edges: Edge[] = def.edges.map((e, i) => {
    // A loop's edge back goes under the nodes, bottom to bottom (a self-loop: right to bottom).
    const isBack = back.has(i) || (positions?.get(e.to)?.x ?? 0) < (positions?.get(e.from)?.x ?? 0);
    const liveFrom = live?.get(e.from);
    return {
      id: `e${i}`,
      source: e.from,
      target: e.to,
      ...(e.from === e.to
        ? { targetHandle: 'back-in' }
        : isBack
          ? { sourceHandle: 'back-out', targetHandle: 'back-in' }
          : {}),
      type: isBack ? 'smoothstep' : 'default',
      label: e.when,
      animated: liveFrom?.status === 'RUNNING',
      className: e.when ? 'edge-conditional' : undefined,
      markerEnd: { type: MarkerType.ArrowClosed },
      labelBgPadding: [6, 3],
      labelBgBorderRadius: 4,
    };
  });

  return (
    <div className="graph-drawing" style={{ height }} data-testid="graph-drawing">
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={(changes) => setNodes((nds) => applyNodeChanges(changes, nds))}
          fitView
          fitViewOptions={{ padding: 0.15 }}
          key={positions ? 'laid' : 'unlaid'}
          nodesDraggable={false}
          nodesConnectable={false}
          proOptions={{ hideAttribution: true }}
          onNodeClick={(_e, node) => onSelect?.(node.id === selected ? null : node.id)}
          onPaneClick={() => onSelect?.(null)}
          minZoom={0.2}
        >
          <Background gap={16} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
