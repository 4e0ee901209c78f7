import { describe, expect, it } from 'vitest';
import { createMemorySink, type RunEvent } from '../../../src/engine/events.js';
import type { GraphDef } from '../../../src/engine/graph.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import { compileScenario, linear, runScenario, type Scenario } from '../../fixtures/scenarios.js';

const _started = (events: RunEvent[], nodeId: string) =>
  events.filter((e) => e.type === 'NODE_STARTED' && e.nodeId === nodeId);

function custom(graph: GraphDef, base: Scenario = linear()): Scenario {
  return { ...base, graph, input: undefined };
}

describe('executeRun: tool context', () => {
  it('turns log() and emit() into LOG and CUSTOM events of the node and attempt', async () => {
    const s = custom({
      name: 'talk',
      nodes: [{ id: 't', tool: 'fx_talk' }],
      edges: [],
      entry: 't',
    });
    s.tools.push({
      name: 'fx_talk',
      description: 'logs and emits',
      config: { safeParse: (v: unknown) => ({ success: true as const, data: v }) },
      run: ({ log, emit }) => {
        log('hello', { a: 1 });
        emit('progress', { pct: 50 });
        log('careful', undefined, 'warn');
      },
    });
    const { events, result } = await runScenario(s);
    expect(events.slice(2, 5)).toMatchObject([
      {
        type: 'LOG',
        nodeId: 't',
        attempt: 1,
        data: { level: 'info', message: 'hello', fields: { a: 1 } },
      },
      { type: 'CUSTOM', nodeId: 't', attempt: 1, data: { name: 'progress', payload: { pct: 50 } } },
      { type: 'LOG', nodeId: 't', attempt: 1, data: { level: 'warn', message: 'careful' } },
    ]);
    expect(events[5]).toMatchObject({ type: 'NODE_SUCCEEDED', data: { patch: {} } });
    expect(result.status).toBe('SUCCEEDED');
  });

  it('applies declared defaults under the run input', async () => {
    const s = custom({
      name: 'defaults',
      state: { a: { reducer: 'replace', default: 1 }, b: { reducer: 'append', default: ['x'] } },
      nodes: [{ id: 'n', tool: 'fx_values', config: { values: { b: 'y' } } }],
      edges: [],
      entry: 'n',
    });
    const graph = compileScenario(s);
    const sink = createMemorySink();
    const result = await executeRun({ runId: 'r', graph, sink, input: { a: 5 } });
    expect(sink.events[0]).toMatchObject({
      type: 'RUN_STARTED',
      data: { input: { a: 5 }, state: { a: 5, b: ['x'] } },
    });
    expect(result.state).toEqual({ a: 5, b: ['x', 'y'] });
  });

  it('completes a graph of synchronous tools without waiting for the event loop', () => {
    const graph = compileScenario(linear());
    const sink = createMemorySink();
    void executeRun({ runId: 'r', graph, sink });
    expect(sink.events.at(-1)?.type).toBe('RUN_SUCCEEDED');
  });
});
