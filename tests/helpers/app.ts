import { type App, type AppOptions, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { type Backend, openTestDatabase, type TestDatabase } from './databases.js';

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }>;
}

export interface TestApp {
  app: App;
  db: TestDatabase;
  /** Set once listen() ran. */
  url: string;
  wsUrl: string;
  /** In-process request through yoga.fetch (no socket). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
  ): Promise<GqlResult<T>>;
  /** Same, but fails the test on GraphQL errors and returns data. */
  ok<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string,
  ): Promise<T>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function createTestApp(
  options: {
    backend?: Backend;
    env?: Record<string, string>;
    db?: TestDatabase;
    /** Passed to buildApp beside the silent logger. */
    app?: AppOptions;
  } = {},
): Promise<TestApp> {
  const db = options.db ?? (await openTestDatabase(options.backend ?? 'sqlite'));
  const config = loadConfig({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    PORT: '0',
    RUN_LEASE_MS: '2000',
    SHUTDOWN_GRACE_MS: '200',
    ...options.env,
  });
  const app = await buildApp(config, { logger: silentLogger, ...options.app });
  const t: TestApp = {
    app,
    db,
    url: '',
    wsUrl: '',
    async gql(query, variables, operationName) {
      const res = await app.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, variables, operationName }),
      });
      return (await res.json()) as GqlResult<never>;
    },
    async ok(query, variables, operationName) {
      const res = await t.gql(query, variables, operationName);
      if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
      return res.data as never;
    },
    async listen() {
      const { port } = await app.start(0);
      t.url = `http://127.0.0.1:${port}/graphql`;
      t.wsUrl = `ws://127.0.0.1:${port}/graphql`;
    },
    async close() {
      await app.stop();
      if (!options.db) await db.drop();
    },
  };
  return t;
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitUntil timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
