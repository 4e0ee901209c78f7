import { isLoopback, loadAuthConfig } from './auth/auth-config.js';
import type { AuthConfig } from './auth/authenticate.js';
import { type LlmConfig, llmSecrets, loadLlmConfig } from './llm/llm-config.js';
import { loadOpsConfig, type OpsConfig } from './observability/ops-config.js';
import { secretsFromEnv } from './redaction.js';

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
  /** What one request may ask of the API; see README "Security: limits". */
  limits: Limits;
  /** startRun calls and connections per identity per window; see README "Security: limits". */
  rateLimits: RateLimits;
  /** Who may call the API; see README "Security". */
  auth: AuthConfig & { openOnNetwork: boolean };
  /**
   * This server's stable id (INSTANCE_ID; default: derived from the host name). A restarted
   * instance takes its previous boots' runs at once; set it (unique per live process) where
   * processes share a host name across machines or containers.
   */
  instanceId: string | undefined;
  /** A run taken over this many times without progress fails with RECOVERY_LIMIT_EXCEEDED. */
  recoveryLimit: number;
  /**
   * RECOVERY: `resume` (default) resumes the runs a dead process was executing; `paused` resumes
   * none of them by itself: each is marked PAUSED (RUN_PAUSED, reason `recovery`) for an
   * operator to unpause, cancel or fork. The recovery limit applies first in both modes.
   */
  recovery: 'resume' | 'paused';
  /** Orphaned runs resumed per tick (RESUME_BATCH), one tick every RESUME_INTERVAL_MS. */
  resumeBatch: number;
  resumeIntervalMs: number;
  /** startRun answers UNAVAILABLE after this long when the database is locked or down. */
  startTimeoutMs: number;
  /** IDEMPOTENCY_WINDOW_MS: a startRun idempotency key repeated within this long returns the first run. */
  idempotencyWindowMs: number;
  /** SCHEDULER_INTERVAL_MS: how often due schedules are looked for (0: this server fires none). */
  schedulerIntervalMs: number;
  /** WEBHOOK_TOLERANCE_MS: a webhook delivery whose timestamp is further from now is refused. */
  webhookToleranceMs: number;
  /**
   * How long one SQLite statement waits for another process's lock. better-sqlite3 waits
   * synchronously (the event loop stops), so this stays short and callers retry asynchronously.
   */
  sqliteBusyTimeoutMs: number;
  /** Secret values redacted from errors and logs (see redaction.ts); never log this. */
  secrets: string[];
  /** `TOOL_MODULES`: modules whose exported tools are registered at start (paths resolve from the cwd). */
  toolModules: string[];
  /** `CODE_REVIEW_ROOT`: the directory the code-review example may read (default: the cwd). */
  codeReviewRoot?: string;
  /** Model providers (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, LLM_PROVIDER, LLM_PROVIDERS); keys inside. */
  llm: LlmConfig;
  /** `MCP_CONFIG`: the MCP servers file (`{ "mcpServers": {...} }`); unset: ./mcp.json when it exists. */
  mcpConfig: string | undefined;
  /** How often MCP servers that failed to start are tried again (MCP_RETRY_MS; 0: never). */
  mcpRetryMs: number;
  /** `ML_MODEL_DIR`: the only folder ml-inference runs read models and item files from. */
  mlModelDir?: string | undefined;
  /** Remote workers; see README "Tools in other processes". */
  workers: WorkerSettings;
  /** Role, log format, metrics and traces; see README "Operating it". */
  ops: OpsConfig;
  /** SMTP_URL (credentials inside: never logged) and SMTP_FROM, for the examples' email. */
  smtp: { url: string | undefined; from: string };
}

export interface WorkerSettings {
  /** A task leased to a worker whose server stopped renewing it is queued again after this. */
  leaseMs: number;
  /** How often a server looks for queued tasks of other servers and answers given elsewhere. */
  pollMs: number;
  /** After this long without a worker a node records NODE_WAITING_FOR_WORKER. */
  waitNoticeMs: number;
  /** A task no worker took for this long fails its attempt (retryable); 0: no limit. */
  scheduleToStartMs: number;
}

/** Operation, size and browser limits, applied the same over HTTP, SSE and graphql-ws. */
export interface Limits {
  /** Origins allowed to call the API from a browser (CORS and WebSocket Origin); none: same origin only. */
  corsOrigins: string[];
  /** Answer introspection queries (GraphiQL needs it). */
  introspection: boolean;
  /** HTTP request bodies above this are answered 413 while streaming. */
  maxBodyBytes: number;
  /** WebSocket frames above this close the socket with 1009. */
  maxWsPayloadBytes: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Estimated cost: objects cost 1, scalars 0, a connection multiplies its selection by its page size. */
  maxCost: number;
  /** The largest `first` / `last` a connection accepts (at most the builder's 1000). */
  maxPageSize: number;
}

/** `points` per `durationSec` seconds (a fixed window per key). */
export interface RateLimit {
  points: number;
  durationSec: number;
}

/** Per identity (key id or token subject; anonymous callers by remote address); null: off. */
export interface RateLimits {
  /** RATE_LIMIT_START_RUNS: startRun calls (each startRun field of a mutation counts). */
  startRuns: RateLimit | null;
  /** RATE_LIMIT_CONNECTIONS: new graphql-ws connections and HTTP (SSE) subscription requests. */
  connections: RateLimit | null;
}

