import { describe, expect, it } from 'vitest';
import {
  cancellable,
  custom,
  failFast,
  nonRetryable,
  runScenario,
  started,
  stateConflict,
  timeline,
} from '../../fixtures/scenarios.js';

describe('executeRun: failures', () => {
  it('fails with STATE_CONFLICT when concurrent branches replace one key', async () => {
    const { result, events } = await runScenario(stateConflict());
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({
      code: 'STATE_CONFLICT',
      nodeId: 'right',
      details: { key: 'result', nodes: ['left', 'right'] },
    });
    expect(result.error?.message).toMatch(/"left".*"right".*"result"/);
    expect(timeline(events).slice(-2)).toEqual(['NODE_FAILED right#1', 'RUN_FAILED']);
    // The conflicting patch is not merged.
    expect(result.state).toEqual({ result: 'L' });
  });

  it('lets causally ordered nodes replace the same key', async () => {
    const s = custom({
      name: 'overwrite',
      nodes: [
        { id: 'a', tool: 'fx_values', config: { values: { x: 1 } } },
        { id: 'b', tool: 'fx_values', config: { values: { x: 2 } } },
        { id: 'c', tool: 'fx_values', config: { values: { x: 3 } } },
      ],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'c' },
      ],
      entry: 'a',
    });
    const { result } = await runScenario(s);
    expect(result).toMatchObject({ status: 'SUCCEEDED', state: { x: 3 } });
  });

  it('fails the run when a condition throws, instead of reading it as false', async () => {
    const s = custom({
      name: 'bad-condition',
      nodes: [
        { id: 'a', tool: 'fx_values', config: { values: { n: 'text' } } },
        { id: 'b', tool: 'fx_values' },
      ],
      edges: [{ from: 'a', to: 'b', when: 'state.n.size > 2' }],
      entry: 'a',
    });
    const { result, events } = await runScenario(s);
    expect(result.error).toMatchObject({ code: 'CONDITION_FAILED', nodeId: 'a' });
    expect(timeline(events).slice(-2)).toEqual(['NODE_FAILED a#1', 'RUN_FAILED']);
    expect(started(events, 'b')).toHaveLength(0);
  });

  it('fails with INVALID_PATCH, without retrying, when a tool returns a non-object', async () => {
    const s = custom({
      name: 'bad-patch',
      nodes: [{ id: 'a', tool: 'fx_bad', retry: { maxAttempts: 3, initialDelayMs: 0 } }],
      edges: [],
      entry: 'a',
    });
    s.tools.push({
      name: 'fx_bad',
      description: 'returns a number',
      config: { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
      run: () => 42 as never,
    });
    const { result, events } = await runScenario(s);
    expect(result.error).toMatchObject({ code: 'INVALID_PATCH', nodeId: 'a' });
    expect(timeline(events)).not.toContain('NODE_RETRYING a#1');
  });

  it('fails a node with a bad value for its reducer with INVALID_PATCH', async () => {
    const s = custom({
      name: 'bad-sum',
      state: { total: { reducer: 'sum' } },
      nodes: [{ id: 'a', tool: 'fx_values', config: { values: { total: 'many' } } }],
      edges: [],
      entry: 'a',
    });
    const { result } = await runScenario(s);
    expect(result.error).toMatchObject({ code: 'INVALID_PATCH', details: { key: 'total' } });
  });

  it('aborts the other running nodes when one fails for good', async () => {
    const s = failFast();
    const { result, events } = await runScenario(s);
    expect(result.error).toMatchObject({ code: 'TOOL_FAILED', nodeId: 'boom' });
    expect(timeline(events).slice(-3)).toEqual([
      'NODE_FAILED boom#1',
      'NODE_SKIPPED hang run_failed',
      'RUN_FAILED',
    ]);
    expect(s.log.calls.find((c) => c.nodeId === 'hang')?.aborted).toMatchObject({
      code: 'TOOL_FAILED',
    });
  });

  it('fails at once on a NonRetryableError despite a retry policy', async () => {
    const s = nonRetryable();
    const { result, events } = await runScenario(s);
    expect(timeline(events)).toEqual([
      'RUN_STARTED',
      'NODE_STARTED flaky#1',
      'NODE_FAILED flaky#1',
      'RUN_FAILED',
    ]);
    expect(result.error).toMatchObject({
      code: 'TOOL_FAILED',
      details: { name: 'NonRetryableError' },
    });
    expect(s.log.count('flaky')).toBe(1);
  });

  it('times out the whole run after maxDurationMs, aborting running tools', async () => {
    const s = cancellable();
    s.graph.limits = { maxDurationMs: 30 };
    const { result, events } = await runScenario(s);
    expect(result.error).toMatchObject({ code: 'RUN_TIMEOUT' });
    expect(timeline(events).slice(-3)).toEqual([
      'NODE_SKIPPED blockA run_failed',
      'NODE_SKIPPED blockB run_failed',
      'RUN_FAILED',
    ]);
    expect(s.log.calls.filter((c) => c.aborted !== undefined).map((c) => c.nodeId)).toEqual([
      'blockA',
      'blockB',
    ]);
  });
});
