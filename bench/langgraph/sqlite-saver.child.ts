/**
 * LangGraph's side of the durable workload in its own process: the pipeline with SqliteSaver on
 * a fresh temp file per sample, a thread_id per run, every run's final state checked.
 */

import { PIPELINE_NODES } from '../graphs.js';
import type { Message } from '../lib/child.js';
import { serveSamples } from '../lib/sampler.js';
import { inFlight, perSecond, timed } from '../lib/timing.js';
import { tempSqliteSaver } from './checkpointer.js';
import { langgraphPipeline } from './pipeline.js';

export interface SaverSetup extends Message {
  type: 'setup';
  runs: number;
  width: number;
}

export interface SaverSample {
  nodes: number;
  /** checkpoints + writes rows per second (LangGraph's counterpart of our events). */
  rows: number;
  /** SqliteSaver's PRAGMA synchronous (its default). */
  synchronous: number;
}

await serveSamples<SaverSetup>(({ runs, width }) => {
  let thread = 0;
  return async (): Promise<SaverSample> => {
    const cp = tempSqliteSaver();
    try {
      const graph = langgraphPipeline(cp.saver);
      const ms = await timed(() =>
        inFlight(runs, width, async () => {
          const out = await graph.invoke(
            { counter: 0 },
            { configurable: { thread_id: `t${thread++}` } },
          );
          if (out.counter !== PIPELINE_NODES) throw new Error(`counter ${out.counter}`);
        }),
      );
      const { checkpoints, writes } = cp.rows();
      if (checkpoints < runs)
        throw new Error(`SqliteSaver: ${checkpoints} checkpoints for ${runs} runs`);
      return {
        nodes: perSecond(runs * PIPELINE_NODES, ms),
        rows: perSecond(checkpoints + writes, ms),
        synchronous: cp.synchronous(),
      };
    } finally {
      await cp.close();
    }
  };
});
