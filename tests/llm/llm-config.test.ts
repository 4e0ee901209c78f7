import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { llmSecrets, loadLlmConfig } from '../../src/llm/llm-config.js';
import { providersFromConfig } from '../../src/llm/providers.js';

const file = (json: unknown) => () => JSON.stringify(json);

describe('model providers from configuration', () => {
  it('has none without LLM_* variables', () => {
    expect(loadLlmConfig({})).toEqual({ providers: {}, defaultProvider: undefined, prices: {} });
  });

  it('reads LLM_PRICES inline or from a file, and lists every problem', () => {
    const prices = { 'default/m': { inputPerMTok: 1, outputPerMTok: 2 } };
    expect(loadLlmConfig({ LLM_PRICES: JSON.stringify(prices) }).prices).toEqual(prices);
    const read = (path: string) => (path === 'p.json' ? JSON.stringify(prices) : '');
    expect(loadLlmConfig({ LLM_PRICES: 'p.json' }, read).prices).toEqual(prices);
    expect(() =>
      loadLlmConfig({ LLM_PRICES: JSON.stringify({ m: { inputPerMTok: -1, out: 1 } }) }),
    ).toThrow(/m.inputPerMTok.*m: /);
  });

  it('makes LLM_BASE_URL the OpenAI-compatible provider "default", with LLM_MODEL and LLM_API_KEY', async () => {
    const config = loadLlmConfig({
      LLM_BASE_URL: 'http://localhost:11434/v1',
      LLM_MODEL: 'llama3',
      LLM_API_KEY: 'k-123456',
    });
    expect(config.defaultProvider).toBe('default');
    expect(config.providers.default).toMatchObject({
      type: 'openai-compatible',
      model: 'llama3',
      apiKey: 'k-123456',
    });
    expect(await providersFromConfig(config).resolve(undefined)).toMatchObject({
      provider: 'default',
      name: 'llama3',
    });
  });

  it('reads a providers file that names key variables, and the keys become secrets', async () => {
    const env = {
      LLM_PROVIDERS: './providers.json',
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      LOCAL_TOKEN_X: 'tok-local-secret',
      LLM_PROVIDER: 'local',
      LLM_MODEL: 'qwen',
    };
    const read = file({
      providers: {
        local: {
          type: 'openai-compatible',
          baseURL: 'http://127.0.0.1:8080/v1',
          apiKeyEnv: 'LOCAL_TOKEN_X',
        },
        claude: { type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', model: 'claude-sonnet-4-5' },
        oai: { type: 'openai', apiKeyEnv: 'ANTHROPIC_API_KEY', api: 'chat' },
      },
    });
    const config = loadLlmConfig(env, read);
    expect(Object.keys(config.providers).sort()).toEqual(['claude', 'local', 'oai']);
    expect(config.defaultProvider).toBe('local');
    expect(config.providers.local?.model).toBe('qwen');
    expect(llmSecrets(config).sort()).toEqual(
      ['sk-ant-secret', 'sk-ant-secret', 'tok-local-secret'].sort(),
    );
    const providers = providersFromConfig(config);
    expect(await providers.resolve({ provider: 'claude' })).toMatchObject({
      provider: 'claude',
      name: 'claude-sonnet-4-5',
    });
    expect((await providers.resolve({ provider: 'oai', name: 'gpt-x' })).model).toMatchObject({
      modelId: 'gpt-x',
    });
  });

  it('puts a key named by any apiKeyEnv into config.secrets', () => {
    const env = {
      LLM_PROVIDERS: 'p.json',
      MYVAR: 'value-without-a-secret-suffix',
      DATABASE_URL: 'file:x.db',
    };
    const read = file({
      providers: { p: { type: 'openai-compatible', baseURL: 'http://h/v1', apiKeyEnv: 'MYVAR' } },
    });
    // loadConfig reads the file from disk; the same rule through loadLlmConfig:
    expect(llmSecrets(loadLlmConfig(env, read))).toEqual(['value-without-a-secret-suffix']);
    expect(
      loadConfig({ LLM_BASE_URL: 'http://h/v1', LLM_API_KEY: 'sk-xyz-123' }).secrets,
    ).toContain('sk-xyz-123');
  });

  it('lists every problem of a bad providers file, and refuses unset key variables', () => {
    const bad = file({
      providers: { a: { type: 'cohere' }, b: { type: 'openai', baseURL: 'not a url', extra: 1 } },
    });
    expect(() => loadLlmConfig({ LLM_PROVIDERS: 'p.json' }, bad)).toThrow(
      /providers\.a\.type.*providers\.b\.baseURL.*providers\.b/s,
    );
    const unset = file({ providers: { a: { type: 'anthropic', apiKeyEnv: 'NOT_SET_ANYWHERE' } } });
    expect(() => loadLlmConfig({ LLM_PROVIDERS: 'p.json' }, unset)).toThrow(
      /NOT_SET_ANYWHERE, which is not set/,
    );
    const noUrl = file({ providers: { a: { type: 'openai-compatible' } } });
    expect(() => loadLlmConfig({ LLM_PROVIDERS: 'p.json' }, noUrl)).toThrow(/baseURL is required/);
    expect(() => loadLlmConfig({ LLM_PROVIDERS: 'p.json' }, () => '{')).toThrow(
      /cannot read p.json as JSON/,
    );
  });

  it('refuses an LLM_PROVIDER that is not configured and a bad LLM_BASE_URL', () => {
    expect(() => loadLlmConfig({ LLM_PROVIDER: 'x' })).toThrow(/LLM_PROVIDER names "x"/);
    expect(() => loadLlmConfig({ LLM_BASE_URL: 'localhost' })).toThrow(
      /LLM_BASE_URL must be a URL/,
    );
  });

  it('says what to set when a model cannot be resolved', async () => {
    const providers = providersFromConfig(loadLlmConfig({ LLM_BASE_URL: 'http://h/v1' }));
    await expect(providers.resolve(undefined)).rejects.toThrow(
      /set config.model.name on the node, LLM_MODEL/,
    );
    await expect(providers.resolve({ provider: 'zzz', name: 'm' })).rejects.toThrow(
      /"zzz" is not configured on this server \(configured: default\)/,
    );
  });
});
