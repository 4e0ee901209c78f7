import type { NodeExecution } from '../api/types.js';
import { formatDuration } from '../components/status.js';

/**
 * A timeline of node executions: one bar per activation from its start to its end (now while it
 * runs), coloured by status; retried activations show their attempt count.
 */
export function Gantt({
  nodes,
  runStart,
  now,
}: {
  nodes: readonly NodeExecution[];
  runStart: string | null;
  now: number;
}) {
  const bars = nodes.filter((n) => n.startedAt);
  if (bars.length === 0) return <p className="muted">No node has started.</p>;
  const t0 = Math.min(
    runStart ? Date.parse(runStart) : Number.POSITIVE_INFINITY,
    ...bars.map((n) => Date.parse(n.startedAt!)),
  );
  const end = (n: NodeExecution) => (n.finishedAt ? Date.parse(n.finishedAt) : now);
  const span = Math.max(1, Math.max(...bars.map(end)) - t0);
  const rows = Math.min(bars.length, 400);
  return (
    <div className="gantt" data-testid="gantt">
      {bars.slice(0, rows).map((n) => {
        const left = ((Date.parse(n.startedAt!) - t0) / span) * 100;
        const width = Math.max(0.5, ((end(n) - Date.parse(n.startedAt!)) / span) * 100);
        return (
          <div className="gantt-row" key={`${n.nodeId}:${n.iteration}`}>
            <span className="gantt-label">
              {n.nodeId}
              {n.iteration > 1 ? ` (${n.iteration})` : ''}
            </span>
            <span className="gantt-track">
              <span
                className={`gantt-bar status-${n.status.toLowerCase()}`}
                style={{ left: `${left}%`, width: `${width}%` }}
                title={`${n.nodeId} iteration ${n.iteration}: ${n.status}, ${n.attempts} attempt(s), ${formatDuration(end(n) - Date.parse(n.startedAt!))}`}
              >
                {n.attempts > 1 ? `×${n.attempts}` : ''}
              </span>
            </span>
          </div>
        );
      })}
      {bars.length > rows && (
        <p className="muted">{bars.length - rows} more executions not drawn.</p>
      )}
      <div className="gantt-axis muted">0 — {formatDuration(span)}</div>
    </div>
  );
}
