/**
 * Crash recovery with real processes: `node src/main.ts` children killed with SIGKILL in the
 * middle of runs, then restarted (or replaced by a live peer on PostgreSQL). Nothing may be lost
 * or doubled: one gap-free event log per run, every node succeeded exactly once, the final
 * state equal to an uninterrupted run's.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends } from '../helpers/databases.js';
import { expectEachSucceededOnce, timeline } from './helpers/events.js';
import {
  createGraph,
  type EventView,
  poll,
  startRun,
  storedEvents,
  TERMINAL_EVENTS,
  waitForFinished,
  whenAllProgressed,
} from './helpers/gql.js';
import { type ChainGraph, delayChain } from './helpers/graphs.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { expectResumedCleanly, resumedCount, withLogs } from './helpers/recovery.js';
import { type ServerProcess, spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 120_000;

/** Polls (through `url`) until the run has stored at least `n` NODE_SUCCEEDED; returns its log. */
function whenNodesSucceeded(url: string, runId: string, n: number): Promise<EventView[]> {
  return poll(
    `${n} nodes of run ${runId} succeeded`,
    async () => {
      const events = await storedEvents(url, runId);
      return events.filter((e) => e.type === 'NODE_SUCCEEDED').length >= n ? events : undefined;
    },
    60_000,
    20,
  );
}

