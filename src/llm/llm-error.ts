/**
 * The error of a model call (no AI SDK import, so modules that only throw it stay light).
 * See errors.ts for which failure gets which code.
 */
import { EngineError, type EngineErrorCode } from '../engine/index.js';

/** An EngineError the executor's retry policy reads: `retryable` and `retryAfterMs`. */
export class LlmError extends EngineError {
  constructor(
    code: Extract<EngineErrorCode, `LLM_${string}`>,
    message: string,
    readonly retryable: boolean,
    details?: Record<string, unknown>,
    /** Read by the executor (failureDelayMs): the next attempt waits at least this long. */
    readonly retryAfterMs?: number,
  ) {
    super(code, message, undefined, details);
  }
}
