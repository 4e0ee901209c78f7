import { NonRetryableError } from '../../engine/errors.js';
import type { State } from '../../engine/graph.js';
import { isRecord, requireArray } from '../../tools/input.js';
import type { Row } from './csv.js';

/** `state.rows` and `state.columns` as written by parse_csv, checked. */
export function readTable(
  state: Readonly<State>,
  tool: string,
): { rows: Row[]; columns: string[] } {
  const rows = requireArray(state, 'rows', tool);
  const columns = requireArray(state, 'columns', tool);
  if (!columns.every((c): c is string => typeof c === 'string')) {
    throw new NonRetryableError(`${tool}: state.columns must be an array of strings`);
  }
  if (!rows.every(isRecord)) {
    throw new NonRetryableError(`${tool}: state.rows must be an array of objects`);
  }
  return { rows: rows as Row[], columns };
}
