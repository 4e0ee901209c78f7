/**
 * The translation of run events into UI message stream parts, event by event: the cases the
 * end-to-end suite does not reach (a tool that failed, a cancelled run, a timed-out interrupt,
 * a new model call's text, events the chat does not show).
 */
import { describe, expect, it } from 'vitest';
import { createChatTranslator } from '../../src/chat/chat-parts.js';
import type { RunEvent } from '../../src/engine/events.js';

let seq = 0;
const at = 0;
const runId = 'r1';
const node = { nodeId: 'agent', attempt: 1 };
const delta = (text: string, offset: number): RunEvent => ({
  runId,
  seq: ++seq,
  at,
  type: 'CUSTOM',
  ...node,
  data: { name: 'llm.delta', payload: { text, offset } },
});
const step = (name: string, result: unknown): RunEvent => ({
  runId,
  seq: ++seq,
  at,
  type: 'STEP_COMPLETED',
  ...node,
  data: { iteration: 1, name, n: 1, result },
});
const types = (parts: Array<{ type: string }>) => parts.map((p) => p.type);

describe('chat parts', () => {
  it('starts a new text part at offset 0 and sends a failed tool call as tool-output-error', () => {
    const t = createChatTranslator(runId);
    const parts = [
      delta('Let me ', 0),
      delta('check.', 7),
      step('model:1', {
        text: 'Let me check.',
        toolCalls: [{ id: 'c1', name: 'lookup', input: { word: 'boom' } }],
      }),
      step('tool:1:1/inner', { ignored: true }),
      step('tool:1:1', { ok: false, error: 'dictionary offline' }),
      delta('Sorry.', 0),
    ].flatMap((e) => t.push(e));
    expect(types(parts)).toEqual([
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'tool-input-available',
      'tool-output-error',
      'text-start',
      'text-delta',
    ]);
    expect(parts[5]).toEqual({
      type: 'tool-output-error',
      toolCallId: 'c1',
      errorText: 'dictionary offline',
      dynamic: true,
    });
    // Two text parts, two ids.
    expect(parts[0]).not.toEqual(parts[6]);
  });

  it('shows nothing for node starts, logs and usage events', () => {
    const t = createChatTranslator(runId);
    const quiet: RunEvent[] = [
      { runId, seq: ++seq, at, type: 'NODE_STARTED', ...node, data: { iteration: 1 } },
      {
        runId,
        seq: ++seq,
        at,
        type: 'LOG',
        data: { level: 'info', message: 'hello' },
      },
      {
        runId,
        seq: ++seq,
        at,
        type: 'CUSTOM',
        data: { name: 'llm.usage', payload: { inputTokens: 3 } },
      },
    ];
    expect(quiet.flatMap((e) => t.push(e))).toEqual([]);
  });

  it('closes open text and sends abort then finish when the run is cancelled', () => {
    const t = createChatTranslator(runId);
    t.push(delta('Half', 0));
    const parts = t.push({
      runId,
      seq: ++seq,
      at,
      type: 'RUN_CANCELLED',
      data: { reason: 'stop', state: {} },
    });
    expect(types(parts)).toEqual(['text-end', 'abort', 'finish']);
    expect(parts[2]).toMatchObject({ messageMetadata: { runId, status: 'CANCELLED' } });
  });

  it('updates an interrupt part in place when it times out with its default', () => {
    const t = createChatTranslator(runId);
    const asked = t.push({
      runId,
      seq: ++seq,
      at,
      type: 'INTERRUPT_REQUESTED',
      nodeId: 'ask',
      attempt: 1,
      data: {
        iteration: 1,
        id: 'ask:1:1',
        prompt: 'OK?',
        schema: { type: 'boolean' },
        hasDefault: true,
        default: false,
      },
    });
    const later = t.push({
      runId,
      seq: ++seq,
      at,
      type: 'INTERRUPT_TIMED_OUT',
      nodeId: 'ask',
      attempt: 1,
      data: { iteration: 1, id: 'ask:1:1', value: false },
    });
    expect(asked[0]).toMatchObject({ type: 'data-interrupt', id: 'ask:1:1' });
    expect(later).toEqual([
      {
        type: 'data-interrupt',
        id: 'ask:1:1',
        data: {
          runId,
          interruptId: 'ask:1:1',
          nodeId: 'ask',
          prompt: 'OK?',
          schema: { type: 'boolean' },
          status: 'timed-out',
          value: false,
        },
      },
    ]);
  });
});
