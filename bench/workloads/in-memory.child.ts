/**
 * Our side of the in-memory workloads (pipeline, loop, fan-out) in a clean process: nothing of
 * LangGraph is imported here, so no AsyncLocalStorage promise hooks slow our promises.
 */
import { fanOutGraph, loopGraph, pipelineGraph } from '../graphs.js';
import { compile, runInMemory } from '../lib/engine.js';
import { type CaseName, type CaseSetup, caseSampler, type Invoke } from '../lib/in-memory-cases.js';
import { serveSamples } from '../lib/sampler.js';

const graphs: Record<CaseName, () => Invoke> = {
  pipeline: () => {
    const g = compile(pipelineGraph('bench-pipeline'));
    return () => runInMemory(g);
  },
  // A graph of synchronous tools completes inside executeRun: in flight needs an awaited tool.
  'pipeline-in-flight': () => {
    const g = compile(pipelineGraph('bench-pipeline-async', 'increment_async'));
    return () => runInMemory(g);
  },
  loop: () => {
    const g = compile(loopGraph());
    return () => runInMemory(g);
  },
  'fan-out': () => {
    const g = compile(fanOutGraph());
    return () => runInMemory(g);
  },
};

await serveSamples<CaseSetup>((setup) => caseSampler(setup, graphs[setup.case]()));
