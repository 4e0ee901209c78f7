import { fmt, fmtRatio } from './format.js';
import { change, keyOf, type PreviousFigures } from './previous.js';
import type { Row, Target } from './result.js';

export const HEADERS = [
  'Workload',
  'Case',
  'Metric',
  'Ours: median (min-max)',
  'LangGraph.js: median (min-max)',
  'Ours / LangGraph',
  'Target',
  'Result',
  'Previous (ours)',
  'Change',
];

const spread = (s: { median: number; min: number; max: number; samples: number[] }) =>
  s.samples.length === 0 ? 'no result' : `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})`;

export function fmtTarget(t: Target | undefined): string {
  if (!t) return '-';
  return `${t.op === '>=' ? '>=' : '<'} ${fmt(t.value)}`;
}

/** The cells of one row, in HEADERS order; `previous` gives the previous commit's figure. */
export function cells(r: Row, previous: PreviousFigures = {}): string[] {
  const before = previous[keyOf(r)];
  const lg = r.langgraph
    ? `${spread(r.langgraph)}${r.langgraphCase ? ` [${r.langgraphCase}]` : ''}`
    : '-';
  // The ratio reads "how many times better": for lower-is-better figures it is inverted.
  const ratio = r.ratio === undefined ? undefined : r.higherIsBetter ? r.ratio : 1 / r.ratio;
  return [
    r.workload,
    r.note ? `${r.case} (${r.note})` : r.case,
    r.metric,
    spread(r.ours),
    lg,
    fmtRatio(ratio),
    fmtTarget(r.target),
    r.pass === undefined ? '-' : r.pass ? 'pass' : 'MISS',
    before ? fmt(before.median) : '-',
    change(r, before),
  ];
}

/** A plain-text table with aligned columns, for the console. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const escapeCell = (cell: string) => cell.replaceAll('|', '\\|');

/** A GitHub-flavoured markdown table. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cols: string[]) => `| ${cols.map(escapeCell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const TARGET_HEADERS = [
  'Target of',
  'Metric',
  'Ours (median)',
  'Target',
  'Result',
  'Of the target',
];

/**
 * A target row: what share of the target ours reaches ("1.00x" = exactly met; for a
 * lower-is-better figure, target / ours).
 */
export function targetCells(r: Row): string[] {
  const t = r.target!;
  const share = t.op === '>=' ? r.ours.median / t.value : t.value / r.ours.median;
  return [
    `${r.workload}: ${r.case}`,
    r.metric,
    fmt(r.ours.median),
    fmtTarget(t),
    r.pass ? 'met' : 'MISSED',
    Number.isFinite(share) ? fmtRatio(share) : '-',
  ];
}
