import { Handle, type NodeProps, Position } from '@xyflow/react';
import type { LiveNode, NodeDef } from '../api/types.js';

export type { LiveNode };

export interface ToolNodeData extends Record<string, unknown> {
  def: NodeDef;
  entry: boolean;
  join: boolean;
  live: LiveNode | undefined;
}

/** A node of the drawing: id, tool, and badges for retry, timeout, loop bound, join, map, status. */
export function ToolNode({ data, selected }: NodeProps & { data: ToolNodeData }) {
  const { def, live } = data;
  const status = live?.status ?? (data.live === undefined ? 'NONE' : 'PENDING');
  const badges: string[] = [];
  if (data.entry) badges.push('entry');
  if (data.join) badges.push('join');
  if (def.maxIterations !== undefined)
    badges.push(`loop ≤${def.maxIterations}${def.onLimit === 'exit' ? ' then exit' : ''}`);
  if (def.retry) badges.push(`retry ×${def.retry.maxAttempts}`);
  if (def.timeoutMs !== undefined) badges.push(`${def.timeoutMs} ms`);
  if (def.map) badges.push(`map ${def.map.over} ×${def.map.maxConcurrency ?? 8}`);
  return (
    <div
      className={`tool-node status-${status.toLowerCase()}${selected ? ' selected' : ''}`}
      data-testid={`node-${def.id}`}
      data-status={status}
      title={live ? `${def.id}: ${live.status}` : def.id}
    >
      <Handle type="target" position={Position.Left} />
      <Handle type="target" id="back-in" position={Position.Bottom} />
      <div className="tool-node-head">
        <strong>{def.id}</strong>
        {live && live.iterations > 1 && (
          <span className="iterations" title="iterations">
            ×{live.iterations}
          </span>
        )}
        {live && <span className="status-dot" />}
      </div>
      <div className="tool-node-tool">{def.tool}</div>
      {badges.length > 0 && (
        <div className="tool-node-badges">
          {badges.map((b) => (
            <span key={b}>{b}</span>
          ))}
        </div>
      )}
      <Handle type="source" position={Position.Right} />
      <Handle type="source" id="back-out" position={Position.Bottom} />
    </div>
  );
}
