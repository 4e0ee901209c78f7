import { expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import type { TestApp } from '../helpers/app.js';
import {
  CREATE_GRAPH,
  createGraph,
  describeBackends,
  expectError,
  expectNoStack,
  GRAPH,
  GRAPH_BY_NAME,
  GRAPHS,
  type GraphData,
  setStateGraph,
  toGraphInput,
  uniqueName,
} from './operations.js';

/** Every field a definition can carry: retry, timeout, loop bound, conditions, reducers, limits. */
function richGraph(): GraphDef {
  return {
    name: uniqueName('rich'),
    description: 'every option at once',
    nodes: [
      { id: 'seed', tool: 'set_state', config: { values: { n: 0, tags: ['seed'] } } },
      {
        id: 'flaky',
        tool: 'fail',
        config: { failTimes: 1, message: 'first try fails' },
        retry: { maxAttempts: 3, initialDelayMs: 10, backoff: 2, maxDelayMs: 100, jitter: false },
        timeoutMs: 5_000,
      },
      {
        id: 'count',
        tool: 'increment',
        config: { key: 'n', by: 2 },
        maxIterations: 3,
        onLimit: 'exit',
      },
      { id: 'done', tool: 'log', config: { message: 'n is {{n}}', level: 'info' } },
    ],
    edges: [
      { from: 'seed', to: 'flaky' },
      { from: 'flaky', to: 'count' },
      { from: 'count', to: 'count', when: 'state.n < 4' },
      { from: 'count', to: 'done', when: 'state.n >= 4' },
    ],
    entry: 'seed',
    state: {
      tags: { reducer: 'append', default: [] },
      total: { reducer: 'sum', default: 0 },
      meta: { reducer: 'merge', default: { source: 'api' } },
      best: { reducer: 'max' },
      worst: { reducer: 'min' },
      n: { reducer: 'replace' },
    },
    limits: { maxSteps: 100, maxDurationMs: 60_000 },
  };
}

/** One graph with one of each problem validation knows; their paths, in any order. */
const BROKEN: GraphDef = {
  name: 'broken',
  nodes: [
    { id: 'a', tool: 'no_such_tool' },
    { id: 'a', tool: 'set_state' },
    { id: 'b', tool: 'increment' },
    { id: 'c', tool: 'delay', config: { ms: -5 } },
  ],
  edges: [
    { from: 'a', to: 'ghost' },
    { from: 'a', to: 'b', when: 'state.x <' },
    { from: 'b', to: 'a', when: 'state.x < 3' },
    { from: 'a', to: 'c' },
  ],
  entry: 'nowhere',
};
const BROKEN_ISSUES = [
  { path: 'nodes[0].tool', code: 'UNKNOWN_TOOL' },
  { path: 'nodes[1].id', code: 'DUPLICATE_NODE_ID' },
  { path: expect.stringMatching(/^nodes\[3\]\.config/), code: 'INVALID_CONFIG' },
  { path: 'edges[0].to', code: 'UNKNOWN_NODE' },
  { path: 'edges[1].when', code: 'INVALID_CONDITION' },
  { path: 'entry', code: 'UNKNOWN_ENTRY' },
  { path: expect.stringMatching(/^nodes\[\d\]/), code: 'UNBOUNDED_CYCLE' },
];

async function graphCount(t: TestApp): Promise<number> {
  const data = await t.ok<{ graphs: { edges: unknown[] } }>(GRAPHS, { first: 1000 });
  return data.graphs.edges.length;
}

await describeBackends('createGraph', (api) => {
  it('stores a valid graph as version 1 and returns it', async () => {
    const def = setStateGraph();
    const graph = await createGraph(api(), def);
    expect(graph.id).toMatch(/\S/);
    expect(graph).toMatchObject({ name: def.name, latestVersion: 1, description: null });
    expect(graph.versions.map((v) => v.version)).toEqual([1]);
    expect(Date.parse(graph.createdAt)).not.toBeNaN();
    const read = await api().ok<{ graph: GraphData }>(GRAPH, { id: graph.id });
    expect(read.graph.id).toBe(graph.id);
  });

  it('round-trips a definition with retry, timeout, loop bound, conditions, reducers and limits', async () => {
    const def = richGraph();
    const created = await createGraph(api(), def);
    expect(created.definition).toEqual(def);
    expect(created.description).toBe(def.description);
    const { graph } = await api().ok<{ graph: GraphData }>(GRAPH, { id: created.id });
    expect(graph.definition).toEqual(def);
    expect(graph.versions[0]?.definition).toEqual(def);
  });

  it('drops unset optional fields instead of storing nulls', async () => {
    const def = setStateGraph();
    const input = {
      ...toGraphInput(def),
      description: null,
      limits: null,
      nodes: [{ id: 'set', tool: 'set_state', config: null, retry: null, timeoutMs: null }],
      edges: [],
    };
    const res = await api().ok<{ createGraph: GraphData }>(CREATE_GRAPH, { input });
    expect(res.createGraph.definition).toEqual({
      name: def.name,
      nodes: [{ id: 'set', tool: 'set_state' }],
      edges: [],
      entry: 'set',
    });
  });

  it('reports every problem of an invalid graph at once, each with a path', async () => {
    const def = { ...BROKEN, name: uniqueName('broken') };
    const res = await api().gql(CREATE_GRAPH, { input: toGraphInput(def) });
    const error = expectError(res, 'GRAPH_INVALID');
    expect(res.data).toBeNull();
    const issues = error.extensions?.issues as Array<{
      path: string;
      code: string;
      message: string;
    }>;
    expect(issues).toHaveLength(BROKEN_ISSUES.length);
    expect(issues).toEqual(
      expect.arrayContaining(BROKEN_ISSUES.map((i) => expect.objectContaining(i))),
    );
    for (const issue of issues) expect(issue.message, issue.path).toMatch(/\S/);
    // The message names the problems too, for clients that only show messages.
    expect(error.message).toContain('no_such_tool');
    expect(error.message).toContain('ghost');
  });

  it('reports an unconditional cycle and an unreachable node', async () => {
    const def: GraphDef = {
      name: uniqueName('cycle'),
      nodes: [
        { id: 'a', tool: 'set_state' },
        { id: 'b', tool: 'set_state' },
        { id: 'island', tool: 'set_state' },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
      entry: 'a',
    };
    const res = await api().gql(CREATE_GRAPH, { input: toGraphInput(def) });
    const issues = expectError(res, 'GRAPH_INVALID').extensions?.issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'nodes[2]', code: 'UNREACHABLE_NODE' }),
        expect.objectContaining({ code: 'UNCONDITIONAL_CYCLE' }),
      ]),
    );
  });

  it('stores nothing when the graph is invalid', async () => {
    const before = await graphCount(api());
    const def = { ...BROKEN, name: uniqueName('broken') };
    expectError(await api().gql(CREATE_GRAPH, { input: toGraphInput(def) }), 'GRAPH_INVALID');
    expect(await graphCount(api())).toBe(before);
    const byName = await api().ok<{ graphByName: null }>(GRAPH_BY_NAME, { name: def.name });
    expect(byName.graphByName).toBeNull();
  });

  it('refuses a name that is taken with GRAPH_NAME_TAKEN and keeps the first graph', async () => {
    const first = await createGraph(api(), setStateGraph({ first: true }));
    const before = await graphCount(api());
    const second = { ...setStateGraph({ second: true }), name: first.name };
    const res = await api().gql(CREATE_GRAPH, { input: toGraphInput(second) });
    const error = expectError(res, 'GRAPH_NAME_TAKEN');
    expect(error.extensions?.name).toBe(first.name);
    expect(await graphCount(api())).toBe(before);
    const { graphByName } = await api().ok<{ graphByName: GraphData }>(GRAPH_BY_NAME, {
      name: first.name,
    });
    expect(graphByName).toMatchObject({ id: first.id, latestVersion: 1 });
    expect(graphByName.definition.nodes[0]?.config).toEqual({ values: { first: true } });
  });

  it('rejects a literal of the wrong GraphQL type with a code and no stack', async () => {
    const res = await api().gql(
      `mutation { createGraph(input: { name: "x", nodes: "x", edges: [], entry: "a" }) { id } }`,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toContain('NodeInput');
    expectNoStack(res);
  });

  it('rejects a variable of the wrong type with BAD_USER_INPUT naming where it is', async () => {
    const input = toGraphInput({
      ...setStateGraph(),
      nodes: [{ id: 'set', tool: 'set_state', retry: { maxAttempts: 'three' as never } }],
    });
    const res = await api().gql(CREATE_GRAPH, { input });
    const error = expectError(res, 'BAD_USER_INPUT');
    expect(error.message).toContain('$input');
    expect(error.message).toContain('input.nodes[0].retry.maxAttempts');
    expect(res.data).toBeUndefined();
  });

  it('rejects a variable missing a required field, or an unknown enum value', async () => {
    const { entry: _, ...noEntry } = toGraphInput(setStateGraph());
    expectError(await api().gql(CREATE_GRAPH, { input: noEntry }), 'BAD_USER_INPUT');
    const badEnum = toGraphInput({
      ...setStateGraph(),
      state: { n: { reducer: 'average' as never } },
    });
    expectError(await api().gql(CREATE_GRAPH, { input: badEnum }), 'BAD_USER_INPUT');
    const notAList = { ...toGraphInput(setStateGraph()), edges: 'none' };
    expectError(await api().gql(CREATE_GRAPH, { input: notAList }), 'BAD_USER_INPUT');
  });
});
