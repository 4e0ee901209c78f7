/**
 * SIGTERM on a real server process: it stops within its grace period with exit code 0, ends
 * open graphql-ws subscriptions of runs still going with a SHUTTING_DOWN error (never the
 * `complete` that means "the run ended", a hang or an abnormal close), while a finished run's
 * stream completes as always, and the run it left unfinished resumes on the next start.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends } from '../helpers/databases.js';
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
import { processSuiteDatabases } from './helpers/process-suite.js';
import { expectResumedCleanly, withLogs } from './helpers/recovery.js';
import { type ServerExit, spawnServer } from './helpers/spawn-server.js';
import {
  collect,
  collectRunEvents,
  errorCodes,
  errorMessages,
  eventsOf,
  type Outcome,
  wsClient,
} from './helpers/ws.js';

const TIMEOUT = 120_000;

function suite(backend: Backend) {
  describe(`SIGTERM on a real server process (${backend})`, () => {
    const database = processSuiteDatabases(backend, TIMEOUT);

    it(
      'exits 0, ends open subscriptions with SHUTTING_DOWN, and the unfinished run resumes on the next start',
      async () => {
        const db = await database();
        const graph = delayChain({ name: 'long-chain', delays: 30, ms: () => 100 });
        const first = await spawnServer({
          databaseUrl: db.url,
          name: 'first',
          env: { SHUTDOWN_GRACE_MS: '500' },
        });
        const graphId = await createGraph(first.url, graph.input);
        const short = delayChain({ name: 'finished-first', delays: 2, ms: () => 10 });
        const shortRun = await waitForFinished(
          first.url,
          (await startRun(first.url, await createGraph(first.url, short.input))).id,
        );
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
          const finishedEvents = collectRunEvents(client, shortRun.id);
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

          // A finished run's stream completed as always; the two that follow live work ended
          // with SHUTTING_DOWN, not with `complete` (which would tell the client the run ended).
          expect(await within('finished stream', 10_000, finishedEvents.done)).toEqual({
            kind: 'complete',
          });
          const ends = await within<Outcome[]>(
            'subscriptions to end',
            10_000,
            Promise.all([events.done, updates.done]),
          );
          expect(ends.map((e) => e.kind)).toEqual(['error', 'error']);
          expect(errorCodes(events)).toEqual(['SHUTTING_DOWN']);
          expect(errorCodes(updates)).toEqual(['SHUTTING_DOWN']);
          expect(errorMessages(events)[0]).toMatch(/Resubscribe with afterSeq: \d+/);
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
        const db = await database();
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
