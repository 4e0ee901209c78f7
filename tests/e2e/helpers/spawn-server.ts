import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A real `node src/main.ts` child process, with its output kept for assertions and failures. */
export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly wsUrl: string;
  readonly child: ChildProcess;
  /** Every stdout and stderr line so far. */
  readonly lines: string[];
  /** Resolves once the process has exited (however it ended). */
  readonly exited: Promise<ServerExit>;
  /** Resolves with the first line matching `pattern` (past or future); rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The log so far, for failure messages. */
  output(): string;
  /** Sends a signal (if still running) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ServerExit>;
}

export interface SpawnServerOptions {
  databaseUrl: string;
  /** Extra environment (overrides the defaults below). */
  env?: Record<string, string>;
  /** A label for failure messages. */
  name?: string;
  /** Wait for the "GraphQL API" log line before resolving (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** The script to run instead of src/main.ts (relative to the repository root). */
  entry?: string;
  /** Listen on this port (a restart on the port its clients know); default: a free one. */
  port?: number;
}

const live = new Set<ServerProcess>();

/**
 * Spawns `node --import tsx src/main.ts` (no wrapper process: a signal reaches the server itself)
 * on a port picked beforehand, and waits for the "GraphQL API" line. Every child is registered so
 * `killAllServers()` in afterEach/afterAll SIGKILLs whatever a failing test left behind.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const name = options.name ?? `server:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry ?? 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SEED_EXAMPLES: 'false',
      LOG_LEVEL: 'info',
      RUN_LEASE_MS: '1000',
      SHUTDOWN_GRACE_MS: '500',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const onChunk = (buffered: { rest: string }) => (chunk: Buffer) => {
    const text = buffered.rest + chunk.toString('utf8');
    const parts = text.split('\n');
    buffered.rest = parts.pop() ?? '';
    for (const line of parts) lines.push(line);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onChunk({ rest: '' }));
  child.stderr?.on('data', onChunk({ rest: '' }));
  let hasExited = false;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      live.delete(server);
      // Let the last output chunks arrive before waiters give up.
      setImmediate(() => {
        for (const l of listeners) l();
        resolve({ code, signal });
      });
    });
  });

  const server: ServerProcess = {
    name,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    child,
    lines,
    exited,
    output: () => lines.join('\n'),
    waitForLine(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit !== undefined) {
            done();
            resolve(hit);
          } else if (hasExited) {
            done();
            reject(new Error(`${name} exited before logging ${pattern}:\n${server.output()}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`${name}: no line ${pattern} within ${timeoutMs} ms:\n${server.output()}`),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async kill(signal = 'SIGKILL') {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
  live.add(server);
  if (options.waitReady ?? true) {
    try {
      await server.waitForLine(/GraphQL API/, options.readyTimeoutMs ?? 60_000);
    } catch (err) {
      await server.kill('SIGKILL');
      throw err;
    }
  }
  return server;
}

/** SIGKILLs every server still running (afterEach/afterAll, whatever the test's outcome). */
export async function killAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.kill('SIGKILL')));
}

// Last resort if the test worker itself goes away: never leave servers behind.
process.once('exit', () => {
  for (const s of live) s.child.kill('SIGKILL');
});
