import { describe, expect, it } from 'vitest';
import type { EngineError } from '../../../src/engine/errors.js';
import type { RunEvent } from '../../../src/engine/events.js';
import { applyEvent, replayEvents } from '../../../src/engine/fold/fold.js';
import type { CompiledGraph } from '../../../src/engine/graph/compiled.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import { compile, createTestInbox, execute, tool, types } from './steps-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };

/** a -> (b, c) -> d, every tool async and slow. */
function diamond(ms = 20, extra: Record<string, (id: string) => unknown> = {}): CompiledGraph {
  const slow = tool('slow', async (ctx) => {
    await sleep(ms);
    return { [ctx.nodeId]: true };
  });
  const others = Object.entries(extra).map(([name, fn]) => tool(name, (ctx) => fn(ctx.nodeId)));
  return compile(
    {
      name: 'g',
      nodes: [
        { id: 'a', tool: 'slow' },
        { id: 'b', tool: 'slow' },
        { id: 'c', tool: 'slow' },
        { id: 'd', tool: 'slow' },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'd' },
        { from: 'c', to: 'd' },
      ],
      entry: 'a',
    },
    [slow, ...others],
  );
}

/** Executes with a pause signal aborted when `when(event)` first holds (inside the sink). */
async function executePausing(
  graph: CompiledGraph,
  when: (e: RunEvent) => boolean,
  history: RunEvent[] = [],
) {
  const pause = new AbortController();
  const events: RunEvent[] = [];
  let pausedAt = -1;
  const sink = {
    emit(e: RunEvent) {
      events.push(e);
      if (pausedAt < 0 && when(e)) {
        pausedAt = e.seq;
        pause.abort('user');
      }
    },
  };
  const result = await executeRun({ runId: 'run-1', graph, sink, history, pause: pause.signal });
  return { result, events, pausedAt, log: [...history, ...events] };
}

function starts(events: readonly RunEvent[]): string[] {
  return events
    .filter((e) => e.type === 'NODE_STARTED')
    .map((e) => (e as { nodeId: string }).nodeId);
}

describe('pause: a run stops at its next node boundary', () => {
  it('lets running attempts finish, starts nothing new, and continues from its log on unpause', async () => {
    const graph = diamond();
    const first = await executePausing(graph, (e) => e.type === 'NODE_STARTED' && e.nodeId === 'b');
    expect(first.result.status).toBe('PAUSED');
    // The pause came as b started: b finishes, c (due with it) and d do not start.
    const after = first.events.filter((e) => e.seq > first.pausedAt);
    expect(types(after)).toEqual(['NODE_SUCCEEDED', 'RUN_PAUSED']);
    expect(after[0]).toMatchObject({ nodeId: 'b' });
    expect(first.events.at(-1)).toMatchObject({ type: 'RUN_PAUSED', data: { reason: 'user' } });
    expect(first.result.state).toEqual({ a: true, b: true });
    expect(replayEvents(graph, first.log).paused).toBe(true);

    const second = await execute(graph, first.log);
    expect(second.result).toMatchObject({
      status: 'SUCCEEDED',
      state: { a: true, b: true, c: true, d: true },
    });
    expect(types(second.events)).toEqual([
      'RUN_UNPAUSED',
      'NODE_STARTED',
      'NODE_SUCCEEDED',
      'NODE_STARTED',
      'NODE_SUCCEEDED',
      'RUN_SUCCEEDED',
    ]);
    expect(starts(second.events)).toEqual(['c', 'd']);
    // Every node ran exactly once over the whole log.
    expect(starts(second.log).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(replayEvents(graph, second.log).status).toBe('SUCCEEDED');
  });

  it('pauses at once when the signal is aborted before the run begins (reason recovery)', async () => {
    const graph = diamond();
    const pause = new AbortController();
    pause.abort('recovery');
    const events: RunEvent[] = [];
    const result = await executeRun({
      runId: 'run-1',
      graph,
      sink: { emit: (e) => void events.push(e) },
      pause: pause.signal,
    });
    expect(result.status).toBe('PAUSED');
    expect(types(events)).toEqual(['RUN_STARTED', 'RUN_PAUSED']);
    expect(events[1]).toMatchObject({ data: { reason: 'recovery' } });
  });

  // The delay is a minute: the test would time out if the pause waited for it.
  it('does not wait for a retry delay: the retry runs at once on unpause', async () => {
    let calls = 0;
    const flaky = tool('flaky', async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
      return { ok: true };
    });
    const graph = compile(
      {
        name: 'g',
        nodes: [{ id: 'a', tool: 'flaky', retry: { maxAttempts: 2, initialDelayMs: 60_000 } }],
        edges: [],
        entry: 'a',
      },
      [flaky],
    );
    const first = await executePausing(graph, (e) => e.type === 'NODE_RETRYING');
    expect(first.result.status).toBe('PAUSED');
    expect(types(first.events).slice(-2)).toEqual(['NODE_RETRYING', 'RUN_PAUSED']);

    const second = await execute(graph, first.log);
    expect(second.result).toMatchObject({ status: 'SUCCEEDED', state: { ok: true } });
    expect(second.events[1]).toMatchObject({ type: 'NODE_STARTED', nodeId: 'a', attempt: 2 });
    expect(calls).toBe(2);
  });

  it('cuts an attempt that only waits for an answer; unpaused, the run waits again and an answer finishes it', async () => {
    const ask = tool('ask', async (ctx) => {
      const v = await ctx.interrupt<{ ok: boolean }>({ prompt: 'ok?', schema });
      return { asked: v.ok };
    });
    const slow = tool('slow', async (ctx) => {
      await sleep(30);
      return { [ctx.nodeId]: true };
    });
    const graph = compile(
      {
        name: 'g',
        nodes: [
          { id: 'start', tool: 'slow' },
          { id: 'ask', tool: 'ask' },
          { id: 'work', tool: 'slow' },
        ],
        edges: [
          { from: 'start', to: 'work' },
          { from: 'start', to: 'ask' },
        ],
        entry: 'start',
      },
      [ask, slow],
    );
    const first = await executePausing(graph, (e) => e.type === 'INTERRUPT_REQUESTED');
    expect(first.result.status).toBe('PAUSED');
    // The branch that works finished before the pause was recorded; the asking one was cut.
    expect(types(first.events).slice(-2)).toEqual(['NODE_SUCCEEDED', 'RUN_PAUSED']);
    expect(first.events.at(-2)).toMatchObject({ nodeId: 'work' });

    const second = await execute(graph, first.log);
    expect(second.result.status).toBe('WAITING');
    expect(types(second.events)).toEqual(['RUN_UNPAUSED', 'RUN_SUSPENDED']);

    const inbox = createTestInbox();
    const outcome = inbox.answer('ask:1:1', { ok: true });
    const third = await execute(graph, second.log, { inbox });
    expect(await outcome).toBe('ANSWERED');
    expect(third.result).toMatchObject({ status: 'SUCCEEDED', state: { asked: true, work: true } });
  });

  it('cancels a paused log: RUN_UNPAUSED, then RUN_CANCELLED, nothing started', async () => {
    const graph = diamond();
    const first = await executePausing(graph, (e) => e.type === 'NODE_STARTED' && e.nodeId === 'a');
    expect(first.result.status).toBe('PAUSED');
    const cancel = new AbortController();
    cancel.abort('cancelled by user');
    const events: RunEvent[] = [];
    const result = await executeRun({
      runId: 'run-1',
      graph,
      sink: { emit: (e) => void events.push(e) },
      history: first.log,
      signal: cancel.signal,
    });
    expect(result.status).toBe('CANCELLED');
    expect(types(events)).toEqual(['RUN_UNPAUSED', 'RUN_CANCELLED']);
    expect(starts(events)).toEqual([]);
  });

  it('a cancel while pausing wins: the running attempt is aborted and the run is cancelled', async () => {
    const graph = diamond(5_000);
    const pause = new AbortController();
    const cancel = new AbortController();
    const events: RunEvent[] = [];
    const sink = {
      emit(e: RunEvent) {
        events.push(e);
        if (e.type === 'NODE_STARTED') {
          pause.abort('user');
          setTimeout(() => cancel.abort('cancelled by user'), 10);
        }
      },
    };
    const result = await executeRun({
      runId: 'run-1',
      graph,
      sink,
      pause: pause.signal,
      signal: cancel.signal,
    });
    expect(result.status).toBe('CANCELLED');
    expect(types(events)).toEqual(['RUN_STARTED', 'NODE_STARTED', 'NODE_SKIPPED', 'RUN_CANCELLED']);
  });
});

