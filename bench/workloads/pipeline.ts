/**
 * Workload 1, pipeline: 4 nodes in a line, in memory. Runs one after another, then many runs in
 * flight at once. LangGraph: StateGraph with Annotation state, 4 nodes, compiled, invoke.
 */
import { PIPELINE_NODES, pipelineGraph } from '../graphs.js';
import { langgraphPipeline } from '../langgraph/pipeline.js';
import { compile, runInMemory } from '../lib/engine.js';
import { int } from '../lib/format.js';
import { compareRates } from '../lib/in-memory.js';
import { inFlight, measureRate } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

const TARGET = { op: '>=', value: 200_000 } as const;

type RunOnce = () => Promise<{ counter?: unknown }>;

async function checked(run: RunOnce): Promise<void> {
  const { counter } = await run();
  if (counter !== PIPELINE_NODES) throw new Error(`pipeline ended with counter ${counter}`);
}

const oneAfterAnother = (run: RunOnce, runs: number) => ({
  sample: () =>
    measureRate(runs * PIPELINE_NODES, async () => {
      for (let i = 0; i < runs; i++) await checked(run);
    }),
});

const concurrent = (run: RunOnce, runs: number, width: number) => ({
  sample: () => measureRate(runs * PIPELINE_NODES, () => inFlight(runs, width, () => checked(run))),
});

export const pipeline: Workload = {
  name: 'pipeline',
  async run(s: Settings) {
    const seq = { ours: size(s, 2_000, 500), langgraph: size(s, 100, 25) };
    const par = {
      ours: size(s, 10_000, 2_000),
      width: 1_000,
      langgraph: size(s, 500, 100),
      langgraphWidth: 100,
    };
    const sync = compile(pipelineGraph('bench-pipeline'));
    const async = compile(pipelineGraph('bench-pipeline-async', 'increment_async'));
    const lg = langgraphPipeline();
    const invoke = () => lg.invoke({ counter: 0 });

    s.log(`pipeline: ${int(seq.ours)} runs one after another`);
    const one = await compareRates(
      {
        ours: oneAfterAnother(() => runInMemory(sync), seq.ours),
        langgraph: oneAfterAnother(invoke, seq.langgraph),
      },
      s.reps,
      {
        workload: 'pipeline',
        case: `${int(seq.ours)} runs one after another`,
        metric: 'node exec/s',
        langgraphCase: `${int(seq.langgraph)} runs`,
        target: TARGET,
      },
    );
    s.log(`pipeline: ${int(par.ours)} runs, ${int(par.width)} in flight`);
    const many = await compareRates(
      {
        ours: concurrent(() => runInMemory(async), par.ours, par.width),
        langgraph: concurrent(invoke, par.langgraph, par.langgraphWidth),
      },
      s.reps,
      {
        workload: 'pipeline',
        case: `${int(par.ours)} runs, ${int(par.width)} in flight`,
        metric: 'node exec/s',
        langgraphCase: `${int(par.langgraph)} runs, ${int(par.langgraphWidth)} in flight`,
        target: TARGET,
      },
    );
    return {
      rows: [one.row, many.row],
      notes: [
        'pipeline: ours runs the built-in `increment` tool; the in-flight case uses `increment_async` (the same tool, awaited), since a graph of synchronous tools completes inside executeRun and could not be in flight.',
        one.note,
        many.note,
      ],
    };
  },
};
