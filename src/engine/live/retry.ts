/**
 * Retry policy: which failures are retried and how long to wait before the next attempt.
 * See EXECUTOR.md ("Retries, timeouts, cancellation").
 */
import { EngineError, type EngineErrorCode, isNonRetryable } from '../errors.js';
import type { RetryPolicy } from '../graph.js';

/** Delay before the first retry when the policy does not say. */
export const DEFAULT_INITIAL_DELAY_MS = 100;
export const DEFAULT_BACKOFF = 2;
/** Longest wait between two attempts when the policy does not say. */
export const DEFAULT_MAX_DELAY_MS = 30_000;

/** Failures that would fail again the same way: the executor never retries them. */
const NEVER_RETRIED: ReadonlySet<EngineErrorCode> = new Set<EngineErrorCode>([
  'INVALID_PATCH',
  'CONDITION_FAILED',
  'INVALID_INPUT',
  'CONDITION_BUDGET_EXCEEDED',
  'STATE_CONFLICT',
  'RUN_TIMEOUT',
  'RUN_CANCELLED',
  'LOOP_LIMIT_EXCEEDED',
  'MAX_STEPS_EXCEEDED',
  'INTERRUPT_TIMEOUT',
  'BUDGET_EXCEEDED',
  'AGENT_MAX_TURNS',
  'REPLAY_NOT_RECORDED',
]);

/** True when another attempt may succeed: not a NonRetryableError, `{retryable:false}` or run-level error. */
export function isRetryable(err: unknown): boolean {
  if (isNonRetryable(err)) return false;
  return !(err instanceof EngineError && NEVER_RETRIED.has(err.code));
}

/** Total attempts the policy allows (1 when there is no policy). */
export function maxAttempts(policy: RetryPolicy | undefined): number {
  return policy === undefined ? 1 : Math.max(1, Math.floor(policy.maxAttempts));
}

/**
 * Milliseconds to wait after failed attempt `attempt` (1-based):
 * `min(maxDelayMs, initialDelayMs * backoff^(attempt-1))`, then, unless `jitter` is false,
 * drawn uniformly in `[delay/2, delay]` with `random()` in [0, 1). Rounded to whole ms.
 */
export function retryDelayMs(
  policy: RetryPolicy | undefined,
  attempt: number,
  random: () => number = Math.random,
): number {
  const initial = policy?.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;
  const backoff = policy?.backoff ?? DEFAULT_BACKOFF;
  const cap = policy?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  let delay = Math.min(cap, initial * backoff ** Math.max(0, attempt - 1));
  if (!Number.isFinite(delay) || delay < 0) delay = cap;
  if (policy?.jitter !== false) {
    const r = Math.min(1, Math.max(0, random()));
    delay = delay / 2 + (r * delay) / 2;
  }
  return Math.round(delay);
}

/**
 * The wait a failure asks for (`retryAfterMs` on the thrown value: an `llm` node's 429 with
 * `retry-after`), or undefined. Only a finite, non-negative number counts.
 */
export function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const value = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The delay before the next attempt of a failure: the policy's backoff, raised to the wait the
 * failure asks for (`retryAfterOf`) when that is longer, and never above `maxDelayMs`.
 */
export function failureDelayMs(
  policy: RetryPolicy | undefined,
  attempt: number,
  err: unknown,
  random: () => number = Math.random,
): number {
  const backoff = retryDelayMs(policy, attempt, random);
  const asked = retryAfterOf(err);
  if (asked === undefined || asked <= backoff) return backoff;
  return Math.round(Math.min(policy?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, asked));
}
