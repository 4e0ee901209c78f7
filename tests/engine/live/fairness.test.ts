import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileGraphOrThrow } from '../../../src/engine/graph/compile.js';
import type { Patch } from '../../../src/engine/graph.js';
import { executeRun } from '../../../src/engine/live/executor.js';
import type { Tool, ToolContext } from '../../../src/engine/tool.js';
import { resolverOf } from '../graph-fixtures.js';

const ITERATIONS = 100_000;

function loopGraph(toolName: string) {
  const count = (ctx: ToolContext<unknown>): Patch => ({ n: (ctx.state.n as number) + 1 });
  const tools: Tool<unknown>[] = [
    { name: 'count', description: 'n + 1', config: z.object({}), run: count },
    { name: 'count_async', description: 'n + 1', config: z.object({}), run: async (c) => count(c) },
  ];
  return compileGraphOrThrow(
    {
      name: 'long-loop',
      state: { n: { reducer: 'replace', default: 0 } },
      nodes: [{ id: 'step', tool: toolName, maxIterations: ITERATIONS }],
      edges: [{ from: 'step', to: 'step', when: `state.n < ${ITERATIONS}` }],
      entry: 'step',
      limits: { maxSteps: ITERATIONS },
    },
    resolverOf(tools),
  );
}

/** Runs the loop while a 1 ms interval counts how often the event loop let it in. */
async function ticksDuring(toolName: string): Promise<number> {
  const graph = loopGraph(toolName);
  let ticks = 0;
  const interval = setInterval(() => ticks++, 1);
  try {
    const result = await executeRun({ runId: 'r', graph, sink: { emit: () => {} } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.state.n).toBe(ITERATIONS);
    return ticks;
  } finally {
    clearInterval(interval);
  }
}

describe('executeRun: long runs yield to the event loop', () => {
  it('lets timers run during a 100,000-iteration loop of synchronous tools', async () => {
    expect(await ticksDuring('count')).toBeGreaterThan(1);
  });

  it('lets timers run during a 100,000-iteration loop of async tools that settle at once', async () => {
    // Each iteration re-enters the loop through a microtask: without a time slice the event
    // loop would not get a single turn until the run ends.
    expect(await ticksDuring('count_async')).toBeGreaterThan(1);
  });
});
