import { describe, expect, it } from 'vitest';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { replayEvents } from '../../../src/engine/fold/fold.js';
import { validateGraph } from '../../../src/engine/graph/validate.js';
import type { GraphDef } from '../../../src/engine/graph.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import { retryHistory } from '../../../src/runs/fork-history.js';
import { compile, createTestInbox, execute, tool, types, until } from './steps-helpers.js';

const mapGraph = (map: Record<string, unknown>, extra: Record<string, unknown> = {}): GraphDef =>
  ({
    name: 'g',
    nodes: [{ id: 'm', tool: 'work', map, output: 'results', ...extra }],
    edges: [],
    entry: 'm',
  }) as unknown as GraphDef;

const itemEvents = (events: RunEvent[], type: string) =>
  events.filter((e) => e.type === type).map((e) => e.data as { index: number });

describe('map nodes: a tool run once per item', () => {
  it('runs the tool per item, at most maxConcurrency at once, and gathers results in item order', async () => {
    let running = 0;
    let most = 0;
    const work = tool('work', async (ctx) => {
      running++;
      most = Math.max(most, running);
      const { n, index } = ctx.input as { n: number; index: number };
      // Later items finish first: the output is still in item order.
      await new Promise((r) => setTimeout(r, (10 - index) * 2));
      running--;
      return { doubled: n * 2, index, key: ctx.idempotencyKey, item: ctx.item };
    });
    const graph = compile(
      mapGraph(
        { over: 'state.numbers', as: 'x', maxConcurrency: 3 },
        { inputs: { n: 'x + 1', index: 'index' } },
      ),
      [work],
    );
    const { result, events } = await execute(graph, [], { input: { numbers: [1, 2, 3, 4, 5, 6] } });
    expect(result.status).toBe('SUCCEEDED');
    const results = result.state.results as Array<{ doubled: number; index: number; key: string }>;
    expect(results.map((r) => r.doubled)).toEqual([4, 6, 8, 10, 12, 14]);
    expect(results.map((r) => r.key)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `run-1:m:1:${i}`));
    expect(results[2]).toMatchObject({ item: { index: 2, value: 3 } });
    expect(most).toBe(3);
    expect(itemEvents(events, 'MAP_ITEM_STARTED').map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(itemEvents(events, 'MAP_ITEM_SUCCEEDED')).toHaveLength(6);
    expect(replayEvents(graph, events).status).toBe('SUCCEEDED');
  });

  it('gives the tool { item, index } when the node declares no inputs', async () => {
    const work = tool('work', (ctx) => ctx.input);
    const graph = compile(mapGraph({ over: 'state.words' }), [work]);
    const { result } = await execute(graph, [], { input: { words: ['a', 'b'] } });
    expect(result.state.results).toEqual([
      { item: 'a', index: 0 },
      { item: 'b', index: 1 },
    ]);
  });

  it('succeeds with an empty list and fails MAP_NOT_A_LIST on anything else', async () => {
    let calls = 0;
    const work = tool('work', () => ++calls);
    const graph = compile(mapGraph({ over: 'state.list' }), [work]);
    const empty = await execute(graph, [], { input: { list: [] } });
    expect(empty.result.status).toBe('SUCCEEDED');
    expect(empty.result.state.results).toEqual([]);
    const bad = await execute(graph, [], { input: { list: { a: 1 } } });
    expect(bad.result.status).toBe('FAILED');
    expect(bad.result.error).toMatchObject({ code: 'MAP_NOT_A_LIST', nodeId: 'm' });
    expect(calls).toBe(0);
  });

  it('retries an item on its own, with the node retry policy, and never re-runs the others', async () => {
    const calls: number[] = [];
    let failuresLeft = 2;
    const work = tool('work', (ctx) => {
      const { index } = ctx.input as { index: number };
      calls.push(index);
      if (index === 1 && failuresLeft-- > 0) throw new Error(`flaky ${ctx.attempt}`);
      return index * 10;
    });
    const graph = compile(
      mapGraph(
        { over: 'state.list', maxConcurrency: 1 },
        { retry: { maxAttempts: 3, initialDelayMs: 1 } },
      ),
      [work],
    );
    const { result, events } = await execute(graph, [], { input: { list: ['a', 'b', 'c'] } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.results).toEqual([0, 10, 20]);
    expect(calls).toEqual([0, 1, 1, 1, 2]);
    const retrying = events.filter((e) => e.type === 'MAP_ITEM_RETRYING');
    expect(retrying.map((e) => e.data)).toMatchObject([
      { index: 1, itemAttempt: 1, nextAttempt: 2, error: { message: 'flaky 1' } },
      { index: 1, itemAttempt: 2, nextAttempt: 3, error: { message: 'flaky 2' } },
    ]);
    // The node itself ran once.
    expect(types(events).filter((t) => t === 'NODE_STARTED')).toHaveLength(1);
  });

  it('fails the node with the item error when an item fails for good, without a node retry', async () => {
    const work = tool('work', (ctx) => {
      if ((ctx.input as { index: number }).index === 2) throw new Error('bad row');
      return 1;
    });
    const graph = compile(
      mapGraph(
        { over: 'state.list', maxConcurrency: 1 },
        { retry: { maxAttempts: 2, initialDelayMs: 1 } },
      ),
      [work],
    );
    const { result, events } = await execute(graph, [], { input: { list: [1, 2, 3, 4] } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({
      code: 'TOOL_FAILED',
      nodeId: 'm',
      details: { index: 2 },
    });
    expect(result.error?.message).toContain('Item 2');
    expect(itemEvents(events, 'MAP_ITEM_FAILED').map((d) => d.index)).toEqual([2]);
    expect(itemEvents(events, 'MAP_ITEM_STARTED').map((d) => d.index)).toEqual([0, 1, 2, 2]);
    expect(types(events).filter((t) => t === 'NODE_STARTED')).toHaveLength(1);
  });

  it('times out one item by timeoutMs and aborts its signal; the item is retried', async () => {
    const aborted: unknown[] = [];
    const work = tool('work', (ctx) => {
      const { index } = ctx.input as { index: number };
      if (index === 0 && ctx.attempt === 1)
        return new Promise((_, reject) => {
          ctx.signal.addEventListener('abort', () => {
            aborted.push(ctx.signal.reason);
            reject(ctx.signal.reason);
          });
        });
      return index;
    });
    const graph = compile(
      mapGraph(
        { over: 'state.list' },
        { timeoutMs: 20, retry: { maxAttempts: 2, initialDelayMs: 1 } },
      ),
      [work],
    );
    const { result, events } = await execute(graph, [], { input: { list: ['a', 'b'] } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.results).toEqual([0, 1]);
    expect(aborted).toMatchObject([{ code: 'TOOL_TIMEOUT' }]);
    expect(events.find((e) => e.type === 'MAP_ITEM_RETRYING')?.data).toMatchObject({
      index: 0,
      error: { code: 'TOOL_TIMEOUT', details: { index: 0 } },
    });
  });

  it('resumed after a crash, runs only the items that did not finish, at the attempt they were on', async () => {
    const calls: Array<[number, number]> = [];
    let crash = true;
    const work = tool('work', (ctx) => {
      const { index } = ctx.input as { index: number };
      calls.push([index, ctx.attempt]);
      if (crash && index >= 2) return new Promise(() => {}); // the process dies with these running
      return index * 100;
    });
    const graph = compile(mapGraph({ over: 'state.list', maxConcurrency: 2 }), [work]);
    const sink = createMemorySink();
    void executeRun({ runId: 'run-1', graph, sink, input: { list: [0, 1, 2, 3, 4] } });
    await until(() => sink.events.filter((e) => e.type === 'MAP_ITEM_STARTED').length === 4);
    const stored = [...sink.events];
    expect(itemEvents(stored, 'MAP_ITEM_SUCCEEDED').map((d) => d.index)).toEqual([0, 1]);
    calls.length = 0;
    crash = false;
    const resumed = await execute(graph, stored);
    expect(resumed.result.status).toBe('SUCCEEDED');
    expect(resumed.result.state.results).toEqual([0, 100, 200, 300, 400]);
    expect(calls).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(replayEvents(graph, resumed.log).status).toBe('SUCCEEDED');
  });

  it('waits for a person inside one item; the answer reaches that item and the others are not re-run', async () => {
    const calls: number[] = [];
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const work = tool('work', async (ctx) => {
      const { index } = ctx.input as { index: number };
      calls.push(index);
      if (index !== 1) return `auto ${index}`;
      const answer = await ctx.interrupt<{ ok: boolean }>({ prompt: 'approve item 1?', schema });
      return answer.ok ? 'approved' : 'rejected';
    });
    const graph = compile(mapGraph({ over: 'state.list' }), [work]);
    const first = await execute(graph, [], { input: { list: ['a', 'b', 'c'] } });
    expect(first.result.status).toBe('WAITING');
    const asked = first.events.find((e) => e.type === 'INTERRUPT_REQUESTED');
    expect(asked?.data).toMatchObject({ id: 'm:1:map:1:1', prompt: 'approve item 1?' });
    calls.length = 0;
    const inbox = createTestInbox();
    const answered = inbox.answer('m:1:map:1:1', { ok: true });
    const second = await execute(graph, first.log, { inbox });
    expect(await answered).toBe('ANSWERED');
    expect(second.result.status).toBe('SUCCEEDED');
    expect(second.result.state.results).toEqual(['auto 0', 'approved', 'auto 2']);
    expect(calls).toEqual([1]);
  });
});

describe('map nodes: resume at every cut point', () => {
  it('ends with the uninterrupted state, never re-running an item whose result is in the log', async () => {
    const make = () => {
      const calls: number[] = [];
      const work = tool('work', async (ctx) => {
        const { index } = ctx.input as { index: number };
        calls.push(index);
        await new Promise((r) => setImmediate(r));
        if (index === 3 && ctx.attempt === 1) throw new Error('flaky');
        return { index, square: index * index };
      });
      const graph = compile(
        {
          name: 'g',
          nodes: [
            { id: 'seed', tool: 'seed' },
            {
              id: 'm',
              tool: 'work',
              map: { over: 'state.list', maxConcurrency: 2 },
              retry: { maxAttempts: 2, initialDelayMs: 0, jitter: false },
              output: 'out',
            },
            { id: 'after', tool: 'seed' },
          ],
          edges: [
            { from: 'seed', to: 'm' },
            { from: 'm', to: 'after' },
          ],
          entry: 'seed',
        },
        [work, tool('seed', () => ({ list: [0, 1, 2, 3, 4, 5] }))],
      );
      return { graph, calls };
    };
    const full = make();
    const uninterrupted = await execute(full.graph);
    expect(uninterrupted.result.status).toBe('SUCCEEDED');
    for (let cut = 1; cut < uninterrupted.events.length; cut++) {
      const history = uninterrupted.events.slice(0, cut);
      const { graph, calls } = make();
      const resumed = await execute(graph, history);
      expect(resumed.result.status, `cut ${cut}`).toBe('SUCCEEDED');
      expect(resumed.result.state, `cut ${cut}`).toEqual(uninterrupted.result.state);
      const done = new Set(itemEvents(history, 'MAP_ITEM_SUCCEEDED').map((d) => d.index));
      for (const index of calls) expect(done.has(index), `cut ${cut}: item ${index}`).toBe(false);
      expect(resumed.events.map((e) => e.seq)).toEqual(resumed.events.map((_, i) => cut + 1 + i));
    }
  });
});

describe('map nodes: retryRun', () => {
  it('re-runs only the items that had no result; a failed node keeps its completed steps', async () => {
    const calls: number[] = [];
    let broken = true;
    const work = tool('work', async (ctx) => {
      const { index } = ctx.input as { index: number };
      calls.push(index);
      const fetched = await ctx.step('fetch', () => `fetched ${index}`);
      if (broken && index === 2) throw Object.assign(new Error('bad item'), { retryable: false });
      return fetched;
    });
    const graph = compile(mapGraph({ over: 'state.list', maxConcurrency: 1 }), [work]);
    const failed = await execute(graph, [], { input: { list: ['a', 'b', 'c', 'd'] } });
    expect(failed.result.status).toBe('FAILED');
    expect(calls).toEqual([0, 1, 2]);
    broken = false;
    calls.length = 0;
    const history = retryHistory(failed.log, 'run-1', 1_000);
    const retried = await execute(graph, history);
    expect(retried.result.status).toBe('SUCCEEDED');
    expect(retried.result.state.results).toEqual([
      'fetched 0',
      'fetched 1',
      'fetched 2',
      'fetched 3',
    ]);
    expect(calls).toEqual([2, 3]);
    // Item 2's recorded step came back from the log: one STEP_COMPLETED for it in all.
    const steps = retried.log.filter(
      (e) => e.type === 'STEP_COMPLETED' && (e.data as { name: string }).name === 'map:2/fetch',
    );
    expect(steps).toHaveLength(1);
  });
});

describe('map nodes: validation', () => {
  const tools = { get: (name: string) => (name === 'work' ? tool('work', () => 1) : undefined) };
  it('refuses a map without output, a bad over and a bad item name, each at its path', () => {
    const issues = validateGraph(
      {
        name: 'g',
        nodes: [
          { id: 'a', tool: 'work', map: { over: 'state.list' } },
          { id: 'b', tool: 'work', map: { over: 'state.(', as: 'index' }, output: 'x' },
          {
            id: 'c',
            tool: 'work',
            map: { over: 'state.l', as: 'row' },
            inputs: { v: 'row.x + missing' },
            output: 'y',
          },
        ],
        edges: [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'c' },
        ],
        entry: 'a',
      },
      tools,
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['nodes[0].output', 'INVALID_MAP'],
      ['nodes[1].map.over', 'INVALID_MAP'],
      ['nodes[1].map.as', 'INVALID_MAP'],
      ['nodes[2].inputs.v', 'INVALID_INPUT'],
    ]);
  });

  it('lets a map node read its item (as named) and index in inputs', () => {
    const issues = validateGraph(
      mapGraph({ over: 'state.l', as: 'row' }, { inputs: { v: 'row.x', i: 'index + 1' } }),
      tools,
    );
    expect(issues).toEqual([]);
  });
});
