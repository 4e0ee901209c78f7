import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { mean, numericColumns, round, stddev } from './csv.js';
import { readTable } from './rows.js';

export interface Outlier {
  /** 0-based index into state.rows. */
  row: number;
  column: string;
  value: number;
  zScore: number;
}

/**
 * Flags numeric cells whose z-score (distance from the column mean in population standard
 * deviations) is at least `threshold`. Patch: `{ outliers: Outlier[], outlier_count }`, by row
 * then column.
 */
export const detectOutliersTool = defineTool({
  name: 'detect_outliers',
  description: 'Flags numeric cells of state.rows with |z-score| >= threshold',
  config: z.strictObject({
    threshold: z.number().positive().default(3),
    columns: z
      .array(z.string())
      .optional()
      .describe('Columns to check (default: every numeric one)'),
  }),
  run({ state, config }) {
    const { rows, columns } = readTable(state, 'detect_outliers');
    const numeric = new Set(numericColumns(rows, columns));
    const checked = (config.columns ?? columns).filter((c) => numeric.has(c));
    const outliers: Outlier[] = [];
    for (const column of checked) {
      const values = rows.map((r) => r[column]).filter((v): v is number => typeof v === 'number');
      if (values.length < 2) continue;
      const m = mean(values);
      const sd = stddev(values);
      if (sd === 0) continue;
      rows.forEach((row, index) => {
        const value = row[column];
        if (typeof value !== 'number') return;
        const z = (value - m) / sd;
        if (Math.abs(z) >= config.threshold) {
          outliers.push({ row: index, column, value, zScore: round(z, 3) });
        }
      });
    }
    outliers.sort((a, b) => a.row - b.row || (a.column < b.column ? -1 : 1));
    return { outliers, outlier_count: outliers.length };
  },
});
