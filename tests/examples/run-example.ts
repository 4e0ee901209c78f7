import { compileGraphOrThrow } from '../../src/engine/compile.js';
import { createMemorySink, type RunEvent } from '../../src/engine/events.js';
import { executeRun } from '../../src/engine/executor.js';
import type { GraphDef, State } from '../../src/engine/graph.js';
import { createBuiltinRegistry } from '../../src/tools/builtin.js';

/** The registry a server composes by default: the generic tools and every example's tools. */
export const registry = createBuiltinRegistry();
let runs = 0;

/** Runs an example graph in memory; `ran` counts a node's successes, `skipped` gives its reason. */
export async function runExample(def: GraphDef, input: State = {}) {
  const sink = createMemorySink();
  const result = await executeRun({
    runId: `example-${++runs}`,
    graph: compileGraphOrThrow(def, registry),
    input,
    sink,
  });
  const ran = (id: string) =>
    sink.events.filter((e) => e.type === 'NODE_SUCCEEDED' && e.nodeId === id).length;
  const skipped = (id: string) =>
    sink.events.find(
      (e): e is Extract<RunEvent, { type: 'NODE_SKIPPED' }> =>
        e.type === 'NODE_SKIPPED' && e.nodeId === id,
    )?.data.reason;
  return { ...result, events: sink.events, ran, skipped };
}
