#!/usr/bin/env node
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { ToolModuleError } from './tools/load-modules.js';

/** Boot: config, app, listen; SIGTERM/SIGINT stop cleanly; exit(1) on failure. */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);
  const { url } = await app.start();
  app.logger.info(`GraphQL API and GraphiQL at ${url}`, { database: app.db.provider });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5_000);
    force.unref();
    app.stop().then(
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

main().catch((err) => {
  // A bad TOOL_MODULES entry is the user's to fix: its message says how; the stack would not.
  console.error(err instanceof ToolModuleError ? err.message : err);
  process.exit(1);
});
