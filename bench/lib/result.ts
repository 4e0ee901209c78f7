import { type Summary, summarize } from './stats.js';

/** A goal from the issue: the median must be at least (or below) `value`. */
export interface Target {
  op: '>=' | '<';
  value: number;
}

/** One line of the results table: a figure of ours, LangGraph's where comparable, the target. */
export interface Row {
  workload: string;
  /** What was run, e.g. "2,000 runs one after another". */
  case: string;
  /** The unit of every figure on the row, e.g. "node exec/s" or "ms p99". */
  metric: string;
  higherIsBetter: boolean;
  ours: Summary;
  /** LangGraph.js on the same workload, when it has an equivalent. */
  langgraph?: Summary;
  /** What LangGraph ran when it differs from ours (scaled down to keep the bench short). */
  langgraphCase?: string;
  /** ours.median / langgraph.median. */
  ratio?: number;
  target?: Target;
  /** Whether ours.median meets the target. */
  pass?: boolean;
  note?: string;
}

export interface RowInput {
  workload: string;
  case: string;
  metric: string;
  higherIsBetter?: boolean;
  ours: readonly number[];
  langgraph?: readonly number[];
  langgraphCase?: string;
  target?: Target;
  note?: string;
}

export function meets(value: number, target: Target): boolean {
  return target.op === '>=' ? value >= target.value : value < target.value;
}

/** Summarises the samples of both sides and works out the ratio and the verdict. */
export function row(input: RowInput): Row {
  const ours = summarize(input.ours);
  const langgraph =
    input.langgraph && input.langgraph.length > 0 ? summarize(input.langgraph) : undefined;
  const r: Row = {
    workload: input.workload,
    case: input.case,
    metric: input.metric,
    higherIsBetter: input.higherIsBetter ?? true,
    ours,
  };
  if (langgraph) {
    r.langgraph = langgraph;
    r.ratio = ours.median / langgraph.median;
    if (input.langgraphCase) r.langgraphCase = input.langgraphCase;
  }
  if (input.target) {
    r.target = input.target;
    r.pass = meets(ours.median, input.target);
  }
  if (input.note) r.note = input.note;
  return r;
}

/** What one workload reports: its rows and free-form details (settings, checks, raw figures). */
export interface WorkloadResult {
  name: string;
  rows: Row[];
  /** Lines worth reading beside the table: what was verified, what was scaled down and why. */
  notes: string[];
  /** Anything else machine-readable (per-rep details). */
  details?: Record<string, unknown>;
  seconds: number;
}
