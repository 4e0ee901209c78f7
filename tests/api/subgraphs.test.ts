import { expect, it } from 'vitest';
import type { GraphDef, NodeDef } from '../../src/engine/graph.js';
import { waitUntil } from '../helpers/app.js';
import {
  CANCEL_RUN,
  CREATE_GRAPH,
  createGraph,
  describeBackends,
  type EventData,
  type RunData,
  runToEnd,
  startRun,
  toGraphInput,
  UPDATE_GRAPH,
  uniqueName,
  waitForRun,
} from './operations.js';

const CHILDREN = `query($id: ID!) { run(id: $id) { children { id status origin parent { id } state } } }`;
const events = (run: RunData): EventData[] => run.events.edges.map((e) => e.node);
/** A sub-graph node as a client sends it: `graph`, no `tool`. */
const sub = (node: Record<string, unknown>) => node as unknown as NodeDef;

await describeBackends('sub-graphs', (api) => {
  it('runs a saved graph as a child run: inputs in, final state out, linked both ways', async () => {
    const t = api();
    const child: GraphDef = {
      name: uniqueName('child'),
      entry: 'double',
      nodes: [{ id: 'double', tool: 'increment', config: { key: 'n', by: 5 } }],
      edges: [],
    };
    await createGraph(t, child);
    const parent = await createGraph(t, {
      name: uniqueName('parent'),
      entry: 'seed',
      nodes: [
        { id: 'seed', tool: 'set_state', config: { values: { start: 2 } } },
        sub({
          id: 'sub',
          graph: child.name,
          inputs: { n: 'state.start' },
          output: { result: 'n' },
        }),
      ],
      edges: [{ from: 'seed', to: 'sub' }],
    });
    const run = await runToEnd(t, parent.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.state).toEqual({ start: 2, result: 7 });
    const started = events(run).find(
      (e) => e.type === 'CUSTOM' && (e.data as { name: string }).name === 'CHILD_RUN_STARTED',
    );
    const childId = (started?.data as { payload: { runId: string } } | undefined)?.payload.runId;
    const links = await t.ok<{
      run: {
        children: Array<{
          id: string;
          status: string;
          origin: string;
          parent: { id: string };
          state: unknown;
        }>;
      };
    }>(CHILDREN, { id: run.id });
    expect(links.run.children).toEqual([
      {
        id: childId,
        status: 'SUCCEEDED',
        origin: 'CHILD',
        parent: { id: run.id },
        state: { n: 7 },
      },
    ]);
  });

  it('cancelling the parent cancels the child; a failing child fails the node with its error', async () => {
    const t = api();
    const slow: GraphDef = {
      name: uniqueName('slow-child'),
      entry: 'wait',
      nodes: [{ id: 'wait', tool: 'delay', config: { ms: 60_000 } }],
      edges: [],
    };
    await createGraph(t, slow);
    const parent = await createGraph(t, {
      name: uniqueName('cancel-parent'),
      entry: 'sub',
      nodes: [sub({ id: 'sub', graph: slow.name })],
      edges: [],
    });
    const run = await startRun(t, parent.id);
    const childId = await waitUntil(async () => {
      const data = await t.ok<{ run: { children: Array<{ id: string; status: string }> } }>(
        CHILDREN,
        { id: run.id },
      );
      const c = data.run.children[0];
      return c && c.status === 'RUNNING' ? c.id : undefined;
    });
    await t.ok(CANCEL_RUN, { id: run.id });
    expect((await waitForRun(t, run.id)).status).toBe('CANCELLED');
    expect((await waitForRun(t, childId)).status).toBe('CANCELLED');

    const broken: GraphDef = {
      name: uniqueName('broken-child'),
      entry: 'x',
      nodes: [{ id: 'x', tool: 'fail', config: { message: 'child exploded', retryable: false } }],
      edges: [],
    };
    await createGraph(t, broken);
    const p2 = await createGraph(t, {
      name: uniqueName('fail-parent'),
      entry: 'sub',
      nodes: [sub({ id: 'sub', graph: broken.name })],
      edges: [],
    });
    const failed = await runToEnd(t, p2.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatchObject({ code: 'SUBGRAPH_FAILED' });
    expect(failed.error?.message).toContain('child exploded');
  });

  it('refuses unknown sub-graphs and graphs that call each other in a cycle, listing every problem', async () => {
    const t = api();
    const a = uniqueName('a');
    const b = uniqueName('b');
    const unknown = await t.gql(CREATE_GRAPH, {
      input: toGraphInput({
        name: a,
        entry: 's',
        nodes: [sub({ id: 's', graph: 'nope' })],
        edges: [],
      }),
    });
    expect(unknown.errors?.[0]?.extensions?.issues).toEqual([
      expect.objectContaining({ path: 'nodes[0].graph', code: 'UNKNOWN_GRAPH' }),
    ]);
    const ga = await createGraph(t, {
      name: a,
      entry: 's',
      nodes: [{ id: 's', tool: 'set_state', config: { values: {} } }],
      edges: [],
    });
    await createGraph(t, {
      name: b,
      entry: 's',
      nodes: [sub({ id: 's', graph: a })],
      edges: [],
    });
    const cycle = await t.gql(UPDATE_GRAPH, {
      id: ga.id,
      input: toGraphInput({
        name: a,
        entry: 's',
        nodes: [sub({ id: 's', graph: b })],
        edges: [],
      }),
    });
    expect(cycle.errors?.[0]?.extensions?.code).toBe('GRAPH_INVALID');
    expect(cycle.errors?.[0]?.extensions?.issues).toEqual([
      expect.objectContaining({
        path: 'nodes[0].graph',
        code: 'SUBGRAPH_CYCLE',
        message: expect.stringContaining(`${a} -> ${b} -> ${a}`),
      }),
    ]);
    const self = await t.gql(UPDATE_GRAPH, {
      id: ga.id,
      input: toGraphInput({
        name: a,
        entry: 's',
        nodes: [sub({ id: 's', graph: a })],
        edges: [],
      }),
    });
    expect(self.errors?.[0]?.extensions?.issues).toEqual([
      expect.objectContaining({ code: 'SUBGRAPH_CYCLE' }),
    ]);
  });
});
