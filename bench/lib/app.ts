import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';

/** The real app (run service, group commit, GraphQL server) on `databaseUrl`, quiet, no examples. */
export function benchApp(databaseUrl: string, env: Record<string, string> = {}): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    SEED_EXAMPLES: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  return buildApp(config, { logger: silentLogger });
}
