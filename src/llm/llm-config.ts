/**
 * Model providers as server configuration. Graphs name a provider (and a model); the server
 * knows where it is and holds its key. Read once, by loadConfig, from:
 *
 * - `LLM_BASE_URL` (+ `LLM_API_KEY`): the provider `default`, OpenAI-compatible (Chat Completions).
 * - `LLM_PROVIDERS`: a JSON file `{ "providers": { "<name>": { "type", "baseURL", "apiKeyEnv",
 *   "model", ... } } }`. The file names environment variables; it holds no keys.
 * - `LLM_MODEL`: the default provider's default model. `LLM_PROVIDER`: which provider is the
 *   default (else `default` when LLM_BASE_URL is set, else the file's only provider).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const PROVIDER_TYPES = ['openai-compatible', 'openai', 'anthropic'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** One provider, resolved: its key read from the environment. Never logged. */
export interface ProviderConfig {
  type: ProviderType;
  /** Required for openai-compatible; optional for openai and anthropic (their public API). */
  baseURL: string | undefined;
  /** The key (from `apiKeyEnv`, or LLM_API_KEY for `default`); undefined: none is sent. */
  apiKey: string | undefined;
  /** Which variable the key came from, for messages. */
  apiKeyEnv: string | undefined;
  /** The model used when a node names this provider but no model. */
  model: string | undefined;
  /** Extra request headers (not secrets: use apiKeyEnv for those). */
  headers: Record<string, string>;
  /**
   * openai-compatible: send structured output as `response_format: json_schema` (true, default)
   * or as `json_object` (false, for servers without JSON Schema support).
   */
  structuredOutputs: boolean;
  /** openai: the Responses API (default) or Chat Completions. */
  api: 'responses' | 'chat';
}

/** Dollars per million tokens of one model. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface LlmConfig {
  providers: Record<string, ProviderConfig>;
  /**
   * `LLM_PRICES` (a JSON file, or inline JSON): model -> price, keyed `provider/model` or
   * `model`. Each llm.usage event then carries `costUsd`, which budgets (maxCostUsd) sum.
   */
  prices: Record<string, ModelPrice>;
  /** The provider a node without `model.provider` uses; undefined: none configured. */
  defaultProvider: string | undefined;
}

/** Names of the variables a user sets, for LLM_NOT_CONFIGURED messages. */
export const LLM_ENV_HINT =
  'set LLM_BASE_URL (an OpenAI-compatible server, e.g. http://localhost:11434/v1), LLM_MODEL and, when the server needs one, LLM_API_KEY; or list providers in an LLM_PROVIDERS file';

const providerFileEntry = z.strictObject({
  type: z.enum(PROVIDER_TYPES),
  baseURL: z.url().optional(),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  model: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  structuredOutputs: z.boolean().optional(),
  api: z.enum(['responses', 'chat']).optional(),
});

const providersFile = z.strictObject({
  providers: z.record(
    z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
    providerFileEntry,
  ),
});

function fail(message: string): never {
  throw new Error(message);
}

/** Reads and checks the LLM_PROVIDERS file; every problem is listed with its path. */
function readProvidersFile(
  path: string,
  read: (path: string) => string,
): z.output<typeof providersFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(read(path));
  } catch (err) {
    fail(`LLM_PROVIDERS: cannot read ${path} as JSON: ${(err as Error).message}`);
  }
  const parsed = providersFile.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    fail(`LLM_PROVIDERS ${path} has problems: ${problems}`);
  }
  return parsed.data;
}

export function loadLlmConfig(
  env: Record<string, string | undefined>,
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): LlmConfig {
  const providers: Record<string, ProviderConfig> = {};
  const baseURL = env.LLM_BASE_URL?.trim() || undefined;
  if (baseURL) {
    try {
      new URL(baseURL);
    } catch {
      fail(`LLM_BASE_URL must be a URL like http://localhost:11434/v1, got "${baseURL}".`);
    }
    providers.default = {
      type: 'openai-compatible',
      baseURL,
      apiKey: env.LLM_API_KEY || undefined,
      apiKeyEnv: 'LLM_API_KEY',
      model: env.LLM_MODEL?.trim() || undefined,
      headers: {},
      structuredOutputs: true,
      api: 'chat',
    };
  }
  const file = env.LLM_PROVIDERS?.trim();
  if (file) {
    for (const [name, entry] of Object.entries(readProvidersFile(file, read).providers)) {
      if (name === 'default' && providers.default)
        fail(
          `LLM_PROVIDERS ${file}: "default" is the provider of LLM_BASE_URL; rename it or unset LLM_BASE_URL.`,
        );
      if (entry.type === 'openai-compatible' && !entry.baseURL)
        fail(
          `LLM_PROVIDERS ${file}: providers.${name}.baseURL is required for type openai-compatible.`,
        );
      if (entry.apiKeyEnv && !env[entry.apiKeyEnv])
        fail(
          `LLM_PROVIDERS ${file}: providers.${name}.apiKeyEnv names ${entry.apiKeyEnv}, which is not set.`,
        );
      providers[name] = {
        type: entry.type,
        baseURL: entry.baseURL,
        apiKey: entry.apiKeyEnv ? env[entry.apiKeyEnv] : undefined,
        apiKeyEnv: entry.apiKeyEnv,
        model: entry.model,
        headers: entry.headers ?? {},
        structuredOutputs: entry.structuredOutputs ?? true,
        api: entry.api ?? 'responses',
      };
    }
  }
  const names = Object.keys(providers);
  const chosen = env.LLM_PROVIDER?.trim();
  let defaultProvider: string | undefined;
  if (chosen) {
    if (!providers[chosen])
      fail(
        `LLM_PROVIDER names "${chosen}", which is not configured (configured: ${names.join(', ') || 'none'}).`,
      );
    defaultProvider = chosen;
  } else if (providers.default) defaultProvider = 'default';
  else if (names.length === 1) defaultProvider = names[0];
  // LLM_MODEL is the default provider's model unless the file gave that provider one.
  const model = env.LLM_MODEL?.trim();
  const fallback = defaultProvider === undefined ? undefined : providers[defaultProvider];
  if (model && fallback && fallback.model === undefined) fallback.model = model;
  return { providers, defaultProvider, prices: loadPrices(env.LLM_PRICES, read) };
}

const priceTable = z.record(
  z.string().min(1),
  z.strictObject({
    inputPerMTok: z.number().nonnegative(),
    outputPerMTok: z.number().nonnegative(),
  }),
);

/** LLM_PRICES: inline JSON (starts with `{`) or the path of a JSON file; every problem listed. */
function loadPrices(
  raw: string | undefined,
  read: (path: string) => string,
): Record<string, ModelPrice> {
  const value = raw?.trim();
  if (!value) return {};
  let json: unknown;
  try {
    json = JSON.parse(value.startsWith('{') ? value : read(value));
  } catch (err) {
    fail(`LLM_PRICES: cannot read it as JSON (inline, or a file path): ${(err as Error).message}`);
  }
  const parsed = priceTable.safeParse(json);
  if (!parsed.success)
    fail(
      `LLM_PRICES must map models to { "inputPerMTok": n, "outputPerMTok": n }: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

/** The configured API keys: they join the redaction list (config.secrets). */
export function llmSecrets(config: LlmConfig): string[] {
  return Object.values(config.providers)
    .map((p) => p.apiKey)
    .filter((k): k is string => k !== undefined && k !== '');
}
