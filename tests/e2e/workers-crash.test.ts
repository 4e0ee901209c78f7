import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/tools/define-tool.js';
import { createWorker } from '../../src/worker-sdk/create-worker.js';
import { toGraphInput } from '../api/operations.js';
import { backends } from '../helpers/databases.js';
import {
  eventsOf,
  gateTool,
  saveGraph,
  startRun,
  startWorker,
  unique,
  waitForEnd,
  workerApp,
} from '../workers/helpers.js';
import {
  createGraph,
  poll,
  startRun as startRunAt,
  storedEvents,
  waitForFinished,
} from './helpers/gql.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { spawnServer } from './helpers/spawn-server.js';

/** `p`, or a failure naming `what` after 30 s (a hang says where it was). */
function within<T>(what: string, p: Promise<T>, ms = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** tests/fixtures/worker-process.ts as a child process, with its output lines. */
function spawnWorker(url: string, tool: string) {
  const lines: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/worker-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, AEF_URL: url, TOOL_NAME: tool },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  for (const s of [child.stdout, child.stderr])
    s?.on('data', (c: Buffer) => lines.push(...c.toString().split('\n')));
  const exited = new Promise((r) => child.once('exit', r));
  return {
    child,
    exited,
    line: (pattern: RegExp) =>
      poll(`worker line ${pattern}`, async () => lines.find((l) => pattern.test(l)), 30_000),
    output: () => lines.join('\n'),
  };
}

for (const { name: backend, skip } of await backends()) {
  describe.skipIf(skip)(`remote workers under crashes (${backend})`, () => {
    const database = processSuiteDatabases(backend, 60_000);

    it('kill -9 a worker mid-task: the task finishes on another worker and the node succeeds once', async () => {
      const t = await workerApp(backend);
      try {
        const tool = unique('fragile');
        const doomed = spawnWorker(t.url, tool);
        await doomed.line(/worker ready/);
        const g = await saveGraph(t, {
          name: unique('g'),
          entry: 'a',
          nodes: [{ id: 'a', tool, output: 'out' }],
          edges: [],
        });
        const runId = await startRun(t, g, { word: 'x' });
        const started = await doomed.line(/^started /);
        expect(started).toBe(`started ${runId}:a:1`);
        const seen: string[] = [];
        const same = defineTool({
          name: tool,
          description: 'Finishes what the doomed worker started',
          input: z.object({}).passthrough(),
          run: ({ idempotencyKey }) => {
            seen.push(idempotencyKey);
            return { by: 'survivor' };
          },
        });
        const survivor = await startWorker(t, { tools: [same], slots: 1, name: 'survivor' });
        try {
          doomed.child.kill('SIGKILL');
          await doomed.exited;
          const run = await waitForEnd(t, runId);
          expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
          expect(run.state.out).toEqual({ by: 'survivor' });
          expect(seen).toEqual([`${runId}:a:1`]);
          const events = eventsOf(run);
          expect(events.filter((e) => e.type === 'NODE_STARTED')).toHaveLength(1);
          expect(events.filter((e) => e.type === 'NODE_SUCCEEDED')).toHaveLength(1);
          const workersSeen = events
            .filter((e) => e.type === 'CUSTOM' && e.data.name === 'TASK_DISPATCHED')
            .map((e) => e.data.payload.worker);
          expect(workersSeen).toEqual(['doomed worker', 'survivor']);
        } finally {
          await survivor.stop();
        }
      } finally {
        await t.close();
      }
    }, 90_000);

    it('kill -9 the server mid-task: the worker reconnects to the restarted server and the run finishes', async () => {
      const db = await database();
      const env = {
        WORKER_POLL_MS: '50',
        WORKER_LEASE_MS: '5000',
        INSTANCE_ID: `crash-${backend}`,
      };
      const first = await spawnServer({ databaseUrl: db.url, env, name: 'first' });
      const tool = unique('survives');
      const gate = gateTool(tool);
      const worker = createWorker({
        url: first.url,
        tools: [gate.tool],
        slots: 2,
        minDelayMs: 50,
        maxDelayMs: 300,
        heartbeatMs: 200,
      });
      await within('the worker connects', worker.start());
      try {
        const graphId = await createGraph(
          first.url,
          toGraphInput({
            name: unique('g'),
            entry: 'a',
            nodes: [{ id: 'a', tool, inputs: { i: 'state.i' }, output: 'out' }],
            edges: [],
          }),
        );
        const { id: runId } = await startRunAt(first.url, graphId, { i: 5 });
        await poll(
          'the worker holds the task',
          async () => (gate.state.started === 1 ? true : undefined),
          30_000,
        );
        await within('the first server dies', first.kill('SIGKILL'));
        const second = await spawnServer({
          databaseUrl: db.url,
          env,
          name: 'second',
          port: first.port,
        });
        gate.releaseAll(); // the answer is sent (retried) to whichever server is up
        const run = await waitForFinished(second.url, runId, 30_000).catch((err) => {
          console.error('DEBUG second:\n', second.output(), '\nfirst:\n', first.output());
          throw err;
        });
        expect(run.status, second.output()).toBe('SUCCEEDED');
        expect(run.state).toMatchObject({ i: 5, out: { i: 5 } });
        expect(gate.state.started).toBe(1); // the tool ran once
        const events = await storedEvents(second.url, runId);
        expect(events.filter((e) => e.type === 'NODE_SUCCEEDED')).toHaveLength(1);
      } finally {
        const stopped = await Promise.race([
          worker.stop({ graceMs: 100 }).then(() => true),
          new Promise((r) => setTimeout(r, 20_000, false)),
        ]);
        if (!stopped) console.error('worker.stop did not return within 20 s');
      }
    }, 240_000);
  });
}
