import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineError, NonRetryableError } from '../../../src/engine/errors.js';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import { compileGraphOrThrow } from '../../../src/engine/graph/compile.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import {
  failureDelayMs,
  isRetryable,
  maxAttempts,
  retryDelayMs,
} from '../../../src/engine/live/retry.js';
import {
  compileScenario,
  retryExhausted,
  retryThenSuccess,
  runScenario,
  timeline,
  timeout,
} from '../../fixtures/scenarios.js';

describe('failureDelayMs', () => {
  const policy = {
    maxAttempts: 5,
    initialDelayMs: 100,
    backoff: 2,
    maxDelayMs: 5_000,
    jitter: false,
  };
  const asking = (retryAfterMs: unknown) => Object.assign(new Error('429'), { retryAfterMs });

  it('waits what the failure asks for when that is longer than the backoff', () => {
    expect(failureDelayMs(policy, 1, asking(2_000))).toBe(2_000);
  });

  it('keeps the backoff when the failure asks for less, or for nothing usable', () => {
    expect(failureDelayMs(policy, 3, asking(50))).toBe(400);
    expect(failureDelayMs(policy, 1, new Error('plain'))).toBe(100);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '2000', null])
      expect(failureDelayMs(policy, 1, asking(bad))).toBe(100);
  });

  it('never waits longer than maxDelayMs', () => {
    expect(failureDelayMs(policy, 1, asking(60_000))).toBe(5_000);
    expect(failureDelayMs({ maxAttempts: 2 }, 1, asking(90_000))).toBe(30_000);
  });

  it('records the asked-for delay on NODE_RETRYING', async () => {
    let calls = 0;
    const tool = {
      name: 'limited',
      description: 'fails once asking for 30 ms, then succeeds',
      config: { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
      run: () => {
        calls++;
        if (calls === 1) throw asking(30);
        return { ok: true };
      },
    };
    const sink = createMemorySink();
    const graph = compileGraphOrThrow(
      {
        name: 'retry-after',
        nodes: [
          { id: 'a', tool: 'limited', retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false } },
        ],
        edges: [],
        entry: 'a',
      },
      { get: (name: string) => (name === 'limited' ? tool : undefined) },
    );
    const result = await executeRun({ runId: 'r', graph, sink });
    expect(result.status).toBe('SUCCEEDED');
    const retrying = sink.events.find((e) => e.type === 'NODE_RETRYING');
    expect(retrying?.type === 'NODE_RETRYING' && retrying.data.delayMs).toBe(30);
  });
});

describe('retryDelayMs', () => {
  const policy = {
    maxAttempts: 9,
    initialDelayMs: 100,
    backoff: 2,
    maxDelayMs: 500,
    jitter: false,
  };

  it('grows exponentially and is capped by maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(policy, a))).toEqual([
      100, 200, 400, 500, 500, 500,
    ]);
  });

  it('draws jitter in [delay/2, delay]', () => {
    const jittered = { ...policy, jitter: true };
    expect(retryDelayMs(jittered, 3, () => 0)).toBe(200);
    expect(retryDelayMs(jittered, 3, () => 0.5)).toBe(300);
    expect(retryDelayMs(jittered, 3, () => 0.999_999)).toBe(400);
    expect(retryDelayMs(jittered, 9, () => 0.999_999)).toBe(500);
  });

  it('uses defaults when the policy leaves them out', () => {
    expect(retryDelayMs({ maxAttempts: 3, jitter: false }, 1)).toBe(100);
    expect(retryDelayMs({ maxAttempts: 3, jitter: false }, 2)).toBe(200);
    expect(retryDelayMs({ maxAttempts: 3, jitter: false }, 40)).toBe(30_000);
  });

  it('counts attempts and retryable errors', () => {
    expect(maxAttempts(undefined)).toBe(1);
    expect(maxAttempts({ maxAttempts: 4 })).toBe(4);
    expect(isRetryable(new Error('x'))).toBe(true);
    expect(isRetryable(new NonRetryableError('x'))).toBe(false);
    expect(isRetryable({ retryable: false })).toBe(false);
    expect(isRetryable(new EngineError('TOOL_TIMEOUT', 'slow'))).toBe(true);
    expect(isRetryable(new EngineError('INVALID_PATCH', 'bad'))).toBe(false);
    expect(isRetryable(new EngineError('RUN_TIMEOUT', 'late'))).toBe(false);
  });
});

