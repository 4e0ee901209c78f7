import type { Interrupt, NodeExecution, RunError, RunEvent, RunStatus } from '../api/types.js';
import { applyInterruptEvent } from './live-interrupts.js';
import { applyEvent } from './live-nodes.js';

/** What the run page shows that live events change. */
export interface Live {
  status: RunStatus;
  nodes: NodeExecution[];
  interrupts: Interrupt[];
  error: RunError | null;
  state: unknown;
  finishedAt: string | null;
  startedAt: string | null;
  /** The last event folded in (the run's lastSeq when read). */
  seq: number;
}

/** What a live event changes in the run's header fields, nodes and questions. */
export function applyRunEvent(live: Live, e: RunEvent): Live {
  const at = { ...live, seq: Math.max(live.seq, e.seq) };
  const interrupts = applyInterruptEvent(live.interrupts, e);
  if (interrupts) at.interrupts = interrupts;
  switch (e.type) {
    case 'RUN_STARTED':
      return { ...at, status: 'RUNNING', startedAt: live.startedAt ?? e.at };
    case 'RUN_SUSPENDED':
      return { ...at, status: 'WAITING' };
    case 'RUN_PAUSED':
      return { ...at, status: 'PAUSED' };
    case 'RUN_RESUMED':
    case 'RUN_UNPAUSED':
      return { ...at, status: 'RUNNING' };
    case 'RUN_SUCCEEDED':
      return { ...at, status: 'SUCCEEDED', state: e.data.state, finishedAt: e.at };
    case 'RUN_FAILED':
      return {
        ...at,
        status: 'FAILED',
        state: e.data.state,
        error: e.data.error as RunError,
        finishedAt: e.at,
      };
    case 'RUN_CANCELLED':
      return { ...at, status: 'CANCELLED', state: e.data.state, finishedAt: e.at };
    default: {
      const nodes = applyEvent(live.nodes, e);
      return nodes ? { ...at, nodes } : at;
    }
  }
}
