/**
 * Workload 3, fan-out: one node fanning out to 256 parallel nodes and a join, in memory. Each
 * branch appends to a small array and adds 1 to a total (our `append` and `sum` reducers;
 * LangGraph: Annotation reducers, the join on an edge from all 256 branches).
 */
import { FAN_OUT_BRANCHES, FAN_OUT_NODES, fanOutGraph } from '../graphs.js';
import { langgraphFanOut } from '../langgraph/fan-out.js';
import { compile, runInMemory } from '../lib/engine.js';
import { int } from '../lib/format.js';
import { compareRates } from '../lib/in-memory.js';
import { measureRate } from '../lib/timing.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

const repeat = (runOnce: () => Promise<{ items?: unknown; total?: unknown }>, count: number) => ({
  sample: () =>
    measureRate(count * FAN_OUT_NODES, async () => {
      for (let i = 0; i < count; i++) {
        const { items, total } = await runOnce();
        if (total !== FAN_OUT_BRANCHES || (items as unknown[]).length !== FAN_OUT_BRANCHES)
          throw new Error(`fan-out ended with total ${total}`);
      }
    }),
});

export const fanOut: Workload = {
  name: 'fan-out',
  async run(s: Settings) {
    const runs = { ours: size(s, 100, 20), langgraph: size(s, 3, 1) };
    const graph = compile(fanOutGraph());
    const lg = langgraphFanOut();
    s.log(`fan-out: ${int(runs.ours)} runs of ${FAN_OUT_BRANCHES} branches`);
    const result = await compareRates(
      {
        ours: repeat(() => runInMemory(graph), runs.ours),
        langgraph: repeat(() => lg.invoke({}), runs.langgraph),
      },
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
        `fan-out: node executions count start, the ${FAN_OUT_BRANCHES} branches and the join (${FAN_OUT_NODES} per run); branches/s = node exec/s x ${FAN_OUT_BRANCHES}/${FAN_OUT_NODES}.`,
        result.note,
      ],
    };
  },
};
