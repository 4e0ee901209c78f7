import { fmt, fmtRatio } from './format.js';
import { type Row, type RowInput, row } from './result.js';
import { median } from './stats.js';
import { alternate, type Contender, type Rate } from './timing.js';

/**
 * In-memory samples of ours last tens of milliseconds: three per round (against LangGraph's one)
 * keep their median steady on a busy machine.
 */
const OURS_PER_ROUND = 3;

export interface RateComparison {
  row: Row;
  /** Medians per CPU second of this process: steadier than wall clock on a shared machine. */
  note: string;
}

/**
 * Runs ours and LangGraph alternately and makes the table row (wall-clock rates) and a note with
 * the same comparison per CPU second.
 */
export async function compareRates(
  contenders: { ours: Contender<Rate>; langgraph: Contender<Rate> },
  rounds: number,
  shape: Omit<RowInput, 'ours' | 'langgraph'>,
): Promise<RateComparison> {
  const samples = await alternate<Rate>(contenders, rounds, { ours: OURS_PER_ROUND });
  const ours = samples.ours ?? [];
  const lg = samples.langgraph ?? [];
  const cpuOurs = median(ours.map((r) => r.cpu));
  const cpuLg = median(lg.map((r) => r.cpu));
  return {
    row: row({ ...shape, ours: ours.map((r) => r.wall), langgraph: lg.map((r) => r.wall) }),
    note: `${shape.workload} (${shape.case}), per CPU second of the process: ours ${fmt(cpuOurs)}, LangGraph ${fmt(cpuLg)} ${shape.metric} (${fmtRatio(cpuOurs / cpuLg)}).`,
  };
}
