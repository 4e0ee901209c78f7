/**
 * Named model providers built from server configuration (llm-config.ts) on the AI SDK:
 * `@ai-sdk/openai-compatible` (Chat Completions: Ollama, vLLM, llama.cpp, LM Studio, OpenAI
 * itself), `@ai-sdk/openai` and `@ai-sdk/anthropic`. Graphs refer to a provider by name only.
 */
import type { LanguageModel } from 'ai';
import { LLM_ENV_HINT, type LlmConfig, type ProviderConfig } from './llm-config.js';
import { LlmError } from './llm-error.js';

/** A node's `model`: a model name (of the default provider), or provider and/or name. */
export type ModelRef = string | { provider?: string | undefined; name?: string | undefined };

/** Where models of one provider come from. Tests pass the AI SDK's mock models this way. */
export interface ModelSource {
  /** The model used when a node names none. */
  defaultModel?: string | undefined;
  languageModel(name: string): LanguageModel | Promise<LanguageModel>;
}

export interface ResolvedModel {
  provider: string;
  name: string;
  model: LanguageModel;
}

export interface ModelProviders {
  /** Provider names, sorted. */
  names(): string[];
  /** The provider a node without `model.provider` uses. */
  readonly defaultProvider: string | undefined;
  /** The model a node's `model` names; rejects with LLM_NOT_CONFIGURED saying what to set. */
  resolve(ref: ModelRef | undefined): Promise<ResolvedModel>;
}

/**
 * The SDK provider of a configured provider. Its package is imported on first use, so a server
 * that never calls a model never loads the AI SDK (about 100 ms and 25 MB at start).
 */
function sourceOf(name: string, p: ProviderConfig): ModelSource {
  const headers = p.headers;
  let factory: Promise<(model: string) => LanguageModel> | undefined;
  const load = async (): Promise<(model: string) => LanguageModel> => {
    if (p.type === 'anthropic') {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      const provider = createAnthropic({
        ...(p.baseURL ? { baseURL: p.baseURL } : {}),
        // Without a key the SDK would read ANTHROPIC_API_KEY itself: keys come from config only.
        apiKey: p.apiKey ?? '',
        headers,
      });
      return (m) => provider(m);
    }
    if (p.type === 'openai') {
      const { createOpenAI } = await import('@ai-sdk/openai');
      const provider = createOpenAI({
        ...(p.baseURL ? { baseURL: p.baseURL } : {}),
        apiKey: p.apiKey ?? '',
        headers,
        name,
      });
      return (m) => (p.api === 'chat' ? provider.chat(m) : provider.responses(m));
    }
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    const provider = createOpenAICompatible({
      name,
      baseURL: p.baseURL ?? '',
      ...(p.apiKey ? { apiKey: p.apiKey } : {}),
      headers,
      // Usage arrives on the stream only when asked for (stream_options.include_usage).
      includeUsage: true,
      supportsStructuredOutputs: p.structuredOutputs,
    });
    return (m) => provider.chatModel(m);
  };
  return {
    defaultModel: p.model,
    async languageModel(model) {
      factory ??= load();
      return (await factory)(model);
    },
  };
}

/** Providers from server configuration. */
export function providersFromConfig(config: LlmConfig): ModelProviders {
  const sources: Record<string, ModelSource> = {};
  for (const [name, p] of Object.entries(config.providers)) sources[name] = sourceOf(name, p);
  return createModelProviders(sources, config.defaultProvider);
}

/** Providers from sources (each model instance is created once per name and kept). */
export function createModelProviders(
  sources: Record<string, ModelSource>,
  defaultProvider?: string,
): ModelProviders {
  const cache = new Map<string, Promise<LanguageModel>>();
  const names = Object.keys(sources).sort();
  return {
    names: () => [...names],
    defaultProvider,
    async resolve(ref) {
      const wanted = typeof ref === 'string' ? { name: ref } : (ref ?? {});
      const provider = wanted.provider ?? defaultProvider;
      if (provider === undefined)
        throw new LlmError(
          'LLM_NOT_CONFIGURED',
          names.length === 0
            ? `No model provider is configured on this server: ${LLM_ENV_HINT}`
            : `The node names no provider and the server has no default one (configured: ${names.join(', ')}); set config.model.provider or LLM_PROVIDER`,
          false,
        );
      const source = Object.hasOwn(sources, provider) ? sources[provider] : undefined;
      if (source === undefined)
        throw new LlmError(
          'LLM_NOT_CONFIGURED',
          `The model provider "${provider}" is not configured on this server (configured: ${names.join(', ') || 'none'}); add it to the LLM_PROVIDERS file or fix config.model.provider`,
          false,
          { provider },
        );
      const name = wanted.name ?? source.defaultModel;
      if (name === undefined)
        throw new LlmError(
          'LLM_NOT_CONFIGURED',
          `No model is named for provider "${provider}": set config.model.name on the node, LLM_MODEL, or "model" for the provider in the LLM_PROVIDERS file`,
          false,
          { provider },
        );
      const key = `${provider}\u0000${name}`;
      let model = cache.get(key);
      if (model === undefined) {
        model = Promise.resolve(source.languageModel(name));
        cache.set(key, model);
      }
      return { provider, name, model: await model };
    },
  };
}

/**
 * A node config's `model.provider`, checked at save when the server has providers (without
 * one, graphs still save and their model nodes fail with LLM_NOT_CONFIGURED when they run).
 */
export function unknownProviderIssue(
  model: ModelRef | undefined,
  providers: ModelProviders,
): { code: 'custom'; message: string; path: string[] } | undefined {
  const provider = typeof model === 'object' ? model.provider : undefined;
  const known = providers.names();
  if (provider === undefined || known.length === 0 || known.includes(provider)) return undefined;
  return {
    code: 'custom',
    message: `unknown provider "${provider}"; this server has: ${known.join(', ')}`,
    path: ['model', 'provider'],
  };
}
