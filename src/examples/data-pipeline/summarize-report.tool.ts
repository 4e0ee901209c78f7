import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { isRecord, optionalArray, requireObject } from '../../tools/input.js';

export interface DataReport {
  rowCount: number;
  columns: string[];
  numericColumns: string[];
  outlierCount: number;
  outliers: unknown[];
  normalized: boolean;
  highlights: string[];
}

/**
 * The fan-in of the data pipeline: combines `state.stats` (required), `state.outliers` and
 * `state.normalized` into a report. Patch: `{ report: DataReport, summary: string }`.
 */
export const summarizeReportTool = defineTool({
  name: 'summarize_report',
  description:
    'Combines column stats, outliers and normalized rows into state.report and state.summary',
  config: z.strictObject({ maxOutliersListed: z.number().int().min(0).max(1_000).default(10) }),
  run({ state, config }) {
    const stats = requireObject(state, 'stats', 'summarize_report');
    const outliers = optionalArray(state, 'outliers', 'summarize_report');
    const columns = optionalArray(state, 'columns', 'summarize_report').map(String);
    const rowCount = typeof state.row_count === 'number' ? state.row_count : 0;
    const highlights: string[] = [];
    for (const [column, s] of Object.entries(stats)) {
      if (!isRecord(s)) continue;
      highlights.push(
        `${column}: mean ${s.mean}, median ${s.median}, range ${s.min}..${s.max} (n=${s.count})`,
      );
    }
    for (const o of outliers.slice(0, config.maxOutliersListed)) {
      if (!isRecord(o)) continue;
      highlights.push(`outlier: row ${o.row} ${o.column} = ${o.value} (z=${o.zScore})`);
    }
    const report: DataReport = {
      rowCount,
      columns,
      numericColumns: Object.keys(stats),
      outlierCount: outliers.length,
      outliers: outliers.slice(0, config.maxOutliersListed),
      normalized: Array.isArray(state.normalized),
      highlights,
    };
    const summary = `${rowCount} rows, ${report.numericColumns.length} numeric columns, ${outliers.length} outlier${outliers.length === 1 ? '' : 's'}`;
    return { report, summary };
  },
});
