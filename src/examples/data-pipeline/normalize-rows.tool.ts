import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import {
  maxOf,
  mean,
  minOf,
  numericColumns,
  numericValues,
  type Row,
  round,
  stddev,
} from './csv.js';
import { readTable } from './rows.js';

/**
 * Rescales numeric columns: `minmax` to [0, 1], `zscore` to mean 0 / stddev 1. A constant column
 * becomes 0. Non-numeric cells are copied. Patch: `{ normalized: Row[] }`.
 */
export const normalizeRowsTool = defineTool({
  name: 'normalize_rows',
  description:
    'Rescales the numeric columns of state.rows (min-max or z-score) into state.normalized',
  config: z.strictObject({ method: z.enum(['minmax', 'zscore']).default('minmax') }),
  run({ state, config }) {
    const { rows, columns } = readTable(state, 'normalize_rows');
    const scalers = new Map<string, (v: number) => number>();
    for (const column of numericColumns(rows, columns)) {
      const values = numericValues(rows, column);
      if (config.method === 'minmax') {
        const min = minOf(values);
        const span = maxOf(values) - min;
        scalers.set(column, (v) => (span === 0 ? 0 : (v - min) / span));
      } else {
        const m = mean(values);
        const sd = stddev(values);
        scalers.set(column, (v) => (sd === 0 ? 0 : (v - m) / sd));
      }
    }
    const normalized: Row[] = rows.map((row) => {
      const out: Row = { ...row };
      for (const [column, scale] of scalers) {
        const v = row[column];
        if (typeof v === 'number') out[column] = round(scale(v));
      }
      return out;
    });
    return { normalized };
  },
});
