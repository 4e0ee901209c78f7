import { type App, type AppOptions, buildApp } from '../app.js';
import { type Config, type Limits, loadConfig } from '../config.js';

/** `createServer`'s options: what `buildApp` takes, and any config field, flat. */
export interface ServerOptions extends AppOptions, Partial<Omit<Config, 'limits'>> {
  /** Overrides of the request limits (README "Security: limits"); the rest keep their defaults. */
  limits?: Partial<Limits>;
  /**
   * Where config fields not given here come from (PORT, DATABASE_URL...). Default
   * `process.env`; pass `{}` to use the defaults only.
   */
  env?: Record<string, string | undefined>;
}

const APP_OPTIONS = new Set(['logger', 'examples', 'tools', 'owner', 'limits', 'env', 'chat']);

/**
 * Builds the server with your tools: config from `env` (default `process.env`, read by
 * `loadConfig`), overridden by the fields you pass. Call `start()` to listen, `stop()` to close.
 */
export async function createServer(options: ServerOptions = {}): Promise<App> {
  const base = loadConfig(options.env ?? process.env);
  const overrides = Object.fromEntries(
    Object.entries(options).filter(([key, value]) => !APP_OPTIONS.has(key) && value !== undefined),
  ) as Partial<Config>;
  const config: Config = { ...base, ...overrides, limits: { ...base.limits, ...options.limits } };
  const appOptions: AppOptions = {};
  if (options.logger) appOptions.logger = options.logger;
  if (options.examples !== undefined) appOptions.examples = options.examples;
  if (options.tools) appOptions.tools = options.tools;
  if (options.owner) appOptions.owner = options.owner;
  if (options.chat) appOptions.chat = options.chat;
  return buildApp(config, appOptions);
}
