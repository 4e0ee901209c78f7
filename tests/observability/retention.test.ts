import { statSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import { sqlitePath } from '../../src/persistence/database.js';
import {
  createGraph,
  DELETE_GRAPH,
  describeBackends,
  expectError,
  GRAPH,
  GRAPH_BY_NAME,
  GRAPHS,
  RUN,
  runToEnd,
  START_RUN,
  uniqueName,
} from '../api/operations.js';

const DAY_MS = 86_400_000;

const graphOf = (name = uniqueName('kept'), big = 1): GraphDef => ({
  name,
  nodes: [
    { id: 'a', tool: 'set_state', config: { values: { blob: 'x'.repeat(big) } } },
    { id: 'b', tool: 'set_state', config: { values: { b: 2 } } },
  ],
  edges: [{ from: 'a', to: 'b' }],
  entry: 'a',
});

await describeBackends(
  'retention',
  (api, backend) => {
    const age = async (runId: string, days: number) => {
      await api().app.db.prisma.run.update({
        where: { id: runId },
        data: { finishedAt: new Date(Date.now() - days * DAY_MS) },
      });
    };
    const countEvents = (runId: string) => api().app.db.prisma.runEvent.count({ where: { runId } });
    const removed = async (action: string) =>
      (await api().app.metrics.retentionRemoved.get()).values.find(
        (v) => v.labels.action === action,
      )?.value ?? 0;

    it('deleteGraph archives: runs stay readable, nothing starts, the name is free', async () => {
      const graph = await createGraph(api(), graphOf());
      const run = await runToEnd(api(), graph.id);
      expect(
        (await api().ok<{ deleteGraph: boolean }>(DELETE_GRAPH, { id: graph.id })).deleteGraph,
      ).toBe(true);
      const { graph: archived } = await api().ok<{ graph: { archivedAt: string | null } }>(
        `query($id: ID!) { graph(id: $id) { archivedAt runs { edges { node { id } } } } }`,
        { id: graph.id },
      );
      expect(archived.archivedAt).not.toBeNull();
      const read = await api().ok<{ run: { status: string; events: { edges: unknown[] } } }>(RUN, {
        id: run.id,
      });
      expect(read.run.status).toBe('SUCCEEDED');
      expect(read.run.events.edges.length).toBe(run.events.edges.length);
      expectError(await api().gql(START_RUN, { graphId: graph.id }), 'NOT_FOUND');
      expect(
        (await api().ok<{ graphByName: null }>(GRAPH_BY_NAME, { name: graph.name })).graphByName,
      ).toBeNull();
      const listed = await api().ok<{ graphs: { edges: Array<{ node: { id: string } }> } }>(
        GRAPHS,
        { first: 1000 },
      );
      expect(listed.graphs.edges.map((e) => e.node.id)).not.toContain(graph.id);
      // The name is free: a new graph takes it; the archived one keeps it too.
      const again = await createGraph(api(), graphOf(graph.name));
      expect(again.id).not.toBe(graph.id);
      const both = await api().ok<{ graph: { name: string } }>(GRAPH, { id: graph.id });
      expect(both.graph.name).toBe(graph.name);
      expect(
        (await api().ok<{ deleteGraph: boolean }>(DELETE_GRAPH, { id: graph.id })).deleteGraph,
      ).toBe(false);
    });

    it('purges only an archived graph, with every run and event', async () => {
      const graph = await createGraph(api(), graphOf());
      const run = await runToEnd(api(), graph.id);
      const purge = `mutation($id: ID!) { purgeGraph(id: $id) }`;
      expectError(await api().gql(purge, { id: graph.id }), 'GRAPH_NOT_ARCHIVED');
      await api().ok(DELETE_GRAPH, { id: graph.id });
      const before = await removed('purged');
      expect((await api().ok<{ purgeGraph: number }>(purge, { id: graph.id })).purgeGraph).toBe(1);
      expect((await api().ok<{ graph: null }>(GRAPH, { id: graph.id })).graph).toBeNull();
      expect((await api().ok<{ run: null }>(RUN, { id: run.id })).run).toBeNull();
      expect(await countEvents(run.id)).toBe(0);
      expect(await removed('purged')).toBe(before + 1);
    });

    it('never purges a run that is still active', async () => {
      const graph = await createGraph(api(), graphOf());
      const run = await runToEnd(api(), graph.id);
      await api().ok(DELETE_GRAPH, { id: graph.id });
      // A run left active (started as the graph was archived): the purge stops before it.
      await api().app.db.prisma.run.update({ where: { id: run.id }, data: { status: 'RUNNING' } });
      const purge = `mutation($id: ID!) { purgeGraph(id: $id) }`;
      expectError(await api().gql(purge, { id: graph.id }), 'GRAPH_HAS_ACTIVE_RUNS');
      expect((await api().ok<{ run: { id: string } }>(RUN, { id: run.id })).run.id).toBe(run.id);
      await api().app.db.prisma.run.update({
        where: { id: run.id },
        data: { status: 'SUCCEEDED' },
      });
    });

    it('deletes finished runs past their graph’s retention, in batches, and counts them', async () => {
      const short = await createGraph(api(), graphOf());
      const forever = await createGraph(api(), graphOf());
      const setRetention = `mutation($id: ID!, $days: Int) { setGraphRetention(id: $id, retentionDays: $days) { retentionDays } }`;
      expect(
        (
          await api().ok<{ setGraphRetention: { retentionDays: number } }>(setRetention, {
            id: short.id,
            days: 7,
          })
        ).setGraphRetention.retentionDays,
      ).toBe(7);
      await api().ok(setRetention, { id: forever.id, days: 0 });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await runToEnd(api(), short.id));
      const kept = await runToEnd(api(), forever.id);
      await age(runs[0]!.id, 8);
      await age(runs[1]!.id, 30);
      await age(kept.id, 400);
      const before = await removed('deleted');
      // RETENTION_BATCH is 1 here: two batches.
      expect(await api().app.retention.runOnce()).toBe(2);
      expect(await removed('deleted')).toBe(before + 2);
      expect((await api().ok<{ run: null }>(RUN, { id: runs[0]!.id })).run).toBeNull();
      expect(await countEvents(runs[1]!.id)).toBe(0);
      expect(
        (await api().ok<{ run: { id: string } }>(RUN, { id: runs[2]!.id })).run,
      ).not.toBeNull();
      expect((await api().ok<{ run: { id: string } }>(RUN, { id: kept.id })).run).not.toBeNull();
    });

    if (backend === 'sqlite')
      it('returns the freed pages to the file system (incremental vacuum)', async () => {
        const path = sqlitePath(api().app.db.url);
        const pages = async () =>
          Number(
            (
              await api().app.db.prisma.$queryRawUnsafe<Array<{ page_count: bigint }>>(
                'PRAGMA page_count',
              )
            )[0]?.page_count,
          );
        const mode =
          await api().app.db.prisma.$queryRawUnsafe<Array<{ auto_vacuum: bigint }>>(
            'PRAGMA auto_vacuum',
          );
        expect(Number(mode[0]?.auto_vacuum)).toBe(2); // INCREMENTAL
        const graph = await createGraph(api(), graphOf(uniqueName('big'), 200_000));
        await api().ok(
          'mutation($id: ID!, $d: Int) { setGraphRetention(id: $id, retentionDays: $d) { id } }',
          {
            id: graph.id,
            d: 1,
          },
        );
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push((await runToEnd(api(), graph.id)).id);
        for (const id of ids) await age(id, 2);
        const full = await pages();
        expect(await api().app.retention.runOnce()).toBe(5);
        expect(await pages()).toBeLessThan(full - 100);
        const free =
          await api().app.db.prisma.$queryRawUnsafe<Array<{ freelist_count: bigint }>>(
            'PRAGMA freelist_count',
          );
        expect(Number(free[0]?.freelist_count)).toBe(0);
        // The file itself shrinks once the WAL is checkpointed into it.
        await api().app.db.prisma.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
        expect(statSync(path).size).toBeLessThan(full * 4096 - 100 * 4096);
      });
  },
  { RETENTION_BATCH: '1', RETENTION_INTERVAL_MS: '0' },
);

