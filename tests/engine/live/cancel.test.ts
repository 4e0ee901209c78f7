import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineError } from '../../../src/engine/errors.js';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import {
  cancellable,
  compileScenario,
  indexOf,
  linear,
  retryExhausted,
  runScenario,
  type Scenario,
  timeline,
} from '../../fixtures/scenarios.js';

describe('executeRun: cancellation', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts running tools, records them cancelled, then RUN_CANCELLED; nothing starts after', async () => {
    const s = cancellable();
    const ac = new AbortController();
    const events: RunEvent[] = [];
    const sink = {
      emit(e: RunEvent) {
        events.push(e);
        // Cancel from inside the sink, as soon as the second blocking node has started.
        if (e.type === 'NODE_STARTED' && e.nodeId === 'blockB') ac.abort('stop please');
      },
    };
    const result = await executeRun({
      runId: 'r',
      graph: compileScenario(s),
      sink,
      signal: ac.signal,
    });
    expect(result).toEqual({ status: 'CANCELLED', state: {}, lastSeq: 8 });
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED start#1',
      'NODE_SUCCEEDED start#1',
      'NODE_STARTED blockA#1',
      'NODE_STARTED blockB#1',
      'NODE_SKIPPED blockA cancelled',
      'NODE_SKIPPED blockB cancelled',
      'RUN_CANCELLED',
    ]);
    expect(events.at(-1)).toMatchObject({ data: { reason: 'stop please', state: {} } });
    const aborted = s.log.calls.filter((c) => c.nodeId.startsWith('block')).map((c) => c.aborted);
    expect(aborted).toHaveLength(2);
    for (const reason of aborted) {
      expect(reason).toBeInstanceOf(EngineError);
      expect(reason).toMatchObject({ code: 'RUN_CANCELLED', message: 'stop please' });
    }
  });

  it('cancels from outside while tools wait', async () => {
    const s = cancellable();
    const ac = new AbortController();
    const run = runScenario(s, { signal: ac.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    ac.abort();
    const { result, events } = await run;
    expect(result.status).toBe('CANCELLED');
    const firstSkip = indexOf(events, 'NODE_SKIPPED');
    expect(events.slice(firstSkip).some((e) => e.type === 'NODE_STARTED')).toBe(false);
    expect(s.log.count('after')).toBe(0);
    // A non-string abort reason is not recorded.
    expect(events.at(-1)).toEqual(expect.objectContaining({ type: 'RUN_CANCELLED' }));
    expect(events.at(-1)?.type === 'RUN_CANCELLED' && events.at(-1)?.data).not.toHaveProperty(
      'reason',
    );
  });

  it('starts nothing when the signal is already aborted', async () => {
    const s = linear();
    const ac = new AbortController();
    ac.abort('too late');
    const { result, events } = await runScenario(s, { signal: ac.signal });
    expect(timeline(events)).toEqual(['RUN_STARTED', 'RUN_CANCELLED']);
    expect(result.status).toBe('CANCELLED');
    expect(s.log.calls).toHaveLength(0);
  });

  it('cancels a node waiting for its retry, and the retry never starts', async () => {
    vi.useFakeTimers();
    const s = retryExhausted();
    const ac = new AbortController();
    const sink = createMemorySink();
    const done = executeRun({ runId: 'r', graph: compileScenario(s), sink, signal: ac.signal });
    expect(sink.events.at(-1)?.type).toBe('NODE_RETRYING');
    ac.abort('user');
    const result = await done;
    await vi.runAllTimersAsync();
    expect(result.status).toBe('CANCELLED');
    expect(timeline(sink.events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED flaky#1',
      'NODE_RETRYING flaky#1',
      'NODE_SKIPPED flaky cancelled',
      'RUN_CANCELLED',
    ]);
    expect(sink.events[3]).toMatchObject({ attempt: 2 });
    expect(s.log.count('flaky')).toBe(1);
  });

  it('ignores an abort after the run ended', async () => {
    const s = linear();
    const ac = new AbortController();
    const { result, events } = await runScenario(s, { signal: ac.signal });
    ac.abort();
    expect(result.status).toBe('SUCCEEDED');
    expect(events.at(-1)?.type).toBe('RUN_SUCCEEDED');
  });

  it('stays consistent when a sink cancels on a log written from async tool code', async () => {
    const s = linear();
    s.graph = { name: 'talk', nodes: [{ id: 't', tool: 'fx_talk' }], edges: [], entry: 't' };
    s.tools.push({
      name: 'fx_talk',
      description: 'logs after an await',
      config: { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
      run: async ({ log, signal }) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        log('working');
        // The sink cancelled the run synchronously inside log(): the signal is already aborted.
        return signal.aborted ? { sawAbort: true } : {};
      },
    });
    const ac = new AbortController();
    const events: RunEvent[] = [];
    const sink = {
      emit(e: RunEvent) {
        events.push(e);
        if (e.type === 'LOG') ac.abort('from sink');
      },
    };
    const result = await executeRun({
      runId: 'r',
      graph: compileScenario(s),
      sink,
      signal: ac.signal,
    });
    expect(result.status).toBe('CANCELLED');
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED t#1',
      'LOG t#1',
      'NODE_SKIPPED t cancelled',
      'RUN_CANCELLED',
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('yields during a long loop of synchronous tools, so it can still be cancelled', async () => {
    const make = (): Scenario => {
      const s = linear();
      s.graph = {
        name: 'long-loop',
        limits: { maxSteps: 50_000 },
        nodes: [{ id: 'step', tool: 'fx_count', config: { key: 'n' }, maxIterations: 20_000 }],
        edges: [{ from: 'step', to: 'step', when: 'state.n < 20000' }],
        entry: 'step',
      };
      return s;
    };
    const whole = await runScenario(make());
    expect(whole.result).toMatchObject({ status: 'SUCCEEDED', state: { n: 20_000 } });

    const ac = new AbortController();
    const run = runScenario(make(), { signal: ac.signal });
    setImmediate(() => ac.abort('enough'));
    const { result, events } = await run;
    expect(result.status).toBe('CANCELLED');
    expect(result.state.n).toBeGreaterThan(0);
    expect(result.state.n).toBeLessThan(20_000);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_CANCELLED', data: { reason: 'enough' } });
  });
});
