import { type AppOptions, buildApp } from './app.js';
import { loadConfig } from './config.js';

/**
 * Boot: config from the environment, the app, listen; SIGTERM/SIGINT stop cleanly (exit 0, or 1
 * when stopping fails or outlasts the grace time). main.ts runs it; so do test entries that add
 * tools of their own.
 */
export async function serve(options: AppOptions = {}): Promise<void> {
  const config = loadConfig();
  // Before the app: the SDK registers the tracer the run spans are made with. Loaded only when
  // tracing is on: the OpenTelemetry SDK and its exporters are ~10 MB a server without it keeps.
  const stopTracing = config.ops.tracing
    ? (await import('./observability/tracing-sdk.js')).startTracing(config.ops.serviceName)
    : undefined;
  const app = await buildApp(config, options);
  const { url } = await app.start();
  const { role } = config.ops;
  if (role === 'worker')
    app.logger.info(
      `worker process (ROLE=worker): /health, /ready and /metrics at ${url.replace(/\/graphql$/, '')}`,
      {
        database: app.db.provider,
        role,
      },
    );
  else
    app.logger.info(`GraphQL API and GraphiQL at ${url}`, {
      url,
      database: app.db.provider,
      role,
      dashboard: new URL('/', url).href,
    });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000);
    force.unref();
    app
      .stop()
      .then(() => stopTracing?.())
      .then(
        () => process.exit(0),
        (err) => {
          app.logger.error('stop failed', { err });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
