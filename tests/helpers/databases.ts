import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Test databases. SQLite: a fresh file in a temp folder. PostgreSQL: a fresh database on the
 * server named by TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test), dropped
 * afterwards. Where no PostgreSQL answers, PostgreSQL suites skip with one line saying why.
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function sqliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'aef-test-'));
  return {
    url: `file:${join(dir, 'test.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

let availability: Promise<string | null> | undefined;

/** null when PostgreSQL is reachable, else the reason it is not. */
export function postgresUnavailable(): Promise<string | null> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return null;
    } catch (err) {
      return `PostgreSQL tests skipped: no server at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')} (${(err as Error).message}); set TEST_DATABASE_URL to run them.`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return availability;
}

export async function postgresTestDatabase(): Promise<TestDatabase> {
  const name = `aef_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export type Backend = 'sqlite' | 'postgresql';

/** The backends to run a shared suite on: SQLite always, PostgreSQL when reachable. */
export async function backends(): Promise<Array<{ name: Backend; skip: string | null }>> {
  const skip = await postgresUnavailable();
  // CI sets REQUIRE_POSTGRES=1: there a missing server is a failure, not a skip.
  if (skip && process.env.REQUIRE_POSTGRES === '1')
    throw new Error(`REQUIRE_POSTGRES=1 but ${skip}`);
  return [
    { name: 'sqlite', skip: null },
    { name: 'postgresql', skip },
  ];
}

export function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  return backend === 'sqlite' ? Promise.resolve(sqliteTestDatabase()) : postgresTestDatabase();
}
