import { expect, it } from 'vitest';
import type { GraphDef } from '../../src/engine/graph.js';
import {
  boundedLoop,
  branch,
  fanOutJoin,
  linear,
  resumable,
  retryExhausted,
} from '../fixtures/scenarios.js';
import type { TestApp } from '../helpers/app.js';
import {
  builtinGraph,
  createGraph,
  describeBackends,
  type EventData,
  getRun,
  type RunData,
  runToEnd,
  toGraphInput,
  UPDATE_GRAPH,
  uniqueName,
  waitForRun,
} from './operations.js';

const FORK = `mutation($id: ID!, $input: ForkRunInput!) { forkRun(runId: $id, input: $input) { id status origin parentSeq parent { id } } }`;
const RETRY = `mutation($id: ID!, $v: Int, $latest: Boolean) { retryRun(runId: $id, graphVersion: $v, latest: $latest) { id origin graphVersion } }`;

const events = (run: RunData): EventData[] => run.events.edges.map((e) => e.node);
const view = (e: EventData) => ({
  type: e.type,
  nodeId: e.nodeId,
  attempt: e.attempt,
  data: e.data,
});

async function fork(t: TestApp, runId: string, input: Record<string, unknown>) {
  const data = await t.ok<{
    forkRun: { id: string; origin: string; parentSeq: number; parent: { id: string } };
  }>(FORK, {
    id: runId,
    input,
  });
  return data.forkRun;
}

