import type { SqlClient } from '../../runs/sql-client.js';
import { ensureOnboardingTables, placeholders } from './onboarding-tables.js';
import { slugCandidates } from './slug.js';
import type { Plan } from './user.js';

export type AccountStatus = 'pending' | 'active' | 'disabled';

export interface Account {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  plan: Plan;
  status: AccountStatus;
  disabledReason: string | null;
}

export interface Workspace {
  id: string;
  tenantId: string;
  accountId: string;
  slug: string;
  plan: Plan;
  storageGb: number;
  seats: number;
  status: 'active' | 'disabled';
}

/** `sending`: claimed, delivery unknown; `sent`: accepted by SMTP; `rendered`: JSON transport, not delivered. */
export type EmailStatus = 'sending' | 'sent' | 'rendered' | 'failed';

export interface EmailRecord {
  accountId: string;
  idempotencyKey: string;
  messageId: string;
  recipient: string;
  transport: 'smtp' | 'json';
  status: EmailStatus;
  response: string | null;
}

/** The example's port onto its tables, per tenant; every write is idempotent. */
export interface OnboardingStore {
  accountByEmail(tenantId: string, email: string): Promise<Account | undefined>;
  /**
   * Inserts the account unless its email is taken in its tenant. `created` tells whether the account is this
   * activation's (`key`, also on a retry) or another sign-up's.
   */
  createAccount(
    key: string,
    account: Omit<Account, 'status' | 'disabledReason'>,
  ): Promise<{ account: Account; created: boolean }>;
  setAccountStatus(id: string, status: AccountStatus, reason?: string): Promise<void>;
  workspaceOf(accountId: string): Promise<Workspace | undefined>;
  /** The account's workspace: the existing one, or a new one on the first free slug from `base`. */
  createWorkspace(
    workspace: Omit<Workspace, 'slug' | 'status'> & { base: string },
  ): Promise<Workspace>;
  disableWorkspace(accountId: string): Promise<void>;
  welcomeEmail(accountId: string): Promise<EmailRecord | undefined>;
  /** Records a send about to happen (`sending`), unless one is recorded already; returns the record. */
  claimWelcomeEmail(email: Omit<EmailRecord, 'status' | 'response'>): Promise<EmailRecord>;
  finishWelcomeEmail(accountId: string, status: EmailStatus, response: string): Promise<void>;
}

type Row = Record<string, unknown>;
const now = () => new Date().toISOString();
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

const toAccount = (r: Row): Account => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  email: String(r.email),
  name: String(r.name),
  plan: r.plan as Plan,
  status: r.status as AccountStatus,
  disabledReason: str(r.disabled_reason),
});
const toWorkspace = (r: Row): Workspace => ({
  id: String(r.id),
  tenantId: String(r.tenant_id),
  accountId: String(r.account_id),
  slug: String(r.slug),
  plan: r.plan as Plan,
  storageGb: Number(r.storage_gb),
  seats: Number(r.seats),
  status: r.status as Workspace['status'],
});
const toEmail = (r: Row): EmailRecord => ({
  accountId: String(r.account_id),
  idempotencyKey: String(r.idempotency_key),
  messageId: String(r.message_id),
  recipient: String(r.recipient),
  transport: r.transport as EmailRecord['transport'],
  status: r.status as EmailStatus,
  response: str(r.response),
});

