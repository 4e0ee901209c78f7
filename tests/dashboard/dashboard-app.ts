import { z } from 'zod';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { defineTool } from '../../src/tools/define-tool.js';
import { sqliteTestDatabase } from '../helpers/databases.js';

/**
 * A `gate` tool that waits until the test opens it (or the run is cancelled): a run stays
 * RUNNING at that node for as long as the test needs to look, with no timing involved.
 */
export function createGate() {
  let waiting: Array<() => void> = [];
  /** Streams "Hello " as a model would (an llm.delta event), waits at the gate, then "world". */
  const talker = defineTool({
    name: 'talker',
    description: 'Streams two pieces of text around the gate',
    config: z.object({}),
    run: ({ emit, signal }) =>
      new Promise((resolve, reject) => {
        emit('llm.delta', { text: 'Hello ', offset: 0 });
        waiting.push(() => {
          emit('llm.delta', { text: 'world', offset: 6 });
          resolve({ said: 'Hello world' });
        });
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  });
  const tool = defineTool({
    name: 'gate',
    description: 'Waits until the test opens the gate, then returns config.values',
    config: z.object({ values: z.record(z.string(), z.unknown()).optional() }),
    run: ({ config, signal }) =>
      new Promise((resolve, reject) => {
        const open = () => resolve(config.values ?? {});
        waiting.push(open);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
  });
  return {
    tool,
    tools: [tool, talker],
    /** Lets every node waiting at the gate go on. */
    open() {
      const now = waiting;
      waiting = [];
      for (const go of now) go();
    },
    get waiting() {
      return waiting.length;
    },
  };
}

export interface DashboardApp {
  app: App;
  base: string;
  gql<T>(query: string, variables?: Record<string, unknown>, credential?: string): Promise<T>;
  close(): Promise<void>;
}

/** A real server (examples seeded, the gate tool registered) on a free port. */
export async function startDashboardApp(
  env: Record<string, string> = {},
  gate = createGate(),
): Promise<DashboardApp> {
  const db = sqliteTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    PORT: '0',
    SHUTDOWN_GRACE_MS: '200',
    ...env,
  });
  const app = await buildApp(config, { logger: silentLogger, tools: gate.tools as never });
  const { port } = await app.start(0);
  const base = `http://127.0.0.1:${port}`;
  return {
    app,
    base,
    async gql<T>(query: string, variables?: Record<string, unknown>, credential?: string) {
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data as T;
    },
    async close() {
      await app.stop();
      await db.drop();
    },
  };
}

export const CREATE = `mutation ($input: GraphInput!) { createGraph(input: $input) { id } }`;
export const START = `mutation ($graphId: ID!) { startRun(graphId: $graphId, input: {}) { id } }`;

/** Saves a graph through the API and returns its id. */
export async function saveGraph(t: DashboardApp, input: unknown, credential?: string) {
  const { createGraph } = await t.gql<{ createGraph: { id: string } }>(
    CREATE,
    { input },
    credential,
  );
  return createGraph.id;
}
