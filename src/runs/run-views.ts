/**
 * What the API shows of a run besides its record, derived from its stored events: its
 * interrupts (`Run.interrupts`) and what its model calls spent (`Run.usage`).
 */
import { type InterruptStatus, type RunEvent, USAGE_EVENT } from '../engine/index.js';

/** PENDING, ANSWERED or TIMED_OUT as recorded; CANCELLED: the run ended without an answer. */
export type InterruptViewStatus = InterruptStatus | 'CANCELLED';

export interface InterruptView {
  id: string;
  nodeId: string;
  iteration: number;
  prompt: string;
  schema: Record<string, unknown>;
  status: InterruptViewStatus;
  /** The answer, or the default a timeout continued with. */
  answer: unknown;
  requestedAt: number;
  /** When it times out (epoch ms), if it does. */
  deadline: number | undefined;
  answeredAt: number | undefined;
}

/** The run's interrupts in request order. `active`: the run has not ended. */
export function interruptsOf(events: readonly RunEvent[], active: boolean): InterruptView[] {
  const byId = new Map<string, InterruptView>();
  for (const e of events) {
    if (e.type === 'INTERRUPT_REQUESTED') {
      byId.set(e.data.id, {
        id: e.data.id,
        nodeId: e.nodeId,
        iteration: e.data.iteration,
        prompt: e.data.prompt,
        schema: e.data.schema,
        status: 'PENDING',
        answer: null,
        requestedAt: e.at,
        deadline: e.data.deadline,
        answeredAt: undefined,
      });
    } else if (e.type === 'INTERRUPT_ANSWERED' || e.type === 'INTERRUPT_TIMED_OUT') {
      const view = byId.get(e.data.id);
      if (view === undefined) continue;
      view.status = e.type === 'INTERRUPT_ANSWERED' ? 'ANSWERED' : 'TIMED_OUT';
      view.answer = e.data.value ?? null;
      view.answeredAt = e.at;
    }
  }
  const list = [...byId.values()];
  if (!active) for (const v of list) if (v.status === 'PENDING') v.status = 'CANCELLED';
  return list;
}

/** Spent by a run's model calls: the sum of its `llm.usage` events. */
export interface RunUsage {
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** From the server's price table (LLM_PRICES); 0 for models it has no price for. */
  costUsd: number;
}

export function usageOf(events: readonly RunEvent[]): RunUsage {
  const usage: RunUsage = {
    modelCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    costUsd: 0,
  };
  for (const e of events) {
    if (e.type !== 'CUSTOM' || e.data.name !== USAGE_EVENT) continue;
    const p = (e.data.payload ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    usage.modelCalls++;
    usage.inputTokens += num(p.inputTokens);
    usage.outputTokens += num(p.outputTokens);
    usage.totalTokens += num(p.totalTokens) || num(p.inputTokens) + num(p.outputTokens);
    usage.costUsd += num(p.costUsd);
  }
  usage.costUsd = Math.round(usage.costUsd * 1e6) / 1e6;
  return usage;
}
