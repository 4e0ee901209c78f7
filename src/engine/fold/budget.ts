/**
 * The run's budget and what its model calls spent, folded from RUN_STARTED and the `llm.usage`
 * CUSTOM events (deterministic: replay gives the same totals), and the check before a model call.
 */
import { EngineError } from '../errors.js';
import type { RunBudget } from '../graph.js';
import type { RunCheckpoint } from './checkpoint.js';

export function budgetOf(
  graph: RunBudget | undefined,
  run: RunBudget | undefined,
): RunBudget | undefined {
  if (graph === undefined && run === undefined) return undefined;
  return { ...graph, ...run };
}

const finite = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function countUsage(cp: RunCheckpoint, payload: unknown): void {
  const p = (payload ?? {}) as Record<string, unknown>;
  cp.usage.modelCalls++;
  cp.usage.tokens += finite(p.totalTokens) || finite(p.inputTokens) + finite(p.outputTokens);
  cp.usage.costUsd += finite(p.costUsd);
}

/** The first budget spent, as [name, limit, used], or undefined. */
function spentBudget(cp: RunCheckpoint, now: number): [string, number, number] | undefined {
  const b = cp.budget;
  if (b === undefined) return undefined;
  const u = cp.usage;
  if (b.maxModelCalls !== undefined && u.modelCalls >= b.maxModelCalls)
    return ['maxModelCalls', b.maxModelCalls, u.modelCalls];
  if (b.maxTokens !== undefined && u.tokens >= b.maxTokens)
    return ['maxTokens', b.maxTokens, u.tokens];
  if (b.maxCostUsd !== undefined && u.costUsd >= b.maxCostUsd)
    return ['maxCostUsd', b.maxCostUsd, Math.round(u.costUsd * 1e6) / 1e6];
  const elapsed = now - cp.startedAt;
  if (b.maxWallTimeMs !== undefined && elapsed >= b.maxWallTimeMs)
    return ['maxWallTimeMs', b.maxWallTimeMs, elapsed];
  return undefined;
}

/**
 * Before a model call: 'ok'; 'stop' when a budget is spent and the run says onBudget "stop";
 * else throws BUDGET_EXCEEDED naming the budget (not retried).
 */
export function checkBudget(cp: RunCheckpoint, now: number, nodeId: string): 'ok' | 'stop' {
  const spent = spentBudget(cp, now);
  if (spent === undefined) return 'ok';
  if (cp.budget?.onBudget === 'stop') return 'stop';
  const [budget, limit, used] = spent;
  throw new EngineError(
    'BUDGET_EXCEEDED',
    `The run's budget ${budget} (${limit}) is spent (${used}); raise limits.budget.${budget} in the graph or the budget given to startRun, or set onBudget: "stop" to finish with what the run has`,
    nodeId,
    { budget, limit, used },
  );
}
