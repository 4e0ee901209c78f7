import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { type DatabaseProvider, sqlitePath } from './database-url.js';

/**
 * Applies the checked-in migrations (prisma/<provider>/migrations/<name>/migration.sql, Prisma's
 * layout) at start, and records them in Prisma's own `_prisma_migrations` table, so the same
 * database also reads as migrated to `prisma migrate status`. Idempotent; a migration edited
 * after it was applied is refused (checksum). Safe when several processes start at once:
 * SQLite takes the write lock first (BEGIN IMMEDIATE), PostgreSQL an advisory lock.
 */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADVISORY_LOCK_KEY = 72_707_369; // any constant; shared by every process of this app

export function migrationsDir(provider: DatabaseProvider): string {
  return join(root, 'prisma', provider, 'migrations');
}

export function readMigrations(provider: DatabaseProvider): Migration[] {
  const dir = migrationsDir(provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Splits a migration into statements (our migrations hold no `;` inside literals). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\r?\n|$)/)
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

const LEDGER_SQL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMP,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMP,
  "started_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

function plan(
  migrations: Migration[],
  applied: Array<{ migration_name: string; checksum: string }>,
): { pending: Migration[]; done: string[] } {
  const byName = new Map(applied.map((a) => [a.migration_name, a.checksum]));
  const pending: Migration[] = [];
  const done: string[] = [];
  for (const m of migrations) {
    const checksum = byName.get(m.name);
    if (checksum === undefined) pending.push(m);
    else if (checksum !== m.checksum)
      throw new Error(
        `Migration ${m.name} was changed after it was applied; add a new migration instead of editing it.`,
      );
    else done.push(m.name);
  }
  return { pending, done };
}

export async function applyMigrations(
  provider: DatabaseProvider,
  url: string,
): Promise<MigrationReport> {
  const migrations = readMigrations(provider);
  return provider === 'sqlite' ? migrateSqlite(url, migrations) : migratePostgres(url, migrations);
}

function migrateSqlite(url: string, migrations: Migration[]): MigrationReport {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: 30_000 });
  try {
    // A new file returns the pages retention frees (PRAGMA incremental_vacuum): only settable
    // before the first table exists (an older file needs one VACUUM; see the README).
    const empty = db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number };
    if (empty.n === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.exec(LEDGER_SQL);
    // BEGIN IMMEDIATE: a second process starting at once waits here, then sees our ledger rows.
    db.exec('BEGIN IMMEDIATE');
    try {
      const applied = db
        .prepare(
          'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
        )
        .all() as Array<{ migration_name: string; checksum: string }>;
      const { pending, done } = plan(migrations, applied);
      const record = db.prepare(
        'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, CURRENT_TIMESTAMP, ?, 1)',
      );
      for (const m of pending) {
        for (const statement of splitStatements(m.sql)) db.exec(statement);
        record.run(randomUUID(), m.checksum, m.name);
      }
      db.exec('COMMIT');
      return { applied: pending.map((m) => m.name), alreadyApplied: done };
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    try {
      await client.query(LEDGER_SQL);
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const { pending, done } = plan(migrations, rows);
      for (const m of pending) {
        await client.query('BEGIN');
        try {
          for (const statement of splitStatements(m.sql)) await client.query(statement);
          await client.query(
            'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)',
            [randomUUID(), m.checksum, m.name],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
      return { applied: pending.map((m) => m.name), alreadyApplied: done };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