function suite(backend: Backend) {
  describe(`crash recovery with real processes (${backend})`, () => {
    const database = processSuiteDatabases(backend, TIMEOUT);

    it(
      'resumes a run after SIGKILL and a restart, without losing, doubling or re-running a step',
      async () => {
        const db = await database();
        const graph = delayChain({ name: 'crash-chain', delays: 20 });
        const first = await spawnServer({ databaseUrl: db.url, name: 'first' });
        const graphId = await createGraph(first.url, graph.input);
        const run = await startRun(first.url, graphId);
        const before = await whenNodesSucceeded(first.url, run.id, 5);
        expect(before.some((e) => TERMINAL_EVENTS.has(e.type))).toBe(false);

        expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

        const second = await spawnServer({ databaseUrl: db.url, name: 'restarted' });
        const resumed = await withLogs([first, second], waitForFinished(second.url, run.id));
        await expectResumedCleanly({ url: second.url, run: resumed, graph, before });
        expect(resumedCount(second), second.output()).toBe(1);

        // The same graph run without interruption ends in exactly the same state.
        const reference = await waitForFinished(
          second.url,
          (await startRun(second.url, graphId)).id,
        );
        expect(reference.status).toBe('SUCCEEDED');
        expect(resumed.state).toEqual(reference.state);
      },
      TIMEOUT,
    );

    it(
      'survives two SIGKILLs in a row on the same run',
      async () => {
        const db = await database();
        const graph = delayChain({ name: 'crash-twice', delays: 24 });
        const first = await spawnServer({ databaseUrl: db.url, name: 'first' });
        const graphId = await createGraph(first.url, graph.input);
        const run = await startRun(first.url, graphId);
        const before = await whenNodesSucceeded(first.url, run.id, 4);
        await first.kill('SIGKILL');

        const second = await spawnServer({ databaseUrl: db.url, name: 'second' });
        const succeededBefore = before.filter((e) => e.type === 'NODE_SUCCEEDED').length;
        const middle = await whenNodesSucceeded(second.url, run.id, succeededBefore + 4);
        expect(middle.some((e) => TERMINAL_EVENTS.has(e.type))).toBe(false);
        await second.kill('SIGKILL');

        const third = await spawnServer({ databaseUrl: db.url, name: 'third' });
        const resumed = await withLogs([first, second, third], waitForFinished(third.url, run.id));
        const events = await expectResumedCleanly({
          url: third.url,
          run: resumed,
          graph,
          before: middle,
          firstBefore: before,
          interruptions: 2,
        });
        expect(timeline(events.slice(0, before.length))).toEqual(timeline(before));
      },
      TIMEOUT,
    );

    if (backend === 'postgresql') {
      /**
       * Several processes share one database; one is SIGKILLed while executing its runs. The
       * survivors take them over once the lease lapses, each run by exactly one process, while
       * their own runs carry on undisturbed.
       */
      const sharedDatabase = async (processes: number) => {
        const db = await database();
        // Long enough (40 x 100 ms) that no run of the victim ends before it is killed.
        const graph = delayChain({ name: 'shared-chain', delays: 40, ms: () => 100 });
        // Started together: migrations must be safe when several processes start at once.
        const servers = await Promise.all(
          Array.from({ length: processes }, (_, i) =>
            spawnServer({ databaseUrl: db.url, name: `p${i}` }),
          ),
        );
        const graphId = await createGraph(servers[0]!.url, graph.input);
        return { graph, graphId, servers };
      };

      /** Starts `perServer[i]` runs on server i; returns the run ids per server. */
      const startRuns = (servers: readonly ServerProcess[], graphId: string, perServer: number[]) =>
        Promise.all(
          servers.map(async (s, i) =>
            (
              await Promise.all(
                Array.from({ length: perServer[i] ?? 0 }, () => startRun(s.url, graphId)),
              )
            ).map((r) => r.id),
          ),
        );

      /** Kills `victim` once each of its runs has progressed; returns the logs stored before. */
      const killMidRun = async (victim: ServerProcess, url: string, runIds: string[]) => {
        const before = await whenAllProgressed(url, runIds, 2);
        expect(await victim.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
        for (const events of before.values())
          expect(events.some((e) => TERMINAL_EVENTS.has(e.type))).toBe(false);
        return before;
      };

      const expectAllResumed = async (
        servers: readonly ServerProcess[],
        url: string,
        graph: ChainGraph,
        before: Map<string, EventView[]>,
      ) => {
        for (const [id, events] of before) {
          const finished = await withLogs(servers, waitForFinished(url, id));
          await expectResumedCleanly({ url, run: finished, graph, before: events });
        }
      };

      const expectUndisturbed = async (url: string, graph: ChainGraph, runIds: string[]) => {
        for (const id of runIds) {
          const finished = await waitForFinished(url, id);
          expect(finished.status).toBe('SUCCEEDED');
          const events = await storedEvents(url, id);
          expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
          expectEachSucceededOnce(events, graph.nodeIds);
          expect(finished.state?.visited).toEqual(graph.visited);
        }
      };

      it(
        'lets a second process resume the runs of a SIGKILLed one (two processes, one database)',
        async () => {
          const { graph, graphId, servers } = await sharedDatabase(2);
          const [victim, survivor] = servers as [ServerProcess, ServerProcess];
          const [victimRuns = [], survivorRuns = []] = await startRuns(servers, graphId, [4, 3]);
          const before = await killMidRun(victim, survivor.url, victimRuns);

          await expectAllResumed(servers, survivor.url, graph, before);
          expect(resumedCount(survivor), survivor.output()).toBe(victimRuns.length);
          await expectUndisturbed(survivor.url, graph, survivorRuns);
        },
        TIMEOUT,
      );

      it(
        'splits the orphaned runs between the surviving processes, each run resumed once',
        async () => {
          const { graph, graphId, servers } = await sharedDatabase(3);
          const [victim, ...survivors] = servers as [ServerProcess, ...ServerProcess[]];
          const [victimRuns = [], ...others] = await startRuns(servers, graphId, [8, 2, 2]);
          const url = survivors[0]!.url;
          const before = await killMidRun(victim, url, victimRuns);

          await expectAllResumed(servers, url, graph, before);
          const resumed = survivors.map(resumedCount);
          expect(
            resumed.reduce((a, b) => a + b, 0),
            survivors.map((s) => s.output()).join('\n'),
          ).toBe(victimRuns.length);
          await expectUndisturbed(url, graph, others.flat());
        },
        TIMEOUT,
      );

      /*
       * Fencing: a process that stalls past its lease (SIGSTOP here; a long GC pause or a starved
       * VM in production) has its runs taken over by a peer. When it wakes up, its commits store
       * nothing for those runs (RunStore.commit keeps only runs it still owns) and it stops
       * executing them; its other runs and new runs are unaffected.
       */
      it(
        'stops executing the runs a peer took over after this process stalled past its lease',
        async () => {
          const { graph, graphId, servers } = await sharedDatabase(2);
          const [stalled, peer] = servers as [ServerProcess, ServerProcess];
          const quick = delayChain({ name: 'after-stall', delays: 5, ms: () => 100 });
          const quickId = await createGraph(peer.url, quick.input);
          const [stalledRuns = []] = await startRuns(servers, graphId, [3, 0]);
          await whenAllProgressed(peer.url, stalledRuns, 2);

          // Stall the process until the peer takes its runs over (retry if the stop happened to
          // land while it held row locks, which keeps the peer from claiming those runs).
          for (let attempt = 1; resumedCount(peer) === 0; attempt++) {
            stalled.child.kill('SIGSTOP');
            await poll('peer takeover', async () => resumedCount(peer) || undefined, 8_000).catch(
              () => undefined,
            );
            stalled.child.kill('SIGCONT');
            if (attempt === 3 && resumedCount(peer) === 0) throw new Error('no takeover');
          }

          // Both processes keep serving: new runs on either one start and finish cleanly.
          const fresh = await Promise.all(
            [stalled, stalled, peer, peer].map((s) => startRun(s.url, quickId)),
          );
          for (const r of fresh) {
            const finished = await withLogs(servers, waitForFinished(peer.url, r.id, 30_000));
            expect(finished.status).toBe('SUCCEEDED');
            const events = await storedEvents(peer.url, r.id);
            expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
            expectEachSucceededOnce(events, quick.nodeIds);
          }
          for (const id of stalledRuns) {
            const finished = await withLogs(servers, waitForFinished(peer.url, id, 30_000));
            expect(finished.status).toBe('SUCCEEDED');
            const events = await storedEvents(peer.url, id);
            expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
            expectEachSucceededOnce(events, graph.nodeIds);
          }
          // Neither process tried to store events for a run it no longer owned.
          for (const s of servers)
            expect(s.lines.filter((l) => /storing run events failed/.test(l))).toEqual([]);
        },
        TIMEOUT,
      );
    }
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`crash recovery with real processes (${name})`, () => {
      it.skip(skip, () => {});
    });
    console.warn(skip);
  } else suite(name);
}
