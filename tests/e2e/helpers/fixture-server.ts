/**
 * `src/main.ts` with the process fixture tools registered (kill_process): the entry a test passes
 * to spawnServer({ entry }) when its graphs need them. Same boot, same signals as main.ts.
 */
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createProcessFixtureTools } from '../../fixtures/fixture-tools.js';

const config = loadConfig();
const app = await buildApp(config, { tools: createProcessFixtureTools() });
const { url } = await app.start();
app.logger.info(`GraphQL API and GraphiQL at ${url}`, { database: app.db.provider });
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.logger.info(`${signal}: stopping`);
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
