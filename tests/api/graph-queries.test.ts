import { beforeAll, expect, it } from 'vitest';
import {
  createGraph,
  describeBackends,
  expectError,
  GRAPH,
  GRAPH_BY_NAME,
  GRAPHS,
  type GraphData,
  type Page,
  setStateGraph,
  walkPages,
} from './operations.js';

type GraphNode = { id: string; name: string };

await describeBackends('graph queries', (api) => {
  const created: GraphData[] = [];
  beforeAll(async () => {
    // More graphs than one page holds, created one after the other.
    for (let i = 0; i < 7; i++) created.push(await createGraph(api(), setStateGraph({ i })));
  });

  const page = async (first: number, after: string | null) =>
    (await api().ok<{ graphs: Page<GraphNode> }>(GRAPHS, { first, after })).graphs;

  it('reads a graph by id with its definition and versions', async () => {
    const want = created[3] as GraphData;
    const { graph } = await api().ok<{ graph: GraphData }>(GRAPH, { id: want.id });
    expect(graph).toEqual(want);
  });

  it('reads a graph by name', async () => {
    const want = created[5] as GraphData;
    const { graphByName } = await api().ok<{ graphByName: GraphData }>(GRAPH_BY_NAME, {
      name: want.name,
    });
    expect(graphByName).toEqual(want);
  });

  it('answers null for an unknown id or name', async () => {
    expect((await api().ok<{ graph: null }>(GRAPH, { id: 'no-such-graph' })).graph).toBeNull();
    const byName = await api().ok<{ graphByName: null }>(GRAPH_BY_NAME, { name: 'no-such' });
    expect(byName.graphByName).toBeNull();
  });

  it('lists graphs oldest first', async () => {
    const all = await page(100, null);
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.edges.map((e) => e.node.id)).toEqual(created.map((g) => g.id));
    expect(all.edges.map((e) => e.node.name)).toEqual(created.map((g) => g.name));
  });

  it('walks every graph exactly once, page by page with endCursor', async () => {
    const { nodes, pages } = await walkPages((after) => page(3, after));
    expect(pages).toBe(3);
    const ids = nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(created.map((g) => g.id));
  });

  it('says whether more pages follow', async () => {
    const first = await page(3, null);
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.pageInfo.endCursor).toBe(first.edges.at(-1)?.cursor);
    const exact = await page(7, null);
    expect(exact.edges).toHaveLength(7);
    expect(exact.pageInfo.hasNextPage).toBe(false);
  });

  it('starts after any edge cursor', async () => {
    const all = await page(100, null);
    const cursor = all.edges[1]?.cursor as string;
    const rest = await page(2, cursor);
    expect(rest.edges.map((e) => e.node.id)).toEqual(created.slice(2, 4).map((g) => g.id));
  });

  it('refuses a negative page size and a cursor it did not make', async () => {
    expectError(await api().gql(GRAPHS, { first: -1 }), 'BAD_USER_INPUT');
    expectError(await api().gql(GRAPHS, { first: 2, after: 'not-a-cursor' }), 'BAD_USER_INPUT');
  });
});
