/**
 * The in-memory cases both sides run, each in a child process of its own (see sampler.ts): the
 * same sizes, the same checks of every run's final state, measured the same way. The side's
 * child supplies one function per graph (`invoke`); this module never imports LangGraph.
 */

import { FAN_OUT_BRANCHES, FAN_OUT_NODES, LOOP_ITERATIONS, PIPELINE_NODES } from '../graphs.js';
import type { Message } from './child.js';
import { inFlight, measureRate, type Rate } from './timing.js';

export type CaseName = 'pipeline' | 'pipeline-in-flight' | 'loop' | 'fan-out';

/** What the parent asks a side's child to sample. */
export interface CaseSetup extends Message {
  type: 'setup';
  case: CaseName;
  runs: number;
  /** Runs at once (pipeline-in-flight); 1 otherwise. */
  width: number;
}

/** One run to its end on one side, resolving with the run's final state. */
export type Invoke = () => Promise<Record<string, unknown>>;

/** Every run is checked: a wrong final state (or a failed run) fails the workload. */
const CHECKS: Record<
  CaseName,
  { nodes: number; check(state: Record<string, unknown>): string | null }
> = {
  pipeline: {
    nodes: PIPELINE_NODES,
    check: (s) =>
      s.counter === PIPELINE_NODES ? null : `pipeline ended with counter ${s.counter}`,
  },
  'pipeline-in-flight': {
    nodes: PIPELINE_NODES,
    check: (s) =>
      s.counter === PIPELINE_NODES ? null : `pipeline ended with counter ${s.counter}`,
  },
  loop: {
    nodes: LOOP_ITERATIONS,
    check: (s) => (s.n === LOOP_ITERATIONS ? null : `loop ended at n = ${s.n}`),
  },
  'fan-out': {
    nodes: FAN_OUT_NODES,
    check: (s) =>
      s.total === FAN_OUT_BRANCHES &&
      (s.items as unknown[] | undefined)?.length === FAN_OUT_BRANCHES
        ? null
        : `fan-out ended with total ${s.total}`,
  },
};

/** A sampler for `setup`: `runs` runs (`width` at once), node executions per second. */
export function caseSampler(setup: CaseSetup, invoke: Invoke): () => Promise<Rate> {
  const { nodes, check } = CHECKS[setup.case];
  const once = async () => {
    const problem = check(await invoke());
    if (problem) throw new Error(problem);
  };
  return () =>
    measureRate(setup.runs * nodes, async () => {
      if (setup.width <= 1) for (let i = 0; i < setup.runs; i++) await once();
      else await inFlight(setup.runs, setup.width, once);
    });
}
