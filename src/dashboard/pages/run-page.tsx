import { useCallback, useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { CANCEL_RUN, RUN, RUN_UPDATED } from '../api/operations.js';
import type {
  GraphDef,
  Interrupt,
  Lineage,
  NodeExecution,
  RunError,
  RunEvent,
  RunRow,
  RunStatus,
} from '../api/types.js';
import { JsonView } from '../components/json-view.js';
import { Link } from '../components/link.js';
import { ErrorBox, formatTime, runDuration, StatusBadge } from '../components/status.js';
import { GraphDrawing } from '../graph/graph-drawing.js';
import { barsFromEvents, barsFromExecutions } from '../run/attempt-bars.js';
import { EventDetail } from '../run/event-detail.js';
import { EventLog } from '../run/event-log.js';
import { Gantt } from '../run/gantt.js';
import { InterruptPanel } from '../run/interrupt-panel.js';
import { waitingNodes } from '../run/live-interrupts.js';
import { liveNodes } from '../run/live-nodes.js';
import { applyRunEvent, type Live } from '../run/live-run.js';
import { NodePanel } from '../run/node-panel.js';
import { PauseButton } from '../run/pause-button.js';
import { RetryButton } from '../run/retry-button.js';
import { RunLineage } from '../run/run-lineage.js';
import { useRunLog } from '../run/use-run-log.js';

interface RunData {
  run:
    | (RunRow &
        Lineage & {
          input: unknown;
          interrupts: Interrupt[];
          state: unknown;
          lastSeq: number;
          error: RunError | null;
          nodes: NodeExecution[];
          graph: {
            id: string;
            name: string;
            versions: Array<{ version: number; definition: GraphDef }>;
          };
        })
    | null;
}

const ACTIVE: ReadonlySet<RunStatus> = new Set(['QUEUED', 'RUNNING', 'WAITING', 'PAUSED']);
const RETRYABLE: ReadonlySet<RunStatus> = new Set(['FAILED', 'CANCELLED']);

/** A run: the graph coloured live, the event log, the state at an event, the timeline, errors. */
export function RunPage({ id }: { id: string }) {
  const [{ data, error }] = useQuery<RunData>({
    query: RUN,
    variables: { id },
    requestPolicy: 'network-only',
  });
  const run = data?.run ?? undefined;
  const [live, setLive] = useState<Live | null>(null);
  const [selectedNode, setSelectedNode] = useState<string | null>(null);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());

  // A read of the run (the first, or one a mutation's answer set off) replaces the live view
  // only when it knows of later events than the stream brought.
  useEffect(() => {
    if (run)
      setLive((l) =>
        l && l.seq >= run.lastSeq
          ? l
          : {
              status: run.status,
              nodes: run.nodes,
              interrupts: run.interrupts,
              error: run.error,
              state: run.state,
              finishedAt: run.finishedAt,
              startedAt: run.startedAt,
              seq: run.lastSeq,
            },
      );
  }, [run]);
  const onLive = useCallback((e: RunEvent) => setLive((l) => (l ? applyRunEvent(l, e) : l)), []);
  const log = useRunLog(id, run?.lastSeq, onLive);

  useSubscription<{ runUpdated: RunRow }>(
    { query: RUN_UPDATED, variables: { graphId: run?.graph.id }, pause: !run },
    (_p, d) => {
      if (d.runUpdated.id === id) setLive((l) => (l ? { ...l, status: d.runUpdated.status } : l));
      return d;
    },
  );
  const active = live ? ACTIVE.has(live.status) : false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [active]);
  const [{ fetching: cancelling }, cancel] = useMutation(CANCEL_RUN);
  const def = run?.graph.versions.find((v) => v.version === run.graphVersion)?.definition;
  const liveNodeList = live?.nodes;
  const interrupts = live?.interrupts;
  const statuses = useMemo(() => {
    const map = liveNodes(def?.nodes.map((n) => n.id) ?? [], liveNodeList ?? []);
    for (const id of waitingNodes(interrupts ?? [])) {
      const node = map.get(id);
      if (node) map.set(id, { ...node, status: 'WAITING' });
    }
    return map;
  }, [def, liveNodeList, interrupts]);
  const latest = Math.max(0, ...(run?.graph.versions.map((v) => v.version) ?? []));

  // Attempts need the whole log; past a few pages the activations (run.nodes) are drawn.
  const whole =
    log.version >= 0 && log.total > 0 && log.loaded().length >= log.total && log.total <= 2000;
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (!run || !live) return <p className="error">No run {id}.</p>;

  return (
    <section data-testid="run-page" data-status={live.status}>
      <div className="page-head">
        <h1>
          Run <code>{run.id}</code> <StatusBadge status={live.status} />
        </h1>
        <div className="row">
          {active && (
            <button
              type="button"
              className="danger"
              disabled={cancelling}
              data-testid="cancel-run"
              onClick={() => void cancel({ id })}
            >
              Cancel
            </button>
          )}
          <PauseButton runId={id} status={live.status} />
          {RETRYABLE.has(live.status) && (
            <RetryButton runId={id} version={run.graphVersion} latest={latest} />
          )}
        </div>
      </div>
      <p className="muted">
        <Link to={`/graphs/${run.graph.id}`}>{run.graph.name}</Link> v{run.graphVersion} · created{' '}
        {formatTime(run.createdAt)} ·{' '}
        {runDuration({ startedAt: live.startedAt, finishedAt: live.finishedAt })} · {log.total}{' '}
        events
      </p>
      <RunLineage lineage={run} />
      {live.error && <ErrorBox error={live.error} />}
      <InterruptPanel runId={id} interrupts={live.interrupts} />
      {def ? (
        <GraphDrawing
          def={def}
          live={statuses}
          selected={selectedNode}
          onSelect={setSelectedNode}
          height={320}
        />
      ) : (
        <p className="muted">The graph version is not available.</p>
      )}
      {selectedNode && (
        <NodePanel
          def={def?.nodes.find((n) => n.id === selectedNode)}
          executions={live.nodes}
          events={log.version >= 0 ? log.loaded() : []}
        />
      )}
      <div className="columns">
        <div className="card">
          <h2>Events</h2>
          <EventLog log={log} selected={selectedSeq} onSelect={setSelectedSeq} follow={active} />
        </div>
        <div className="card">
          {selectedSeq ? (
            <EventDetail log={log} seq={selectedSeq} runId={id} />
          ) : (
            <>
              <h2>{active ? 'State now' : 'Final state'}</h2>
              <JsonView value={live.state} testId="run-state" />
              <h4>Input</h4>
              <JsonView value={run.input} />
            </>
          )}
        </div>
      </div>
      <div className="card">
        <h2>Timeline</h2>
        <Gantt
          bars={whole ? barsFromEvents(log.loaded()) : barsFromExecutions(live.nodes)}
          runStart={live.startedAt}
          now={active ? now : Date.parse(live.finishedAt ?? run.createdAt)}
        />
      </div>
    </section>
  );
}
