/**
 * Workload 2, loop: one node looping back on itself 1,000 times, in memory. Ours: maxIterations
 * 1,001 and an edge to itself `when: "state.n < 1000"` (a CEL condition evaluated every time).
 * LangGraph: a conditional edge back, recursionLimit raised above 1,000. Each side in its own
 * child process.
 */
import { LOOP_ITERATIONS } from '../graphs.js';
import { int } from '../lib/format.js';
import { compareRates } from '../lib/in-memory.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

export const loop: Workload = {
  name: 'loop',
  async run(s: Settings) {
    const runs = { ours: size(s, 40, 10), langgraph: 1 };
    s.log(`loop: ${int(runs.ours)} runs of ${int(LOOP_ITERATIONS)} iterations`);
    const result = await compareRates(
      'loop',
      { ours: { runs: runs.ours }, langgraph: { runs: runs.langgraph } },
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
        `loop: one iteration = one node execution (the CEL condition is evaluated each time); LangGraph recursionLimit ${int(LOOP_ITERATIONS + 100)}. Every run is checked (n = ${int(LOOP_ITERATIONS)}).`,
        result.note,
      ],
    };
  },
};
