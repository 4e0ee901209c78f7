import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import { GRAPHS, RUN_UPDATED, RUNS } from '../api/operations.js';
import type { RunRow, RunStatus } from '../api/types.js';
import { Link } from '../components/link.js';
import { formatTime, runDuration, StatusBadge } from '../components/status.js';
import { VirtualList } from '../components/virtual-list.js';
import { navigate, useLocation } from '../router.js';

const STATUSES: RunStatus[] = [
  'QUEUED',
  'RUNNING',
  'WAITING',
  'PAUSED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
];

interface RunsData {
  runs: {
    edges: Array<{ node: RunRow }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** Runs, newest first, filtered by graph and status; pages load as you scroll, runUpdated keeps it live. */
export function RunsPage() {
  const { query } = useLocation();
  const graphId = query.get('graph') || null;
  const status = (query.get('status') || null) as RunStatus | null;
  const client = useClient();
  const [rows, setRows] = useState<RunRow[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  // Which filter the rows are for: an answer for an older filter is dropped.
  const generation = useRef(0);
  const loading = useRef(false);
  const [{ data: graphs }] = useQuery<{
    graphs: { edges: Array<{ node: { id: string; name: string } }> };
  }>({ query: GRAPHS });

  const load = useCallback(
    async (after: string | null, replace: boolean) => {
      if (replace) generation.current++;
      else if (loading.current) return;
      const mine = generation.current;
      loading.current = true;
      const res = await client
        .query<RunsData>(RUNS, { graphId, status, after }, { requestPolicy: 'network-only' })
        .toPromise();
      if (mine !== generation.current) return;
      loading.current = false;
      if (res.error) return setError(res.error.message);
      const page = res.data!.runs;
      setRows((old) => (replace ? [] : old).concat(page.edges.map((e) => e.node)));
      setNext(page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null);
    },
    [client, graphId, status],
  );
  useEffect(() => {
    setRows([]);
    void load(null, true);
  }, [load]);

  useSubscription<{ runUpdated: RunRow }>(
    { query: RUN_UPDATED, variables: { graphId } },
    (_prev, data) => {
      const run = data.runUpdated;
      setRows((old) => {
        const at = old.findIndex((r) => r.id === run.id);
        if (status && run.status !== status)
          return at === -1 ? old : old.filter((r) => r.id !== run.id);
        if (at === -1) return [run, ...old];
        const copy = old.slice();
        copy[at] = { ...copy[at]!, ...run };
        return copy;
      });
      return data;
    },
  );

  const onRange = useCallback(
    (_first: number, last: number) => {
      if (next && last >= rows.length - 20) void load(next, false);
    },
    [next, rows.length, load],
  );
  const setFilter = (key: string, value: string) => {
    const q = new URLSearchParams(location.search);
    if (value) q.set(key, value);
    else q.delete(key);
    navigate(`/runs${q.size ? `?${q}` : ''}`);
  };

  return (
    <section>
      <div className="page-head">
        <h1>Runs</h1>
        <div className="row">
          <select
            aria-label="graph"
            value={graphId ?? ''}
            onChange={(e) => setFilter('graph', e.target.value)}
          >
            <option value="">all graphs</option>
            {graphs?.graphs.edges.map(({ node: g }) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <select
            aria-label="status"
            value={status ?? ''}
            onChange={(e) => setFilter('status', e.target.value)}
          >
            <option value="">any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && <p className="error">{error}</p>}
      <div className="runs-head">
        <span>Run</span>
        <span>Status</span>
        <span>Graph</span>
        <span>Version</span>
        <span>Created</span>
        <span>Duration</span>
      </div>
      <VirtualList
        testId="runs-list"
        count={rows.length}
        rowHeight={36}
        height={Math.min(640, Math.max(120, rows.length * 36))}
        onRange={onRange}
        renderRow={(i) => {
          const r = rows[i]!;
          return (
            <div className="runs-row" data-testid="run-row" data-run={r.id} data-status={r.status}>
              <Link to={`/runs/${r.id}`}>{r.id.slice(0, 14)}</Link>
              <StatusBadge status={r.status} />
              <Link to={`/graphs/${r.graph.id}`}>{r.graph.name}</Link>
              <span>v{r.graphVersion}</span>
              <span className="muted">{formatTime(r.createdAt)}</span>
              <span className="muted">{runDuration(r)}</span>
            </div>
          );
        }}
      />
      {rows.length === 0 && !error && (
        <p className="muted">No runs{status || graphId ? ' match' : ' yet'}.</p>
      )}
    </section>
  );
}
