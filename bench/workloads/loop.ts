/**
 * Workload 2, loop: one node looping back on itself 1,000 times, in memory. Ours: maxIterations
 * 1,001 and an edge to itself `when: "state.n < 1000"` (a CEL condition evaluated every time).
 * LangGraph: a conditional edge back, recursionLimit raised above 1,000.
 */
import { LOOP_ITERATIONS, loopGraph } from '../graphs.js';
import { LOOP_RECURSION_LIMIT, langgraphLoop } from '../langgraph/loop.js';
import { compile, runInMemory } from '../lib/engine.js';
import { int } from '../lib/format.js';
import { compareRates } from '../lib/in-memory.js';
import { measureRate } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

const repeat = (runOnce: () => Promise<{ n?: unknown }>, count: number) => ({
  sample: () =>
    measureRate(count * LOOP_ITERATIONS, async () => {
      for (let i = 0; i < count; i++) {
        const { n } = await runOnce();
        if (n !== LOOP_ITERATIONS) throw new Error(`loop ended at n = ${n}`);
      }
    }),
});

export const loop: Workload = {
  name: 'loop',
  async run(s: Settings) {
    const runs = { ours: size(s, 40, 10), langgraph: 1 };
    const graph = compile(loopGraph());
    const lg = langgraphLoop();
    s.log(`loop: ${int(runs.ours)} runs of ${int(LOOP_ITERATIONS)} iterations`);
    const result = await compareRates(
      {
        ours: repeat(() => runInMemory(graph), runs.ours),
        langgraph: repeat(
          () => lg.invoke({ n: 0 }, { recursionLimit: LOOP_RECURSION_LIMIT }),
          runs.langgraph,
        ),
      },
      s.reps,
      {
        workload: 'loop',
        case: `${int(LOOP_ITERATIONS)} iterations x ${int(runs.ours)} runs`,
        metric: 'iterations/s',
        langgraphCase: `x ${int(runs.langgraph)} run`,
        target: { op: '>=', value: 200_000 },
      },
    );
    return {
      rows: [result.row],
      notes: [
        `loop: one iteration = one node execution (the CEL condition is evaluated each time); LangGraph recursionLimit ${int(LOOP_RECURSION_LIMIT)}.`,
        result.note,
      ],
    };
  },
};
