/** Fake tools and sample graphs for validation and compilation tests (no dependency on src/tools). */
import { z } from 'zod';
import type { GraphDef } from '../../src/engine/graph.js';
import type { Tool, ToolResolver } from '../../src/engine/tool.js';

function fakeTool<C>(name: string, config: z.ZodType<C>): Tool<unknown> {
  return { name, description: `fake ${name}`, config, run: () => ({}) } as Tool<unknown>;
}

export const fakeTools: Tool<unknown>[] = [
  fakeTool('extract_functions', z.object({})),
  fakeTool(
    'check_complexity',
    z.object({
      threshold: z.number().int().positive().default(10),
      strict: z.boolean().optional(),
    }),
  ),
  fakeTool('suggest_improvements', z.object({ style: z.enum(['short', 'long']).default('short') })),
  fakeTool('noop', z.object({})),
];

export function resolverOf(tools: Tool<unknown>[] = fakeTools): ToolResolver {
  const byName = new Map(tools.map((t) => [t.name, t]));
  return { get: (name) => byName.get(name) };
}

export const tools = resolverOf();

/** The code-review loop from ARCHITECTURE.md. */
export function codeReviewGraph(): GraphDef {
  return {
    name: 'code-review',
    state: { issues: { reducer: 'append', default: [] }, score: { reducer: 'replace' } },
    nodes: [
      { id: 'extract', tool: 'extract_functions' },
      {
        id: 'complexity',
        tool: 'check_complexity',
        config: { threshold: 12 },
        retry: { maxAttempts: 3, initialDelayMs: 100, backoff: 2 },
        timeoutMs: 5000,
      },
      { id: 'suggest', tool: 'suggest_improvements', maxIterations: 5 },
    ],
    edges: [
      { from: 'extract', to: 'complexity' },
      { from: 'complexity', to: 'suggest' },
      { from: 'suggest', to: 'extract', when: 'state.quality_score < 70.0' },
    ],
    entry: 'extract',
  };
}
