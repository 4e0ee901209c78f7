import type { DatabaseProvider } from './database.js';

/**
 * The few places where SQLite and PostgreSQL SQL differ, for the hand-written hot-path
 * statements (multi-row inserts, batched updates, claims). Everything else goes through Prisma.
 */
export interface SqlDialect {
  readonly provider: DatabaseProvider;
  /** Placeholder for parameter n (1-based), with a cast where PostgreSQL needs one. */
  param(n: number, type?: 'text' | 'int' | 'json' | 'timestamp'): string;
  /** A timestamp parameter value from epoch milliseconds. */
  time(ms: number | null): number | string | null;
  /** A JSON parameter value. */
  json(value: unknown): string | null;
  /** Most parameters one statement may carry. */
  readonly maxParams: number;
}

const sqlite: SqlDialect = {
  provider: 'sqlite',
  param: () => '?',
  time: (ms) => ms,
  json: (v) => (v === undefined || v === null ? null : JSON.stringify(v)),
  maxParams: 30_000,
};

const PG_CASTS = { text: '::text', int: '::int', json: '::jsonb', timestamp: '::timestamp(3)' };

const postgresql: SqlDialect = {
  provider: 'postgresql',
  param: (n, type) => `$${n}${type ? PG_CASTS[type] : ''}`,
  // Prisma stores UTC in timestamp(3) without zone; an ISO string cast to timestamp keeps UTC.
  time: (ms) => (ms === null ? null : new Date(ms).toISOString()),
  json: (v) => (v === undefined || v === null ? null : JSON.stringify(v)),
  maxParams: 30_000,
};

export function dialectFor(provider: DatabaseProvider): SqlDialect {
  return provider === 'sqlite' ? sqlite : postgresql;
}

/** `(p1, p2, ...), (...)` for `rows` rows of `types.length` columns, numbering from 1. */
export function valuesList(
  d: SqlDialect,
  rows: number,
  types: ReadonlyArray<'text' | 'int' | 'json' | 'timestamp'>,
): string {
  const parts: string[] = [];
  let n = 1;
  for (let r = 0; r < rows; r++) {
    const cols: string[] = [];
    for (const t of types) cols.push(d.param(n++, t));
    parts.push(`(${cols.join(', ')})`);
  }
  return parts.join(', ');
}

/** Splits items so that each chunk's statement stays under the dialect's parameter limit. */
export function chunk<T>(items: readonly T[], columns: number, d: SqlDialect): T[][] {
  const size = Math.max(1, Math.floor(d.maxParams / columns));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
