/**
 * The figures of the previous commit, kept beside the new ones so that a regression shows.
 *
 * .bench/previous.json holds, per row, the last median measured on a commit other than the
 * current one (with that commit). Before a run writes .bench/results.json, the results it
 * replaces are folded into previous.json when they are another commit's. Rows it lacks (all of
 * them on a fresh clone) come from the committed BENCHMARKS.md table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchReport } from './report.js';
import type { Row } from './result.js';

export interface PreviousFigure {
  median: number;
  commit: string;
  /** When it was measured (ISO date), and in which mode. */
  at: string;
  mode: 'full' | 'quick';
}

/** Previous figures by row key (see rowKey). */
export type PreviousFigures = Record<string, PreviousFigure>;

/** Workload, case (with its note, as printed) and metric: what names a row across runs. */
export function rowKey(workload: string, caseCell: string, metric: string): string {
  return `${workload} | ${caseCell} | ${metric}`;
}

export const keyOf = (r: Row): string =>
  rowKey(r.workload, r.note ? `${r.case} (${r.note})` : r.case, r.metric);

/** "abc1234 + uncommitted changes in src/" -> "abc1234". */
const commitOf = (label: string) => label.split(' ')[0] ?? label;

const readJson = <T>(path: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
};

function figuresOf(report: BenchReport): PreviousFigures {
  const out: PreviousFigures = {};
  for (const w of report.workloads)
    for (const r of w.rows)
      if (r.ours.samples.length > 0)
        out[keyOf(r)] = {
          median: r.ours.median,
          commit: report.machine.commit,
          at: report.generatedAt,
          mode: report.mode,
        };
  return out;
}

/** The median column (4th cell, "1,234 (1,000-2,000)") of BENCHMARKS.md's results table. */
function fromMarkdown(path: string): PreviousFigures {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  const commit = /\| Commit \| ([^|]+) \|/.exec(text)?.[1]?.trim() ?? 'BENCHMARKS.md';
  const at = /on (\d{4}-\d{2}-\d{2})/.exec(text)?.[1] ?? '';
  const mode = text.includes('Quick mode (BENCH_QUICK=1)') ? 'quick' : 'full';
  const out: PreviousFigures = {};
  const results = text.split('## Results')[1]?.split('\n## ')[0] ?? '';
  for (const line of results.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| ---') || line.startsWith('| Workload'))
      continue;
    const cells = line
      .slice(2, -2)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replaceAll('\\|', '|'));
    const median = Number(cells[3]?.split(' ')[0]?.replaceAll(',', ''));
    if (cells.length >= 4 && Number.isFinite(median))
      out[rowKey(cells[0]!, cells[1]!, cells[2]!)] = { median, commit, at, mode };
  }
  return out;
}

/**
 * Folds the results about to be replaced (.bench/results.json) into the kept figures when they
 * are another commit's: `kept` is what previous.json should hold from now on, `shown` the
 * previous figures to print beside `current` (same mode only; sizes differ between modes).
 */
export function rotatePrevious(
  root: string,
  current: BenchReport,
): { kept: PreviousFigures; shown: PreviousFigures } {
  const dir = join(root, '.bench');
  const last = readJson<BenchReport>(join(dir, 'results.json'));
  let kept = readJson<PreviousFigures>(join(dir, 'previous.json')) ?? {};
  if (last?.machine && commitOf(last.machine.commit) !== commitOf(current.machine.commit))
    kept = { ...kept, ...figuresOf(last) };
  // Rows never measured on another commit here fall back to the committed BENCHMARKS.md.
  const source = { ...fromMarkdown(join(root, 'BENCHMARKS.md')), ...kept };
  const shown = Object.fromEntries(
    Object.entries(source).filter(([, f]) => f.mode === current.mode),
  );
  return { kept, shown };
}

/** "a1b2c3d (2026-12-01), e4f5a6b (2026-11-30)": where the shown previous figures come from. */
export function describePrevious(shown: PreviousFigures): string {
  const seen = new Map<string, string>();
  for (const f of Object.values(shown)) seen.set(f.commit, f.at.slice(0, 10));
  return [...seen].map(([commit, at]) => `${commit} (${at})`).join(', ');
}

/** "+12 % better", "-30 % worse", "same" (within 1 %), "-" without a previous figure. */
export function change(r: Row, previous: PreviousFigure | undefined): string {
  if (!previous || !Number.isFinite(previous.median) || previous.median === 0) return '-';
  const delta = r.ours.median / previous.median - 1;
  if (!Number.isFinite(delta)) return '-';
  if (Math.abs(delta) < 0.01) return 'same';
  const better = r.higherIsBetter ? delta > 0 : delta < 0;
  return `${delta > 0 ? '+' : ''}${Math.round(delta * 100)} % ${better ? 'better' : 'worse'}`;
}
