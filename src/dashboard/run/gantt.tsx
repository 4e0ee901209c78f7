import { formatDuration } from '../components/status.js';
import type { Bar } from './attempt-bars.js';

const MAX_ROWS = 400;

/**
 * The timeline: a row per node activation, a bar per attempt from its start to its end (now
 * while it runs), coloured by how it ended; the gap between two bars is the retry's delay.
 */
export function Gantt({
  bars,
  runStart,
  now,
}: {
  bars: readonly Bar[];
  runStart: string | null;
  now: number;
}) {
  if (bars.length === 0) return <p className="muted">No node has started.</p>;
  const t0 = Math.min(
    runStart ? Date.parse(runStart) : Number.POSITIVE_INFINITY,
    ...bars.map((b) => b.start),
  );
  const end = (b: Bar) => b.end ?? now;
  const span = Math.max(1, Math.max(...bars.map(end)) - t0);
  const rows = new Map<string, Bar[]>();
  for (const b of bars) {
    const key = `${b.nodeId}:${b.iteration}`;
    if (!rows.has(key) && rows.size >= MAX_ROWS) continue;
    rows.set(key, [...(rows.get(key) ?? []), b]);
  }
  const shown = [...rows.values()];
  const hidden = new Set(bars.map((b) => `${b.nodeId}:${b.iteration}`)).size - shown.length;
  return (
    <div className="gantt" data-testid="gantt">
      {shown.map((row) => (
        <div className="gantt-row" key={`${row[0]!.nodeId}:${row[0]!.iteration}`}>
          <span className="gantt-label">
            {row[0]!.nodeId}
            {row[0]!.iteration > 1 ? ` (${row[0]!.iteration})` : ''}
          </span>
          <span className="gantt-track">
            {row.map((b) => (
              <span
                key={b.key}
                className={`gantt-bar status-${b.status.toLowerCase()}`}
                data-testid="gantt-bar"
                style={{
                  left: `${((b.start - t0) / span) * 100}%`,
                  width: `${Math.max(0.5, ((end(b) - b.start) / span) * 100)}%`,
                }}
                title={`${b.nodeId} iteration ${b.iteration}, attempt ${b.attempt}: ${b.status}, ${formatDuration(end(b) - b.start)}`}
              >
                {row.length > 1 || b.attempt > 1 ? `#${b.attempt}` : ''}
              </span>
            ))}
          </span>
        </div>
      ))}
      {hidden > 0 && <p className="muted">{hidden} more activations not drawn.</p>}
      <div className="gantt-axis muted">0 — {formatDuration(span)}</div>
    </div>
  );
}
