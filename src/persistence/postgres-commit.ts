import type pg from 'pg';
import type { CommitBatch, CommitResult } from '../runs/ports.js';
import {
  eventRow,
  insertEventsSql,
  insertRunsSql,
  newRunRow,
  nodeRow,
  runRow,
  updateRunsSql,
  upsertNodesSql,
} from './run-store-sql.js';
import { chunk, dialectFor } from './sql-dialect.js';

const d = dialectFor('postgresql');
const SQL = {
  runs: insertRunsSql(d),
  fence: `SELECT "id" FROM "Run" WHERE "id" IN (${d.textsFrom(1)}) AND "owner" = $2 FOR UPDATE`,
  events: insertEventsSql(d),
  nodes: upsertNodesSql(d),
  update: updateRunsSql(d),
};

/**
 * The group commit on PostgreSQL straight on a connection of the pool under Prisma's adapter:
 * the same statements as through Prisma (each binds its rows as one JSON parameter), named so
 * the server prepares each once per connection, without Prisma's interactive transaction.
 *
 * The fence: the runs this process still owns are locked (`FOR UPDATE`, so a claim by another
 * process waits for this commit) before anything of theirs is written.
 */
export function createPostgresCommit(pool: pg.Pool) {
  const run = (client: pg.PoolClient, name: keyof typeof SQL, values: unknown[]) =>
    client.query({ name: `aef_commit_${name}`, text: SQL[name], values });
  return async (batch: CommitBatch, owner: string): Promise<CommitResult> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const part of chunk(batch.created))
        await run(client, 'runs', [JSON.stringify(part.map((r) => newRunRow(d, r)))]);
      const touched = [
        ...new Set([...batch.events.map((e) => e.runId), ...batch.runs.map((r) => r.id)]),
      ];
      const owned = new Set<string>();
      for (const part of chunk(touched)) {
        const { rows } = await run(client, 'fence', [JSON.stringify(part), owner]);
        for (const r of rows as Array<{ id: string }>) owned.add(r.id);
      }
      const lost = touched.filter((id) => !owned.has(id));
      const keep = <T>(rows: T[], id: (row: T) => string) =>
        lost.length === 0 ? rows : rows.filter((row) => owned.has(id(row)));
      for (const part of chunk(keep(batch.events, (e) => e.runId)))
        await run(client, 'events', [JSON.stringify(part.map((e) => eventRow(d, e)))]);
      for (const part of chunk(keep(batch.nodes, (n) => n.runId)))
        await run(client, 'nodes', [JSON.stringify(part.map((n) => nodeRow(d, n)))]);
      for (const part of chunk(keep(batch.runs, (r) => r.id)))
        await run(client, 'update', [JSON.stringify(part.map((r) => runRow(d, r)))]);
      await client.query('COMMIT');
      return { lost };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };
}
