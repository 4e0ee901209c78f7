/**
 * A poison run: a tool that SIGKILLs its own process (a native crash, the OOM killer). A
 * supervisor (this test) restarts the server each time it dies. Each takeover is counted before
 * the run executes again, so after RECOVERY_LIMIT restarts the run is failed with
 * RECOVERY_LIMIT_EXCEEDED instead of being resumed, and the service stays up; an innocent run
 * started alongside it (which progresses on every boot) still succeeds, every node once.
 */
import { describe, expect, it } from 'vitest';
import { type Backend, backends } from '../helpers/databases.js';
import { expectContiguous, expectEachSucceededOnce } from './helpers/events.js';
import {
  createGraph,
  getRun,
  gqlOk,
  poll,
  type RunView,
  startRun,
  storedEvents,
} from './helpers/gql.js';
import { delayChain } from './helpers/graphs.js';
import { processSuiteDatabases } from './helpers/process-suite.js';
import { type ServerProcess, spawnServer } from './helpers/spawn-server.js';

const TIMEOUT = 180_000;
const ENTRY = 'tests/e2e/helpers/fixture-server.ts';
const LIMIT = 2;

const poisonGraph = {
  name: 'poison',
  entry: 'first',
  nodes: [
    { id: 'first', tool: 'set_state', config: { values: { started: true } } },
    { id: 'boom', tool: 'kill_process', config: { afterMs: 400 } },
  ],
  edges: [{ from: 'first', to: 'boom' }],
};

function suite(backend: Backend) {
  describe(`a run that kills its process (${backend})`, () => {
    const database = processSuiteDatabases(backend, TIMEOUT);

    it(
      'fails the poison run with RECOVERY_LIMIT_EXCEEDED after a bounded number of restarts; the innocent run succeeds',
      async () => {
        const db = await database();
        const env = { RECOVERY_LIMIT: String(LIMIT), RUN_LEASE_MS: '1000' };
        const spawn = (name: string) =>
          spawnServer({ databaseUrl: db.url, name, entry: ENTRY, env });
        const innocent = delayChain({ name: 'innocent', delays: 12, ms: () => 100 });

        let server: ServerProcess = await spawn('boot0');
        const innocentId = await createGraph(server.url, innocent.input);
        const poisonId = await createGraph(server.url, poisonGraph);
        const innocentRun = await startRun(server.url, innocentId);
        const poisonRun = await startRun(server.url, poisonId);

        // The supervisor: restart the server whenever it dies, until the poison run has failed.
        const servers = [server];
        let restarts = 0;
        let poison: RunView | undefined;
        for (;;) {
          const outcome = await Promise.race([
            server.exited.then(() => 'died' as const),
            poll(
              'poison run to fail',
              async () => {
                const run = await getRun(server.url, poisonRun.id).catch(() => undefined);
                return run?.status === 'FAILED' ? run : undefined;
              },
              60_000,
              50,
            ),
          ]);
          if (outcome !== 'died') {
            poison = outcome;
            break;
          }
          restarts++;
          expect(restarts, servers.map((s) => s.output()).join('\n')).toBeLessThanOrEqual(
            LIMIT + 2,
          );
          // It answers before it resumes anything: the ready line comes first.
          server = await spawn(`boot${restarts}`);
          servers.push(server);
        }
        // Died once, then once per allowed recovery; the next boot failed the run instead.
        expect(restarts).toBe(LIMIT + 1);
        expect(poison.error?.code).toBe('RECOVERY_LIMIT_EXCEEDED');
        expect(poison.error?.message).toMatch(/RECOVERY_LIMIT/);
        expect(poison.error?.message).toMatch(/boom/);
        const poisonEvents = await storedEvents(server.url, poisonRun.id);
        expect(poisonEvents.at(-1)?.type).toBe('RUN_FAILED');
        expectContiguous(poisonEvents);

        // The service is healthy and stays up.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(server.child.exitCode).toBe(null);
        await gqlOk(server.url, '{ health { ok } }');

        const done = await poll(
          'innocent run to finish',
          async () => {
            const run = await getRun(server.url, innocentRun.id);
            return run.status === 'SUCCEEDED' || run.status === 'FAILED' ? run : undefined;
          },
          60_000,
        );
        expect(done.status, JSON.stringify(done.error)).toBe('SUCCEEDED');
        const events = await storedEvents(server.url, innocentRun.id);
        expectContiguous(events);
        expectEachSucceededOnce(events, innocent.nodeIds);
        expect(done.state?.visited).toEqual(innocent.visited);
      },
      TIMEOUT,
    );
  });
}

for (const { name, skip } of await backends()) {
  if (skip) {
    describe(`a run that kills its process (${name})`, () => {
      it.skip(skip, () => {});
    });
  } else suite(name);
}
