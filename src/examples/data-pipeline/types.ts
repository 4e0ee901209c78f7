/** The column types a pipeline declares (`load.columns`). */
export const COLUMN_TYPES = ['string', 'number', 'integer', 'boolean', 'date'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A cell after cleaning: typed, or null when the source had no value. */
export type Value = string | number | boolean | null;

/** One source record as loaded: its 1-based line in the source and its cells as text. */
export interface RawRecord {
  line: number;
  values: Record<string, unknown>;
}

/** A row after a stage, with the line it came from. */
export interface LineRow {
  line: number;
  row: Record<string, Value>;
}

/** Why a stage set a row aside. `reason` is a stable code, `detail` says what was wrong. */
export interface Quarantined {
  line: number;
  stage: 'load' | 'clean' | 'transform' | 'validate' | 'store';
  reason: string;
  detail: string;
  data: Record<string, unknown>;
}

/** What a pure chunk function returns: rows that go on, rows set aside. */
export interface ChunkResult<R = LineRow> {
  rows: R[];
  quarantined: Quarantined[];
}

/** Adds `n` to `counts[key]`. */
export function count(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}