await describeBackends(
  'retention: compact',
  (api) => {
    it('reduces a finished run’s events to RUN_STARTED and its end, keeping state and nodes', async () => {
      const graph = await createGraph(api(), graphOf());
      await api().ok('mutation($id: ID!) { setGraphRetention(id: $id, retentionDays: 1) { id } }', {
        id: graph.id,
      });
      const run = await runToEnd(api(), graph.id);
      await api().app.db.prisma.run.update({
        where: { id: run.id },
        data: { finishedAt: new Date(Date.now() - 2 * DAY_MS) },
      });
      expect(await api().app.retention.runOnce()).toBe(1);
      expect(await api().app.retention.runOnce()).toBe(0); // compacted once
      const after = await api().ok<{
        run: {
          compactedAt: string | null;
          state: unknown;
          nodes: unknown[];
          events: { edges: Array<{ node: { type: string } }> };
        };
      }>(
        `query($id: ID!) { run(id: $id) { compactedAt state nodes { nodeId } events(first: 100) { edges { node { type } } } } }`,
        { id: run.id },
      );
      expect(after.run.compactedAt).not.toBeNull();
      expect(after.run.state).toEqual(run.state);
      expect(after.run.nodes).toHaveLength(2);
      expect(after.run.events.edges.map((e) => e.node.type)).toEqual([
        'RUN_STARTED',
        'RUN_SUCCEEDED',
      ]);
    });
  },
  { RETENTION_MODE: 'compact', RETENTION_INTERVAL_MS: '0' },
);
