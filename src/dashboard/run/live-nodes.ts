import type { LiveNode, NodeExecution, RunEvent } from '../api/types.js';

/** Node executions (as `run.nodes` lists them) updated by one live event; a new array when changed. */
export function applyEvent(nodes: readonly NodeExecution[], e: RunEvent): NodeExecution[] | null {
  if (!e.nodeId || !e.type.startsWith('NODE_')) return null;
  const iteration = typeof e.data.iteration === 'number' ? e.data.iteration : undefined;
  const copy = nodes.slice();
  let at = -1;
  for (let i = copy.length - 1; i >= 0; i--)
    if (
      copy[i]!.nodeId === e.nodeId &&
      (iteration === undefined || copy[i]!.iteration === iteration)
    ) {
      at = i;
      break;
    }
  const current = at === -1 ? undefined : copy[at]!;
  const set = (patch: Partial<NodeExecution>) => {
    const base: NodeExecution = current ?? {
      nodeId: e.nodeId!,
      iteration: iteration ?? 1,
      status: 'RUNNING',
      attempts: 1,
      startedAt: e.at,
      finishedAt: null,
      durationMs: null,
      error: null,
    };
    const next = { ...base, ...patch };
    if (at === -1) copy.push(next);
    else copy[at] = next;
  };
  const attempt = e.attempt ?? 1;
  switch (e.type) {
    case 'NODE_STARTED':
      if (current && current.iteration === iteration) set({ status: 'RUNNING', attempts: attempt });
      else {
        at = -1;
        set({ status: 'RUNNING', attempts: attempt, startedAt: e.at });
      }
      break;
    case 'NODE_SUCCEEDED':
      set({
        status: 'SUCCEEDED',
        finishedAt: e.at,
        durationMs: (e.data.durationMs as number) ?? null,
      });
      break;
    case 'NODE_FAILED':
      set({ status: 'FAILED', finishedAt: e.at, error: e.data.error as NodeExecution['error'] });
      break;
    case 'NODE_RETRYING':
      set({ status: 'RETRYING', attempts: attempt });
      break;
    case 'NODE_SKIPPED':
      if (!current || current.status === 'RUNNING') set({ status: 'SKIPPED', finishedAt: e.at });
      else {
        at = -1;
        set({ status: 'SKIPPED', startedAt: null, finishedAt: e.at });
      }
      break;
    default:
      return null;
  }
  return copy;
}

/** Per node id: the status of its latest activation and how many activations it had. */
export function liveNodes(
  nodeIds: readonly string[],
  nodes: readonly NodeExecution[],
): Map<string, LiveNode> {
  const out = new Map<string, LiveNode>();
  for (const id of nodeIds) out.set(id, { status: 'PENDING', iterations: 0, attempt: 0 });
  for (const n of nodes) {
    const prev = out.get(n.nodeId) ?? { status: 'PENDING', iterations: 0, attempt: 0 };
    out.set(n.nodeId, {
      status: n.status,
      iterations: n.status === 'SKIPPED' ? prev.iterations : prev.iterations + 1,
      attempt: n.attempts,
    });
  }
  return out;
}
