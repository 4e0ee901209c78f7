import { beforeAll, expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import {
  createGraph,
  describeBackends,
  type EventData,
  expectError,
  type GraphData,
  type Page,
  RUN,
  RUN_EVENTS,
  RUNS,
  type RunData,
  START_RUN,
  setStateGraph,
  startRun,
  typesOf,
  uniqueName,
  waitForRun,
  walkPages,
} from './operations.js';

/** slow (a 2 s delay) -> a -> b (logs): a run that is still going when startRun returns. */
function slowGraph(): GraphDef {
  return {
    name: uniqueName('slow'),
    nodes: [
      { id: 'slow', tool: 'delay', config: { ms: 2_000, values: { slow: true } } },
      { id: 'a', tool: 'set_state', config: { values: { a: 1 } } },
      { id: 'b', tool: 'log', config: { message: 'a is {{a}}' } },
    ],
    edges: [
      { from: 'slow', to: 'a' },
      { from: 'a', to: 'b' },
    ],
    entry: 'slow',
  };
}

const EXPECTED_TIMELINE = [
  'RUN_STARTED',
  'NODE_STARTED slow',
  'NODE_SUCCEEDED slow',
  'NODE_STARTED a',
  'NODE_SUCCEEDED a',
  'NODE_STARTED b',
  'LOG b',
  'NODE_SUCCEEDED b',
  'RUN_SUCCEEDED',
];

await describeBackends('startRun and run', (api) => {
  let graph: GraphData;
  let started: Awaited<ReturnType<typeof startRun>>;
  let run: RunData;
  beforeAll(async () => {
    graph = await createGraph(api(), slowGraph());
    started = await startRun(api(), graph.id, { x: 1 });
    run = await waitForRun(api(), started.id);
  });

  const events = async (vars: { first?: number; after?: string | null; afterSeq?: number }) =>
    (await api().ok<{ run: { events: Page<EventData> } }>(RUN_EVENTS, { id: run.id, ...vars })).run
      .events;

  it('returns at once, before the run has ended', () => {
    expect(['QUEUED', 'RUNNING']).toContain(started.status);
    expect(started.finishedAt).toBeNull();
    expect(started.graphVersion).toBe(1);
  });

  it('runs to SUCCEEDED with the input folded into the final state', () => {
    expect(run.status).toBe('SUCCEEDED');
    expect(run.error).toBeNull();
    expect(run.input).toEqual({ x: 1 });
    expect(run.state).toEqual({ x: 1, slow: true, a: 1 });
    expect(run.graph).toEqual({ id: graph.id, name: graph.name });
    expect(run.graphVersion).toBe(1);
  });

  it('stamps createdAt <= startedAt <= finishedAt', () => {
    const created = Date.parse(run.createdAt);
    const startedAt = Date.parse(run.startedAt ?? '');
    const finishedAt = Date.parse(run.finishedAt ?? '');
    expect(startedAt).toBeGreaterThanOrEqual(created);
    expect(finishedAt).toBeGreaterThanOrEqual(startedAt);
  });

  it('lists each node execution with status, attempts and duration', () => {
    expect(run.nodes.map((n) => n.nodeId).sort()).toEqual(['a', 'b', 'slow']);
    for (const node of run.nodes) {
      expect(node, node.nodeId).toMatchObject({ status: 'SUCCEEDED', attempts: 1, iteration: 1 });
      expect(node.error).toBeNull();
      expect(node.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(node.finishedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(node.startedAt ?? ''),
      );
    }
    // The delay really waited (a lower bound only: nothing here depends on speed).
    expect(run.nodes.find((n) => n.nodeId === 'slow')?.durationMs).toBeGreaterThanOrEqual(1_000);
  });

  it('records the event timeline in order, RUN_STARTED first and RUN_SUCCEEDED last', () => {
    const timeline = run.events.edges.map(({ node: e }) =>
      e.nodeId ? `${e.type} ${e.nodeId}` : e.type,
    );
    expect(timeline).toEqual(EXPECTED_TIMELINE);
    const seqs = run.events.edges.map((e) => e.node.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(run.lastSeq).toBe(seqs.length);
    const log = run.events.edges.find((e) => e.node.type === 'LOG')?.node;
    expect(log?.data).toMatchObject({ level: 'info', message: 'a is 1' });
    const succeeded = run.events.edges.find((e) => e.node.type === 'NODE_SUCCEEDED')?.node;
    expect(succeeded).toMatchObject({ nodeId: 'slow', attempt: 1 });
    expect(succeeded?.data).toMatchObject({ patch: { slow: true } });
  });

  it('pages through events with first/after, without gaps or repeats', async () => {
    const { nodes, pages } = await walkPages((after) => events({ first: 2, after }));
    expect(pages).toBe(Math.ceil(EXPECTED_TIMELINE.length / 2));
    expect(nodes.map((e) => e.seq)).toEqual(run.events.edges.map((e) => e.node.seq));
    expect(new Set(nodes.map((e) => e.runId))).toEqual(new Set([run.id]));
  });

  it('filters events with afterSeq, alone and with paging', async () => {
    const after4 = await events({ first: 100, afterSeq: 4 });
    expect(after4.edges.map((e) => e.node.seq)).toEqual([5, 6, 7, 8, 9]);
    const paged = await walkPages((after) => events({ first: 2, after, afterSeq: 6 }));
    expect(paged.nodes.map((e) => e.seq)).toEqual([7, 8, 9]);
    const none = await events({ first: 10, afterSeq: run.lastSeq });
    expect(none.edges).toEqual([]);
    expect(none.pageInfo.hasNextPage).toBe(false);
  });

  it('starts a run with no input as an empty state', async () => {
    const simple = await createGraph(api(), setStateGraph({ done: true }));
    const noInput = await waitForRun(api(), (await startRun(api(), simple.id)).id);
    expect(noInput.input).toEqual({});
    expect(noInput.state).toEqual({ done: true });
    expect(typesOf(noInput)[0]).toBe('RUN_STARTED');
  });

  it('answers NOT_FOUND for an unknown graph', async () => {
    const res = await api().gql(START_RUN, { graphId: 'no-such-graph', input: {} });
    expect(expectError(res, 'NOT_FOUND').message).toContain('no-such-graph');
    expect(res.data).toBeNull();
  });

  it('refuses input that is not a JSON object and stores no run', async () => {
    const target = await createGraph(api(), setStateGraph());
    for (const input of [5, 'x', [1], true]) {
      const res = await api().gql(START_RUN, { graphId: target.id, input });
      expect(expectError(res, 'BAD_USER_INPUT').message, JSON.stringify(input)).toContain(
        'JSON object',
      );
    }
    // The same as literals in the document.
    const literal = await api().gql(
      `mutation { startRun(graphId: "${target.id}", input: [1, 2]) { id } }`,
    );
    expectError(literal, 'BAD_USER_INPUT');
    const runs = await api().ok<{ runs: Page<unknown> }>(RUNS, { graphId: target.id });
    expect(runs.runs.edges).toEqual([]);
  });

  it('answers null for an unknown run id', async () => {
    expect((await api().ok<{ run: null }>(RUN, { id: 'no-such-run' })).run).toBeNull();
  });
});
