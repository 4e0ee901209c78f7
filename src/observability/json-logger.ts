import { trace } from '@opentelemetry/api';
import { type DestinationStream, pino } from 'pino';
import { EngineError } from '../engine/index.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { noRedaction, type Redactor } from '../redaction.js';

/** An error the user can fix (stable code, message saying how): one line, no stack. */
function isUserError(err: unknown): err is AppError | EngineError {
  return err instanceof AppError || err instanceof EngineError;
}

function serializeError(err: unknown): unknown {
  if (isUserError(err)) return { code: err.code, message: err.message };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      type: err.name,
      message: err.message,
      ...(code !== undefined ? { code } : {}),
      stack: err.stack,
    };
  }
  return err;
}

/**
 * The JSON-lines logger (pino): one object per line with `level`, `time`, `msg`, the fields
 * given (runId, nodeId...), and `traceId`/`spanId` when a span is active. Secrets are redacted
 * from the message and every field before pino sees them (the redactor of config.secrets). An
 * error with a stable code (AppError, EngineError) is the user's: logged as `{ code, message }`,
 * at `warn` at most, never with its stack.
 */
export function createJsonLogger(
  level: 'info' | 'warn' | 'error' | 'silent' = 'info',
  redactor: Redactor = noRedaction,
  destination?: DestinationStream,
): Logger {
  const log = pino(
    {
      level,
      base: { pid: process.pid },
      messageKey: 'msg',
      // Errors are serialized (and redacted) before pino sees them: its own `err` serializer off.
      serializers: { err: (value: unknown) => value },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const ctx = trace.getActiveSpan()?.spanContext();
        return ctx && trace.isSpanContextValid(ctx)
          ? { traceId: ctx.traceId, spanId: ctx.spanId }
          : {};
      },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const write =
    (lvl: 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
      const clean: Record<string, unknown> = {};
      let user = false;
      for (const [key, value] of Object.entries(fields ?? {})) {
        if (value instanceof Error) {
          user ||= isUserError(value);
          clean[key] = redactor.value(serializeError(value));
        } else clean[key] = redactor.value(value);
      }
      const at = user && lvl === 'error' ? 'warn' : lvl;
      log[at](clean, redactor.text(message));
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
