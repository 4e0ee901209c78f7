/** Shapes of thread ids, memory keys and values, checked at the API edge and in tools. */
import { EngineError } from '../engine/index.js';
import { AppError } from '../errors.js';
import { jsonBytes } from '../runs/value-limits.js';

/** Letters, digits and `_ - . : @`, 1 to 128: a UUID, `user:42`, `chat-2026-12-01.a`. */
export const THREAD_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
export const MAX_MEMORY_KEY_LENGTH = 200;
/** Entries one thread (or one tenant) may hold. */
export const MAX_MEMORY_ENTRIES = 1_000;

export function checkThreadId(threadId: string): string {
  if (!THREAD_ID_PATTERN.test(threadId))
    throw new AppError(
      'INVALID_THREAD_ID',
      `threadId must be 1 to 128 letters, digits or _ - . : @ (got ${JSON.stringify(threadId.slice(0, 140))}); use a UUID or your own conversation id.`,
      { threadId: threadId.slice(0, 140) },
    );
  return threadId;
}

const keyProblem = (key: unknown): string | null =>
  typeof key === 'string' && key.length > 0 && key.length <= MAX_MEMORY_KEY_LENGTH
    ? null
    : `a memory key must be a string of 1 to ${MAX_MEMORY_KEY_LENGTH} characters`;

const sizeProblem = (value: unknown, max: number): { bytes: number } | null => {
  const bytes = jsonBytes(value);
  return bytes > max ? { bytes } : null;
};

const sizeMessage = (bytes: number, max: number) =>
  `The memory value is ${bytes} bytes; values are limited to ${max} bytes of JSON (MAX_VALUE_BYTES): keep large data elsewhere and remember its reference.`;

/** The API's checks of a memory entry (AppError codes). */
export function checkMemoryEntry(key: string, value: unknown, maxBytes: number): void {
  const problem = keyProblem(key);
  if (problem) throw new AppError('INVALID_MEMORY_KEY', `${problem}.`, { key });
  if (value === undefined)
    throw new AppError('BAD_USER_INPUT', 'A memory value must be JSON (null included).');
  const big = sizeProblem(value, maxBytes);
  if (big)
    throw new AppError('VALUE_TOO_LARGE', sizeMessage(big.bytes, maxBytes), {
      key,
      bytes: big.bytes,
      maxBytes,
    });
}

export function checkMemoryKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) throw new AppError('INVALID_MEMORY_KEY', `${problem}.`, { key });
}

/** A tool's checks of a memory entry (engine codes: the node fails, not retried). */
export function checkToolMemoryEntry(key: unknown, value: unknown, maxBytes: number): void {
  const problem = keyProblem(key);
  if (problem) throw notRetried('INVALID_INPUT', `ctx.memory: ${problem}`);
  if (value === undefined)
    throw notRetried('INVALID_INPUT', 'ctx.memory.set: the value must be JSON (null included)');
  const big = sizeProblem(value, maxBytes);
  if (big) throw notRetried('VALUE_TOO_LARGE', sizeMessage(big.bytes, maxBytes), big);
}

export function checkToolMemoryKey(key: unknown): void {
  const problem = keyProblem(key);
  if (problem) throw notRetried('INVALID_INPUT', `ctx.memory: ${problem}`);
}

export function notRetried(
  code: ConstructorParameters<typeof EngineError>[0],
  message: string,
  details?: Record<string, unknown>,
): EngineError {
  return Object.assign(new EngineError(code, message, undefined, details), { retryable: false });
}
