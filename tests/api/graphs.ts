/** Graph definitions for the API suite: the shared scenario fixtures with built-in tools. */
import { randomUUID } from 'node:crypto';
import type { GraphDef, NodeDef } from '../../src/engine/graph.js';
import type { Scenario } from '../fixtures/scenarios.js';

/** A name no other test in the same database uses. */
export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** The fixture tools mapped to built-ins that take the same config (fx_block: a long delay). */
const BUILTIN_OF: Record<string, (config: Record<string, unknown>) => NodeDef['config']> = {
  fx_values: (c) => ({ values: c.values ?? {} }),
  fx_sleep: (c) => ({ ms: c.ms, values: c.values ?? {} }),
  fx_count: (c) => c,
  fx_flaky: (c) => c,
  fx_block: () => ({ ms: 60_000 }),
};
const TOOL_OF: Record<string, string> = {
  fx_values: 'set_state',
  fx_sleep: 'delay',
  fx_count: 'increment',
  fx_flaky: 'fail',
  fx_block: 'delay',
};

/** A shared scenario's graph with built-in tools under a unique name, for the real server. */
export function builtinGraph(s: Scenario): GraphDef {
  const nodes = s.graph.nodes.map((n) => {
    const map = BUILTIN_OF[n.tool];
    const tool = TOOL_OF[n.tool];
    if (!map || !tool) throw new Error(`no built-in stands in for fixture tool ${n.tool}`);
    return { ...n, tool, config: map(n.config ?? {}) };
  });
  return { ...s.graph, name: uniqueName(s.graph.name), nodes };
}

/** GraphDef -> the GraphInput variable (state as a list, enums by name). */
export function toGraphInput(def: GraphDef): Record<string, unknown> {
  const input: Record<string, unknown> = {
    ...def,
    nodes: def.nodes.map((n) => (n.onLimit ? { ...n, onLimit: n.onLimit.toUpperCase() } : n)),
  };
  if (def.state) {
    input.state = Object.entries(def.state).map(([key, s]) => ({
      key,
      reducer: s.reducer.toUpperCase(),
      ...(s.default === undefined ? {} : { default: s.default }),
    }));
  }
  return input;
}

/** One node: `delay` for `ms`, then `values` as its patch. */
export function delayGraph(ms: number, values: Record<string, unknown> = {}): GraphDef {
  return {
    name: uniqueName('delay'),
    nodes: [{ id: 'wait', tool: 'delay', config: { ms, values } }],
    edges: [],
    entry: 'wait',
  };
}

/** One `set_state` node writing `values`. */
export function setStateGraph(values: Record<string, unknown> = { done: true }): GraphDef {
  return {
    name: uniqueName('set'),
    nodes: [{ id: 'set', tool: 'set_state', config: { values } }],
    edges: [],
    entry: 'set',
  };
}
