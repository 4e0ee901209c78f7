import type { DatabaseProvider } from './database.js';

export type ColumnType = 'text' | 'int' | 'json' | 'timestamp' | 'bool';

/**
 * The few places where SQLite and PostgreSQL SQL differ, for the hand-written hot-path
 * statements. Batches travel as ONE parameter, a JSON array of row arrays, unpacked by the
 * database (`json_each` / `jsonb_array_elements`): a 5,000-event flush is one statement with one
 * bound value, so neither Prisma nor the driver handles thousands of parameters.
 */
export interface SqlDialect {
  readonly provider: DatabaseProvider;
  /** Placeholder for parameter n (1-based), with a cast where PostgreSQL needs one. */
  param(n: number, type?: ColumnType): string;
  /** A timestamp value from epoch milliseconds. */
  time(ms: number | null): number | string | null;
  /** `FROM` source yielding one row `j` per element of the JSON array parameter n. */
  rowsFrom(n: number): string;
  /** Column i of the current `j` row, typed. */
  col(i: number, type: ColumnType): string;
  /** A subquery of the strings in the JSON array parameter n (for `IN (...)`). */
  textsFrom(n: number): string;
  /** Row locks for a read that decides a write (PostgreSQL); SQLite's writer lock covers it. */
  readonly forUpdate: string;
}

const sqlite: SqlDialect = {
  provider: 'sqlite',
  param: () => '?',
  time: (ms) => ms,
  rowsFrom: () => 'json_each(?) AS j',
  col: (i, type) => (type === 'json' ? `NULLIF(j.value -> ${i}, 'null')` : `j.value ->> ${i}`),
  textsFrom: () => 'SELECT value FROM json_each(?)',
  forUpdate: '',
};

const PG_CASTS = {
  text: '::text',
  int: '::int',
  json: '::jsonb',
  timestamp: '::timestamp(3)',
  bool: '::boolean',
};

const postgresql: SqlDialect = {
  provider: 'postgresql',
  param: (n, type) => `$${n}${type ? PG_CASTS[type] : ''}`,
  // Prisma stores UTC in timestamp(3) without zone; an ISO string cast to timestamp keeps UTC.
  time: (ms) => (ms === null ? null : new Date(ms).toISOString()),
  rowsFrom: (n) => `jsonb_array_elements($${n}::jsonb) AS j(value)`,
  col: (i, type) => {
    if (type === 'json') return `NULLIF(j.value -> ${i}, 'null'::jsonb)`;
    if (type === 'text') return `(j.value ->> ${i})`;
    return `(j.value ->> ${i})${PG_CASTS[type]}`;
  },
  textsFrom: (n) => `SELECT jsonb_array_elements_text($${n}::jsonb)`,
  forUpdate: 'FOR UPDATE',
};

export function dialectFor(provider: DatabaseProvider): SqlDialect {
  return provider === 'sqlite' ? sqlite : postgresql;
}

/** `col0, col1, ...` selecting every column of a JSON row of these types. */
export function selectColumns(d: SqlDialect, types: readonly ColumnType[]): string {
  return types.map((t, i) => d.col(i, t)).join(', ');
}

/** Splits rows into batches of at most `size` (bounds one statement's JSON). */
export function chunk<T>(items: readonly T[], size = 10_000): T[][] {
  if (items.length <= size) return items.length ? [items as T[]] : [];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
