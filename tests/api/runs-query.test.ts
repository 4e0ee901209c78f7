import { beforeAll, expect, it } from 'vitest';
import { retryExhausted } from '../fixtures/scenarios.js';
import {
  builtinGraph,
  createGraph,
  describeBackends,
  expectError,
  GRAPH,
  type Page,
  RUNS,
  type RunData,
  runToEnd,
  setStateGraph,
  walkPages,
} from './operations.js';

type RunNode = { id: string; status: string; createdAt: string; graph: { id: string } };

const GRAPH_RUNS = `query GraphRuns($id: ID!, $first: Int, $after: String) {
  graph(id: $id) {
    runs(first: $first, after: $after) {
      edges { cursor node { id status } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

await describeBackends('runs query', (api) => {
  let graphA: string;
  let graphB: string;
  /** Every run in the order it was started; each ends before the next starts. */
  const started: Array<{ id: string; graphId: string; status: string }> = [];
  const runsOf = (graphId: string) => started.filter((r) => r.graphId === graphId);
  const newestFirst = <T>(list: T[]) => [...list].reverse();

  beforeAll(async () => {
    graphA = (await createGraph(api(), setStateGraph())).id;
    graphB = (await createGraph(api(), builtinGraph(retryExhausted()))).id;
    const plan = [graphA, graphB, graphA, graphA, graphB, graphA];
    for (const graphId of plan) {
      const run: RunData = await runToEnd(api(), graphId);
      started.push({ id: run.id, graphId, status: run.status });
    }
  });

  const runs = async (vars: Record<string, unknown>) =>
    (await api().ok<{ runs: Page<RunNode> }>(RUNS, vars)).runs;

  it('lists every run, newest first', async () => {
    const all = await runs({ first: 100 });
    expect(all.edges.map((e) => e.node.id)).toEqual(newestFirst(started).map((r) => r.id));
    const times = all.edges.map((e) => Date.parse(e.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by graph', async () => {
    const a = await runs({ graphId: graphA, first: 100 });
    expect(a.edges.map((e) => e.node.id)).toEqual(newestFirst(runsOf(graphA)).map((r) => r.id));
    expect(new Set(a.edges.map((e) => e.node.graph.id))).toEqual(new Set([graphA]));
    const b = await runs({ graphId: graphB, first: 100 });
    expect(b.edges).toHaveLength(2);
    expect((await runs({ graphId: 'no-such-graph' })).edges).toEqual([]);
  });

  it('filters by status, alone and with the graph', async () => {
    const failed = await runs({ status: 'FAILED', first: 100 });
    expect(failed.edges.map((e) => e.node.id)).toEqual(
      newestFirst(runsOf(graphB)).map((r) => r.id),
    );
    expect(new Set(failed.edges.map((e) => e.node.status))).toEqual(new Set(['FAILED']));
    const succeeded = await runs({ status: 'SUCCEEDED', graphId: graphA, first: 100 });
    expect(succeeded.edges).toHaveLength(4);
    expect((await runs({ status: 'SUCCEEDED', graphId: graphB })).edges).toEqual([]);
    expect((await runs({ status: 'RUNNING' })).edges).toEqual([]);
  });

  it('pages through runs with first/after, without gaps or repeats', async () => {
    const { nodes, pages } = await walkPages(async (after) => runs({ first: 4, after }));
    expect(pages).toBe(2);
    expect(nodes.map((n) => n.id)).toEqual(newestFirst(started).map((r) => r.id));
    const filtered = await walkPages(async (after) => runs({ graphId: graphA, first: 3, after }));
    expect(filtered.nodes.map((n) => n.id)).toEqual(newestFirst(runsOf(graphA)).map((r) => r.id));
  });

  it("lists a graph's own runs on Graph.runs, newest first and paged", async () => {
    const { nodes } = await walkPages(
      async (after) =>
        (
          await api().ok<{ graph: { runs: Page<{ id: string }> } }>(GRAPH_RUNS, {
            id: graphA,
            first: 3,
            after,
          })
        ).graph.runs,
    );
    expect(nodes.map((n) => n.id)).toEqual(newestFirst(runsOf(graphA)).map((r) => r.id));
    const graph = await api().ok<{ graph: { id: string } }>(GRAPH, { id: graphB });
    expect(graph.graph.id).toBe(graphB);
  });

  it('refuses an unknown status value', async () => {
    const res = await api().gql(RUNS, { status: 'DONE' });
    expectError(res, 'BAD_USER_INPUT');
  });
});
