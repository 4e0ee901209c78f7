/** LangGraph's side of the in-memory workloads (pipeline, loop, fan-out), in its own process. */
import { setMaxListeners } from 'node:events';
import type { CaseName, CaseSetup, Invoke } from '../lib/in-memory-cases.js';
import { caseSampler } from '../lib/in-memory-cases.js';
import { serveSamples } from '../lib/sampler.js';
import { langgraphFanOut } from './fan-out.js';
import { LOOP_RECURSION_LIMIT, langgraphLoop } from './loop.js';
import { langgraphPipeline } from './pipeline.js';

// 100 concurrent invokes add an abort listener each to shared signals: noise, not a leak.
setMaxListeners(0);

const graphs: Record<CaseName, () => Invoke> = {
  pipeline: () => {
    const g = langgraphPipeline();
    return () => g.invoke({ counter: 0 });
  },
  'pipeline-in-flight': () => {
    const g = langgraphPipeline();
    return () => g.invoke({ counter: 0 });
  },
  loop: () => {
    const g = langgraphLoop();
    return () => g.invoke({ n: 0 }, { recursionLimit: LOOP_RECURSION_LIMIT });
  },
  'fan-out': () => {
    const g = langgraphFanOut();
    return () => g.invoke({});
  },
};

await serveSamples<CaseSetup>((setup) => caseSampler(setup, graphs[setup.case]()));
