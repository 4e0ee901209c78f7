/**
 * The condition work budget. cel-js bounds what a condition may *say* (length, depth, AST size)
 * but not what it does with run data: `state.xs.all(a, state.xs.all(b, a != b))` is O(n^2) on
 * the event loop. So each evaluation measures the largest list or map it is given (while the
 * state is converted to CEL values, at no extra pass) and refuses to run when
 * `loops x largest^depth` (LoopShape, condition-ast.ts) passes the budget.
 */
import { EngineError } from '../errors.js';

/** Iterations one evaluation may cost; ExecuteOptions.conditionBudget overrides it. */
export const DEFAULT_CONDITION_BUDGET = 100_000;

/** Upper bound of the iterations an expression of this shape costs on collections of `size`. */
export function estimatedWork(count: number, depth: number, size: number): number {
  if (depth === 0) return 0;
  return count * Math.max(1, size) ** depth;
}

export function budgetExceeded(
  source: string,
  work: number,
  size: number,
  budget: number,
): EngineError {
  return new EngineError(
    'CONDITION_BUDGET_EXCEEDED',
    `Condition \`${source}\` would iterate up to ${work.toLocaleString('en-US')} times over a list or map of ${size.toLocaleString('en-US')} items (budget ${budget.toLocaleString('en-US')}); iterate less (no nested all/exists/map/filter over large lists), keep large lists out of the state the condition reads, or compute the result in a tool`,
    undefined,
    { work, size, budget },
  );
}
