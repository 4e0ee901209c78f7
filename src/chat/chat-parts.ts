/**
 * A run's events as AI SDK UI message stream parts (the `UIMessageChunk`s `useChat` reads):
 *
 * - `llm.delta` CUSTOM events: `text-start` / `text-delta` / `text-end` (a delta at offset 0
 *   starts a new text part: a new model call, e.g. the agent's next turn);
 * - an agent's recorded steps: `model:<turn>` with tool calls gives `tool-input-available`
 *   (dynamic tools), `tool:<turn>:<i>` gives `tool-output-available` or `tool-output-error`;
 * - interrupts: a `data-interrupt` part (id: the interrupt id) with the run id, prompt and
 *   answer schema, updated in place once answered or timed out;
 * - the run's end: `finish` (after `error` for a failed run, `abort` for a cancelled one); a
 *   suspended run (waiting for an answer) finishes the message too.
 *
 * The translator is a fold: it is fed every event from seq 1, so a stream resumed after a cursor
 * knows which text part is open and which tool call a result belongs to (see chat-stream.ts).
 */
import type { UIMessageChunk } from 'ai';
import type { RunEvent } from '../engine/index.js';
import { LLM_DELTA_EVENT } from '../llm/usage.js';

/** The `data` of a `data-interrupt` part. */
export interface ChatInterrupt {
  runId: string;
  interruptId: string;
  nodeId: string;
  prompt: string;
  /** JSON Schema of the answer. */
  schema: Record<string, unknown>;
  status: 'waiting' | 'answered' | 'timed-out';
  value?: unknown;
}

/** What `finish` carries as `messageMetadata`. */
export interface ChatMessageMetadata {
  runId: string;
  status?: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'WAITING';
}

export type ChatChunk = UIMessageChunk<ChatMessageMetadata, { interrupt: ChatInterrupt }>;

interface ToolCall {
  id: string;
  name: string;
  input: unknown;
}

const MODEL_STEP = /^model:(\d+)$/;
const TOOL_STEP = /^tool:(\d+):(\d+)$/;

function isDelta(payload: unknown): payload is { text: string; offset: number } {
  const p = payload as { text?: unknown; offset?: unknown } | null;
  return typeof p?.text === 'string' && typeof p.offset === 'number';
}

export interface ChatTranslator {
  /** The parts of one event (none for most: node starts, logs, usage...). */
  push(event: RunEvent): ChatChunk[];
}

/**
 * `outputKey`: a state key whose text is sent as the answer when the run streamed no text (a
 * graph without streaming model nodes).
 */
export function createChatTranslator(runId: string, outputKey?: string): ChatTranslator {
  let open: string | null = null;
  let parts = 0;
  let streamed = false;
  const calls = new Map<string, ToolCall[]>();
  const interrupts = new Map<string, ChatInterrupt>();

  const close = (out: ChatChunk[]) => {
    if (open !== null) out.push({ type: 'text-end', id: open });
    open = null;
  };
  const text = (out: ChatChunk[], delta: string, fresh: boolean) => {
    if (fresh) close(out);
    if (open === null) {
      open = `${runId}:text:${++parts}`;
      out.push({ type: 'text-start', id: open });
    }
    if (delta !== '') out.push({ type: 'text-delta', id: open, delta });
    streamed = true;
  };
  const interrupt = (out: ChatChunk[], id: string, change: Partial<ChatInterrupt>) => {
    const known = interrupts.get(id);
    if (!known) return;
    const next = { ...known, ...change };
    interrupts.set(id, next);
    out.push({ type: 'data-interrupt', id, data: next });
  };

  return {
    push(e) {
      const out: ChatChunk[] = [];
      switch (e.type) {
        case 'CUSTOM':
          if (e.data.name === LLM_DELTA_EVENT && isDelta(e.data.payload))
            text(out, e.data.payload.text, e.data.payload.offset === 0);
          break;
        case 'STEP_COMPLETED': {
          const model = MODEL_STEP.exec(e.data.name);
          const result = e.data.result as { toolCalls?: ToolCall[] } | undefined;
          if (model && Array.isArray(result?.toolCalls) && result.toolCalls.length > 0) {
            close(out);
            calls.set(`${e.nodeId}/${model[1]}`, result.toolCalls);
            for (const call of result.toolCalls)
              out.push({
                type: 'tool-input-available',
                toolCallId: call.id,
                toolName: call.name,
                input: call.input ?? {},
                dynamic: true,
              });
          }
          const tool = TOOL_STEP.exec(e.data.name);
          const call = tool && calls.get(`${e.nodeId}/${tool[1]}`)?.[Number(tool[2]) - 1];
          if (call) {
            const r = e.data.result as { ok: boolean; value?: unknown; error?: string };
            out.push(
              r?.ok
                ? {
                    type: 'tool-output-available',
                    toolCallId: call.id,
                    output: r.value ?? null,
                    dynamic: true,
                  }
                : {
                    type: 'tool-output-error',
                    toolCallId: call.id,
                    errorText: String(r?.error ?? 'The tool failed.'),
                    dynamic: true,
                  },
            );
          }
          break;
        }
        case 'INTERRUPT_REQUESTED': {
          close(out);
          const data: ChatInterrupt = {
            runId,
            interruptId: e.data.id,
            nodeId: e.nodeId,
            prompt: e.data.prompt,
            schema: e.data.schema,
            status: 'waiting',
          };
          interrupts.set(e.data.id, data);
          out.push({ type: 'data-interrupt', id: e.data.id, data });
          break;
        }
        case 'INTERRUPT_ANSWERED':
          interrupt(out, e.data.id, { status: 'answered', value: e.data.value });
          break;
        case 'INTERRUPT_TIMED_OUT':
          interrupt(out, e.data.id, { status: 'timed-out', value: e.data.value });
          break;
        case 'NODE_SUCCEEDED':
        case 'NODE_FAILED':
          close(out);
          break;
        case 'RUN_SUSPENDED':
          close(out);
          out.push({ type: 'finish', finishReason: 'other', messageMetadata: meta('WAITING') });
          break;
        case 'RUN_SUCCEEDED': {
          close(out);
          const answer = outputKey === undefined ? undefined : e.data.state[outputKey];
          if (!streamed && typeof answer === 'string' && answer !== '') {
            text(out, answer, true);
            close(out);
          }
          out.push({ type: 'finish', finishReason: 'stop', messageMetadata: meta('SUCCEEDED') });
          break;
        }
        case 'RUN_FAILED':
          close(out);
          // Events are redacted before they are stored: the code and message carry no secret.
          out.push({ type: 'error', errorText: `${e.data.error.code}: ${e.data.error.message}` });
          out.push({ type: 'finish', finishReason: 'error', messageMetadata: meta('FAILED') });
          break;
        case 'RUN_CANCELLED':
          close(out);
          out.push({ type: 'abort', reason: e.data.reason ?? 'The run was cancelled.' });
          out.push({ type: 'finish', finishReason: 'other', messageMetadata: meta('CANCELLED') });
          break;
        default:
          break;
      }
      return out;
    },
  };

  function meta(status: ChatMessageMetadata['status']): ChatMessageMetadata {
    return { runId, ...(status ? { status } : {}) };
  }
}
