import type { State } from '../engine/index.js';
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
