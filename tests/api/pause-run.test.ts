import { expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import type { TestApp } from '../helpers/app.js';
import { waitUntil } from '../helpers/app.js';
import {
  CANCEL_RUN,
  CREATE_GRAPH,
  createGraph,
  delayGraph,
  describeBackends,
  expectError,
  getRun,
  type RunData,
  setStateGraph,
  startRun,
  toGraphInput,
  typesOf,
  uniqueName,
  waitForRun,
} from './operations.js';

const PAUSE_RUN = `mutation P($id: ID!) { pauseRun(id: $id) { id status lastSeq } }`;
const UNPAUSE_RUN = `mutation U($id: ID!) { unpauseRun(id: $id) { id status } }`;
const PAUSE_GRAPH = `mutation PG($id: ID!) { pauseGraph(id: $id) { id paused } }`;
const UNPAUSE_GRAPH = `mutation UG($id: ID!) { unpauseGraph(id: $id) { id paused } }`;
const FORK = `mutation F($id: ID!, $input: ForkRunInput!) { forkRun(runId: $id, input: $input) { id } }`;
const RESUME_RUN = `mutation R($runId: ID!, $interruptId: ID!, $value: JSON!) {
  resumeRun(runId: $runId, interruptId: $interruptId, value: $value) { id status }
}`;

type Status = { id: string; status: string; lastSeq?: number };
const pause = (t: TestApp, id: string) => t.gql<{ pauseRun: Status }>(PAUSE_RUN, { id });
const unpause = (t: TestApp, id: string) => t.gql<{ unpauseRun: Status }>(UNPAUSE_RUN, { id });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** a -> (b, c) -> d, each a `delay` of `ms`. */
function slowDiamond(ms: number): GraphDef {
  const node = (id: string) => ({ id, tool: 'delay', config: { ms, values: { [id]: true } } });
  return {
    name: uniqueName('slow-diamond'),
    nodes: ['a', 'b', 'c', 'd'].map(node),
    edges: [
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
      { from: 'b', to: 'd' },
      { from: 'c', to: 'd' },
    ],
    entry: 'a',
  };
}

async function waitForStart(t: TestApp, runId: string, nodeId: string): Promise<void> {
  await waitUntil(async () => {
    const run = await getRun(t, runId);
    return run.events.edges.some((e) => e.node.type === 'NODE_STARTED' && e.node.nodeId === nodeId)
      ? true
      : undefined;
  });
}

const startsOf = (run: RunData) =>
  run.events.edges.filter((e) => e.node.type === 'NODE_STARTED').map((e) => e.node.nodeId);

await describeBackends('pauseRun / unpauseRun', (api) => {
  it('pauses mid-run (running nodes finish, nothing starts while paused), then unpauses to success with each node run once', async () => {
    const graph = await createGraph(api(), slowDiamond(500));
    const updates = await api().app.runs.updates('default', graph.id);
    const { id } = await startRun(api(), graph.id);
    await waitForStart(api(), id, 'a');

    const paused = await pause(api(), id);
    expect(paused.errors).toBeUndefined();
    expect(paused.data?.pauseRun.status).toBe('PAUSED');
    const atPause = await getRun(api(), id);
    expect(atPause.status).toBe('PAUSED');
    // What was running finished (a; or b and c, when a ended before the pause came); d, due
    // after them, did not start.
    const before = startsOf(atPause);
    expect([['a'], ['a', 'b', 'c']]).toContainEqual(before);
    const succeeded = atPause.events.edges.filter((e) => e.node.type === 'NODE_SUCCEEDED');
    expect(succeeded.map((e) => e.node.nodeId)).toEqual(before);
    expect(typesOf(atPause).slice(-2)).toEqual(['NODE_SUCCEEDED', 'RUN_PAUSED']);
    expect(atPause.events.edges.at(-1)?.node.data).toEqual({ reason: 'user' });

    // Paused: nothing more happens, however long it stays so. A second pause adds nothing.
    await sleep(700);
    const later = await pause(api(), id);
    expect(later.data?.pauseRun).toMatchObject({ status: 'PAUSED', lastSeq: atPause.lastSeq });
    expect((await getRun(api(), id)).lastSeq).toBe(atPause.lastSeq);
    expect(api().app.runs.stats().active).toBe(0);

    const unpaused = await unpause(api(), id);
    expect(unpaused.errors).toBeUndefined();
    expect(unpaused.data?.unpauseRun.status).toBe('RUNNING');
    const done = await waitForRun(api(), id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.state).toEqual({ a: true, b: true, c: true, d: true });
    expect([...startsOf(done)].sort()).toEqual(['a', 'b', 'c', 'd']);
    const types = typesOf(done);
    const pausedAt = types.indexOf('RUN_PAUSED');
    expect(types[pausedAt + 1]).toBe('RUN_UNPAUSED');
    expect(types.filter((t) => t === 'RUN_PAUSED')).toHaveLength(1);

    // Subscribers saw the run PAUSED, then running again, then its end.
    const statuses: string[] = [];
    for (;;) {
      const next = await updates.next();
      if (next.done) break;
      if (next.value.id === id) statuses.push(next.value.status);
      if (next.value.id === id && next.value.status === 'SUCCEEDED') break;
    }
    await updates.return();
    expect(statuses).toContain('PAUSED');
    expect(statuses.slice(statuses.indexOf('PAUSED'))).toEqual(['PAUSED', 'RUNNING', 'SUCCEEDED']);
  });

  it('cancels a paused run: RUN_UNPAUSED then RUN_CANCELLED, nothing started', async () => {
    const graph = await createGraph(api(), slowDiamond(200));
    const { id } = await startRun(api(), graph.id);
    await waitForStart(api(), id, 'a');
    expect((await pause(api(), id)).data?.pauseRun.status).toBe('PAUSED');
    const cancelled = await api().ok<{ cancelRun: RunData }>(CANCEL_RUN, { id });
    expect(cancelled.cancelRun.status).toBe('CANCELLED');
    const run = await getRun(api(), id);
    expect(typesOf(run).slice(-3)).toEqual(['RUN_PAUSED', 'RUN_UNPAUSED', 'RUN_CANCELLED']);
    expect(startsOf(run)).toEqual(['a']);
  });

  it('forks a paused run from a node that ran: the fork runs to its end, the paused run stays paused', async () => {
    const graph = await createGraph(api(), slowDiamond(100));
    const { id } = await startRun(api(), graph.id);
    await waitForStart(api(), id, 'a');
    expect((await pause(api(), id)).data?.pauseRun.status).toBe('PAUSED');
    const fork = await api().ok<{ forkRun: { id: string } }>(FORK, {
      id,
      input: { fromNode: 'a' },
    });
    const forked = await waitForRun(api(), fork.forkRun.id);
    expect(forked.status).toBe('SUCCEEDED');
    expect(forked.state).toEqual({ a: true, b: true, c: true, d: true });
    expect((await getRun(api(), id)).status).toBe('PAUSED');
  });

  it('pauses a WAITING run: an answer is refused with RUN_PAUSED until it is unpaused', async () => {
    const graph = await createGraph(api(), {
      name: uniqueName('ask'),
      nodes: [
        {
          id: 'ask',
          tool: 'human_input',
          config: {
            output: 'ok',
            prompt: 'ok?',
            schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
          },
        },
      ],
      edges: [],
      entry: 'ask',
    });
    const { id } = await startRun(api(), graph.id);
    await waitForRun(api(), id, ['WAITING']);
    expect((await pause(api(), id)).data?.pauseRun.status).toBe('PAUSED');
    const refused = await api().gql(RESUME_RUN, {
      runId: id,
      interruptId: 'ask:1:1',
      value: { ok: true },
    });
    expect(expectError(refused, 'RUN_PAUSED').message).toMatch(/unpause it/);
    expect((await unpause(api(), id)).data?.unpauseRun.status).toBe('RUNNING');
    await waitForRun(api(), id, ['WAITING']);
    const answered = await api().gql(RESUME_RUN, {
      runId: id,
      interruptId: 'ask:1:1',
      value: { ok: true },
    });
    expect(answered.errors).toBeUndefined();
    const done = await waitForRun(api(), id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.state).toEqual({ ok: { ok: true } });
  });

  it('a paused run keeps its concurrency key: the next run with it waits (and cannot be paused) until the paused one ends', async () => {
    const def: GraphDef = {
      name: uniqueName('keyed'),
      nodes: [
        { id: 'a', tool: 'delay', config: { ms: 300 } },
        { id: 'b', tool: 'delay', config: { ms: 60_000 } },
      ],
      edges: [{ from: 'a', to: 'b' }],
      entry: 'a',
    };
    const input = {
      ...toGraphInput(def),
      concurrency: { key: 'state.customer', onConflict: 'ENQUEUE' },
    };
    const graphId = (await api().ok<{ createGraph: { id: string } }>(CREATE_GRAPH, { input }))
      .createGraph.id;
    const first = await startRun(api(), graphId, { customer: 'c1' });
    await waitForStart(api(), first.id, 'a');
    expect((await pause(api(), first.id)).data?.pauseRun.status).toBe('PAUSED');
    const second = await startRun(api(), graphId, { customer: 'c1' });
    expect(second.status).toBe('QUEUED');
    expectError(await pause(api(), second.id), 'RUN_NOT_PAUSABLE');
    await sleep(1_200);
    expect((await getRun(api(), second.id)).status).toBe('QUEUED');
    await api().ok(CANCEL_RUN, { id: first.id });
    await waitForStart(api(), second.id, 'a');
    await api().ok(CANCEL_RUN, { id: second.id });
  });

  it('answers stable error codes: RUN_NOT_ACTIVE, RUN_NOT_PAUSED, NOT_FOUND', async () => {
    const graph = await createGraph(api(), setStateGraph());
    const { id } = await startRun(api(), graph.id);
    await waitForRun(api(), id);
    expect(expectError(await pause(api(), id), 'RUN_NOT_ACTIVE').message).toMatch(/succeeded/);
    expect(expectError(await unpause(api(), id), 'RUN_NOT_PAUSED').message).toMatch(
      /is succeeded, not paused/,
    );
    const slow = await createGraph(api(), delayGraph(60_000));
    const running = await startRun(api(), slow.id);
    await waitForStart(api(), running.id, 'wait');
    expect(
      expectError(await unpause(api(), running.id), 'RUN_NOT_PAUSED').extensions,
    ).toMatchObject({ status: 'RUNNING' });
    await api().ok(CANCEL_RUN, { id: running.id });
    for (const call of [pause, unpause])
      expectError(await call(api(), '0190a0a0-0000-7000-8000-000000000000'), 'NOT_FOUND');
  });
});

await describeBackends('pauseGraph / unpauseGraph', (api) => {
  it('holds a new run QUEUED while the graph is paused; unpausing runs it', async () => {
    const graph = await createGraph(api(), setStateGraph({ done: true }));
    const paused = await api().ok<{ pauseGraph: { paused: boolean } }>(PAUSE_GRAPH, {
      id: graph.id,
    });
    expect(paused.pauseGraph.paused).toBe(true);
    const run = await startRun(api(), graph.id);
    expect(run.status).toBe('QUEUED');
    // Longer than the orphan scan (RUN_LEASE_MS / 2): no server claims it.
    await sleep(1_500);
    const held = await getRun(api(), run.id);
    expect(held).toMatchObject({ status: 'QUEUED', lastSeq: 0 });

    const unpaused = await api().ok<{ unpauseGraph: { paused: boolean } }>(UNPAUSE_GRAPH, {
      id: graph.id,
    });
    expect(unpaused.unpauseGraph.paused).toBe(false);
    const done = await waitForRun(api(), run.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', state: { done: true } });
  });

  it('pauses a run no server has taken yet (its graph paused): it begins PAUSED when taken, nothing started', async () => {
    const graph = await createGraph(api(), setStateGraph({ done: true }));
    await api().ok(PAUSE_GRAPH, { id: graph.id });
    const run = await startRun(api(), graph.id);
    const asked = await pause(api(), run.id);
    expect(asked.data?.pauseRun.status).toBe('QUEUED');
    await api().ok(UNPAUSE_GRAPH, { id: graph.id });
    const paused = await waitForRun(api(), run.id, ['PAUSED']);
    expect(typesOf(paused)).toEqual(['RUN_STARTED', 'RUN_PAUSED']);
    expect((await unpause(api(), run.id)).data?.unpauseRun.status).toBe('RUNNING');
    expect(await waitForRun(api(), run.id)).toMatchObject({
      status: 'SUCCEEDED',
      state: { done: true },
    });
  });

  it('does not pause the runs already executing', async () => {
    const graph = await createGraph(api(), delayGraph(400, { slow: true }));
    const run = await startRun(api(), graph.id);
    await waitForStart(api(), run.id, 'wait');
    await api().ok(PAUSE_GRAPH, { id: graph.id });
    expect((await waitForRun(api(), run.id)).status).toBe('SUCCEEDED');
    await api().ok(UNPAUSE_GRAPH, { id: graph.id });
  });

  it('answers NOT_FOUND for an unknown graph', async () => {
    const res = await api().gql(PAUSE_GRAPH, { id: 'no-such-graph' });
    expectError(res, 'NOT_FOUND');
  });
});

// One run at a time, so a second run waits QUEUED in the server's memory for as long as the first runs.
await describeBackends(
  'pauseGraph of runs queued in memory',
  (api) => {
    it('hands a run queued here back to the store: it does not start when a slot frees, only after unpauseGraph', async () => {
      const blocker = await startRun(api(), (await createGraph(api(), delayGraph(60_000))).id);
      await waitForStart(api(), blocker.id, 'wait');
      const graph = await createGraph(api(), setStateGraph({ held: true }));
      const queued = await startRun(api(), graph.id);
      expect(queued.status).toBe('QUEUED');
      expect(api().app.runs.stats().queued).toBe(1);
      await api().ok(PAUSE_GRAPH, { id: graph.id });
      await waitUntil(async () => (api().app.runs.stats().queued === 0 ? true : undefined));
      await api().ok(CANCEL_RUN, { id: blocker.id });
      await sleep(1_500);
      expect(await getRun(api(), queued.id)).toMatchObject({ status: 'QUEUED', lastSeq: 0 });
      await api().ok(UNPAUSE_GRAPH, { id: graph.id });
      expect(await waitForRun(api(), queued.id)).toMatchObject({
        status: 'SUCCEEDED',
        state: { held: true },
      });
    });
  },
  { MAX_CONCURRENT_RUNS: '1' },
);
