import type { Interrupt, RunEvent } from '../api/types.js';

const iso = (ms: unknown): string | null =>
  typeof ms === 'number' ? new Date(ms).toISOString() : null;

/**
 * A run's interrupts (as `Run.interrupts` lists them) updated by one live event: a question
 * asked, answered, timed out, or left behind by the end of the run; null when unchanged.
 */
export function applyInterruptEvent(list: readonly Interrupt[], e: RunEvent): Interrupt[] | null {
  const id = typeof e.data.id === 'string' ? e.data.id : undefined;
  const update = (patch: Partial<Interrupt>) =>
    list.map((i) => (i.id === id && i.status === 'PENDING' ? { ...i, ...patch } : i));
  switch (e.type) {
    case 'INTERRUPT_REQUESTED':
      if (!id || list.some((i) => i.id === id)) return null;
      return [
        ...list,
        {
          id,
          nodeId: e.nodeId ?? '',
          iteration: typeof e.data.iteration === 'number' ? e.data.iteration : 1,
          prompt: String(e.data.prompt ?? ''),
          schema: e.data.schema,
          status: 'PENDING',
          answer: null,
          deadline: iso(e.data.deadline),
        },
      ];
    case 'INTERRUPT_ANSWERED':
      return update({ status: 'ANSWERED', answer: e.data.value });
    case 'INTERRUPT_TIMED_OUT':
      return update({ status: 'TIMED_OUT', answer: e.data.value ?? null });
    case 'RUN_SUCCEEDED':
    case 'RUN_FAILED':
    case 'RUN_CANCELLED':
      return list.some((i) => i.status === 'PENDING')
        ? list.map((i) => (i.status === 'PENDING' ? { ...i, status: 'CANCELLED' } : i))
        : null;
    default:
      return null;
  }
}

/** The nodes with a pending question: drawn as waiting. */
export const waitingNodes = (list: readonly Interrupt[]): Set<string> =>
  new Set(list.filter((i) => i.status === 'PENDING').map((i) => i.nodeId));