describe('executeRun: retries', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const attemptStarts = (events: RunEvent[]) =>
    events.filter((e) => e.type === 'NODE_STARTED' && e.nodeId === 'flaky').length;

  it('retries after the policy delay, then succeeds', async () => {
    const s = retryThenSuccess();
    const sink = createMemorySink();
    const done = executeRun({ runId: 'r', graph: compileScenario(s), sink, random: () => 0.5 });
    // Attempt 1 failed at once: delay min(8, 5 * 2^0) = 5, jitter 0.5 -> 3.75 -> 4 ms.
    const first = sink.events.find((e) => e.type === 'NODE_RETRYING');
    expect(first).toMatchObject({
      nodeId: 'flaky',
      attempt: 1,
      data: {
        delayMs: 4,
        nextAttempt: 2,
        error: { code: 'TOOL_FAILED', message: 'flaky failure 1' },
      },
    });
    await vi.advanceTimersByTimeAsync(3);
    expect(attemptStarts(sink.events)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptStarts(sink.events)).toBe(2);
    // Attempt 2: min(8, 5 * 2) = 8 (capped), jitter 0.5 -> 6 ms.
    expect(sink.events.at(-1)).toMatchObject({ type: 'NODE_RETRYING', data: { delayMs: 6 } });
    await vi.advanceTimersByTimeAsync(5);
    expect(attemptStarts(sink.events)).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const result = await done;
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { ok: true, after: true } });
    expect(timeline(sink.events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED flaky#1',
      'NODE_RETRYING flaky#1',
      'NODE_STARTED flaky#2',
      'NODE_RETRYING flaky#2',
      'NODE_STARTED flaky#3',
      'NODE_SUCCEEDED flaky#3',
      'NODE_STARTED after#1',
      'NODE_SUCCEEDED after#1',
      'RUN_SUCCEEDED',
    ]);
    // Every attempt of the activation shares one idempotency key.
    expect(
      new Set(s.log.calls.filter((c) => c.nodeId === 'flaky').map((c) => c.idempotencyKey)),
    ).toEqual(new Set(['r:flaky:1']));
    expect(s.log.calls.map((c) => c.attempt)).toEqual([1, 2, 3, 1]);
  });

  it('fails the run once the attempts are used up', async () => {
    const s = retryExhausted();
    const run = runScenario(s, { random: () => 0 });
    await vi.runAllTimersAsync();
    const { result, events } = await run;
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED flaky#1',
      'NODE_RETRYING flaky#1',
      'NODE_STARTED flaky#2',
      'NODE_RETRYING flaky#2',
      'NODE_STARTED flaky#3',
      'NODE_FAILED flaky#3',
      'RUN_FAILED',
    ]);
    expect(result.error).toMatchObject({
      code: 'TOOL_FAILED',
      nodeId: 'flaky',
      message: 'flaky failure 3',
    });
    expect(s.log.count('flaky')).toBe(3);
  });

  it('times out an attempt: aborts its signal and fails with TOOL_TIMEOUT', async () => {
    const s = timeout();
    const run = runScenario(s);
    await vi.advanceTimersByTimeAsync(19);
    expect(s.log.calls[0]?.aborted).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const { result, events } = await run;
    expect(s.log.calls[0]?.aborted).toMatchObject({ code: 'TOOL_TIMEOUT' });
    expect(result.error).toMatchObject({ code: 'TOOL_TIMEOUT', nodeId: 'hang' });
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED hang#1',
      'NODE_FAILED hang#1',
      'RUN_FAILED',
    ]);
  });

  it('retries a timed-out attempt when the policy allows it', async () => {
    const s = timeout();
    s.graph.nodes[0]!.retry = { maxAttempts: 2, initialDelayMs: 0 };
    const run = runScenario(s);
    await vi.runAllTimersAsync();
    const { events } = await run;
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED hang#1',
      'NODE_RETRYING hang#1',
      'NODE_STARTED hang#2',
      'NODE_FAILED hang#2',
      'RUN_FAILED',
    ]);
    expect(s.log.calls.map((c) => c.aborted !== undefined)).toEqual([true, true]);
  });
});
