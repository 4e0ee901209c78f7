/**
 * SIGTERM on a real server process: it stops within its grace period with exit code 0, ends
 * open graphql-ws subscriptions cleanly (the client sees a complete or a normal close, never a
 * hang or an abnormal close), and the run it left unfinished resumes on the next start.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  backends,
  openTestDatabase,
  type TestDatabase,
} from '../helpers/databases.js';
import { timeline } from './helpers/events.js';
import {
  createGraph,
  getRun,
  gql,
  startRun,
  storedEvents,
  TERMINAL_EVENTS,
  waitForFinished,
  within,
} from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { expectResumedCleanly, withLogs } from './helpers/recovery.js';
import { killAllServers, type ServerExit, spawnServer } from './helpers/spawn-server.js';
import { collect, collectRunEvents, eventsOf, type Outcome, wsClient } from './helpers/ws.js';

const TIMEOUT = 120_000;

function suite(backend: Backend) {
  describe(`SIGTERM on a real server process (${backend})`, () => {
    const databases: TestDatabase[] = [];

    afterEach(killAllServers);
    afterAll(async () => {
      await killAllServers();
      for (const db of databases) await db.drop();
    }, TIMEOUT);

    it(
      'exits 0, closes open subscriptions cleanly, and the unfinished run resumes on the next start',
      async () => {
        const db = await openTestDatabase(backend);
        databases.push(db);
        const graph = delayChain({ name: 'long-chain', delays: 30, ms: () => 100 });
        const first = await spawnServer({
          databaseUrl: db.url,
          name: 'first',
          env: { SHUTDOWN_GRACE_MS: '500' },
        });
        const graphId = await createGraph(first.url, graph.input);
        const run = await startRun(first.url, graphId);

        const closes: Array<{ code: number; reason: string }> = [];
        const client = wsClient(first.wsUrl, {
          on: {
            closed: (e) => {
              const { code, reason } = e as { code: number; reason: string };
              closes.push({ code, reason });
            },
          },
        });
        try {
          const events = collectRunEvents(client, run.id);
          const updates = collect(client, 'subscription { runUpdated { id status } }');
          await events.until(
            '3 nodes succeeded',
            (results) =>
              results.filter((r) => r.data?.runEvents.type === 'NODE_SUCCEEDED').length >= 3,
          );
          const before = await storedEvents(first.url, run.id);

          first.child.kill('SIGTERM');
          const exit = await within<ServerExit>('exit after SIGTERM', 20_000, first.exited);
          expect(exit, first.output()).toEqual({ code: 0, signal: null });
          expect(first.output()).toMatch(/SIGTERM: stopping/);

          // Both subscriptions ended; not with an abnormal close (1006) or an internal error.
          const ends = await within<Outcome[]>(
            'subscriptions to end',
            10_000,
            Promise.all([events.done, updates.done]),
          );
          for (const end of ends) {
            if (end.kind === 'error') {
              const { code } = end.error as { code?: number };
              expect([1000, 1001]).toContain(code);
            }
          }
          for (const c of closes) expect([1000, 1001]).toContain(c.code);
          const received = eventsOf(events);
          expect(received.length).toBeGreaterThan(0);
          expect(received.some((e) => TERMINAL_EVENTS.has(e.type))).toBe(false);

          // The next start resumes the run: it finishes with one gap-free log.
          const second = await spawnServer({ databaseUrl: db.url, name: 'second' });
          const finished = await withLogs([first, second], waitForFinished(second.url, run.id));
          const log = await expectResumedCleanly({
            url: second.url,
            run: finished,
            graph,
            before,
          });
          // What the subscriber saw before the shutdown is exactly the start of that log.
          expect(timeline(received)).toEqual(timeline(log.slice(0, received.length)));
        } finally {
          await client.dispose();
        }
      },
      TIMEOUT,
    );

    it(
      'exits 0 at once when idle, and keeps finished runs as they were',
      async () => {
        const db = await openTestDatabase(backend);
        databases.push(db);
        const graph = delayChain({ name: 'short-chain', delays: 2, ms: () => 10 });
        const first = await spawnServer({ databaseUrl: db.url, name: 'idle' });
        const graphId = await createGraph(first.url, graph.input);
        const run = await waitForFinished(first.url, (await startRun(first.url, graphId)).id);
        expect(run.status).toBe('SUCCEEDED');
        const log = await storedEvents(first.url, run.id);

        first.child.kill('SIGTERM');
        const exit = await within<ServerExit>('exit after SIGTERM', 20_000, first.exited);
        expect(exit, first.output()).toEqual({ code: 0, signal: null });
        // No longer listening.
        await expect(gql(first.url, '{ health { ok } }')).rejects.toThrow();

        const second = await spawnServer({ databaseUrl: db.url, name: 'after' });
        expect(await getRun(second.url, run.id)).toEqual(run);
        expect(timeline(await storedEvents(second.url, run.id))).toEqual(timeline(log));
        expect(second.output()).not.toMatch(/resumed runs/);
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`SIGTERM on a real server process (${name})`, () => {
      it.skip(skip, () => {});
    });
    console.warn(skip);
  } else suite(name);
}
