import type { SqlClient } from '../../runs/sql-client.js';
import { PipelineError } from './errors.js';
import type { RowStore, StoredRow, TableSpec, UpsertOutcome } from './row-store.js';
import type { ColumnType } from './types.js';

/**
 * RowStore on the server's database through the SqlClient port, one SQL text for SQLite and
 * PostgreSQL but for the few pieces below. A batch travels as ONE parameter (a JSON array of
 * rows, unpacked by `json_each` / `jsonb_array_elements`), so a 5,000-row chunk is one statement
 * with one bound value. Identifiers are validated by the tool's config (lower-case letters,
 * digits, _) and quoted; values are always bound, never spliced into the SQL.
 */
const SQL_TYPES: Record<'sqlite' | 'postgresql', Record<ColumnType, string>> = {
  sqlite: { string: 'TEXT', number: 'REAL', integer: 'INTEGER', boolean: 'INTEGER', date: 'TEXT' },
  postgresql: {
    string: 'TEXT',
    number: 'DOUBLE PRECISION',
    integer: 'BIGINT',
    boolean: 'BOOLEAN',
    date: 'DATE',
  },
};
const META = ['_key', '_hash', '_run_id', '_line', '_source'] as const;
const META_TYPES: ColumnType[] = ['string', 'string', 'string', 'integer', 'string'];
const Q_COLUMNS = ['_source', '_line', '_run_id', 'stage', 'reason', 'detail', 'data'] as const;
const Q_TYPES: ColumnType[] = [
  'string',
  'integer',
  'string',
  'string',
  'string',
  'string',
  'string',
];

const q = (id: string) => `"${id}"`;

export function createSqlRowStore(sql: SqlClient): RowStore {
  const pg = sql.provider === 'postgresql';
  const types = SQL_TYPES[sql.provider];
  const p = (n: number) => (pg ? `$${n}` : '?');
  const rowsFrom = pg ? 'jsonb_array_elements($1::jsonb) AS j(value)' : 'json_each(?) AS j';
  // Rows travel as JSON arrays in column order (SQLite reads `->> i` of an array faster than a
  // key of an object: 2.0 s against 2.9 s for 200k rows of 14 columns).
  const field = (i: number, type: ColumnType) =>
    pg
      ? type === 'string'
        ? `(j.value ->> ${i})`
        : `(j.value ->> ${i})::${types[type]}`
      : `j.value ->> ${i}`;
  const textsFrom = pg
    ? 'SELECT jsonb_array_elements_text($1::jsonb)'
    : 'SELECT value FROM json_each(?)';

  async function columnsOf(table: string): Promise<Set<string>> {
    const rows = pg
      ? await sql.query(
          `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
          [table],
        )
      : await sql.query('SELECT name FROM pragma_table_info(?)', [table]);
    return new Set(rows.map((r) => String(r.name)));
  }

  async function ensure(table: string, columns: Array<[string, ColumnType]>, key: string) {
    const defs = columns.map(([name, type]) => `${q(name)} ${types[type]}`).join(', ');
    await sql.execute(`CREATE TABLE IF NOT EXISTS ${q(table)} (${defs}, PRIMARY KEY (${key}))`);
    const have = await columnsOf(table);
    const missing = columns.map(([name]) => name).filter((name) => !have.has(name));
    if (missing.length > 0) {
      throw new PipelineError(
        'TABLE_MISMATCH',
        `table ${table} exists without the columns ${missing.join(', ')}: store into a new table name, or drop or alter that table`,
      );
    }
  }

  const mainColumns = (t: TableSpec): Array<[string, ColumnType]> => [
    ...META.map((m, i): [string, ColumnType] => [m, META_TYPES[i]!]),
    ...t.columns,
  ];
  const quarantineColumns = (): Array<[string, ColumnType]> =>
    Q_COLUMNS.map((c, i) => [c, Q_TYPES[i]!]);

  function upsertSql(table: string, columns: Array<[string, ColumnType]>, key: string): string {
    const names = columns.map(([n]) => q(n)).join(', ');
    const values = columns.map(([, type], i) => field(i, type)).join(', ');
    const set = columns.map(([n]) => `${q(n)} = excluded.${q(n)}`).join(', ');
    return `INSERT INTO ${q(table)} (${names}) SELECT ${values} FROM ${rowsFrom} WHERE true ON CONFLICT (${key}) DO UPDATE SET ${set}`;
  }

  return {
    async prepare(table) {
      await ensure(table.name, mainColumns(table), '"_key"');
      await ensure(table.quarantine, quarantineColumns(), '"_source", "_line"');
    },

    upsert(table, rows, runId, source) {
      return sql.transaction(async (tx) => {
        const outcome: UpsertOutcome = { inserted: 0, updated: 0, unchanged: 0, duplicates: [] };
        const existing = new Map<string, { hash: string; run: string; line: number }>();
        const found = await tx.query(
          `SELECT "_key" AS k, "_hash" AS h, "_run_id" AS r, "_line" AS l FROM ${q(table.name)} WHERE "_key" IN (${textsFrom})`,
          [JSON.stringify(rows.map((r) => r.key))],
        );
        for (const f of found)
          existing.set(String(f.k), { hash: String(f.h), run: String(f.r), line: Number(f.l) });
        const write: unknown[][] = [];
        const columns = table.columns.map(([c]) => c);
        for (const row of rows) {
          const before = existing.get(row.key);
          if (before && before.run === runId && before.line !== row.line) {
            outcome.duplicates.push({ line: row.line, firstLine: before.line, key: row.key });
            continue;
          }
          if (!before) outcome.inserted++;
          else if (before.run === runId || before.hash === row.hash) outcome.unchanged++;
          else outcome.updated++;
          existing.set(row.key, { hash: row.hash, run: runId, line: row.line });
          write.push(toRecord(row, columns, runId, source));
        }
        if (write.length > 0)
          await tx.execute(upsertSql(table.name, mainColumns(table), '"_key"'), [
            JSON.stringify(write),
          ]);
        return outcome;
      });
    },

    async quarantine(table, rows, runId, source) {
      if (rows.length === 0) return;
      const records = rows.map((r) => [
        source,
        r.line,
        runId,
        r.stage,
        r.reason,
        r.detail,
        JSON.stringify(r.data),
      ]);
      await sql.execute(upsertSql(table.quarantine, quarantineColumns(), '"_source", "_line"'), [
        JSON.stringify(records),
      ]);
    },

    async finishQuarantine(table, runId, source) {
      await sql.execute(
        `DELETE FROM ${q(table.quarantine)} WHERE "_source" = ${p(1)} AND "_run_id" <> ${p(2)}`,
        [source, runId],
      );
    },
  };
}

/** The row as an array in the order of `mainColumns`: the META columns, then the table's. */
function toRecord(
  row: StoredRow,
  columns: readonly string[],
  runId: string,
  source: string,
): unknown[] {
  const out: unknown[] = [row.key, row.hash, runId, row.line, source];
  for (const c of columns) out.push(row.values[c] ?? null);
  return out;
}