await describeBackends('forkRun and retryRun', (api) => {
  it('a fork from every node execution of every scenario ends like the source, re-running nothing before the cut', async () => {
    for (const make of [linear, fanOutJoin, branch, boundedLoop, resumable]) {
      const t = api();
      const scenario = make();
      const graph = await createGraph(t, builtinGraph(scenario));
      const source = await runToEnd(t, graph.id, scenario.input);
      expect(source.status, `${make.name}: ${JSON.stringify(source.error)}`).toBe('SUCCEEDED');
      const log = events(source);
      const firstStarts = log.filter((e) => e.type === 'NODE_STARTED' && e.attempt === 1) as Array<
        EventData & { nodeId: string; data: { iteration: number } }
      >;
      for (const start of firstStarts) {
        const forked = await fork(t, source.id, {
          fromNode: start.nodeId,
          iteration: start.data.iteration,
        });
        expect(forked).toMatchObject({
          origin: 'FORK',
          parentSeq: start.seq,
          parent: { id: source.id },
        });
        await waitForRun(t, forked.id);
        const run = await getRun(t, forked.id);
        const what = `${make.name} from ${start.nodeId}#${start.data.iteration}`;
        expect(run.status, what).toBe('SUCCEEDED');
        expect(run.state, what).toEqual(source.state);
        const copied = log.filter(
          (e) =>
            (e.seq < start.seq && !e.type.startsWith('RUN_')) ||
            (e.type === 'RUN_STARTED' && e.seq < start.seq),
        );
        const mine = events(run);
        expect(mine.slice(0, copied.length).map(view), what).toEqual(
          copied.map(view).map((e) => (e.type === 'RUN_STARTED' ? { ...e } : e)),
        );
        // Executions that succeeded before the cut never start again.
        const doneBefore = new Set(
          copied
            .filter((e) => e.type === 'NODE_SUCCEEDED')
            .map((e) => `${e.nodeId}:${(e.data as { iteration: number }).iteration}`),
        );
        const restarted = mine
          .slice(copied.length)
          .filter((e) => e.type === 'NODE_STARTED')
          .map((e) => `${e.nodeId}:${(e.data as { iteration: number }).iteration}`);
        for (const r of restarted) expect(doneBefore.has(r), `${what}: ${r} ran again`).toBe(false);
        expect(restarted, what).toContain(`${start.nodeId}:${start.data.iteration}`); // with the executions the cut interrupted
      }
    }
  }, 240_000);

  it('applies the state patch at the fork point, links parent and forks, and diffs the states', async () => {
    const t = api();
    const def: GraphDef = {
      name: uniqueName('fork-patch'),
      entry: 'seed',
      nodes: [
        { id: 'seed', tool: 'set_state', config: { values: { n: 1 } } },
        { id: 'bump', tool: 'increment', config: { key: 'n', by: 10 } },
      ],
      edges: [{ from: 'seed', to: 'bump' }],
    };
    const graph = await createGraph(t, def);
    const source = await runToEnd(t, graph.id);
    expect(source.state).toEqual({ n: 11 });
    const forked = await fork(t, source.id, {
      fromNode: 'bump',
      statePatch: { n: 100, note: 'edited' },
    });
    await waitForRun(t, forked.id);
    const run = await getRun(t, forked.id);
    expect(run.state).toEqual({ n: 110, note: 'edited' });
    expect(events(run).map((e) => e.type)).toContain('STATE_PATCHED');
    const links = await t.ok<{
      run: { forks: Array<{ id: string; origin: string }>; stateAt: unknown };
    }>(`query($id: ID!, $seq: Int!) { run(id: $id) { forks { id origin } stateAt(seq: $seq) } }`, {
      id: source.id,
      seq: forked.parentSeq - 1,
    });
    expect(links.run.forks).toEqual([{ id: forked.id, origin: 'FORK' }]);
    expect(links.run.stateAt).toEqual({ n: 1 }); // just before bump started
    const diff = await t.ok<{ stateDiff: Array<{ key: string; before: unknown; after: unknown }> }>(
      `query($a: ID!, $b: ID!) { stateDiff(from: { runId: $a }, to: { runId: $b }) { key before after } }`,
      { a: source.id, b: forked.id },
    );
    expect(diff.stateDiff).toEqual([
      { key: 'n', before: 11, after: 110 },
      { key: 'note', before: null, after: 'edited' },
    ]);
    const bad = await t.gql(FORK, { id: source.id, input: { fromNode: 'nope' } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('FORK_MISMATCH');
    const reserved = await t.gql(FORK, {
      id: source.id,
      input: { fromNode: 'bump', statePatch: { __proto__: 1, constructor: 2 } },
    });
    expect(reserved.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('forks onto another version, and refuses one that lacks the node', async () => {
    const t = api();
    const def: GraphDef = {
      name: uniqueName('fork-version'),
      entry: 'a',
      nodes: [
        { id: 'a', tool: 'set_state', config: { values: { x: 1 } } },
        { id: 'b', tool: 'set_state', config: { values: { y: 'v1' } } },
      ],
      edges: [{ from: 'a', to: 'b' }],
    };
    const graph = await createGraph(t, def);
    const source = await runToEnd(t, graph.id);
    const v2 = {
      ...def,
      nodes: [def.nodes[0]!, { id: 'b', tool: 'set_state', config: { values: { y: 'v2' } } }],
    };
    await t.ok(UPDATE_GRAPH, { id: graph.id, input: toGraphInput(v2) });
    const onLatest = await fork(t, source.id, { fromNode: 'b', latest: true });
    await waitForRun(t, onLatest.id);
    expect((await getRun(t, onLatest.id)).state).toEqual({ x: 1, y: 'v2' });
    const onOwn = await fork(t, source.id, { fromNode: 'b' });
    await waitForRun(t, onOwn.id);
    expect((await getRun(t, onOwn.id)).state).toEqual({ x: 1, y: 'v1' });
    const v3 = {
      ...def,
      nodes: [{ id: 'a', tool: 'set_state', config: { values: { x: 1 } } }],
      edges: [],
    };
    await t.ok(UPDATE_GRAPH, { id: graph.id, input: toGraphInput(v3) });
    const refused = await t.gql(FORK, { id: source.id, input: { fromNode: 'b', graphVersion: 3 } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORK_MISMATCH');
    expect(refused.errors?.[0]?.message).toContain('has no node "b"');
  });

  it('retries a failed run from what failed, keeping what succeeded, on the fixed version', async () => {
    const t = api();
    const def: GraphDef = {
      name: uniqueName('retry'),
      entry: 'a',
      nodes: [
        { id: 'a', tool: 'increment', config: { key: 'count', by: 1 } },
        { id: 'b', tool: 'fail', config: { message: 'broken step', retryable: false } },
        { id: 'c', tool: 'set_state', config: { values: { done: true } } },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
      ],
    };
    const graph = await createGraph(t, def);
    const failed = await runToEnd(t, graph.id);
    expect(failed.status).toBe('FAILED');
    const notYet = await t.gql(RETRY, { id: failed.id });
    expect(notYet.errors).toBeUndefined(); // retrying as it is: fails again the same way
    const again = await t.ok<{ retryRun: { id: string } }>(RETRY, { id: failed.id });
    await waitForRun(t, again.retryRun.id);
    expect((await getRun(t, again.retryRun.id)).status).toBe('FAILED');
    const fixed = {
      ...def,
      nodes: [
        def.nodes[0]!,
        { id: 'b', tool: 'set_state', config: { values: { fixed: true } } },
        def.nodes[2]!,
      ],
    };
    await t.ok(UPDATE_GRAPH, { id: graph.id, input: toGraphInput(fixed) });
    const retried = await t.ok<{ retryRun: { id: string; origin: string; graphVersion: number } }>(
      RETRY,
      { id: failed.id, latest: true },
    );
    expect(retried.retryRun).toMatchObject({ origin: 'RETRY', graphVersion: 2 });
    await waitForRun(t, retried.retryRun.id);
    const run = await getRun(t, retried.retryRun.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.state).toEqual({ count: 1, fixed: true, done: true }); // a ran once: count is 1
    const starts = events(run)
      .filter((e) => e.type === 'NODE_STARTED')
      .map((e) => [e.nodeId, e.attempt]);
    expect(starts).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const succeeded = await t.gql(RETRY, { id: run.id });
    expect(succeeded.errors?.[0]?.extensions?.code).toBe('RUN_NOT_RETRYABLE');
  });

  it('retries a run whose retries ran out, from attempt 1', async () => {
    const t = api();
    const graph = await createGraph(t, builtinGraph(retryExhausted()));
    const failed = await runToEnd(t, graph.id);
    expect(failed.status).toBe('FAILED');
    const retried = await t.ok<{ retryRun: { id: string } }>(RETRY, { id: failed.id });
    await waitForRun(t, retried.retryRun.id);
    const run = await getRun(t, retried.retryRun.id);
    const fresh = events(run).filter(
      (e) => e.seq > events(failed).length - 10 && e.type === 'NODE_STARTED',
    );
    expect(fresh.some((e) => e.attempt === 1)).toBe(true);
    expect(run.status).toBe('FAILED');
    expect(events(run).filter((e) => e.type === 'NODE_FAILED')).toHaveLength(1);
  });
});
