import { useQuery } from 'urql';
import { GRAPHS } from '../api/operations.js';
import type { RunStatus } from '../api/types.js';
import { Link } from '../components/link.js';
import { formatTime, StatusBadge } from '../components/status.js';

interface GraphsData {
  graphs: {
    edges: Array<{
      node: {
        id: string;
        name: string;
        description: string | null;
        latestVersion: number;
        updatedAt: string;
        runs: { edges: Array<{ node: { id: string; status: RunStatus; createdAt: string } }> };
      };
    }>;
  };
}

/** Every graph with its latest version and its last runs. */
export function GraphsPage() {
  const [{ data, error, fetching }] = useQuery<GraphsData>({ query: GRAPHS });
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p className="muted">{fetching ? 'Loading…' : ''}</p>;
  const graphs = data.graphs.edges.map((e) => e.node);
  return (
    <section>
      <div className="page-head">
        <h1>Graphs</h1>
        <Link to="/editor" className="button">
          New graph
        </Link>
      </div>
      {graphs.length === 0 && <p className="muted">No graphs yet: create one in the editor.</p>}
      <table className="table" data-testid="graphs-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Version</th>
            <th>Last runs</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {graphs.map((g) => (
            <tr key={g.id} data-testid={`graph-row-${g.name}`}>
              <td>
                <Link to={`/graphs/${g.id}`}>{g.name}</Link>
                {g.description && <div className="muted small">{g.description}</div>}
              </td>
              <td>v{g.latestVersion}</td>
              <td>
                {g.runs.edges.length === 0 && <span className="muted">none</span>}
                {g.runs.edges.map(({ node: r }) => (
                  <Link key={r.id} to={`/runs/${r.id}`} className="run-chip">
                    <StatusBadge status={r.status} />
                  </Link>
                ))}
              </td>
              <td className="muted">{formatTime(g.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
