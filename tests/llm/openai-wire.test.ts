/**
 * The model layer over real HTTP against the scripted OpenAI-compatible server: the Chat
 * Completions SSE wire format, tool calls across two turns, errors, 429 with retry-after,
 * aborts that close the request. Also checks the server helper's JSON (non-streaming) mode.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadLlmConfig } from '../../src/llm/llm-config.js';
import { callModel } from '../../src/llm/model-call.js';
import { providersFromConfig } from '../../src/llm/providers.js';
import { createRedactor } from '../../src/redaction.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openai-server.js';

const KEY = 'sk-wire-test-0123456789';
let llm: OpenAIServer;
beforeAll(async () => {
  llm = await startOpenAIServer();
});
afterAll(() => llm.close());
beforeEach(() => llm.reset());

const providers = () =>
  providersFromConfig(
    loadLlmConfig({ LLM_BASE_URL: llm.baseURL, LLM_API_KEY: KEY, LLM_MODEL: 'scripted-1' }),
  );
const redactor = createRedactor([KEY]);

describe('model calls over the Chat Completions wire format', () => {
  it('streams text over SSE with the key in the Authorization header, and reports usage', async () => {
    llm.script({ text: 'one two three four', usage: { prompt_tokens: 12, completion_tokens: 4 } });
    const deltas: string[] = [];
    const result = await callModel(
      {
        model: await providers().resolve(undefined),
        system: 'sys',
        messages: [{ role: 'user', content: 'count' }],
        temperature: 0,
        maxOutputTokens: 20,
        onDelta: (t) => deltas.push(t),
      },
      { redactor },
    );
    expect(deltas).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(result.text).toBe('one two three four');
    expect(result.usage).toMatchObject({
      inputTokens: 12,
      outputTokens: 4,
      totalTokens: 16,
      model: 'scripted-1',
    });
    const [req] = llm.requests;
    expect(req?.path).toBe('/v1/chat/completions');
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.body).toMatchObject({
      model: 'scripted-1',
      stream: true,
      temperature: 0,
      max_tokens: 20,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'count' },
      ],
    });
  });

  it('returns tool calls, and sends the tool result back on the next turn', async () => {
    llm.script(
      { toolCalls: [{ id: 'call_a', name: 'lookup', arguments: { q: 'weather' } }] },
      { text: 'Sunny.' },
    );
    const tools = {
      lookup: {
        description: 'search',
        inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
      },
    };
    const model = await providers().resolve(undefined);
    const first = await callModel({
      model,
      messages: [{ role: 'user', content: 'weather?' }],
      tools,
    });
    expect(first.toolCalls).toEqual([{ id: 'call_a', name: 'lookup', input: { q: 'weather' } }]);
    const second = await callModel({
      model,
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        ...first.responseMessages,
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'call_a',
              toolName: 'lookup',
              output: { type: 'text', value: 'sun' },
            },
          ],
        },
      ],
    });
    expect(second.text).toBe('Sunny.');
    expect(llm.requests[0]?.body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'lookup', description: 'search', parameters: tools.lookup.inputSchema },
      },
    ]);
    const sent = llm.requests[1]?.body.messages as Array<Record<string, unknown>>;
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent[2]).toMatchObject({ tool_call_id: 'call_a', content: 'sun' });
  });

  it('maps HTTP errors: 401 not retried (key redacted), 429 with retry-after, 500 retryable', async () => {
    llm.script(
      { status: 401, message: `Incorrect API key provided: ${KEY}` },
      { status: 429, headers: { 'retry-after': '1' }, message: 'Rate limit reached' },
      { status: 500, message: 'boom' },
    );
    const model = await providers().resolve(undefined);
    const call = () =>
      callModel({ model, messages: [{ role: 'user', content: 'q' }] }, { redactor }).catch(
        (e) => e,
      );
    const auth = await call();
    expect(auth).toMatchObject({ code: 'LLM_REQUEST_FAILED', retryable: false });
    expect(auth.message).toContain('[redacted]');
    expect(JSON.stringify({ m: auth.message, d: auth.details })).not.toContain(KEY);
    expect(await call()).toMatchObject({
      code: 'LLM_RATE_LIMITED',
      retryable: true,
      retryAfterMs: 1000,
    });
    expect(await call()).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
    expect(llm.requests).toHaveLength(3); // maxRetries 0: the SDK never retries on its own
  });

  it('maps an unreachable server to LLM_UNAVAILABLE', async () => {
    const dead = providersFromConfig(
      loadLlmConfig({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm' }),
    );
    const err = await callModel({
      model: await dead.resolve(undefined),
      messages: [{ role: 'user', content: 'q' }],
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
  });

  it('cancels the HTTP request when the signal aborts', async () => {
    llm.script({ hang: true });
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const pending = callModel({
      model: await providers().resolve(undefined),
      messages: [{ role: 'user', content: 'q' }],
      signal: controller.signal,
    }).catch((e) => e);
    await llm.waitForRequests(1);
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await expect.poll(() => llm.requests[0]?.aborted).toBe(true);
  });

  it('speaks to the same server through @ai-sdk/openai (api: chat)', async () => {
    llm.script({ text: 'via openai' });
    const config = loadLlmConfig({ LLM_PROVIDERS: 'p.json', OAI_KEY: KEY }, () =>
      JSON.stringify({
        providers: {
          oai: {
            type: 'openai',
            baseURL: llm.baseURL,
            apiKeyEnv: 'OAI_KEY',
            api: 'chat',
            model: 'gpt-test',
          },
        },
      }),
    );
    const result = await callModel({
      model: await providersFromConfig(config).resolve({ provider: 'oai' }),
      messages: [{ role: 'user', content: 'q' }],
    });
    expect(result.text).toBe('via openai');
    expect(llm.requests[0]?.body.model).toBe('gpt-test');
  });
});

describe('the scripted server', () => {
  it('answers non-streaming requests as chat.completion JSON, with tool calls', async () => {
    llm.script({ text: 'hi', toolCalls: [{ id: 'c1', name: 'f', arguments: '{"x":1}' }] });
    const res = await fetch(`${llm.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'q' }] }),
    });
    const body = await res.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'm',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'hi',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
            ],
          },
        },
      ],
    });
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it('answers 500 when the script is empty', async () => {
    const res = await fetch(`${llm.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(500);
    expect((await res.json()).error.message).toContain('no scripted reply left');
  });
});
