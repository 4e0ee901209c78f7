/**
 * Workload 3, fan-out: one node fanning out to 256 parallel nodes and a join, in memory. Each
 * branch appends to a small array and adds 1 to a total (our `append` and `sum` reducers;
 * LangGraph: Annotation reducers, the join on an edge from all 256 branches). Each side in its
 * own child process.
 */
import { FAN_OUT_BRANCHES, FAN_OUT_NODES } from '../graphs.js';
import { int } from '../lib/format.js';
import { compareRates } from '../lib/in-memory.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

export const fanOut: Workload = {
  name: 'fan-out',
  async run(s: Settings) {
    const runs = { ours: size(s, 100, 20), langgraph: size(s, 3, 1) };
    s.log(`fan-out: ${int(runs.ours)} runs of ${FAN_OUT_BRANCHES} branches`);
    const result = await compareRates(
      'fan-out',
      { ours: { runs: runs.ours }, langgraph: { runs: runs.langgraph } },
      s.reps,
      {
        workload: 'fan-out',
        case: `1 -> ${FAN_OUT_BRANCHES} -> join x ${int(runs.ours)} runs`,
        metric: 'node exec/s',
        langgraphCase: `x ${int(runs.langgraph)} runs`,
        target: { op: '>=', value: 200_000 },
      },
    );
    return {
      rows: [result.row],
      notes: [
        `fan-out: node executions count start, the ${FAN_OUT_BRANCHES} branches and the join (${FAN_OUT_NODES} per run); branches/s = node exec/s x ${FAN_OUT_BRANCHES}/${FAN_OUT_NODES}. Every run is checked (${FAN_OUT_BRANCHES} items, total ${FAN_OUT_BRANCHES}).`,
        result.note,
      ],
    };
  },
};
