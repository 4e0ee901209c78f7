import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A database made for one measurement and dropped after it. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in its own temp folder (WAL and SHM files go there too). */
export function tempSqlite(prefix = 'aef-benchmark-'): BenchDatabase & { path: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'bench.db');
  return {
    path,
    url: `file:${path}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The server databases are created on; BENCH_DATABASE_URL overrides it. */
export function postgresAdminUrl(env: Record<string, string | undefined>): string {
  return env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
}

const redact = (url: string) => url.replace(/\/\/[^@]*@/, '//');

/** null when PostgreSQL answers, else why not (the PostgreSQL rows are then left out). */
export async function postgresUnavailable(adminUrl: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `no PostgreSQL at ${redact(adminUrl)} (${(err as Error).message}); set BENCH_DATABASE_URL`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database on the admin URL's server. */
export async function tempPostgres(adminUrl: string): Promise<BenchDatabase> {
  const name = `aef_bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
