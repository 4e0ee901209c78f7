import { defineTool } from '../../tools/define-tool.js';
import { maxOf, mean, median, minOf, numericColumns, numericValues, round, stddev } from './csv.js';
import { readTable } from './rows.js';

export interface ColumnStats {
  count: number;
  missing: number;
  min: number;
  max: number;
  sum: number;
  mean: number;
  median: number;
  stddev: number;
}

/**
 * Summary statistics of every numeric column of `state.rows`.
 * Patch: `{ stats: Record<column, ColumnStats> }` (stddev is the population one).
 */
export const columnStatsTool = defineTool({
  name: 'column_stats',
  description: 'Count, min, max, sum, mean, median and stddev of each numeric column of state.rows',
  run({ state }) {
    const { rows, columns } = readTable(state, 'column_stats');
    const stats: Record<string, ColumnStats> = {};
    for (const column of numericColumns(rows, columns)) {
      const values = numericValues(rows, column);
      stats[column] = {
        count: values.length,
        missing: rows.length - values.length,
        min: minOf(values),
        max: maxOf(values),
        sum: round(values.reduce((a, b) => a + b, 0)),
        mean: round(mean(values)),
        median: round(median(values)),
        stddev: round(stddev(values)),
      };
    }
    return { stats };
  },
});
