import type { NodeDef, NodeExecution, RunEvent } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { ErrorBox, formatDuration, StatusBadge } from '../components/status.js';
import { mapItemsOf } from './map-items.js';

/**
 * A node of the run: its definition, each activation with its status and error, and the text a
 * model streamed into it (`llm.delta` CUSTOM events among the loaded ones).
 */
export function NodePanel({
  def,
  executions,
  events,
}: {
  def: NodeDef | undefined;
  executions: readonly NodeExecution[];
  events: readonly RunEvent[];
}) {
  if (!def) return null;
  const mine = executions.filter((n) => n.nodeId === def.id);
  const streamed = events
    .filter((e) => e.nodeId === def.id && e.type === 'CUSTOM' && e.data.name === 'llm.delta')
    .map((e) => String((e.data.payload as { text?: string } | undefined)?.text ?? ''))
    .join('');
  const logs = events.filter((e) => e.nodeId === def.id && e.type === 'LOG').slice(-50);
  const items = def.map ? mapItemsOf(events, def.id) : null;
  return (
    <div className="card node-panel" data-testid="node-panel">
      <h3>
        {def.id} <span className="muted">{def.tool}</span>
      </h3>
      <table className="table compact">
        <tbody>
          {mine.map((n) => (
            <tr key={`${n.iteration}:${n.status}`}>
              <td>iteration {n.iteration}</td>
              <td>
                <StatusBadge status={n.status} />
              </td>
              <td>{n.attempts} attempt(s)</td>
              <td className="muted">{formatDuration(n.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {mine.map(
        (n) =>
          n.error && <ErrorBox key={`e${n.iteration}`} error={{ ...n.error, nodeId: n.nodeId }} />,
      )}
      {items && (
        <p data-testid="map-items">
          map over <code>{def.map?.over}</code>: {items.succeeded} of {items.started} started items
          done
          {items.retries > 0 && `, ${items.retries} retries`}
          {items.failed.length > 0 && `, failed: item ${items.failed.join(', ')}`}
        </p>
      )}
      {streamed && (
        <>
          <h4>Model output</h4>
          <pre className="json" data-testid="node-tokens">
            {streamed}
          </pre>
        </>
      )}
      {logs.length > 0 && (
        <>
          <h4>Logs</h4>
          <pre className="json">
            {logs.map((e) => `[${e.data.level}] ${e.data.message}`).join('\n')}
          </pre>
        </>
      )}
      <h4>Definition</h4>
      <JsonView value={def} />
    </div>
  );
}
