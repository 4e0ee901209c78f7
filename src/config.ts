/**
 * The one reader of the environment. Everything else receives a Config; tests pass a plain
 * object to loadConfig.
 */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  /** Redis for the cross-process run-event bus; none keeps the bus in process. */
  redisUrl: string | undefined;
  logLevel: 'info' | 'warn' | 'error' | 'silent';
  /** Show internal error messages and stacks to clients. Never in production. */
  devErrors: boolean;
  /** Create the example graphs on start when missing. */
  seedExamples: boolean;
  maxConcurrentRuns: number;
  /** A run whose process has not heartbeated for this long is resumed by another process. */
  runLeaseMs: number;
  /** How long SIGTERM waits for running runs before handing them over for resume. */
  shutdownGraceMs: number;
}

export const DEFAULT_DATABASE_URL = 'file:./data/dev.db';

function int(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}".`);
  return value;
}

function bool(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new Error(`${name} must be true or false, got "${env[name]}".`);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['info', 'warn', 'error', 'silent'].includes(logLevel))
    throw new Error(`LOG_LEVEL must be info, warn, error or silent, got "${logLevel}".`);
  return {
    port: int(env, 'PORT', 4000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL || undefined,
    logLevel,
    devErrors: bool(env, 'DEV_ERRORS', false),
    seedExamples: bool(env, 'SEED_EXAMPLES', true),
    maxConcurrentRuns: int(env, 'MAX_CONCURRENT_RUNS', 10_000),
    runLeaseMs: int(env, 'RUN_LEASE_MS', 10_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 3_000),
  };
}
