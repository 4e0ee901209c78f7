import { EngineError, type Tool, type ToolResolver } from '../engine/index.js';
import { AppError } from '../errors.js';

/** The default MAX_VALUE_BYTES: 256 KiB. */
export const DEFAULT_MAX_VALUE_BYTES = 262_144;

/** Bytes of a value as stored (its JSON in UTF-8); undefined counts nothing. */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

/** The first top-level key of `value` whose value is above `max` bytes, with its size. */
function oversized(value: unknown, max: number): { key: string; bytes: number } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const bytes = jsonBytes(value);
    return bytes > max ? { key: '', bytes } : null;
  }
  for (const [key, item] of Object.entries(value)) {
    const bytes = jsonBytes(item);
    if (bytes > max) return { key, bytes };
  }
  return null;
}

const fix = (max: number) =>
  `Values are limited to ${max} bytes of JSON each (MAX_VALUE_BYTES): store large data elsewhere (a file, an object store) and put its reference in the state.`;

/** startRun's input: VALUE_TOO_LARGE naming the key whose value is above the limit. */
export function checkInputSize(input: unknown, max: number): void {
  const big = oversized(input, max);
  if (!big) return;
  throw new AppError(
    'VALUE_TOO_LARGE',
    `Input value "${big.key}" is ${big.bytes} bytes. ${fix(max)}`,
    { key: big.key, bytes: big.bytes, maxBytes: max },
  );
}

function tooLarge(what: string, bytes: number, max: number): EngineError {
  const err = new EngineError(
    'VALUE_TOO_LARGE',
    `${what} is ${bytes} bytes. ${fix(max)}`,
    undefined,
    {
      bytes,
      maxBytes: max,
    },
  );
  // Another attempt would return the same: not retried.
  return Object.assign(err, { retryable: false });
}

/**
 * The tools, each checked against the limit: a value of the patch a tool returns, a log line's
 * fields or a custom event's payload above `max` bytes fails the attempt with VALUE_TOO_LARGE
 * (not retried) instead of growing the event log. In-process, MCP and worker tools alike.
 */
export function limitToolValues(tools: ToolResolver, max: number): ToolResolver {
  const wrapped = new WeakMap<Tool<unknown>, Tool<unknown>>();
  const wrap = (tool: Tool<unknown>): Tool<unknown> => {
    const limited: Tool<unknown> = Object.create(tool, {
      run: {
        value: async (ctx: Parameters<Tool<unknown>['run']>[0]) => {
          const log: typeof ctx.log = (message, fields, level) => {
            const bytes = jsonBytes(fields) + Buffer.byteLength(message, 'utf8');
            if (bytes > max) throw tooLarge('A log line', bytes, max);
            ctx.log(message, fields, level);
          };
          const emit: typeof ctx.emit = (name, payload) => {
            const bytes = jsonBytes(payload);
            if (bytes > max) throw tooLarge(`The payload of custom event "${name}"`, bytes, max);
            ctx.emit(name, payload);
          };
          // A proxy, not a copy: the context's lazy getters (signal, step...) keep their receiver.
          const checked = new Proxy(ctx, {
            get(target, prop) {
              if (prop === 'log') return log;
              if (prop === 'emit') return emit;
              const value: unknown = Reflect.get(target, prop, target);
              return typeof value === 'function' ? value.bind(target) : value;
            },
          });
          const patch = await tool.run(checked);
          const big = oversized(patch ?? null, max);
          if (big)
            throw tooLarge(
              big.key
                ? `The value of "${big.key}" ${tool.name} returned`
                : `What ${tool.name} returned`,
              big.bytes,
              max,
            );
          return patch;
        },
      },
    });
    return limited;
  };
  return {
    get(name) {
      const tool = tools.get(name);
      if (!tool) return undefined;
      let limited = wrapped.get(tool);
      if (!limited) {
        limited = wrap(tool);
        wrapped.set(tool, limited);
      }
      return limited;
    },
    ...(tools.missingReason
      ? { missingReason: (name: string) => tools.missingReason?.(name) }
      : {}),
  };
}
