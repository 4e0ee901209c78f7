import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/engine/events.js';
import { replayEvents } from '../../../src/engine/fold/fold.js';
import { compile, createTestInbox, execute, tool, types } from './steps-helpers.js';

const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };

describe('ctx.interrupt: waiting for a person', () => {
  it('suspends the run (WAITING) and, answered, re-runs the node without repeating its steps', async () => {
    const calls: string[] = [];
    const t = tool('approve', async (ctx) => {
      const draft = await ctx.step('draft', () => {
        calls.push('draft');
        return 'a reply';
      });
      const answer = await ctx.interrupt<{ ok: boolean }>({ prompt: `Send "${draft}"?`, schema });
      calls.push(`answer:${answer.ok}`);
      return { sent: answer.ok };
    });
    const graph = compile(
      { name: 'g', nodes: [{ id: 'a', tool: 'approve' }], edges: [], entry: 'a' },
      [t],
    );
    const first = await execute(graph);
    expect(first.result.status).toBe('WAITING');
    expect(types(first.events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED',
      'STEP_COMPLETED',
      'INTERRUPT_REQUESTED',
      'RUN_SUSPENDED',
    ]);
    expect(first.events[3]).toMatchObject({
      nodeId: 'a',
      data: { id: 'a:1:1', prompt: 'Send "a reply"?', schema, hasDefault: false },
    });
    expect(first.events[4]).toMatchObject({ data: { interrupts: ['a:1:1'] } });

    const inbox = createTestInbox();
    const outcome = inbox.answer('a:1:1', { ok: true });
    const second = await execute(graph, first.log, { inbox });
    expect(await outcome).toBe('ANSWERED');
    expect(second.result).toMatchObject({ status: 'SUCCEEDED', state: { sent: true } });
    expect(types(second.events)).toEqual([
      'RUN_RESUMED',
      'INTERRUPT_ANSWERED',
      'NODE_STARTED',
      'NODE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
    expect(calls).toEqual(['draft', 'answer:true']);
    expect(replayEvents(graph, second.log).status).toBe('SUCCEEDED');
  });

  it('answers two interrupts of parallel branches in either order; the other branch goes on meanwhile', async () => {
    for (const order of [
      ['left:1:1', 'right:1:1'],
      ['right:1:1', 'left:1:1'],
    ]) {
      const ask = tool('ask', async (ctx) => {
        const v = await ctx.interrupt<{ ok: boolean }>({ prompt: ctx.nodeId, schema });
        return { [ctx.nodeId]: v.ok };
      });
      const graph = compile(
        {
          name: 'g',
          nodes: [
            { id: 'start', tool: 'noop' },
            { id: 'left', tool: 'ask' },
            { id: 'right', tool: 'ask' },
            { id: 'join', tool: 'noop' },
          ],
          edges: [
            { from: 'start', to: 'left' },
            { from: 'start', to: 'right' },
            { from: 'left', to: 'join' },
            { from: 'right', to: 'join' },
          ],
          entry: 'start',
        },
        [ask, tool('noop', () => undefined)],
      );
      const first = await execute(graph);
      expect(first.result.status).toBe('WAITING');
      expect(first.events.at(-1)).toMatchObject({
        data: { interrupts: ['left:1:1', 'right:1:1'] },
      });

      const inbox1 = createTestInbox();
      const o1 = inbox1.answer(order[0]!, { ok: true });
      const second = await execute(graph, first.log, { inbox: inbox1 });
      expect(await o1).toBe('ANSWERED');
      expect(second.result.status).toBe('WAITING');
      expect(second.events.at(-1)).toMatchObject({ data: { interrupts: [order[1]] } });

      const inbox2 = createTestInbox();
      const again = inbox2.answer(order[0]!, { ok: false });
      const o2 = inbox2.answer(order[1]!, { ok: false });
      const third = await execute(graph, second.log, { inbox: inbox2 });
      expect(await again).toBe('UNKNOWN'); // its node finished: the answer is in the log
      expect(await o2).toBe('ANSWERED');
      const [a, b] = order.map((id) => id.split(':')[0]!);
      expect(third.result).toMatchObject({
        status: 'SUCCEEDED',
        state: { [a!]: true, [b!]: false },
      });
      expect(
        third.log.filter((e) => e.type === 'NODE_SUCCEEDED' && e.nodeId === 'join'),
      ).toHaveLength(1);
    }
  });

  it('settles an answer in place while the run is still live, and refuses a second answer', async () => {
    let release: () => void = () => {};
    const slow = tool('slow', () =>
      new Promise<void>((r) => (release = r)).then(() => ({ slow: 1 })),
    );
    const ask = tool('ask', async (ctx) => {
      const a = await ctx.interrupt<{ ok: boolean }>({ prompt: 'first?', schema });
      const b = await ctx.interrupt<{ ok: boolean }>({ prompt: 'second?', schema });
      return { ask: [a.ok, b.ok] };
    });
    const graph = compile(
      {
        name: 'g',
        nodes: [
          { id: 'root', tool: 'noop' },
          { id: 'ask', tool: 'ask' },
          { id: 'slow', tool: 'slow' },
        ],
        edges: [
          { from: 'root', to: 'ask' },
          { from: 'root', to: 'slow' },
        ],
        entry: 'root',
      },
      [ask, slow, tool('noop', () => undefined)],
    );
    const inbox = createTestInbox();
    const running = execute(graph, [], { inbox });
    expect(await inbox.answer('ask:1:1', { ok: true })).toBe('ANSWERED');
    expect(await inbox.answer('ask:1:1', { ok: false })).toBe('ALREADY_ANSWERED');
    expect(await inbox.answer('nope', { ok: false })).toBe('UNKNOWN');
    expect(await inbox.answer('ask:1:2', { ok: false })).toBe('ANSWERED');
    release();
    const { result, events } = await running;
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { ask: [true, false], slow: 1 } });
    // Answered while the attempt ran: it went on, it was not started again.
    expect(events.filter((e) => e.type === 'NODE_STARTED' && e.nodeId === 'ask')).toHaveLength(1);
  });

  it('continues with the default, or fails the node, when the interrupt times out; both are recorded', async () => {
    let now = 1_000;
    const make = (withDefault: boolean) =>
      compile({ name: 'g', nodes: [{ id: 'a', tool: 'ask' }], edges: [], entry: 'a' }, [
        tool('ask', async (ctx) => ({
          v: await ctx.interrupt({
            prompt: 'ok?',
            schema,
            timeoutMs: 500,
            ...(withDefault ? { default: { ok: false } } : {}),
          }),
        })),
      ]);
    for (const withDefault of [true, false]) {
      const graph = make(withDefault);
      const first = await execute(graph, [], { now: () => now });
      expect(first.events.at(-1)).toMatchObject({
        type: 'RUN_SUSPENDED',
        data: { wakeAt: now + 500 },
      });
      now += 600;
      const woken = await execute(graph, first.log, { now: () => now });
      const timedOut = woken.events.find((e) => e.type === 'INTERRUPT_TIMED_OUT') as RunEvent;
      expect(timedOut).toMatchObject({ data: { id: 'a:1:1' } });
      if (withDefault) {
        expect(timedOut.data).toMatchObject({ value: { ok: false } });
        expect(woken.result).toMatchObject({ status: 'SUCCEEDED', state: { v: { ok: false } } });
      } else {
        expect(woken.result.status).toBe('FAILED');
        expect(woken.result.error).toMatchObject({ code: 'INTERRUPT_TIMEOUT', nodeId: 'a' });
      }
    }
  });

  it('times out a live interrupt with its timer', async () => {
    const graph = compile(
      {
        name: 'g',
        nodes: [
          { id: 'root', tool: 'noop' },
          { id: 'a', tool: 'ask' },
          { id: 'busy', tool: 'busy' },
        ],
        edges: [
          { from: 'root', to: 'a' },
          { from: 'root', to: 'busy' },
        ],
        entry: 'root',
      },
      [
        tool('noop', () => undefined),
        tool('busy', () => new Promise((r) => setTimeout(r, 200)).then(() => ({}))),
        tool('ask', async (ctx) => ({
          v: await ctx.interrupt({ prompt: 'ok?', schema, timeoutMs: 5, default: 'dflt' }),
        })),
      ],
    );
    const { result, events } = await execute(graph);
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { v: 'dflt' } });
    expect(types(events)).toContain('INTERRUPT_TIMED_OUT');
    expect(types(events)).not.toContain('RUN_SUSPENDED');
  });

  it('cancels a suspended run: its waiting node is recorded skipped', async () => {
    const graph = compile({ name: 'g', nodes: [{ id: 'a', tool: 'ask' }], edges: [], entry: 'a' }, [
      tool('ask', (ctx) => ctx.interrupt({ prompt: 'ok?', schema })),
    ]);
    const first = await execute(graph);
    const { createMemorySink } = await import('../../../src/engine/events.js');
    const { executeRun } = await import('../../../src/engine/live/executor.js');
    const sink = createMemorySink();
    const controller = new AbortController();
    controller.abort('cancelled by user');
    const result = await executeRun({
      runId: 'run-1',
      graph,
      sink,
      history: first.log,
      signal: controller.signal,
    });
    expect(result.status).toBe('CANCELLED');
    expect(types(sink.events)).toEqual(['RUN_RESUMED', 'NODE_SKIPPED', 'RUN_CANCELLED']);
  });

  it('resumes after a crash with the interrupt pending: the node waits, it does not run again', async () => {
    let runs = 0;
    const graph = compile({ name: 'g', nodes: [{ id: 'a', tool: 'ask' }], edges: [], entry: 'a' }, [
      tool('ask', async (ctx) => {
        runs++;
        return { v: await ctx.interrupt({ prompt: 'ok?', schema }) };
      }),
    ]);
    const first = await execute(graph);
    const crashed = first.log.slice(0, -1); // RUN_SUSPENDED never stored
    const again = await execute(graph, crashed);
    expect(types(again.events)).toEqual(['RUN_SUSPENDED']);
    expect(runs).toBe(1);
  });

  it('answers several interrupts of one node in any order; the node runs again only once all are answered', async () => {
    let runs = 0;
    const graph = compile({ name: 'g', nodes: [{ id: 'a', tool: 'two' }], edges: [], entry: 'a' }, [
      tool('two', async (ctx) => {
        runs++;
        const [x, y] = await Promise.all([
          ctx.interrupt({ prompt: 'x?', schema, key: 'x' }),
          ctx.interrupt({ prompt: 'y?', schema, key: 'y' }),
        ]);
        return { x, y };
      }),
    ]);
    const first = await execute(graph);
    expect(first.events.at(-1)).toMatchObject({ data: { interrupts: ['a:1:x', 'a:1:y'] } });
    const inbox1 = createTestInbox();
    const o1 = inbox1.answer('a:1:y', { ok: false });
    const second = await execute(graph, first.log, { inbox: inbox1 });
    expect(await o1).toBe('ANSWERED');
    expect(types(second.events)).toEqual(['RUN_RESUMED', 'INTERRUPT_ANSWERED', 'RUN_SUSPENDED']);
    expect(runs).toBe(1);
    const inbox2 = createTestInbox();
    const o2 = inbox2.answer('a:1:x', { ok: true });
    const third = await execute(graph, second.log, { inbox: inbox2 });
    expect(await o2).toBe('ANSWERED');
    expect(third.result).toMatchObject({
      status: 'SUCCEEDED',
      state: { x: { ok: true }, y: { ok: false } },
    });
    expect(runs).toBe(2);
  });

  it('refuses a bad request: no prompt, a schema that is not an object, a key used twice', async () => {
    const errors: string[] = [];
    const graph = compile({ name: 'g', nodes: [{ id: 'a', tool: 'bad' }], edges: [], entry: 'a' }, [
      tool('bad', async (ctx) => {
        for (const request of [
          { schema },
          { prompt: 'p', schema: [] },
          { prompt: 'p', schema, timeoutMs: -1 },
          { prompt: 'p', schema, key: 'no spaces' },
        ])
          await ctx.interrupt(request as never).catch((e: Error) => errors.push(e.message));
        void ctx.interrupt({ prompt: 'p', schema, key: 'k' });
        await ctx
          .interrupt({ prompt: 'p', schema, key: 'k' })
          .catch((e: Error) => errors.push(e.message));
        return {};
      }),
    ]);
    const { result } = await execute(graph);
    expect(result.status).toBe('WAITING');
    expect(errors).toHaveLength(5);
    expect(errors[4]).toContain('a:1:k was already asked');
  });

  it('suspends when the interrupt is asked inside steps that it names (nested with /)', async () => {
    let outerRuns = 0;
    const graph = compile(
      { name: 'g', nodes: [{ id: 'a', tool: 'nested' }], edges: [], entry: 'a' },
      [
        tool('nested', async (ctx) => ({
          v: await ctx.step('outer', async () => {
            outerRuns++;
            return ctx.step('outer/inner', () =>
              ctx.interrupt({ prompt: 'p', schema, step: 'outer/inner' }),
            );
          }),
        })),
      ],
    );
    const first = await execute(graph);
    expect(first.result.status).toBe('WAITING');
    const inbox = createTestInbox();
    const answered = inbox.answer('a:1:1', { ok: true });
    const second = await execute(graph, first.log, { inbox });
    expect(await answered).toBe('ANSWERED');
    expect(second.result).toMatchObject({ status: 'SUCCEEDED', state: { v: { ok: true } } });
    // The steps had not completed: they ran again, and now completed once.
    expect(outerRuns).toBe(2);
    expect(second.events.filter((e) => e.type === 'STEP_COMPLETED')).toHaveLength(2);
  });
});
