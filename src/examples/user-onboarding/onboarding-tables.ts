import type { SqlClient } from '../../runs/sql-client.js';

/**
 * The example's own tables, created on first use in the server's database (SQLite or
 * PostgreSQL). Not a framework migration: the example owns them, and a server started with
 * `examples: false` never gets them. The unique constraints are what make sign-up idempotent:
 * one account per email (per tenant) and per creating activation, one workspace per account and
 * per slug (per tenant), one welcome email per account.
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS onboarding_accounts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    plan TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL UNIQUE,
    disabled_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (tenant_id, email)
  )`,
  `CREATE TABLE IF NOT EXISTS onboarding_workspaces (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE REFERENCES onboarding_accounts (id),
    tenant_id TEXT NOT NULL,
    slug TEXT NOT NULL,
    plan TEXT NOT NULL,
    storage_gb INTEGER NOT NULL,
    seats INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, slug)
  )`,
  `CREATE TABLE IF NOT EXISTS onboarding_emails (
    account_id TEXT NOT NULL REFERENCES onboarding_accounts (id),
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    transport TEXT NOT NULL,
    status TEXT NOT NULL,
    response TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
  )`,
];

/** Attempts at creating the tables: concurrent `CREATE TABLE IF NOT EXISTS` can collide on PostgreSQL. */
const ATTEMPTS = 3;

/**
 * Creates the tables when missing. Two servers creating them at once on PostgreSQL may see a
 * duplicate-type error from the loser: it tries again, and then finds them.
 */
export async function ensureOnboardingTables(db: SqlClient): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      for (const sql of TABLES) await db.execute(sql);
      return;
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** Placeholders in order: `?` on SQLite, `$1`, `$2`... on PostgreSQL. */
export function placeholders(dialect: SqlClient['provider']): (n: number) => string {
  return dialect === 'sqlite' ? () => '?' : (n) => `$${n}`;
}
