import { rm } from 'node:fs/promises';
import { z } from 'zod';
import type { State } from '../../engine/graph.js';
import { defineTool } from '../../tools/define-tool.js';
import { readDataset, spoolPath } from './dataset.js';
import { PipelineError } from './errors.js';
import { type ColumnSpread, DoubleList, modifiedZ, spreadOf } from './outliers.js';
import { readSpool } from './spool.js';
import { roundTo } from './transform.js';
import type { LineRow } from './types.js';

export const reportConfig = z.strictObject({
  columns: z
    .array(z.string())
    .optional()
    .describe('Numeric columns to check (default: every number and integer column)'),
  threshold: z
    .number()
    .positive()
    .default(3.5)
    .describe('|modified z-score| above which a value is an outlier'),
  label: z.string().optional().describe('A column shown with each outlier (an id)'),
  maxListed: z.number().int().min(0).max(1_000).default(100),
  keepFiles: z.boolean().default(false).describe("Keep the run's work folder (the stage spools)"),
});

export interface Outlier {
  line: number;
  label?: unknown;
  column: string;
  value: number;
  score: number;
}

/**
 * Report: the counts of every stage and the outliers of the rows that made it through, by the
 * modified z-score (median and MAD, see outliers.ts). Removes the run's work folder.
 * Patch: `{ report, summary }`.
 */
export const pipelineReportTool = defineTool({
  name: 'pipeline_report',
  description:
    'Counts of every stage and robust outliers (median/MAD modified z-score) of the numeric columns',
  config: reportConfig,
  async run({ state, config, signal }) {
    const dataset = readDataset(state, 'pipeline_report', ['clean', 'transform', 'validate']);
    const numeric = Object.entries(dataset.columns)
      .filter(([, t]) => t === 'number' || t === 'integer')
      .map(([c]) => c);
    const columns = config.columns ?? numeric;
    const wrong = columns.filter((c) => !numeric.includes(c));
    if (wrong.length > 0)
      throw new PipelineError('MISSING_COLUMNS', `${wrong.join(', ')}: not a numeric column`);
    const path = spoolPath(dataset.dir, dataset.last);
    const lists = new Map(columns.map((c) => [c, new DoubleList()]));
    for await (const chunk of readSpool<LineRow>(path, 5_000)) {
      signal.throwIfAborted();
      for (const { row } of chunk)
        for (const [c, list] of lists) if (typeof row[c] === 'number') list.push(row[c] as number);
    }
    const spreads = new Map<string, ColumnSpread>(
      [...lists].map(([c, l]) => [c, spreadOf(l.values())]),
    );
    lists.clear();
    const outliers: Outlier[] = [];
    let outlierCount = 0;
    for await (const chunk of readSpool<LineRow>(path, 5_000)) {
      for (const { line, row } of chunk) {
        for (const [column, spread] of spreads) {
          const value = row[column];
          if (typeof value !== 'number' || spread.scale === 0) continue;
          const score = modifiedZ(value, spread);
          if (Math.abs(score) <= config.threshold) continue;
          outlierCount++;
          if (outliers.length < config.maxListed) {
            outliers.push({
              line,
              ...(config.label ? { label: row[config.label] } : {}),
              column,
              value,
              score: roundTo(score, 2),
            });
          }
        }
      }
    }
    if (!config.keepFiles) await rm(dataset.dir, { recursive: true, force: true });
    const counts = countsOf(state);
    const report = {
      source: dataset.source,
      counts,
      outliers: {
        method: `modified z-score (0.6745 (x - median) / MAD), |score| > ${config.threshold}`,
        columns: Object.fromEntries(
          [...spreads].map(([c, s]) => [
            c,
            { count: s.count, median: roundTo(s.median, 6), mad: roundTo(s.mad, 6) },
          ]),
        ),
        count: outlierCount,
        listed: outliers,
      },
    };
    const summary = `${counts.read} rows read, ${counts.valid} valid, ${counts.quarantined} quarantined, ${counts.stored ?? 0} stored (${counts.inserted ?? 0} new, ${counts.updated ?? 0} updated), ${outlierCount} outlier${outlierCount === 1 ? '' : 's'}`;
    return { report, summary };
  },
});

function countsOf(state: Readonly<State>) {
  const get = (key: string) => (state[key] ?? {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const load = get('load');
  const store = get('store');
  const byReason: Record<string, number> = {};
  const stages = ['load', 'clean', 'transform', 'validate'].map((s) => get(s).quarantined);
  // store_rows sums every stage's quarantine with its own; without it, sum the stages.
  for (const q of store.quarantined ? [store.quarantined] : stages) {
    for (const [reason, n] of Object.entries((q ?? {}) as Record<string, number>))
      byReason[reason] = (byReason[reason] ?? 0) + n;
  }
  const valid =
    num(get('validate').rows) ?? num(get('transform').rows) ?? num(get('clean').rows) ?? 0;
  return {
    read: num(load.read) ?? 0,
    valid,
    quarantined: Object.values(byReason).reduce((a, b) => a + b, 0),
    quarantinedByReason: byReason,
    cleaned: get('clean').changed,
    ignoredColumns: load.ignoredColumns,
    stored: num(store.stored),
    inserted: num(store.inserted),
    updated: num(store.updated),
    unchanged: num(store.unchanged),
    table: store.table,
  };
}
