/**
 * One model call: the model layer the `llm` tool (and agent loops) use. Streams the answer
 * (text deltas to `onDelta`), returns the text, tool calls, usage and the response messages to
 * append to the conversation for the next turn. Tools are declared, never executed here: the
 * caller runs them (and records them) itself.
 *
 * Retries: `maxRetries: 0`. A failure is thrown at once as an LlmError and the engine's retry
 * policy decides (a 429's `retry-after` travels as `retryAfterMs`). So every attempt is a
 * recorded event, retries survive a restart, cancel and timeouts apply between attempts, and
 * budgets see every call; the SDK's own retries would be invisible and multiply the node's.
 */
import { jsonSchema, type ModelMessage, Output, streamText } from 'ai';
import { noRedaction, type Redactor } from '../redaction.js';
import { toLlmError } from './errors.js';
import type { ResolvedModel } from './providers.js';
import type { LlmUsage } from './usage.js';

// The SDK prints warnings (unsupported settings...) to the console; callers get them instead.
globalThis.AI_SDK_LOG_WARNINGS = false;

export type JsonSchemaObject = Record<string, unknown>;

/** A tool the model may call: its arguments' JSON Schema. */
export interface ModelTool {
  description?: string;
  inputSchema: JsonSchemaObject;
}

export interface ModelToolCall {
  id: string;
  name: string;
  input: unknown;
}

export interface ModelCallRequest {
  model: ResolvedModel;
  system?: string | undefined;
  messages: ModelMessage[];
  tools?: Record<string, ModelTool> | undefined;
  toolChoice?: 'auto' | 'none' | 'required' | undefined;
  temperature?: number | undefined;
  maxOutputTokens?: number | undefined;
  /** Ask for JSON matching this schema (response_format); validate with structured-output.ts. */
  schema?: JsonSchemaObject | undefined;
  /**
   * Ask the provider to enforce `schema` (OpenAI's strict mode, which requires
   * `additionalProperties: false` and every property required). Default false: the schema is
   * sent as guidance and the answer is validated here, so any JSON Schema works.
   */
  strictSchema?: boolean | undefined;
  /** Aborts the HTTP request. */
  signal?: AbortSignal | undefined;
  /** Each streamed piece of text, as it arrives. */
  onDelta?: ((text: string) => void) | undefined;
}

export interface ModelCallResult {
  text: string;
  toolCalls: ModelToolCall[];
  finishReason: string;
  usage: LlmUsage;
  /** The assistant (and tool) messages of this call, to append for the next turn. */
  responseMessages: ModelMessage[];
  /** Settings the provider ignored (unsupported temperature...), as text. */
  warnings: string[];
}

export interface ModelCallOptions {
  /** Removes configured secrets from error messages. */
  redactor?: Redactor;
  now?: () => number;
}

function describeWarning(w: {
  type: string;
  feature?: string;
  details?: string;
  message?: string;
}) {
  return [w.type, w.feature, w.details ?? w.message].filter(Boolean).join(': ');
}

const count = (n: number | undefined): number | null => (typeof n === 'number' ? n : null);

export async function callModel(
  req: ModelCallRequest,
  options: ModelCallOptions = {},
): Promise<ModelCallResult> {
  const redactor = options.redactor ?? noRedaction;
  const now = options.now ?? Date.now;
  const target = { provider: req.model.provider, model: req.model.name };
  const signal = req.signal;
  signal?.throwIfAborted();
  const started = now();
  let firstTokenMs: number | undefined;
  const tools = req.tools
    ? Object.fromEntries(
        Object.entries(req.tools).map(([name, t]) => [
          name,
          {
            ...(t.description === undefined ? {} : { description: t.description }),
            inputSchema: jsonSchema(t.inputSchema),
          },
        ]),
      )
    : undefined;
  const result = streamText({
    model: req.model.model,
    ...(req.system === undefined ? {} : { system: req.system }),
    messages: req.messages,
    ...(tools ? { tools } : {}),
    ...(req.toolChoice ? { toolChoice: req.toolChoice } : {}),
    ...(req.temperature === undefined ? {} : { temperature: req.temperature }),
    ...(req.maxOutputTokens === undefined ? {} : { maxOutputTokens: req.maxOutputTokens }),
    ...(req.schema
      ? {
          output: Output.object({ schema: jsonSchema(req.schema) }),
          providerOptions: {
            openaiCompatible: { strictJsonSchema: req.strictSchema === true },
            openai: { strictJsonSchema: req.strictSchema === true },
          },
        }
      : {}),
    maxRetries: 0,
    ...(signal ? { abortSignal: signal } : {}),
    // Errors come through the stream below; without a handler the SDK prints them (with the
    // request body) to the console.
    onError: () => {},
  });
  let text = '';
  const toolCalls: ModelToolCall[] = [];
  const warnings: string[] = [];
  let finishReason = 'other';
  let usage: LlmUsage | undefined;
  try {
    for await (const part of result.fullStream) {
      switch (part.type) {
        case 'text-delta':
          if (part.text === '') break;
          firstTokenMs ??= now() - started;
          text += part.text;
          req.onDelta?.(part.text);
          break;
        case 'tool-input-start':
          firstTokenMs ??= now() - started;
          break;
        case 'tool-call':
          toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
          break;
        case 'start-step':
          for (const w of part.warnings) warnings.push(describeWarning(w as never));
          break;
        case 'error':
          throw part.error;
        case 'abort':
          throw signal?.reason ?? new Error('The model call was aborted');
        case 'finish': {
          finishReason = part.finishReason;
          const u = part.totalUsage;
          usage = {
            provider: target.provider,
            model: target.model,
            inputTokens: count(u.inputTokens),
            outputTokens: count(u.outputTokens),
            totalTokens:
              count(u.totalTokens) ??
              (u.inputTokens !== undefined && u.outputTokens !== undefined
                ? u.inputTokens + u.outputTokens
                : null),
            ...(u.inputTokenDetails?.cacheReadTokens
              ? { cachedInputTokens: u.inputTokenDetails.cacheReadTokens }
              : {}),
            ...(u.outputTokenDetails?.reasoningTokens
              ? { reasoningTokens: u.outputTokenDetails.reasoningTokens }
              : {}),
            latencyMs: Math.max(0, now() - started),
            ...(firstTokenMs === undefined ? {} : { firstTokenMs }),
            finishReason,
          };
          break;
        }
        default:
          break;
      }
    }
    if (signal?.aborted) throw signal.reason;
    const response = await result.response;
    return {
      text,
      toolCalls,
      finishReason,
      usage: usage ?? {
        provider: target.provider,
        model: target.model,
        inputTokens: null,
        outputTokens: null,
        totalTokens: null,
        latencyMs: Math.max(0, now() - started),
        finishReason,
      },
      responseMessages: response.messages,
      warnings,
    };
  } catch (err) {
    // An abort is the engine's (cancel, timeout): hand its reason back untouched.
    if (signal?.aborted) throw signal.reason;
    throw toLlmError(err, target, redactor);
  }
}
