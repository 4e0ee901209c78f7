import { expect, it } from 'vitest';
import {
  CANCEL_RUN,
  createGraph,
  DELETE_GRAPH,
  delayGraph,
  describeBackends,
  expectError,
  GRAPH,
  GRAPH_BY_NAME,
  type GraphData,
  RUN,
  runToEnd,
  setStateGraph,
  startRun,
  toGraphInput,
  UPDATE_GRAPH,
  uniqueName,
  waitForRun,
} from './operations.js';

const INVALID_UPDATE = {
  name: 'still-a-name',
  nodes: [{ id: 'a', tool: 'no_such_tool' }],
  edges: [{ from: 'a', to: 'ghost' }],
  entry: 'a',
};

await describeBackends('updateGraph', (api) => {
  it('saves a new version and lists every version, newest first', async () => {
    const v1 = await createGraph(api(), setStateGraph({ v: 1 }));
    const def2 = { ...setStateGraph({ v: 2 }), name: v1.name, description: 'second' };
    const { updateGraph: v2 } = await api().ok<{ updateGraph: GraphData }>(UPDATE_GRAPH, {
      id: v1.id,
      input: toGraphInput(def2),
    });
    expect(v2).toMatchObject({ id: v1.id, latestVersion: 2, description: 'second' });
    expect(v2.definition).toEqual(def2);
    expect(v2.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(v2.versions[1]?.definition).toEqual(v1.definition);
    expect(Date.parse(v2.updatedAt)).toBeGreaterThanOrEqual(Date.parse(v1.updatedAt));
  });

  it('can rename a graph; the old name is free again', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const renamed = { ...setStateGraph(), name: uniqueName('renamed') };
    await api().ok(UPDATE_GRAPH, { id: graph.id, input: toGraphInput(renamed) });
    const byOld = await api().ok<{ graphByName: null }>(GRAPH_BY_NAME, { name: graph.name });
    expect(byOld.graphByName).toBeNull();
    const byNew = await api().ok<{ graphByName: GraphData }>(GRAPH_BY_NAME, {
      name: renamed.name,
    });
    expect(byNew.graphByName).toMatchObject({ id: graph.id, latestVersion: 2 });
  });

  it('keeps a started run on its version while new runs pin the new one', async () => {
    const v1 = await createGraph(api(), delayGraph(300, { v: 1 }));
    const old = await startRun(api(), v1.id);
    const def2 = { ...setStateGraph({ v: 2 }), name: v1.name };
    await api().ok(UPDATE_GRAPH, { id: v1.id, input: toGraphInput(def2) });
    const fresh = await startRun(api(), v1.id);
    expect(old.graphVersion).toBe(1);
    expect(fresh.graphVersion).toBe(2);

    const oldRun = await waitForRun(api(), old.id);
    expect(oldRun).toMatchObject({ status: 'SUCCEEDED', graphVersion: 1, state: { v: 1 } });
    expect(oldRun.nodes.map((n) => n.nodeId)).toEqual(['wait']);
    const freshRun = await waitForRun(api(), fresh.id);
    expect(freshRun).toMatchObject({ status: 'SUCCEEDED', graphVersion: 2, state: { v: 2 } });
    expect(freshRun.nodes.map((n) => n.nodeId)).toEqual(['set']);
  });

  it('refuses an invalid update with GRAPH_INVALID and leaves the graph as it was', async () => {
    const graph = await createGraph(api(), setStateGraph({ v: 1 }));
    const res = await api().gql(UPDATE_GRAPH, {
      id: graph.id,
      input: toGraphInput({ ...INVALID_UPDATE, name: graph.name }),
    });
    const error = expectError(res, 'GRAPH_INVALID');
    expect(error.extensions?.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'nodes[0].tool', code: 'UNKNOWN_TOOL' }),
        expect.objectContaining({ path: 'edges[0].to', code: 'UNKNOWN_NODE' }),
      ]),
    );
    const { graph: after } = await api().ok<{ graph: GraphData }>(GRAPH, { id: graph.id });
    expect(after.latestVersion).toBe(1);
    expect(after.versions).toHaveLength(1);
    expect(after.definition).toEqual(graph.definition);
  });

  it('answers NOT_FOUND for an unknown graph id', async () => {
    const res = await api().gql(UPDATE_GRAPH, {
      id: 'no-such-graph',
      input: toGraphInput(setStateGraph()),
    });
    expect(expectError(res, 'NOT_FOUND').message).toContain('no-such-graph');
  });

  it('refuses to take the name of another graph', async () => {
    const a = await createGraph(api(), setStateGraph());
    const b = await createGraph(api(), setStateGraph());
    const res = await api().gql(UPDATE_GRAPH, {
      id: b.id,
      input: toGraphInput({ ...setStateGraph(), name: a.name }),
    });
    expectError(res, 'GRAPH_NAME_TAKEN');
    const { graph } = await api().ok<{ graph: GraphData }>(GRAPH, { id: b.id });
    expect(graph).toMatchObject({ name: b.name, latestVersion: 1 });
  });
});

await describeBackends('deleteGraph', (api) => {
  it('archives a graph: its runs stay readable, its name is free (purgeGraph removes data)', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const run = await runToEnd(api(), graph.id);
    expect(run.status).toBe('SUCCEEDED');
    const res = await api().ok<{ deleteGraph: boolean }>(DELETE_GRAPH, { id: graph.id });
    expect(res.deleteGraph).toBe(true);
    expect((await api().ok<{ graph: GraphData }>(GRAPH, { id: graph.id })).graph.id).toBe(graph.id);
    const byName = await api().ok<{ graphByName: null }>(GRAPH_BY_NAME, { name: graph.name });
    expect(byName.graphByName).toBeNull();
    expect((await api().ok<{ run: { id: string } }>(RUN, { id: run.id })).run.id).toBe(run.id);
  });

  it('answers false for an unknown id, and for a graph archived already', async () => {
    expect(
      (await api().ok<{ deleteGraph: boolean }>(DELETE_GRAPH, { id: 'no-such-graph' })).deleteGraph,
    ).toBe(false);
    const graph = await createGraph(api(), setStateGraph());
    await api().ok(DELETE_GRAPH, { id: graph.id });
    const again = await api().ok<{ deleteGraph: boolean }>(DELETE_GRAPH, { id: graph.id });
    expect(again.deleteGraph).toBe(false);
  });

  it('refuses with GRAPH_HAS_ACTIVE_RUNS while a run is active, and deletes once it ended', async () => {
    const graph = await createGraph(api(), delayGraph(5_000));
    const run = await startRun(api(), graph.id);
    const res = await api().gql(DELETE_GRAPH, { id: graph.id });
    const error = expectError(res, 'GRAPH_HAS_ACTIVE_RUNS');
    expect(error.extensions?.id).toBe(graph.id);
    expect((await api().ok<{ graph: GraphData | null }>(GRAPH, { id: graph.id })).graph).not.toBe(
      null,
    );

    await api().ok(CANCEL_RUN, { id: run.id });
    const deleted = await api().ok<{ deleteGraph: boolean }>(DELETE_GRAPH, { id: graph.id });
    expect(deleted.deleteGraph).toBe(true);
  });
});
