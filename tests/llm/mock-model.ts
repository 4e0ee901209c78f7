/** The AI SDK's mock model, scripted: a streamed answer (text pieces, tool calls) or a throw. */
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { createModelProviders, type ModelProviders } from '../../src/llm/providers.js';

export interface MockAnswer {
  chunks?: string[];
  toolCalls?: Array<{ id: string; name: string; input: unknown }>;
  usage?: { input: number; output: number };
  finishReason?: 'stop' | 'length' | 'tool-calls';
  warnings?: Array<{ type: 'unsupported'; feature: string; details?: string }>;
}

export type MockStep = MockAnswer | { throws: unknown };

function streamOf(answer: MockAnswer) {
  const parts: unknown[] = [{ type: 'stream-start', warnings: answer.warnings ?? [] }];
  if (answer.chunks?.length) {
    parts.push({ type: 'text-start', id: 't' });
    for (const delta of answer.chunks) parts.push({ type: 'text-delta', id: 't', delta });
    parts.push({ type: 'text-end', id: 't' });
  }
  for (const call of answer.toolCalls ?? [])
    parts.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.name,
      input: JSON.stringify(call.input),
    });
  const usage = answer.usage ?? { input: 3, output: 5 };
  parts.push({
    type: 'finish',
    finishReason: {
      unified: answer.finishReason ?? (answer.toolCalls?.length ? 'tool-calls' : 'stop'),
      raw: undefined,
    },
    usage: {
      inputTokens: {
        total: usage.input,
        noCache: usage.input,
        cacheRead: undefined,
        cacheWrite: undefined,
      },
      outputTokens: { total: usage.output, text: usage.output, reasoning: undefined },
    },
  });
  return { stream: simulateReadableStream({ chunks: parts as never[] }) };
}

/** A mock model answering `steps` in order (one per call). */
export function mockModel(...steps: MockStep[]): MockLanguageModelV3 {
  let i = 0;
  return new MockLanguageModelV3({
    provider: 'mock',
    modelId: 'mock-1',
    doStream: async () => {
      const step = steps[i++];
      if (step === undefined) throw new Error('mock model: no scripted answer left');
      if ('throws' in step) throw step.throws;
      return streamOf(step);
    },
  });
}

/** Providers with one provider `mock` (the default) serving `model` under any name. */
export function mockProviders(model: MockLanguageModelV3): ModelProviders {
  return createModelProviders(
    { mock: { defaultModel: 'mock-1', languageModel: () => model } },
    'mock',
  );
}
