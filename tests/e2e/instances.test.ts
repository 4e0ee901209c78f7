/**
 * Run ownership between processes, SQLite and PostgreSQL alike: a process never takes the runs
 * of a live, heartbeating peer (two servers on one SQLite file used to move every run over and
 * execute nodes twice), while a restarted instance recognises its dead previous boot's runs and
 * resumes them at once instead of waiting out their lease.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends } from '../helpers/databases.js';
import { expectContiguous, expectEachSucceededOnce } from './helpers/events.js';
import { createGraph, poll, startRun, storedEvents, waitForFinished } from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { expectResumedCleanly, resumedCount, withLogs } from './helpers/recovery.js';
import { spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 120_000;

function suite(backend: Backend) {
  describe(`run ownership between processes (${backend})`, () => {
    const database = processSuiteDatabases(backend, TIMEOUT);

    it(
      "a second process on the same database leaves a live process's runs alone",
      async () => {
        const db = await database();
        const graph = delayChain({ name: 'owned', delays: 10, ms: () => 100 });
        const healthy = await spawnServer({ databaseUrl: db.url, name: 'healthy' });
        const graphId = await createGraph(healthy.url, graph.input);
        const runs = await Promise.all(
          Array.from({ length: 10 }, () => startRun(healthy.url, graphId)),
        );
        const second = await spawnServer({ databaseUrl: db.url, name: 'second' });
        const servers = [healthy, second];
        for (const run of runs) {
          const finished = await withLogs(servers, waitForFinished(second.url, run.id));
          expect(finished.status).toBe('SUCCEEDED');
          const events = await storedEvents(second.url, run.id);
          expectContiguous(events);
          // No node executed twice: each started and succeeded exactly once.
          expect(events.filter((e) => e.type === 'NODE_STARTED')).toHaveLength(
            graph.nodeIds.length,
          );
          expectEachSucceededOnce(events, graph.nodeIds);
        }
        expect(resumedCount(second), second.output()).toBe(0);
        expect(healthy.output()).not.toMatch(/taken over by another process/);
      },
      TIMEOUT,
    );

    it(
      'a restarted instance resumes its runs at once, without waiting out the lease',
      async () => {
        const db = await database();
        const graph = delayChain({ name: 'restart-fast', delays: 20, ms: () => 100 });
        // A lease far longer than the test may wait: only recognising its own boot can help.
        const env = { RUN_LEASE_MS: '120000' };
        const first = await spawnServer({ databaseUrl: db.url, name: 'first', env });
        const graphId = await createGraph(first.url, graph.input);
        const run = await startRun(first.url, graphId);
        const before = await poll(
          'three nodes succeeded',
          async () => {
            const events = await storedEvents(first.url, run.id);
            return events.filter((e) => e.type === 'NODE_SUCCEEDED').length >= 3
              ? events
              : undefined;
          },
          30_000,
          20,
        );
        await first.kill('SIGKILL');
        const killedAt = Date.now();
        const second = await spawnServer({ databaseUrl: db.url, name: 'second', env });
        const finished = await withLogs(
          [first, second],
          waitForFinished(second.url, run.id, 30_000),
        );
        expect(Date.now() - killedAt).toBeLessThan(30_000);
        await expectResumedCleanly({ url: second.url, run: finished, graph, before });
        expect(resumedCount(second), second.output()).toBe(1);
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`run ownership between processes (${name})`, () => {
      it.skip(skip, () => {});
    });
  } else suite(name);
}