/** The store on the SqlClient port; its tables are created on first use. */
export function createSqlOnboardingStore(db: SqlClient): OnboardingStore {
  const p = placeholders(db.provider);
  let ready: Promise<void> | undefined;
  const ensure = () =>
    (ready ??= ensureOnboardingTables(db).catch((err: unknown) => {
      ready = undefined; // the next call tries again
      throw err;
    }));
  const q = async (sql: string, params: unknown[] = []) => {
    await ensure();
    return db.query<Row>(sql, params);
  };
  const x = async (sql: string, params: unknown[] = []) => {
    await ensure();
    return db.execute(sql, params);
  };
  const one = async (sql: string, params: unknown[]) => (await q(sql, params))[0];

  const accountByEmail = async (tenantId: string, email: string) => {
    const sql = `SELECT * FROM onboarding_accounts WHERE tenant_id = ${p(1)} AND email = ${p(2)}`;
    const row = await one(sql, [tenantId, email]);
    return row ? toAccount(row) : undefined;
  };
  const workspaceOf = async (accountId: string) => {
    const sql = `SELECT * FROM onboarding_workspaces WHERE account_id = ${p(1)}`;
    const row = await one(sql, [accountId]);
    return row ? toWorkspace(row) : undefined;
  };
  const welcomeEmail = async (accountId: string) => {
    const sql = `SELECT * FROM onboarding_emails WHERE account_id = ${p(1)} AND kind = 'welcome'`;
    const row = await one(sql, [accountId]);
    return row ? toEmail(row) : undefined;
  };

  return {
    accountByEmail,
    async createAccount(key, a) {
      const at = now();
      // ON CONFLICT DO NOTHING covers both the email and the creating key: a concurrent sign-up
      // of the same email loses here, and a retry of this activation finds its own row.
      await x(
        `INSERT INTO onboarding_accounts (id, tenant_id, email, name, plan, status, created_by, created_at, updated_at)
         VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, 'pending', ${p(6)}, ${p(7)}, ${p(8)})
         ON CONFLICT DO NOTHING`,
        [a.id, a.tenantId, a.email, a.name, a.plan, key, at, at],
      );
      const sql = `SELECT * FROM onboarding_accounts WHERE tenant_id = ${p(1)} AND email = ${p(2)}`;
      const row = await one(sql, [a.tenantId, a.email]);
      if (!row) throw new Error(`account ${a.id} was neither created nor found (${a.email})`);
      return { account: toAccount(row), created: row.created_by === key };
    },
    async setAccountStatus(id, status, reason) {
      await x(
        `UPDATE onboarding_accounts SET status = ${p(1)}, disabled_reason = ${p(2)}, updated_at = ${p(3)} WHERE id = ${p(4)}`,
        [status, reason ?? null, now(), id],
      );
    },
    workspaceOf,
    async createWorkspace(w) {
      for (const slug of slugCandidates(w.base, w.accountId)) {
        const existing = await workspaceOf(w.accountId);
        if (existing) return existing;
        // A taken slug (another account's) makes the insert do nothing: the next candidate.
        await x(
          `INSERT INTO onboarding_workspaces (id, account_id, tenant_id, slug, plan, storage_gb, seats, status, created_at)
           VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, 'active', ${p(8)})
           ON CONFLICT DO NOTHING`,
          [w.id, w.accountId, w.tenantId, slug, w.plan, w.storageGb, w.seats, now()],
        );
      }
      const made = await workspaceOf(w.accountId);
      if (!made) throw new Error(`no free workspace slug for "${w.base}"`);
      return made;
    },
    async disableWorkspace(accountId) {
      await x(`UPDATE onboarding_workspaces SET status = 'disabled' WHERE account_id = ${p(1)}`, [
        accountId,
      ]);
    },
    welcomeEmail,
    async claimWelcomeEmail(e) {
      await x(
        `INSERT INTO onboarding_emails (account_id, kind, idempotency_key, message_id, recipient, transport, status, updated_at)
         VALUES (${p(1)}, 'welcome', ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, 'sending', ${p(6)})
         ON CONFLICT DO NOTHING`,
        [e.accountId, e.idempotencyKey, e.messageId, e.recipient, e.transport, now()],
      );
      const record = await welcomeEmail(e.accountId);
      if (!record) throw new Error(`the welcome email of ${e.accountId} was not recorded`);
      return record;
    },
    async finishWelcomeEmail(accountId, status, response) {
      await x(
        `UPDATE onboarding_emails SET status = ${p(1)}, response = ${p(2)}, updated_at = ${p(3)}
         WHERE account_id = ${p(4)} AND kind = 'welcome'`,
        [status, response, now(), accountId],
      );
    },
  };
}