/** Defaults on a non-loopback HOST; on loopback both are off unless set. */
export const DEFAULT_RATE_LIMITS = { startRuns: '120/60s', connections: '60/60s' } as const;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** `POINTS/DURATION` with DURATION a whole number of s, m or h (`100/60s`, `1000/1h`), or `off`. */
export function parseRateLimit(name: string, raw: string): RateLimit | null {
  const value = raw.trim().toLowerCase();
  if (value === 'off' || value === '0') return null;
  const match = /^(\d+)\s*\/\s*(\d+)\s*([smh])$/.exec(value);
  const points = Number(match?.[1]);
  const durationSec = Number(match?.[2]) * (UNIT_SECONDS[match?.[3] ?? ''] ?? Number.NaN);
  if (!match || points < 1 || !(durationSec >= 1))
    throw new Error(
      `${name} must be POINTS/DURATION like 100/60s (s, m or h; whole numbers), or off; got "${raw}".`,
    );
  return { points, durationSec };
}

export function loadRateLimits(env: Record<string, string | undefined>, host: string): RateLimits {
  const one = (name: string, fallback: string): RateLimit | null => {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return parseRateLimit(name, raw);
    return isLoopback(host) ? null : parseRateLimit(name, fallback);
  };
  return {
    startRuns: one('RATE_LIMIT_START_RUNS', DEFAULT_RATE_LIMITS.startRuns),
    connections: one('RATE_LIMIT_CONNECTIONS', DEFAULT_RATE_LIMITS.connections),
  };
}

/** The builder's maxConnectionSize: above it Pothos would cut pages short silently. */
export const PAGE_SIZE_CEILING = 1000;

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

function origins(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of list) {
    if (origin === '*' || new URL(origin).origin !== origin)
      throw new Error(
        `CORS_ORIGINS lists origins like https://app.example.com (scheme, host, port; no path, no *), got "${origin}".`,
      );
  }
  return list;
}

export function loadLimits(env: Record<string, string | undefined>): Limits {
  const maxPageSize = int(env, 'MAX_PAGE_SIZE', PAGE_SIZE_CEILING);
  if (maxPageSize < 1 || maxPageSize > PAGE_SIZE_CEILING)
    throw new Error(
      `MAX_PAGE_SIZE must be between 1 and ${PAGE_SIZE_CEILING}, got ${maxPageSize}.`,
    );
  return {
    corsOrigins: origins(env.CORS_ORIGINS),
    introspection: bool(env, 'INTROSPECTION', env.NODE_ENV !== 'production'),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 1_048_576),
    maxWsPayloadBytes: int(env, 'MAX_WS_PAYLOAD_BYTES', 1_048_576),
    maxDepth: int(env, 'MAX_DEPTH', 12),
    maxAliases: int(env, 'MAX_ALIASES', 30),
    maxDirectives: int(env, 'MAX_DIRECTIVES', 50),
    maxTokens: int(env, 'MAX_TOKENS', 5_000),
    maxCost: int(env, 'MAX_COST', 50_000),
    maxPageSize,
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['info', 'warn', 'error', 'silent'].includes(logLevel))
    throw new Error(`LOG_LEVEL must be info, warn, error or silent, got "${logLevel}".`);
  const host = env.HOST ?? '127.0.0.1';
  const llm = loadLlmConfig(env);
  const recovery = (env.RECOVERY || 'resume') as Config['recovery'];
  if (recovery !== 'resume' && recovery !== 'paused')
    throw new Error(`RECOVERY must be resume or paused, got "${recovery}".`);
  return {
    port: int(env, 'PORT', 4000),
    host,
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL || undefined,
    logLevel,
    devErrors: bool(env, 'DEV_ERRORS', false),
    seedExamples: bool(env, 'SEED_EXAMPLES', true),
    maxConcurrentRuns: int(env, 'MAX_CONCURRENT_RUNS', 10_000),
    runLeaseMs: int(env, 'RUN_LEASE_MS', 10_000),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 3_000),
    limits: loadLimits(env),
    rateLimits: loadRateLimits(env, host),
    auth: loadAuthConfig(env, host),
    instanceId: env.INSTANCE_ID || undefined,
    recoveryLimit: int(env, 'RECOVERY_LIMIT', 3),
    recovery,
    resumeBatch: Math.max(1, int(env, 'RESUME_BATCH', 10)),
    resumeIntervalMs: int(env, 'RESUME_INTERVAL_MS', 100),
    startTimeoutMs: Math.max(1, int(env, 'START_TIMEOUT_MS', 5_000)),
    idempotencyWindowMs: int(env, 'IDEMPOTENCY_WINDOW_MS', 86_400_000),
    schedulerIntervalMs: int(env, 'SCHEDULER_INTERVAL_MS', 1_000),
    webhookToleranceMs: int(env, 'WEBHOOK_TOLERANCE_MS', 300_000),
    sqliteBusyTimeoutMs: int(env, 'SQLITE_BUSY_TIMEOUT_MS', 200),
    // Provider keys are secrets whatever their variable is called (apiKeyEnv may name any).
    secrets: [...secretsFromEnv(env), ...llmSecrets(llm)],
    toolModules: (env.TOOL_MODULES ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== ''),
    mcpConfig: env.MCP_CONFIG || undefined,
    codeReviewRoot: env.CODE_REVIEW_ROOT || undefined,
    mcpRetryMs: int(env, 'MCP_RETRY_MS', 30_000),
    mlModelDir: env.ML_MODEL_DIR || undefined,
    workers: {
      leaseMs: Math.max(100, int(env, 'WORKER_LEASE_MS', 30_000)),
      pollMs: Math.max(10, int(env, 'WORKER_POLL_MS', 250)),
      waitNoticeMs: int(env, 'WORKER_WAIT_NOTICE_MS', 1_000),
      scheduleToStartMs: int(env, 'WORKER_SCHEDULE_TO_START_MS', 600_000),
    },
    llm,
    ops: loadOpsConfig(env),
    smtp: {
      url: env.SMTP_URL || undefined,
      from: env.SMTP_FROM || 'Onboarding <welcome@example.com>',
    },
  };
}
