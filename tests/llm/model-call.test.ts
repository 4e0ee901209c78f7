import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/errors.js';
import { callModel } from '../../src/llm/model-call.js';
import { createRedactor } from '../../src/redaction.js';
import { mockModel, mockProviders } from './mock-model.js';

const resolve = (model: ReturnType<typeof mockModel>) => mockProviders(model).resolve(undefined);
const user = (content: string) => [{ role: 'user' as const, content }];

function apiError(status: number, message: string, headers: Record<string, string> = {}) {
  return new APICallError({
    message,
    url: 'http://model.test/v1/chat/completions',
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
    responseBody: JSON.stringify({ error: { message } }),
    data: { error: { message } },
    isRetryable: status === 429 || status >= 500 || status === 408 || status === 409,
  });
}

describe('callModel (AI SDK mock model)', () => {
  it('streams the text to onDelta piece by piece and returns it with usage', async () => {
    const model = mockModel({ chunks: ['Hel', 'lo', ' there'], usage: { input: 11, output: 4 } });
    const deltas: string[] = [];
    const result = await callModel({
      model: await resolve(model),
      system: 'be brief',
      messages: user('hi'),
      onDelta: (t) => deltas.push(t),
    });
    expect(deltas).toEqual(['Hel', 'lo', ' there']);
    expect(result.text).toBe('Hello there');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({
      provider: 'mock',
      model: 'mock-1',
      inputTokens: 11,
      outputTokens: 4,
      totalTokens: 15,
      finishReason: 'stop',
    });
    expect(result.usage.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.responseMessages).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'Hello there' }] },
    ]);
  });

  it('passes temperature, max tokens, the system prompt and a JSON response format', async () => {
    const model = mockModel({ chunks: ['{}'] });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    await callModel({
      model: await resolve(model),
      system: 'sys',
      messages: user('q'),
      temperature: 0.3,
      maxOutputTokens: 77,
      schema,
    });
    const call = model.doStreamCalls[0];
    expect(call?.temperature).toBe(0.3);
    expect(call?.maxOutputTokens).toBe(77);
    expect(call?.responseFormat).toMatchObject({ type: 'json', schema });
    expect(call?.prompt[0]).toEqual({ role: 'system', content: 'sys' });
    // Not strict by default: any JSON Schema works, the answer is validated by the caller.
    expect(call?.providerOptions).toMatchObject({ openaiCompatible: { strictJsonSchema: false } });
  });

  it('returns tool calls without executing anything', async () => {
    const model = mockModel({ toolCalls: [{ id: 'c1', name: 'lookup', input: { q: 'x' } }] });
    const result = await callModel({
      model: await resolve(model),
      messages: user('find x'),
      tools: {
        lookup: {
          description: 'search',
          inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
    });
    expect(result.toolCalls).toEqual([{ id: 'c1', name: 'lookup', input: { q: 'x' } }]);
    expect(result.finishReason).toBe('tool-calls');
    expect(model.doStreamCalls[0]?.tools?.[0]).toMatchObject({ type: 'function', name: 'lookup' });
  });

  it('reports the warnings the provider gave instead of printing them', async () => {
    const model = mockModel({
      chunks: ['ok'],
      warnings: [{ type: 'unsupported', feature: 'temperature' }],
    });
    const result = await callModel({
      model: await resolve(model),
      messages: user('q'),
      temperature: 1,
    });
    expect(result.warnings).toEqual(['unsupported: temperature']);
  });

  it('maps a 429 to LLM_RATE_LIMITED with the wait the provider asked for', async () => {
    const model = mockModel({ throws: apiError(429, 'slow down', { 'retry-after': '2' }) });
    const err = await callModel({ model: await resolve(model), messages: user('q') }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(LlmError);
    expect(err).toMatchObject({ code: 'LLM_RATE_LIMITED', retryable: true, retryAfterMs: 2000 });
    expect(err.details).toMatchObject({ status: 429, retryAfterMs: 2000, provider: 'mock' });
  });

  it('maps 4xx to a non-retryable LLM_REQUEST_FAILED with the provider message, redacted', async () => {
    const model = mockModel({ throws: apiError(401, 'Incorrect API key sk-live-abcdef123') });
    const redactor = createRedactor(['sk-live-abcdef123']);
    const err = await callModel(
      { model: await resolve(model), messages: user('q') },
      { redactor },
    ).catch((e) => e);
    expect(err).toMatchObject({ code: 'LLM_REQUEST_FAILED', retryable: false });
    expect(err.message).toContain('Incorrect API key [redacted]');
    expect(err.message).not.toContain('sk-live-abcdef123');
  });

  it('maps 5xx and network failures to a retryable LLM_UNAVAILABLE', async () => {
    for (const thrown of [apiError(503, 'overloaded'), new TypeError('fetch failed')]) {
      const err = await callModel({
        model: await resolve(mockModel({ throws: thrown })),
        messages: user('q'),
      }).catch((e) => e);
      expect(err).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
    }
  });

  it('hands an abort reason back untouched, before and during the call', async () => {
    const reason = new Error('cancelled by the run');
    const before = new AbortController();
    before.abort(reason);
    await expect(
      callModel({
        model: await resolve(mockModel({ chunks: ['x'] })),
        messages: user('q'),
        signal: before.signal,
      }),
    ).rejects.toBe(reason);

    const during = new AbortController();
    const model = mockModel({ chunks: ['a', 'b', 'c'] });
    const err = await callModel({
      model: await resolve(model),
      messages: user('q'),
      signal: during.signal,
      onDelta: () => during.abort(reason),
    }).catch((e) => e);
    expect(err).toBe(reason);
  });
});
