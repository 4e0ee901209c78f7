import { join } from 'node:path';
import { fmt, fmtRatio } from './format.js';
import type { CaseName, CaseSetup } from './in-memory-cases.js';
import { type Row, type RowInput, row } from './result.js';
import { sampleIn, withRemote } from './sampler.js';
import { median } from './stats.js';
import { alternate, type Rate } from './timing.js';

/**
 * In-memory samples of ours last tens of milliseconds: three per round (against LangGraph's one)
 * keep their median steady on a busy machine.
 */
const OURS_PER_ROUND = 3;

const OURS_CHILD = join(import.meta.dirname, '..', 'workloads', 'in-memory.child.ts');
const LANGGRAPH_CHILD = join(import.meta.dirname, '..', 'langgraph', 'in-memory.child.ts');

export interface RateComparison {
  row: Row;
  /** Medians per CPU second of the side's process: steadier than wall clock on a shared machine. */
  note: string;
  /** Our wall-clock samples, for rows derived from them. */
  ours: number[];
}

export interface SideSize {
  runs: number;
  width?: number;
}

/**
 * Runs ours and LangGraph alternately, each side in a clean child process of its own, and makes
 * the table row (wall-clock rates) and a note with the same comparison per CPU second.
 */
export async function compareRates(
  name: CaseName,
  sizes: { ours: SideSize; langgraph: SideSize },
  rounds: number,
  shape: Omit<RowInput, 'ours' | 'langgraph'>,
): Promise<RateComparison> {
  const setup = (s: SideSize): CaseSetup => ({
    type: 'setup',
    case: name,
    runs: s.runs,
    width: s.width ?? 1,
  });
  const samples = await withRemote<'ours' | 'langgraph', Rate, Record<string, Rate[]>>(
    {
      ours: () => sampleIn<Rate>(OURS_CHILD, setup(sizes.ours)),
      langgraph: () => sampleIn<Rate>(LANGGRAPH_CHILD, setup(sizes.langgraph)),
    },
    (contenders) => alternate<Rate>(contenders, rounds, { ours: OURS_PER_ROUND }),
  );
  const ours = samples.ours ?? [];
  const lg = samples.langgraph ?? [];
  const cpuOurs = median(ours.map((r) => r.cpu));
  const cpuLg = median(lg.map((r) => r.cpu));
  return {
    row: row({ ...shape, ours: ours.map((r) => r.wall), langgraph: lg.map((r) => r.wall) }),
    note: `${shape.workload} (${shape.case}), per CPU second of the side's own process: ours ${fmt(cpuOurs)}, LangGraph ${fmt(cpuLg)} ${shape.metric} (${fmtRatio(cpuOurs / cpuLg)}).`,
    ours: ours.map((r) => r.wall),
  };
}