describe('the fold of a paused log', () => {
  async function pausedLog() {
    const graph = diamond();
    const first = await executePausing(graph, (e) => e.type === 'NODE_STARTED' && e.nodeId === 'a');
    expect(first.events.at(-1)?.type).toBe('RUN_PAUSED');
    return { graph, log: first.log };
  }

  it('accepts only RUN_UNPAUSED after RUN_PAUSED', async () => {
    const { graph, log } = await pausedLog();
    const cp = replayEvents(graph, log);
    const next = { runId: 'run-1', seq: cp.lastSeq + 1, at: 0 };
    const started = {
      ...next,
      type: 'NODE_STARTED',
      nodeId: 'b',
      attempt: 1,
      data: { iteration: 1 },
    };
    expect(() => applyEvent(cp, started as RunEvent)).toThrow(/the run is paused/);
    try {
      applyEvent(cp, { ...next, type: 'RUN_SUCCEEDED', data: { state: {} } });
      expect.unreachable();
    } catch (err) {
      expect((err as EngineError).code).toBe('RESUME_MISMATCH');
    }
    applyEvent(cp, { ...next, type: 'RUN_UNPAUSED', data: {} });
    expect(cp.paused).toBe(false);
    applyEvent(cp, { ...started, seq: cp.lastSeq + 1 } as RunEvent);
    expect(cp.inflight.size).toBe(1);
  });

  it('refuses RUN_UNPAUSED, and a second RUN_PAUSED, when the run is not paused (RESUME_MISMATCH)', async () => {
    const { graph, log } = await pausedLog();
    const beforePause = log.slice(0, -1);
    const unpaused = { runId: 'run-1', seq: log.length, at: 0, type: 'RUN_UNPAUSED', data: {} };
    expect(() => replayEvents(graph, [...beforePause, unpaused as RunEvent])).toThrow(
      /RESUME_MISMATCH|the run is not paused/,
    );
    const twice = {
      runId: 'run-1',
      seq: log.length + 1,
      at: 0,
      type: 'RUN_PAUSED',
      data: { reason: 'user' },
    };
    expect(() => replayEvents(graph, [...log, twice as RunEvent])).toThrow(/the run is paused/);
  });

  it('rejects executing a broken paused log with RESUME_MISMATCH', async () => {
    const { graph, log } = await pausedLog();
    const broken = [
      ...log,
      {
        runId: 'run-1',
        seq: log.length + 1,
        at: 0,
        type: 'NODE_STARTED',
        nodeId: 'b',
        attempt: 1,
        data: { iteration: 1 },
      },
    ] as RunEvent[];
    await expect(execute(graph, broken)).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
  });
});
