import { describe, expect, it } from 'vitest';
import { createMemorySink } from '../../../src/engine/events.js';
import { replayEvents } from '../../../src/engine/fold/fold.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import { compile, execute, tool, types, until } from './steps-helpers.js';

const oneNode = (toolName: string, retry?: { maxAttempts: number }) => ({
  name: 'g',
  nodes: [
    { id: 'a', tool: toolName, ...(retry ? { retry: { ...retry, initialDelayMs: 1 } } : {}) },
  ],
  edges: [],
  entry: 'a',
});

describe('ctx.step: recorded steps', () => {
  it('records each completed step and, resumed after a crash, returns them without calling fn again', async () => {
    const calls: string[] = [];
    let crash = true;
    const t = tool('stepper', async (ctx) => {
      const a = await ctx.step('first', () => {
        calls.push('first');
        return { n: 1, at: new Date(0) };
      });
      const b = await ctx.step('second', async () => {
        calls.push('second');
        return 2;
      });
      if (crash) return new Promise(() => {}); // the process "dies" here
      return { a, b };
    });
    const graph = compile(oneNode('stepper'), [t]);
    // Run until both steps are recorded: that is the log a crash leaves.
    const sink = createMemorySink();
    void executeRun({ runId: 'run-1', graph, sink });
    await until(() => sink.events.filter((e) => e.type === 'STEP_COMPLETED').length === 2);
    const stored = [...sink.events];
    expect(types(stored)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED',
      'STEP_COMPLETED',
      'STEP_COMPLETED',
    ]);
    expect(stored[2]).toMatchObject({
      nodeId: 'a',
      attempt: 1,
      data: { name: 'first', n: 1, result: { n: 1, at: '1970-01-01T00:00:00.000Z' } },
    });
    calls.length = 0;
    crash = false;
    const resumed = await execute(graph, stored);
    expect(calls).toEqual([]);
    expect(resumed.result.status).toBe('SUCCEEDED');
    // What the step returned the first time is the JSON copy, the same as on replay.
    expect(resumed.result.state).toEqual({ a: { n: 1, at: '1970-01-01T00:00:00.000Z' }, b: 2 });
    expect(replayEvents(graph, resumed.log).status).toBe('SUCCEEDED');
  });

  it('gives the n-th call of a name its own record', async () => {
    let runs = 0;
    const t = tool('loop', async (ctx) => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) out.push(await ctx.step('fetch', () => ++runs));
      return { out };
    });
    const { result, events } = await execute(compile(oneNode('loop'), [t]));
    expect(result.state).toEqual({ out: [1, 2, 3] });
    expect(events.filter((e) => e.type === 'STEP_COMPLETED').map((e) => e.data)).toEqual([
      { iteration: 1, name: 'fetch', n: 1, result: 1 },
      { iteration: 1, name: 'fetch', n: 2, result: 2 },
      { iteration: 1, name: 'fetch', n: 3, result: 3 },
    ]);
  });

  it('keeps completed steps across retries of one activation; a failing fn is not recorded', async () => {
    const calls: string[] = [];
    let failures = 1;
    const t = tool('flaky', async (ctx) => {
      await ctx.step('charge', () => void calls.push('charge'));
      await ctx.step('notify', () => {
        calls.push('notify');
        if (failures-- > 0) throw new Error('mail server down');
        return 'sent';
      });
      return { done: true };
    });
    const { result, events } = await execute(compile(oneNode('flaky', { maxAttempts: 2 }), [t]));
    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['charge', 'notify', 'notify']);
    expect(types(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED',
      'STEP_COMPLETED',
      'NODE_RETRYING',
      'NODE_STARTED',
      'STEP_COMPLETED',
      'NODE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
  });

  it('starts over in a new activation of the node (a loop iteration)', async () => {
    let calls = 0;
    const t = tool('count', async (ctx) => ({
      n: await ctx.step('call', () => ++calls),
    }));
    const graph = compile(
      {
        name: 'loop',
        nodes: [{ id: 'a', tool: 'count', maxIterations: 3, onLimit: 'exit' }],
        edges: [{ from: 'a', to: 'a', when: 'state.n < 3' }],
        entry: 'a',
      },
      [t],
    );
    const { result } = await execute(graph);
    expect(result.state).toEqual({ n: 3 });
    expect(calls).toBe(3);
  });

  it('fails the attempt when a step returns something that is not JSON', async () => {
    const t = tool('bad', async (ctx) => {
      await ctx.step('big', () => 10n);
    });
    const { result } = await execute(compile(oneNode('bad'), [t]));
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toMatch(/ctx.step\("big"\) returned a value that is not JSON/);
  });
});
