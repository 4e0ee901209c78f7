import { useState } from 'react';
import { useQuery } from 'urql';
import { GRAPH } from '../api/operations.js';
import type { GraphDef, RunRow } from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { Link } from '../components/link.js';
import { formatTime, runDuration, StatusBadge } from '../components/status.js';
import { GraphDrawing } from '../graph/graph-drawing.js';
import { GraphEvals } from '../graph/graph-evals.js';
import { VersionDiff } from '../graph/version-diff.js';
import { StartRunForm } from './start-run-form.js';

interface GraphData {
  graph: {
    id: string;
    name: string;
    description: string | null;
    latestVersion: number;
    definition: GraphDef;
    versions: Array<{ id: string; version: number; createdAt: string; definition: GraphDef }>;
    runs: { edges: Array<{ node: RunRow }> };
  } | null;
}

/** A graph: its drawing, versions (with a diff), a start-run form, its last runs and evals. */
export function GraphPage({ id }: { id: string }) {
  const [{ data, error }] = useQuery<GraphData>({ query: GRAPH, variables: { id } });
  const [shown, setShown] = useState<number | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const g = data.graph;
  if (!g) return <p className="error">No graph {id}.</p>;
  const version = g.versions.find((v) => v.version === (shown ?? g.latestVersion));
  const def = version?.definition ?? g.definition;
  const node = def.nodes.find((n) => n.id === selected);
  return (
    <section>
      <div className="page-head">
        <h1>
          {g.name} <span className="muted">v{version?.version ?? g.latestVersion}</span>
        </h1>
        <div className="row">
          <select
            aria-label="version shown"
            value={shown ?? g.latestVersion}
            onChange={(e) => setShown(Number(e.target.value))}
          >
            {g.versions.map((v) => (
              <option key={v.id} value={v.version}>
                v{v.version} · {formatTime(v.createdAt)}
              </option>
            ))}
          </select>
          <Link to={`/editor/${g.id}`} className="button">
            Edit
          </Link>
          <Link to={`/chat/${encodeURIComponent(g.name)}`} className="button secondary">
            Chat
          </Link>
          <Link to={`/runs?graph=${g.id}`} className="button secondary">
            All runs
          </Link>
        </div>
      </div>
      {g.description && <p className="muted">{g.description}</p>}
      <GraphDrawing def={def} selected={selected} onSelect={setSelected} height={380} />
      {node && (
        <div className="card">
          <h3>Node {node.id}</h3>
          <JsonView value={node} />
        </div>
      )}
      <div className="columns">
        <div className="card">
          <h2>Start a run</h2>
          <StartRunForm
            graphId={g.id}
            def={g.definition}
            versions={g.versions.map((v) => v.version)}
          />
        </div>
        <div className="card">
          <h2>Last runs</h2>
          <table className="table compact">
            <tbody>
              {g.runs.edges.map(({ node: r }) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/runs/${r.id}`}>{r.id.slice(0, 12)}</Link>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>v{r.graphVersion}</td>
                  <td className="muted">{runDuration(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {g.runs.edges.length === 0 && <p className="muted">No runs yet.</p>}
        </div>
      </div>
      <GraphEvals graphId={g.id} version={version?.version ?? g.latestVersion} />
      <div className="card">
        <h2>Versions</h2>
        <VersionDiff key={g.latestVersion} versions={g.versions} />
      </div>
    </section>
  );
}
