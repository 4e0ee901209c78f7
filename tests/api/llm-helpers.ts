/** Shared by the llm API tests: a one-node llm graph and event filters. */
import type { GraphDef } from '../../src/engine/graph.js';
import { type EventData, type RunData, uniqueName } from './operations.js';

export const events = (run: RunData): EventData[] => run.events.edges.map((e) => e.node);

export const custom = (run: RunData, name: string) =>
  events(run).filter((e) => e.type === 'CUSTOM' && e.data.name === name);

/** A graph of one `llm` node `ask` with this config. */
export function llmGraph(
  config: Record<string, unknown>,
  extra: Partial<GraphDef['nodes'][number]> = {},
): GraphDef {
  return {
    name: uniqueName('llm'),
    nodes: [{ id: 'ask', tool: 'llm', config, ...extra }],
    edges: [],
    entry: 'ask',
  };
}
