import type { RunBudget, State } from '../engine/index.js';
import { AppError } from '../errors.js';

/** A run's input: a JSON object (the initial state), or nothing. */
export function runInput(input: unknown): State {
  if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input)))
    throw new AppError('BAD_USER_INPUT', 'Run input must be a JSON object (the initial state).');
  return (input ?? {}) as State;
}

/** The value of `work`, or 'timeout' once `ms` passed without it. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** startRun's answer when the database is locked or down: retryable, nothing was created. */
export function databaseUnavailable(ms: number): AppError {
  return new AppError(
    'UNAVAILABLE',
    `The database did not answer within ${ms} ms (locked by another process or down); the run was not created. Retry shortly.`,
    { retryable: true },
  );
}

/** startRun's budget: every limit a positive number; BAD_USER_INPUT lists every problem. */
export function runBudget(budget: RunBudget | undefined): RunBudget | undefined {
  if (budget === undefined) return undefined;
  const problems: string[] = [];
  for (const key of ['maxTokens', 'maxCostUsd', 'maxModelCalls', 'maxWallTimeMs'] as const) {
    const v = budget[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      problems.push(`budget.${key} must be positive`);
  }
  if (budget.onBudget !== undefined && budget.onBudget !== 'fail' && budget.onBudget !== 'stop')
    problems.push('budget.onBudget must be fail or stop');
  if (problems.length > 0)
    throw new AppError(
      'BAD_USER_INPUT',
      `The run budget has ${problems.length} problem(s): ${problems.join('; ')}.`,
      { problems },
    );
  return budget;
}
