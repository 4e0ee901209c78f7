/**
 * The floors of the durable workload, measured in the same run as ours: the rate at which the
 * drivers themselves store our RunEvent rows, with nothing of ours in between.
 * - SQLite: better-sqlite3, one multi-row INSERT prepared once per batch size, one transaction
 *   per batch, the same pragmas as our database (WAL, synchronous=NORMAL, foreign keys on).
 * - PostgreSQL: `pg`, one multi-row INSERT per batch (one round trip, its own transaction).
 * Same schema (made by our migrations), same rows: the events of a real pipeline run, copied
 * for as many runs as ours runs, interleaved as runs in flight emit them, in batches of the size
 * our group commit wrote in the same run (measured from its commits).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { pipelineGraph } from '../graphs.js';
import { benchApp } from '../lib/app.js';
import type { BenchDatabase } from '../lib/databases.js';
import { perSecond, settleWithin } from '../lib/timing.js';

const COLUMNS = ['runId', 'seq', 'type', 'nodeId', 'attempt', 'at', 'data', 'traceId', 'spanId'];
const q = (c: string) => `"${c}"`;
/** SQLite binds at most 32,766 values per statement; PostgreSQL 65,535. */
const MAX_ROWS = { sqlite: 3_000, postgresql: 7_000 };

type EventRow = Record<string, unknown>;

export interface FloorSample {
  rows: number;
  batch: number;
}

/** One template run's events (stored by our run service) on a fresh database with our schema. */
async function template(db: BenchDatabase): Promise<string> {
  const app = await benchApp(db.url);
  try {
    const graph = await app.graphs.create(pipelineGraph());
    const run = await app.runs.start(graph.id, {});
    await app.runs.waitFor(run.id);
    return run.id;
  } finally {
    await settleWithin(() => app.stop(), 15_000);
  }
}

/** The template's events for `runs` runs, ordered as runs in flight emit them (seq-major). */
function copies(events: EventRow[], runIds: string[]): unknown[][] {
  const out: unknown[][] = [];
  for (const e of events)
    for (const id of runIds) out.push(COLUMNS.map((c) => (c === 'runId' ? id : e[c])));
  return out;
}

const batches = <T>(rows: T[], size: number) =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) =>
    rows.slice(i * size, (i + 1) * size),
  );

/** `make(n)`, made once per n (a statement per batch size, prepared once). */
function memo<T>(make: (n: number) => T): (n: number) => T {
  const made = new Map<number, T>();
  return (n) => {
    const hit = made.get(n);
    if (hit !== undefined) return hit;
    const value = make(n);
    made.set(n, value);
    return value;
  };
}

const insertSql = (rows: number, param: (n: number) => string) =>
  `INSERT INTO "RunEvent" (${COLUMNS.map(q).join(', ')}) VALUES ${Array.from(
    { length: rows },
    (_, r) => `(${COLUMNS.map((_, c) => param(r * COLUMNS.length + c + 1)).join(', ')})`,
  ).join(', ')}`;

/** Prepared multi-row inserts on SQLite: event rows stored per second. */
export async function sqliteFloor(
  db: BenchDatabase & { path: string },
  runs: number,
  batch: number,
): Promise<FloorSample> {
  const templateId = await template(db);
  const sqlite = new Database(db.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const runColumns = (sqlite.prepare(`PRAGMA table_info("Run")`).all() as { name: string }[]).map(
      (c) => c.name,
    );
    const copyRun = sqlite.prepare(
      `INSERT INTO "Run" (${runColumns.map(q).join(', ')}) SELECT ${runColumns
        .map((c) => (c === 'id' ? '?' : q(c)))
        .join(', ')} FROM "Run" WHERE "id" = ?`,
    );
    const ids = Array.from({ length: runs }, (_, i) => `floor-${i}`);
    sqlite.transaction(() => {
      for (const id of ids) copyRun.run(id, templateId);
    })();
    const events = sqlite
      .prepare(`SELECT * FROM "RunEvent" WHERE "runId" = ? ORDER BY "seq"`)
      .all(templateId) as EventRow[];
    const rows = copies(events, ids);
    const prepared = memo((n) => sqlite.prepare(insertSql(n, () => '?')));
    for (const n of [Math.min(batch, MAX_ROWS.sqlite), rows.length % batch]) if (n) prepared(n);
    const write = sqlite.transaction((part: unknown[][]) => {
      for (const slice of batches(part, MAX_ROWS.sqlite)) prepared(slice.length).run(slice.flat());
    });
    const t0 = performance.now();
    for (const part of batches(rows, batch)) write(part);
    const ms = performance.now() - t0;
    const stored = (
      sqlite.prepare(`SELECT count(*) AS c FROM "RunEvent" WHERE "runId" LIKE 'floor-%'`).get() as {
        c: number;
      }
    ).c;
    if (stored !== rows.length)
      throw new Error(`SQLite floor: ${stored} of ${rows.length} rows stored`);
    return { rows: perSecond(rows.length, ms), batch };
  } finally {
    sqlite.close();
  }
}

/** Multi-row inserts on PostgreSQL, one round trip per batch: event rows stored per second. */
export async function postgresFloor(
  db: BenchDatabase,
  runs: number,
  batch: number,
): Promise<FloorSample> {
  const templateId = await template(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows: runColumns } = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Run' AND table_schema = current_schema()`,
    );
    const names = runColumns.map((c) => c.column_name);
    const ids = Array.from({ length: runs }, (_, i) => `floor-${i}`);
    await client.query(
      `INSERT INTO "Run" (${names.map(q).join(', ')}) SELECT ${names
        .map((c) => (c === 'id' ? 'ids.id' : `r.${q(c)}`))
        .join(', ')} FROM "Run" r, unnest($1::text[]) AS ids(id) WHERE r."id" = $2`,
      [ids, templateId],
    );
    const { rows: events } = await client.query<EventRow>(
      `SELECT * FROM "RunEvent" WHERE "runId" = $1 ORDER BY "seq"`,
      [templateId],
    );
    // jsonb travels as text, as our store sends it.
    const json = events.map((e) => ({ ...e, data: JSON.stringify(e.data) }));
    const rows = copies(json, ids);
    const size = Math.min(batch, MAX_ROWS.postgresql);
    const text = memo((n) => insertSql(n, (i) => `$${i}`));
    const t0 = performance.now();
    for (const part of batches(rows, size)) await client.query(text(part.length), part.flat());
    const ms = performance.now() - t0;
    const { rows: count } = await client.query<{ c: string }>(
      `SELECT count(*) AS c FROM "RunEvent" WHERE "runId" LIKE 'floor-%'`,
    );
    if (Number(count[0]?.c) !== rows.length)
      throw new Error(`PostgreSQL floor: ${count[0]?.c} of ${rows.length} rows stored`);
    return { rows: perSecond(rows.length, ms), batch: size };
  } finally {
    await client.end();
  }
}
