/**
 * Compensation, on SQLite and PostgreSQL: a workspace that cannot be provisioned (the
 * database refuses the row, through a trigger) and a welcome email the SMTP server refuses
 * (550) leave the account disabled, never half made, and the run ends with a report saying so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlOnboardingStore } from '../../../src/examples/user-onboarding/index.js';
import type { SqlClient } from '../../../src/runs/sql-client.js';
import { backends } from '../../helpers/databases.js';
import { type OnboardingServer, signUp, startOnboardingServer } from './onboarding-app.js';

const FAILURE = 'provisioning backend unavailable';

/** Makes the database refuse workspaces whose slug starts with "doomed". */
async function refuseDoomedWorkspaces(sql: SqlClient): Promise<void> {
  await createSqlOnboardingStore(sql).accountByEmail('default', 'nobody@example.com'); // creates the tables
  if (sql.provider === 'sqlite') {
    await sql.execute(`CREATE TRIGGER refuse_doomed BEFORE INSERT ON onboarding_workspaces
      WHEN NEW.slug LIKE 'doomed%' BEGIN SELECT RAISE(ABORT, '${FAILURE}'); END`);
    return;
  }
  await sql.execute(`CREATE FUNCTION refuse_doomed() RETURNS trigger AS $$
    BEGIN IF NEW.slug LIKE 'doomed%' THEN RAISE EXCEPTION '${FAILURE}'; END IF; RETURN NEW; END
    $$ LANGUAGE plpgsql`);
  await sql.execute(`CREATE TRIGGER refuse_doomed BEFORE INSERT ON onboarding_workspaces
    FOR EACH ROW EXECUTE FUNCTION refuse_doomed()`);
}

for (const { name: backend, skip } of await backends()) {
  describe(`user-onboarding compensation (${backend})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let s: OnboardingServer;
    beforeAll(async () => {
      s = await startOnboardingServer(backend, (address) => address.startsWith('bounce@'));
      await refuseDoomedWorkspaces(s.sql);
    });
    afterAll(async () => s?.close());

    const accountRow = async (email: string) =>
      (
        await s.sql.query<{ id: string; status: string; disabled_reason: string | null }>(
          `SELECT id, status, disabled_reason FROM onboarding_accounts WHERE email = '${email}'`,
        )
      )[0];

    it('disables the account when the workspace cannot be provisioned, after its retries', async () => {
      const { run } = await signUp(s, {
        user: { email: 'ceo@doomed.example', name: 'Dee Oomed', company: 'Doomed Ventures' },
      });
      expect(run.status).toBe('SUCCEEDED');
      expect(run.state?.status).toBe('compensated');
      expect(run.state?.report).toMatchObject({
        outcome: 'compensated',
        email: 'ceo@doomed.example',
        failedStep: 'workspace',
        reason: expect.stringContaining(FAILURE),
      });
      const nodes = new Map(run.nodes.map((n) => [n.nodeId, n]));
      expect(nodes.get('workspace')).toMatchObject({ status: 'SUCCEEDED', attempts: 3 });
      expect(nodes.get('email')?.status).toBe('SKIPPED');
      expect(nodes.get('complete')?.status).toBe('SKIPPED');
      const account = await accountRow('ceo@doomed.example');
      expect(account).toMatchObject({ status: 'disabled' });
      expect(account?.disabled_reason).toContain(`workspace failed: `);
      const made = await s.sql.query(
        `SELECT account_id FROM onboarding_workspaces WHERE account_id = '${account?.id}'`,
      );
      expect(made).toEqual([]);
      expect(s.smtp.mails.filter((m) => m.to === 'ceo@doomed.example')).toEqual([]);
    });

    it('disables account and workspace when the SMTP server refuses the recipient', async () => {
      const { run } = await signUp(s, { user: { email: 'bounce@lab.example', name: 'Bo Unce' } });
      expect(run.state?.status).toBe('compensated');
      expect(run.state?.report).toMatchObject({
        failedStep: 'email',
        reason: expect.stringContaining('550'),
        disabled: { workspace: 'bo-unce' },
      });
      // A 5xx is final: no retry of the email node.
      expect(run.nodes.find((n) => n.nodeId === 'email')?.attempts).toBe(1);
      const account = await accountRow('bounce@lab.example');
      expect(account?.status).toBe('disabled');
      const ws = await s.sql.query<{ status: string }>(
        `SELECT status FROM onboarding_workspaces WHERE account_id = '${account?.id}'`,
      );
      expect(ws).toEqual([{ status: 'disabled' }]);
      const email = await s.sql.query<{ status: string }>(
        `SELECT status FROM onboarding_emails WHERE account_id = '${account?.id}'`,
      );
      expect(email).toEqual([{ status: 'failed' }]);
      expect(s.smtp.mails).toEqual([]);
    });

    it('answers a new sign-up of a compensated email "already registered", disabled', async () => {
      const { run } = await signUp(s, { user: { email: 'bounce@lab.example', name: 'Bo Unce' } });
      expect(run.state?.report).toMatchObject({
        outcome: 'already_registered',
        accountStatus: 'disabled',
        workspace: { slug: 'bo-unce', status: 'disabled' },
      });
      expect(s.smtp.mails).toEqual([]);
    });
  });
}
