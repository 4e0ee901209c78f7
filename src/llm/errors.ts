/**
 * What a failed model call becomes: an EngineError with an LLM_* code, retryable or not, with
 * the provider's message (secrets removed) and, for a 429, the wait the provider asked for.
 *
 * | failure                                   | code                 | retried |
 * | ----------------------------------------- | -------------------- | ------- |
 * | no provider / model configured            | `LLM_NOT_CONFIGURED` | no      |
 * | 4xx (key, model, bad request)             | `LLM_REQUEST_FAILED` | no      |
 * | 429                                       | `LLM_RATE_LIMITED`   | yes, after `retry-after` |
 * | 5xx, 408, 409, network, broken stream     | `LLM_UNAVAILABLE`    | yes     |
 * | structured output not JSON / not matching | `LLM_OUTPUT_INVALID` | yes     |
 */
import { APICallError, RetryError } from 'ai';
import { EngineError } from '../engine/index.js';
import type { Redactor } from '../redaction.js';
import { LlmError } from './llm-error.js';

export { LlmError };

/** Which model a failure is about, for messages and details. */
export interface CallTarget {
  provider: string;
  model: string;
}

/**
 * `retry-after-ms` (OpenAI's) or `retry-after` (seconds, or an HTTP date) in milliseconds.
 * `now` is the clock for the date form.
 */
export function retryAfterMs(
  headers: Record<string, string | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) =>
    Object.entries(headers)
      .find(([k]) => k.toLowerCase() === name)?.[1]
      ?.trim();
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The provider's own message: `error.message` of its JSON body, else the SDK's message. */
function providerMessage(err: APICallError): string {
  const data = err.data as { error?: { message?: unknown }; message?: unknown } | undefined;
  const fromData = data?.error?.message ?? data?.message;
  if (typeof fromData === 'string' && fromData !== '') return fromData;
  return err.message || `HTTP ${err.statusCode}`;
}

/**
 * Maps whatever a model call threw to an LlmError (an EngineError already carrying a code, such
 * as an abort reason or an LlmError, is returned as is). Messages pass through `redactor`, so
 * an API key echoed by a provider never reaches an event, a log line or a client.
 */
export function toLlmError(err: unknown, target: CallTarget, redactor: Redactor): Error {
  if (err instanceof EngineError) return err;
  const cause = RetryError.isInstance(err) ? err.lastError : err;
  const where = `provider "${target.provider}", model "${target.model}"`;
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    const message = redactor.text(providerMessage(cause));
    const details = { provider: target.provider, model: target.model, status };
    if (status === 429) {
      const wait = retryAfterMs(cause.responseHeaders);
      return new LlmError(
        'LLM_RATE_LIMITED',
        `The model provider is rate limiting (${where}): ${message}. Retried${wait === undefined ? '' : ` after ${wait} ms`} when the node has a retry policy; raise retry.maxAttempts or lower the load`,
        true,
        wait === undefined ? details : { ...details, retryAfterMs: wait },
        wait,
      );
    }
    if (status !== undefined && status >= 400 && status < 500 && !cause.isRetryable) {
      const hint =
        status === 401 || status === 403
          ? "check the API key the server is configured with (LLM_API_KEY or the provider's apiKeyEnv)"
          : status === 404
            ? "check the model name and the provider's baseURL"
            : "check the node's config (model, messages, temperature, maxTokens, schema)";
      return new LlmError(
        'LLM_REQUEST_FAILED',
        `The model provider refused the request (${where}, HTTP ${status}): ${message}; ${hint}`,
        false,
        details,
      );
    }
    return new LlmError(
      'LLM_UNAVAILABLE',
      `The model provider failed (${where}${status === undefined ? '' : `, HTTP ${status}`}): ${message}`,
      true,
      details,
    );
  }
  const text = redactor.text(cause instanceof Error ? cause.message || cause.name : String(cause));
  return new LlmError(
    'LLM_UNAVAILABLE',
    `The model call failed (${where}): ${text}; check that the provider's baseURL is reachable`,
    true,
    { provider: target.provider, model: target.model },
  );
}
