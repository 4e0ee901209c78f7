import { describe, expect, it } from 'vitest';
import {
  boundedLoop,
  branch,
  custom,
  fanOutJoin,
  indexOf,
  linear,
  loopLimitExit,
  loopLimitFail,
  runScenario,
  scenarios,
  started,
  timeline,
} from '../../fixtures/scenarios.js';

describe('executeRun: event timeline', () => {
  it('runs a linear graph in order and ends with the final state', async () => {
    const s = linear();
    const { result, events } = await runScenario(s);
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED a#1',
      'NODE_SUCCEEDED a#1',
      'NODE_STARTED b#1',
      'NODE_SUCCEEDED b#1',
      'NODE_STARTED c#1',
      'NODE_SUCCEEDED c#1',
      'RUN_SUCCEEDED',
    ]);
    expect(result).toEqual({
      status: 'SUCCEEDED',
      state: { input: true, a: 1, b: 2, c: 3 },
      lastSeq: 8,
    });
    const last = events.at(-1)!;
    expect(last.type === 'RUN_SUCCEEDED' && last.data.state).toEqual(result.state);
    // Each tool sees the state as of its start, and a stable idempotency key.
    expect(s.log.calls.map((c) => [c.nodeId, c.idempotencyKey, c.state])).toEqual([
      ['a', 'run-1:a:1', { input: true }],
      ['b', 'run-1:b:1', { input: true, a: 1 }],
      ['c', 'run-1:c:1', { input: true, a: 1, b: 2 }],
    ]);
  });

  it('numbers events 1..n with no gap in every scenario, from RUN_STARTED to a terminal event', async () => {
    for (const [name, make] of Object.entries(scenarios)) {
      const ac = new AbortController();
      const timer = name === 'cancellable' ? setTimeout(() => ac.abort('test'), 20) : undefined;
      const { events } = await runScenario(make(), { signal: ac.signal });
      clearTimeout(timer);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(new Set(events.map((e) => e.runId))).toEqual(new Set(['run-1']));
      expect(events[0]!.type).toBe('RUN_STARTED');
      expect(['RUN_SUCCEEDED', 'RUN_FAILED', 'RUN_CANCELLED']).toContain(events.at(-1)!.type);
      expect(events.slice(0, -1).some((e) => e.type.startsWith('RUN_') && e.seq > 1)).toBe(false);
    }
  });

  it('records taken edges, the patch and a duration in NODE_SUCCEEDED', async () => {
    const { events, graph } = await runScenario(branch(70));
    const check = events.find((e) => e.type === 'NODE_SUCCEEDED' && e.nodeId === 'check');
    expect(check?.type === 'NODE_SUCCEEDED' && check.data).toMatchObject({
      iteration: 1,
      patch: {},
      taken: [graph.edges.findIndex((e) => e.to.id === 'high')],
    });
    expect(check?.type === 'NODE_SUCCEEDED' && check.data.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('executeRun: fan-out and joins', () => {
  it('runs the join once, after both branches', async () => {
    const { result, events } = await runScenario(fanOutJoin());
    expect(result.status).toBe('SUCCEEDED');
    expect(started(events, 'join')).toHaveLength(1);
    const joinStart = indexOf(events, 'NODE_STARTED', 'join');
    expect(joinStart).toBeGreaterThan(indexOf(events, 'NODE_SUCCEEDED', 'slow'));
    expect(joinStart).toBeGreaterThan(indexOf(events, 'NODE_SUCCEEDED', 'fastTail'));
  });

  it('does not let a slow branch delay an unrelated fast one', async () => {
    const { events } = await runScenario(fanOutJoin());
    // Both branches start before either finishes; the fast branch's second node finishes first.
    expect(indexOf(events, 'NODE_STARTED', 'slow')).toBeLessThan(
      indexOf(events, 'NODE_SUCCEEDED', 'fast'),
    );
    expect(indexOf(events, 'NODE_SUCCEEDED', 'fastTail')).toBeLessThan(
      indexOf(events, 'NODE_SUCCEEDED', 'slow'),
    );
  });

  it('merges concurrent branches in (step, node index) order, not completion order', async () => {
    const { result } = await runScenario(fanOutJoin());
    // slow finished last, but sorts before fast (same step, lower index) and fastTail (later step).
    expect(result.state).toEqual({
      visited: ['start', 'slow', 'fast', 'fastTail', 'join'],
      total: 3,
    });
  });

  it('skips the branch whose condition is false and runs the join once', async () => {
    const { result, events } = await runScenario(branch(70));
    expect(timeline(events)).toContain('NODE_SKIPPED low dead_path');
    expect(started(events, 'low')).toHaveLength(0);
    expect(started(events, 'done')).toHaveLength(1);
    expect(result.state).toEqual({ score: 70, grade: 'high', done: true });
    const skip = events.find((e) => e.type === 'NODE_SKIPPED');
    expect(skip).toMatchObject({ nodeId: 'low', attempt: 0, data: { reason: 'dead_path' } });
  });

  it('takes the other branch when the condition flips', async () => {
    const { result, events } = await runScenario(branch(10));
    expect(timeline(events)).toContain('NODE_SKIPPED high dead_path');
    expect(result.state).toEqual({ score: 10, grade: 'low', done: true });
  });

  it('skips a join whose inputs all died, and everything after it', async () => {
    const s = custom({
      name: 'all-dead',
      nodes: [
        { id: 's', tool: 'fx_values' },
        { id: 'x', tool: 'fx_values' },
        { id: 'y', tool: 'fx_values' },
        { id: 'j', tool: 'fx_values' },
        { id: 'k', tool: 'fx_values' },
      ],
      edges: [
        { from: 's', to: 'x', when: 'false' },
        { from: 's', to: 'y', when: 'false' },
        { from: 'x', to: 'j' },
        { from: 'y', to: 'j' },
        { from: 'j', to: 'k' },
      ],
      entry: 's',
    });
    const { result, events } = await runScenario(s);
    expect(result.status).toBe('SUCCEEDED');
    expect(timeline(events).filter((l) => l.startsWith('NODE_SKIPPED'))).toEqual([
      'NODE_SKIPPED x dead_path',
      'NODE_SKIPPED y dead_path',
      'NODE_SKIPPED j dead_path',
      'NODE_SKIPPED k dead_path',
    ]);
    expect(s.log.calls.map((c) => c.nodeId)).toEqual(['s']);
  });
});

describe('executeRun: loops', () => {
  it('re-runs a loop body through its back edge, then leaves it once', async () => {
    const s = boundedLoop();
    const { result, events } = await runScenario(s);
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { n: 3, finished: true } });
    expect(
      started(events, 'step').map((e) => e.type === 'NODE_STARTED' && e.data.iteration),
    ).toEqual([1, 2, 3]);
    expect(s.log.calls.filter((c) => c.nodeId === 'step').map((c) => c.idempotencyKey)).toEqual([
      'run-1:step:1',
      'run-1:step:2',
      'run-1:step:3',
    ]);
    // The exit edge is not declared dead while the loop can still take it.
    expect(timeline(events).filter((l) => l.startsWith('NODE_SKIPPED'))).toEqual([]);
    expect(started(events, 'finish')).toHaveLength(1);
  });

  it('keeps a loop exit pending until the loop ends, so a join after it runs once', async () => {
    const s = custom({
      name: 'exit-join',
      nodes: [
        { id: 'start', tool: 'fx_values', config: { values: { n: 0 } } },
        { id: 'review', tool: 'fx_count', config: { key: 'n' }, maxIterations: 5 },
        { id: 'side', tool: 'fx_values', config: { values: { side: true } } },
        { id: 'publish', tool: 'fx_values', config: { values: { published: true } } },
        { id: 'end', tool: 'fx_values' },
      ],
      edges: [
        { from: 'start', to: 'review' },
        { from: 'start', to: 'side' },
        { from: 'review', to: 'review', when: 'state.n < 3' },
        { from: 'review', to: 'publish', when: 'state.n >= 3' },
        { from: 'publish', to: 'end' },
        { from: 'side', to: 'end' },
      ],
      entry: 'start',
    });
    const { result, events } = await runScenario(s);
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { n: 3, published: true } });
    expect(timeline(events).filter((l) => l.startsWith('NODE_SKIPPED'))).toEqual([]);
    expect([s.log.count('review'), s.log.count('publish'), s.log.count('end')]).toEqual([3, 1, 1]);
    expect(indexOf(events, 'NODE_STARTED', 'end')).toBeGreaterThan(
      indexOf(events, 'NODE_SUCCEEDED', 'publish'),
    );
  });

  it('fails with LOOP_LIMIT_EXCEEDED past maxIterations (onLimit: fail)', async () => {
    const s = loopLimitFail();
    const { result, events } = await runScenario(s);
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ code: 'LOOP_LIMIT_EXCEEDED', nodeId: 'step' });
    expect(result.error?.message).toContain('maxIterations (2)');
    expect(s.log.count('step')).toBe(2);
    expect(started(events, 'finish')).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FAILED', data: { state: { n: 2 } } });
  });

  it('leaves the loop at maxIterations with onLimit: exit', async () => {
    const s = loopLimitExit();
    const { result, events } = await runScenario(s);
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { n: 2 } });
    expect(timeline(events).slice(-3)).toEqual([
      'NODE_SKIPPED step loop_limit',
      'NODE_SKIPPED finish dead_path',
      'RUN_SUCCEEDED',
    ]);
    expect(s.log.count('step')).toBe(2);
  });

  it('fires a join inside a loop when its other input cannot run again', async () => {
    // start -> x -> j and start -> l -> j; j -> l loops. In round 2, x will not run again.
    const s = custom({
      name: 'loop-join',
      nodes: [
        { id: 'start', tool: 'fx_values', config: { values: { n: 0 } } },
        { id: 'x', tool: 'fx_values' },
        { id: 'l', tool: 'fx_count', config: { key: 'n' }, maxIterations: 5 },
        { id: 'j', tool: 'fx_values' },
      ],
      // Edge order matters: the DFS from the entry follows it, so j -> l is the back edge.
      edges: [
        { from: 'start', to: 'l' },
        { from: 'start', to: 'x' },
        { from: 'l', to: 'j' },
        { from: 'x', to: 'j' },
        { from: 'j', to: 'l', when: 'state.n < 2' },
      ],
      entry: 'start',
    });
    const { result, graph } = await runScenario(s);
    expect(graph.edges.map((e) => e.isBack)).toEqual([false, false, false, false, true]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { n: 2 } });
    expect([s.log.count('x'), s.log.count('l'), s.log.count('j')]).toEqual([1, 2, 2]);
  });

  it('stops at maxSteps with MAX_STEPS_EXCEEDED', async () => {
    const s = boundedLoop();
    s.graph.limits = { maxSteps: 3 };
    const { result } = await runScenario(s);
    expect(result.error).toMatchObject({ code: 'MAX_STEPS_EXCEEDED', nodeId: 'step' });
    expect(s.log.calls).toHaveLength(3);
  });
});
