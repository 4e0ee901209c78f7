import type { NodeExecution, RunEvent } from '../api/types.js';

/** One bar of the timeline: an attempt of a node activation (or a whole activation). */
export interface Bar {
  key: string;
  nodeId: string;
  iteration: number;
  /** The attempt this bar is; for an activation drawn whole, its attempt count. */
  attempt: number;
  status: string;
  start: number;
  /** null while it runs. */
  end: number | null;
}

/**
 * A bar per attempt, from the log (NODE_STARTED opens one, NODE_SUCCEEDED / NODE_FAILED /
 * NODE_RETRYING closes it), when every event is loaded. A run that suspends (an interrupt) or
 * pauses closes its open bars as WAITING; the node started again on resume draws a bar of its own, so
 * a bar's key is its opening event's seq (one attempt may be started more than once).
 */
export function barsFromEvents(events: readonly RunEvent[]): Bar[] {
  const bars: Bar[] = [];
  const open = new Map<string, Bar>();
  for (const e of events) {
    if (e.type === 'RUN_SUSPENDED' || e.type === 'RUN_PAUSED') {
      for (const bar of open.values()) {
        bar.end = Date.parse(e.at);
        bar.status = 'WAITING';
      }
      open.clear();
      continue;
    }
    if (!e.nodeId) continue;
    const iteration = typeof e.data.iteration === 'number' ? e.data.iteration : 1;
    const id = `${e.nodeId}:${iteration}`;
    const at = Date.parse(e.at);
    if (e.type === 'NODE_STARTED') {
      const before = open.get(id);
      if (before) {
        before.end = at;
        before.status = 'WAITING';
      }
      const bar: Bar = {
        key: `${id}:${e.attempt ?? 1}@${e.seq}`,
        nodeId: e.nodeId,
        iteration,
        attempt: e.attempt ?? 1,
        status: 'RUNNING',
        start: at,
        end: null,
      };
      bars.push(bar);
      open.set(id, bar);
    } else if (
      e.type === 'NODE_SUCCEEDED' ||
      e.type === 'NODE_FAILED' ||
      e.type === 'NODE_RETRYING'
    ) {
      const bar = open.get(id);
      if (!bar) continue;
      bar.end = at;
      bar.status =
        e.type === 'NODE_SUCCEEDED'
          ? 'SUCCEEDED'
          : e.type === 'NODE_FAILED'
            ? 'FAILED'
            : 'RETRYING';
      open.delete(id);
    }
  }
  return bars;
}

/** A bar per activation, from `run.nodes`, when the log is too long to read whole. */
export function barsFromExecutions(nodes: readonly NodeExecution[]): Bar[] {
  return nodes
    .filter((n) => n.startedAt)
    .map((n) => ({
      key: `${n.nodeId}:${n.iteration}`,
      nodeId: n.nodeId,
      iteration: n.iteration,
      attempt: n.attempts,
      status: n.status,
      start: Date.parse(n.startedAt!),
      end: n.finishedAt
        ? Date.parse(n.finishedAt)
        : n.status === 'RUNNING' || n.status === 'RETRYING'
          ? null
          : Date.parse(n.startedAt!),
    }));
}
