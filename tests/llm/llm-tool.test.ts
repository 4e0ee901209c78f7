import { describe, expect, it } from 'vitest';
import { createLlmTool } from '../../src/llm/llm.tool.js';
import { createModelProviders } from '../../src/llm/providers.js';
import { runTool } from '../tools/run-tool.js';
import { mockModel, mockProviders } from './mock-model.js';

const issuesOf = (tool: ReturnType<typeof createLlmTool>, config: unknown) => {
  const parsed = tool.config.safeParse(config);
  return parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('llm tool: config', () => {
  const tool = createLlmTool({ providers: mockProviders(mockModel()) });

  it('accepts a prompt, messages, model, temperature, maxTokens and a schema', () => {
    expect(
      issuesOf(tool, {
        output: 'answer',
        model: { provider: 'mock', name: 'x' },
        system: 'You help with {{state.topic}}',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'hello' },
        ],
        prompt: 'and {{input.q}}?',
        temperature: 0.2,
        maxTokens: 100,
        schema: { type: 'object' },
      }),
    ).toEqual([]);
    expect(issuesOf(tool, { output: 'a', model: 'gpt-x', prompt: 'q' })).toEqual([]);
  });

  it('lists every problem with its path', () => {
    const issues = issuesOf(tool, {
      output: 'a',
      system: 'about {{topic}}',
      messages: [{ role: 'user', content: '{{ state.x + 1 }}' }],
      temperature: 5,
      schema: { type: 'no-such-type' },
      model: { provider: 'nowhere' },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'messages.0.content',
      'model.provider',
      'schema',
      'system',
      'temperature',
    ]);
    expect(issues.find((i) => i.path === 'model.provider')?.message).toContain(
      'this server has: mock',
    );
    const empty = issuesOf(tool, { output: 'a', messages: [] });
    expect(empty).toEqual([
      { path: 'prompt', message: 'set prompt or messages: the model needs a question' },
    ]);
  });

  it('requires output, and refuses a reserved key there', () => {
    expect(issuesOf(tool, { prompt: 'q' }).map((i) => i.path)).toEqual(['output']);
    expect(issuesOf(tool, { output: '__proto__', prompt: 'q' }).map((i) => i.path)).toEqual([
      'output',
    ]);
  });

  it('accepts any provider name when the server has none (the node fails when it runs)', () => {
    const bare = createLlmTool({ providers: createModelProviders({}) });
    expect(issuesOf(bare, { output: 'a', prompt: 'q', model: { provider: 'claude' } })).toEqual([]);
  });
});

describe('llm tool: run (AI SDK mock model)', () => {
  it('puts the answer in state[output] and records deltas and usage', async () => {
    const model = mockModel({
      chunks: ['Cats ', 'are ', 'great.'],
      usage: { input: 9, output: 3 },
    });
    const tool = createLlmTool({ providers: mockProviders(model) });
    const run = await runTool(
      tool,
      { topic: 'cats' },
      {
        config: { output: 'answer', system: 'Be brief.', prompt: 'Tell me about {{state.topic}}' },
      },
    );
    expect(run.patch).toEqual({ answer: 'Cats are great.' });
    const deltas = run.events.filter((e) => e.name === 'llm.delta');
    expect(deltas.map((d) => d.payload)).toEqual([{ text: 'Cats are great.', offset: 0 }]);
    const usage = run.events.filter((e) => e.name === 'llm.usage');
    expect(usage).toHaveLength(1);
    expect(usage[0]?.payload).toMatchObject({
      provider: 'mock',
      model: 'mock-1',
      inputTokens: 9,
      outputTokens: 3,
      totalTokens: 12,
    });
    const prompt = model.doStreamCalls[0]?.prompt;
    expect(prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Tell me about cats' }] },
    ]);
  });

  it('warns about placeholders without a value', async () => {
    const tool = createLlmTool({ providers: mockProviders(mockModel({ chunks: ['ok'] })) });
    const run = await runTool(tool, {}, { config: { output: 'a', prompt: 'x {{state.missing}}' } });
    expect(run.logs).toEqual([
      {
        message: 'Prompt placeholders without a value were left empty',
        fields: { missing: ['state.missing'] },
        level: 'warn',
      },
    ]);
  });

  it('returns structured output as a value, and fails retryably (usage recorded) on a bad one', async () => {
    const schema = {
      type: 'object',
      properties: { score: { type: 'integer' } },
      required: ['score'],
    };
    const model = mockModel({ chunks: ['{"score":"high"}'] }, { chunks: ['{"score":', '7}'] });
    const tool = createLlmTool({ providers: mockProviders(model) });
    const config = { output: 'review', prompt: 'rate it', schema, stream: false };
    const events: string[] = [];
    const bad = await runTool(tool, {}, { config }).catch((e) => e);
    expect(bad).toMatchObject({ code: 'LLM_OUTPUT_INVALID', retryable: true });
    expect(bad.message).toContain('/score must be integer');
    const good = await runTool(tool, {}, { config });
    expect(good.patch).toEqual({ review: { score: 7 } });
    events.push(...good.events.map((e) => e.name));
    expect(events).toEqual(['llm.usage']); // stream: false sends no deltas
  });

  it('fails with LLM_NOT_CONFIGURED, not retried, naming the variables, when no model is set up', async () => {
    const tool = createLlmTool({ providers: createModelProviders({}) });
    const err = await runTool(tool, {}, { config: { output: 'a', prompt: 'q' } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'LLM_NOT_CONFIGURED', retryable: false });
    expect(err.message).toContain('LLM_BASE_URL');
    expect(err.message).toContain('LLM_MODEL');
  });
});
