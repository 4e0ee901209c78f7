/** Operations settings, read by loadConfig (the one reader of the environment). */
export type Role = 'api' | 'worker' | 'all';

export interface OpsConfig {
  /**
   * ROLE: `api` serves the API and executes nothing (runs wait QUEUED for a worker), `worker`
   * executes runs and answers only /health, /ready and /metrics, `all` (default) does both.
   */
  role: Role;
  /** QUEUE_POLL_MS (250): how often a ROLE=worker process looks for runs to claim. */
  queuePollMs: number;
  /** LOG_FORMAT: `json` (default; JSON lines, pino) or `text` (one readable line each). */
  logFormat: 'json' | 'text';
  /** METRICS: serve /metrics (default true). */
  metrics: boolean;
  /**
   * Traces are exported (OTLP over HTTP) when OTEL_EXPORTER_OTLP_ENDPOINT or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, or OTEL_TRACES_EXPORTER names an exporter; never
   * when OTEL_SDK_DISABLED=true. The SDK reads the other OTEL_* variables itself.
   */
  tracing: boolean;
  /** Retention of finished runs; see README "Operating it: retention". */
  retention: {
    /** RETENTION_DAYS (0, default: kept forever); a graph's retentionDays overrides it. */
    days: number;
    /** RETENTION_MODE: delete (default) or compact (events reduced to start and end). */
    mode: 'delete' | 'compact';
    /** RETENTION_INTERVAL_MS (1 h): how often the job looks; 0: never (purgeGraph still works). */
    intervalMs: number;
    /** RETENTION_BATCH (500): runs removed per transaction. */
    batch: number;
  };
  /** MAX_VALUE_BYTES (262144): the largest state value, node output value or event payload. */
  maxValueBytes: number;
  /** OTEL_SERVICE_NAME (default agent-execution-framework): the service of the traces. */
  serviceName: string;
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  values: readonly T[],
  fallback: T,
): T {
  if (raw === undefined || raw === '') return fallback;
  if (!values.includes(raw as T))
    throw new Error(`${name} must be ${values.join(', ')}; got "${raw}".`);
  return raw as T;
}

function count(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got "${raw}".`);
  return value;
}

export function loadOpsConfig(env: Record<string, string | undefined>): OpsConfig {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  const tracing =
    env.OTEL_SDK_DISABLED?.toLowerCase() !== 'true' &&
    exporter !== 'none' &&
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || exporter);
  const metrics = env.METRICS?.toLowerCase();
  return {
    role: oneOf('ROLE', env.ROLE, ['api', 'worker', 'all'] as const, 'all'),
    queuePollMs: Math.max(10, count(env, 'QUEUE_POLL_MS', 250)),
    logFormat: oneOf('LOG_FORMAT', env.LOG_FORMAT, ['json', 'text'] as const, 'json'),
    metrics: !(metrics === 'false' || metrics === '0' || metrics === 'off'),
    tracing,
    retention: {
      days: count(env, 'RETENTION_DAYS', 0),
      mode: oneOf('RETENTION_MODE', env.RETENTION_MODE, ['delete', 'compact'] as const, 'delete'),
      intervalMs: count(env, 'RETENTION_INTERVAL_MS', 3_600_000),
      batch: Math.max(1, count(env, 'RETENTION_BATCH', 500)),
    },
    maxValueBytes: Math.max(1_024, count(env, 'MAX_VALUE_BYTES', 262_144)),
    serviceName: env.OTEL_SERVICE_NAME || 'agent-execution-framework',
  };
}
