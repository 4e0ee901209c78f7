/**
 * RECOVERY=paused with real processes: a server is SIGKILLed in the middle of two runs and
 * restarted with RECOVERY=paused. It resumes neither: both are listed PAUSED (RUN_PAUSED, reason
 * recovery) and stay so; the operator unpauses one (it succeeds, each node once, nothing that
 * had succeeded runs again) and cancels the other.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends } from '../helpers/databases.js';
import {
  createGraph,
  getRun,
  gql,
  gqlOk,
  poll,
  startRun,
  storedEvents,
  waitForFinished,
  whenAllProgressed,
} from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { expectResumedCleanly, resumedCount, withLogs } from './helpers/recovery.js';
import { spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 120_000;
const PAUSED_RUNS = `query ($graphId: ID) { runs(graphId: $graphId, status: PAUSED, first: 50) {
  edges { node { id status } } } }`;

function suite(backend: Backend) {
  describe(`RECOVERY=paused with real processes (${backend})`, () => {
    const database = processSuiteDatabases(backend, TIMEOUT);

    it(
      'lists the runs a killed server was executing as PAUSED; unpaused, one succeeds cleanly, the other cancels',
      async () => {
        const db = await database();
        const graph = delayChain({ name: 'paused-recovery', delays: 20 });
        const first = await spawnServer({ databaseUrl: db.url, name: 'first' });
        const graphId = await createGraph(first.url, graph.input);
        const runs = [await startRun(first.url, graphId), await startRun(first.url, graphId)];
        const ids = runs.map((r) => r.id);
        const before = await whenAllProgressed(first.url, ids, 3);
        expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

        const second = await spawnServer({
          databaseUrl: db.url,
          name: 'paused',
          env: { RECOVERY: 'paused' },
        });
        const listed = await withLogs(
          [first, second],
          poll(
            'both runs listed PAUSED',
            async () => {
              const data = await gqlOk<{ runs: { edges: Array<{ node: { id: string } }> } }>(
                second.url,
                PAUSED_RUNS,
                { graphId },
              );
              const found = data.runs.edges.map((e) => e.node.id);
              return ids.every((id) => found.includes(id)) ? found : undefined;
            },
            30_000,
          ),
        );
        expect([...listed].sort()).toEqual([...ids].sort());
        expect(resumedCount(second)).toBe(0);

        for (const id of ids) {
          const events = await storedEvents(second.url, id);
          expect(events.at(-1)).toMatchObject({ type: 'RUN_PAUSED', data: { reason: 'recovery' } });
          expect(events.filter((e) => e.type === 'RUN_PAUSED')).toHaveLength(1);
        }
        // Paused stays paused, past several orphan scans (RUN_LEASE_MS / 2).
        const lastSeqs = await Promise.all(
          ids.map(async (id) => (await getRun(second.url, id)).lastSeq),
        );
        await new Promise((r) => setTimeout(r, 1_500));
        for (const [i, id] of ids.entries()) {
          expect(await getRun(second.url, id)).toMatchObject({
            status: 'PAUSED',
            lastSeq: lastSeqs[i],
          });
        }

        const [resumeId, cancelId] = ids as [string, string];
        const unpaused = await gql<{ unpauseRun: { status: string } }>(
          second.url,
          'mutation ($id: ID!) { unpauseRun(id: $id) { status } }',
          { id: resumeId },
        );
        expect(unpaused.errors).toBeUndefined();
        const resumed = await withLogs([first, second], waitForFinished(second.url, resumeId));
        const events = await expectResumedCleanly({
          url: second.url,
          run: resumed,
          graph,
          before: before.get(resumeId) ?? [],
        });
        expect(events.filter((e) => e.type === 'RUN_PAUSED')).toHaveLength(1);
        expect(events.filter((e) => e.type === 'RUN_UNPAUSED')).toHaveLength(1);

        const cancelled = await gqlOk<{ cancelRun: { status: string } }>(
          second.url,
          'mutation ($id: ID!) { cancelRun(id: $id) { status } }',
          { id: cancelId },
        );
        expect(cancelled.cancelRun.status).toBe('CANCELLED');
        const cancelledLog = await storedEvents(second.url, cancelId);
        // Unpaused to be cancelled: the node cut by the kill is recorded skipped, nothing starts.
        const afterUnpause = cancelledLog.slice(
          cancelledLog.findIndex((e) => e.type === 'RUN_UNPAUSED'),
        );
        expect(afterUnpause[0]?.type).toBe('RUN_UNPAUSED');
        expect(afterUnpause.at(-1)?.type).toBe('RUN_CANCELLED');
        expect(afterUnpause.map((e) => e.type)).not.toContain('NODE_STARTED');
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`RECOVERY=paused with real processes (${name})`, () => {
      it.skip(skip, () => {});
    });
    console.warn(skip);
  } else suite(name);
}
