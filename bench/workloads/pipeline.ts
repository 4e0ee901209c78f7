/**
 * Workload 1, pipeline: 4 nodes in a line, in memory. Runs one after another, then many runs in
 * flight at once. LangGraph: StateGraph with Annotation state, 4 nodes, compiled, invoke. Each
 * side samples in a clean child process of its own (bench/lib/in-memory.ts).
 */
import { int } from '../lib/format.js';
import { compareRates } from '../lib/in-memory.js';
import { type Settings, size, type Workload } from '../lib/workload.js';

/** Issue 16: the in-memory engine >= 300k node exec/s with 1,000 in flight, LangGraph out of the process. */
const IN_FLIGHT_TARGET = { op: '>=', value: 300_000 } as const;

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
    s.log(`pipeline: ${int(seq.ours)} runs one after another`);
    const one = await compareRates(
      'pipeline',
      { ours: { runs: seq.ours }, langgraph: { runs: seq.langgraph } },
      s.reps,
      {
        workload: 'pipeline',
        case: `${int(seq.ours)} runs one after another`,
        metric: 'node exec/s',
        langgraphCase: `${int(seq.langgraph)} runs`,
        target: { op: '>=', value: 200_000 },
      },
    );
    s.log(`pipeline: ${int(par.ours)} runs, ${int(par.width)} in flight`);
    const many = await compareRates(
      'pipeline-in-flight',
      {
        ours: { runs: par.ours, width: par.width },
        langgraph: { runs: par.langgraph, width: par.langgraphWidth },
      },
      s.reps,
      {
        workload: 'pipeline',
        case: `${int(par.ours)} runs, ${int(par.width)} in flight`,
        metric: 'node exec/s',
        langgraphCase: `${int(par.langgraph)} runs, ${int(par.langgraphWidth)} in flight`,
        target: IN_FLIGHT_TARGET,
      },
    );
    return {
      rows: [one.row, many.row],
      notes: [
        'pipeline: ours runs the built-in `increment` tool; the in-flight case uses `increment_async` (the same tool, awaited), since a graph of synchronous tools completes inside executeRun and could not be in flight. Every run is checked (final counter 4).',
        "in memory (pipeline, loop, fan-out): each side samples in a clean child process of its own (LangGraph's AsyncLocalStorage turns on promise hooks for its whole process on Node 20); the bench process alternates them and imports nothing of LangGraph.",
        one.note,
        many.note,
      ],
    };
  },
};
