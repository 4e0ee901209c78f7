import type { ColumnType, Quarantined, Value } from './types.js';

/** A table the pipeline writes: its name, its typed columns, and where quarantined rows go. */
export interface TableSpec {
  /** Validated identifier (`pipeline_` + lower-case letters, digits, _). */
  name: string;
  /** `<name>_quarantine`. */
  quarantine: string;
  columns: ReadonlyArray<[string, ColumnType]>;
}

/** A row to store: its key (the key columns' values), its source line and a hash of its values. */
export interface StoredRow {
  key: string;
  line: number;
  hash: string;
  values: Record<string, Value>;
}

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  /** Already stored with the same values (a re-run of the same file). */
  unchanged: number;
  /** Rows whose key an earlier line of the same run already stored: not written. */
  duplicates: Array<{ line: number; firstLine: number; key: string }>;
}

/**
 * Port: where store_rows writes. The application provides one on its own database
 * (sql-row-store.ts over the SqlClient port); re-running a file never duplicates a row.
 */
export interface RowStore {
  /** Creates the table and its quarantine table when missing; refuses one with other columns. */
  prepare(table: TableSpec): Promise<void>;
  /** Inserts or updates rows by key, in one transaction per call. */
  upsert(
    table: TableSpec,
    rows: readonly StoredRow[],
    runId: string,
    source: string,
  ): Promise<UpsertOutcome>;
  /** Writes quarantined rows (keyed by source and line), replacing those of earlier runs. */
  quarantine(
    table: TableSpec,
    rows: readonly Quarantined[],
    runId: string,
    source: string,
  ): Promise<void>;
  /** Drops quarantine rows of `source` an earlier run wrote (lines that are now fine). */
  finishQuarantine(table: TableSpec, runId: string, source: string): Promise<void>;
}
