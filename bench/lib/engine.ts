import {
  type CompiledGraph,
  compileGraphOrThrow,
  type EventSink,
  executeRun,
  type GraphDef,
  type RunEvent,
  type State,
} from '../../src/engine/index.js';
import { createBuiltinRegistry, defineTool, incrementTool } from '../../src/tools/index.js';

/**
 * `increment`, awaited: the built-in one is synchronous, and a graph of synchronous tools runs
 * to its end inside executeRun, so "1,000 runs in flight" would be 1,000 runs one after another.
 */
export const incrementAsyncTool = defineTool({
  name: 'increment_async',
  description: 'The built-in increment, resolved on a later microtask',
  config: incrementTool.config,
  run: async (ctx) => incrementTool.run(ctx),
});

/** The built-in tools plus the bench's asynchronous increment. */
export const benchTools = createBuiltinRegistry([incrementAsyncTool]);

export function compile(def: GraphDef): CompiledGraph {
  return compileGraphOrThrow(def, benchTools);
}

let runCounter = 0;

/** Executes one run in memory; its events go to a per-run array, as a buffering sink would. */
export async function runInMemory(graph: CompiledGraph, input: State = {}): Promise<State> {
  const events: RunEvent[] = [];
  const sink: EventSink = { emit: (e) => void events.push(e) };
  const result = await executeRun({ runId: `bench-${runCounter++}`, graph, input, sink });
  if (result.status !== 'SUCCEEDED')
    throw new Error(`bench run ${result.status}: ${result.error?.message}`);
  return result.state;
}
