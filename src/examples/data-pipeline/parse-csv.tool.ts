import { z } from 'zod';
import { NonRetryableError } from '../../engine/errors.js';
import { defineTool } from '../../tools/define-tool.js';
import { requireString } from '../../tools/input.js';
import { type Row, splitCsv, toCell } from './csv.js';

/**
 * Parses `state.csv` (text with a header row) into rows.
 * Patch: `{ columns: string[], rows: Array<Record<column, number | string | null>>, row_count }`.
 * Numeric cells become numbers and empty cells null.
 */
export const parseCsvTool = defineTool({
  name: 'parse_csv',
  description:
    'Parses CSV text from state.csv (header row first) into state.rows and state.columns',
  config: z.strictObject({
    delimiter: z.string().length(1).default(','),
    maxRows: z.number().int().positive().max(1_000_000).default(100_000),
  }),
  run({ state, config }) {
    const text = requireString(state, 'csv', 'parse_csv');
    let records: string[][];
    try {
      records = splitCsv(text, config.delimiter);
    } catch (err) {
      throw new NonRetryableError(`parse_csv: invalid CSV: ${(err as Error).message}`);
    }
    const [header, ...body] = records;
    if (!header)
      throw new NonRetryableError('parse_csv: state.csv is empty: it needs a header row');
    const columns = header.map((h, i) => h.trim() || `column_${i + 1}`);
    if (new Set(columns).size !== columns.length) {
      throw new NonRetryableError(
        `parse_csv: duplicate column names in header: ${columns.join(', ')}`,
      );
    }
    if (body.length > config.maxRows) {
      throw new NonRetryableError(
        `parse_csv: ${body.length} rows, more than maxRows ${config.maxRows}`,
      );
    }
    const rows: Row[] = body.map((record, r) => {
      if (record.length !== columns.length) {
        throw new NonRetryableError(
          `parse_csv: row ${r + 2} has ${record.length} fields, the header has ${columns.length}`,
        );
      }
      return Object.fromEntries(columns.map((c, i) => [c, toCell(record[i]!)]));
    });
    return { columns, rows, row_count: rows.length };
  },
});
