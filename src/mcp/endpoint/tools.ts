import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { CatalogGraph } from './catalog.js';

/** MCP tool names: 1 to 128 of A-Z a-z 0-9 _ - . (the spec's tool-name rules). */
const MAX_NAME = 128;
const NOT_ALLOWED = /[^A-Za-z0-9_.-]/g;

/** A graph name as an MCP tool name: other characters become `_`, cut to 128. */
export function sanitizeToolName(name: string): string {
  const cleaned = name.replace(NOT_ALLOWED, '_').slice(0, MAX_NAME);
  return cleaned.length > 0 ? cleaned : 'graph';
}

export interface GraphTool {
  tool: Tool;
  graph: CatalogGraph;
}

/**
 * The tenant's graphs as tools, keyed by tool name. Names are unique per tenant, but two can
 * sanitise alike ("a b", "a_b"): the later one (by name, then id) gets the graph id's tail.
 */
export function graphTools(graphs: readonly CatalogGraph[]): Map<string, GraphTool> {
  const tools = new Map<string, GraphTool>();
  for (const graph of graphs) {
    let name = sanitizeToolName(graph.name);
    if (tools.has(name)) {
      const suffix = `_${graph.id.replace(NOT_ALLOWED, '').slice(-8)}`;
      name = `${name.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    }
    tools.set(name, { graph, tool: toTool(name, graph) });
  }
  return tools;
}

function toTool(name: string, graph: CatalogGraph): Tool {
  const def = graph.definition;
  const summary = graph.description ?? def.description ?? `Runs the saved graph "${graph.name}".`;
  return {
    name,
    title: graph.name,
    description: `${summary} Arguments are the run's input (initial state); the result is the run's final state.`,
    inputSchema: inputSchemaOf(graph),
    outputSchema: { type: 'object', description: "The run's final state." },
  };
}

/**
 * GraphDef has no input schema: any JSON object is a valid input. The declared state keys are
 * listed as (untyped, optional) properties so a client sees what the graph reads.
 */
function inputSchemaOf(graph: CatalogGraph): Tool['inputSchema'] {
  const state = graph.definition.state ?? {};
  const keys = Object.entries(state);
  if (keys.length === 0) return { type: 'object' };
  const properties: Record<string, object> = {};
  for (const [key, def] of keys) {
    const initial = def.default === undefined ? '' : `; default ${JSON.stringify(def.default)}`;
    properties[key] = { description: `State key (reducer ${def.reducer}${initial}).` };
  }
  return { type: 'object', properties, additionalProperties: true };
}
