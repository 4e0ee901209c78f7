/**
 * user-onboarding end to end, on SQLite and PostgreSQL: the server as started by `npm start`
 * (the example seeded), the sign-ups of examples/user-onboarding/signups.json (a duplicate,
 * two names with one slug, two flagged domains, an invalid form), the welcome emails read back
 * from a real SMTP server, the example's tables read from the server's database.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunData } from '../../api/operations.js';
import { backends } from '../../helpers/databases.js';
import {
  FROM,
  type Interrupt,
  type OnboardingServer,
  SMTP_PASS,
  SMTP_USER,
  signUp,
  startOnboardingServer,
} from './onboarding-app.js';

const signups = JSON.parse(
  readFileSync(new URL('../../../examples/user-onboarding/signups.json', import.meta.url), 'utf8'),
) as Array<{ user: { email: string; name: string } }>;

/** The reviewer: the prize-draw address is declined, the other flagged one let through. */
const review = (q: Interrupt) =>
  q.prompt.includes('win-big@')
    ? { approved: false, note: 'prize-draw spam' }
    : { approved: true, note: 'known researcher' };

const report = (run: RunData) => run.state?.report as Record<string, unknown>;

for (const { name: backend, skip } of await backends()) {
  describe(`user-onboarding sign-ups (${backend})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let s: OnboardingServer;
    const runs: RunData[] = [];
    const questions: Array<Interrupt | undefined> = [];
    beforeAll(async () => {
      s = await startOnboardingServer(backend);
      for (const input of signups) {
        const { run, asked } = await signUp(s, input, review);
        runs.push(run);
        questions.push(asked);
      }
    }, 60_000);
    afterAll(async () => s?.close());

    it('ends every sign-up of the file with the outcome it calls for', () => {
      expect(runs.map((r) => r.status)).toEqual(signups.map(() => 'SUCCEEDED'));
      expect(runs.map((r) => r.state?.status)).toEqual([
        'completed',
        'completed',
        'already_registered',
        'completed',
        'declined',
        'completed',
        'rejected',
      ]);
    });

    it('delivers exactly one welcome email per new account, with its workspace URL', () => {
      const byTo = new Map(s.smtp.mails.map((m) => [m.to, m]));
      expect(s.smtp.mails.map((m) => m.rcptTo)).toEqual([
        ['grace@navy.example'],
        ['alan@bletchley.example'],
        ['joan@hut8.example'],
        ['edsger@yopmail.com'],
      ]);
      expect(byTo.size).toBe(4);
      const expected = [
        ['grace@navy.example', 'Grace Hopper', 'compiler-works'],
        ['alan@bletchley.example', 'Alan Turing', 'bletchley-park'],
        ['joan@hut8.example', 'Joan Clarke', 'bletchley-park-2'],
        ['edsger@yopmail.com', 'Edsger Dijkstra', 'structured-programs'],
      ];
      for (const [to, name, slug] of expected) {
        const mail = byTo.get(to!)!;
        expect(mail.subject).toBe(`Welcome aboard, ${name}!`);
        expect(mail.from).toBe(FROM);
        expect(mail.text).toContain(`https://app.example.com/w/${slug}`);
        expect(mail.html).toContain(`href="https://app.example.com/w/${slug}"`);
        const run = runs.find((r) => (r.state?.account as { email?: string })?.email === to)!;
        expect(mail.messageId).toBe((run.state!.welcome_email as { messageId: string }).messageId);
      }
      // Every message logged in with the URL's credentials.
      expect(s.smtp.logins).toEqual([SMTP_USER, SMTP_USER, SMTP_USER, SMTP_USER]);
    });

    it('stores one active account and one workspace per email, on distinct slugs', async () => {
      const accounts = await s.sql.query<{
        email: string;
        status: string;
        id: string;
        tenant_id: string;
      }>('SELECT id, tenant_id, email, status FROM onboarding_accounts ORDER BY created_at');
      // The run's tenant (AUTH=none: the default one), read through the run service.
      expect(new Set(accounts.map((a) => a.tenant_id))).toEqual(new Set(['default']));
      expect(accounts.map((a) => [a.email, a.status])).toEqual([
        ['grace@navy.example', 'active'],
        ['alan@bletchley.example', 'active'],
        ['joan@hut8.example', 'active'],
        ['edsger@yopmail.com', 'active'],
      ]);
      const workspaces = await s.sql.query<{ slug: string; account_id: string; seats: number }>(
        'SELECT slug, account_id, seats FROM onboarding_workspaces ORDER BY created_at',
      );
      expect(workspaces.map((w) => w.slug)).toEqual([
        'compiler-works',
        'bletchley-park',
        'bletchley-park-2',
        'structured-programs',
      ]);
      expect(workspaces.map((w) => w.account_id)).toEqual(accounts.map((a) => a.id));
      expect(workspaces.map((w) => Number(w.seats))).toEqual([50, 5, 1, 5]);
      const emails = await s.sql.query<{ account_id: string; status: string; transport: string }>(
        'SELECT account_id, status, transport FROM onboarding_emails ORDER BY updated_at',
      );
      expect(emails.map((e) => [e.account_id, e.status, e.transport])).toEqual(
        accounts.map((a) => [a.id, 'sent', 'smtp']),
      );
    });

    it('answers the second sign-up of an email "already registered" with the first account', () => {
      const first = report(runs[0]!);
      expect(report(runs[2]!)).toMatchObject({
        outcome: 'already_registered',
        email: 'grace@navy.example',
        accountId: first.accountId,
        workspace: { slug: 'compiler-works', status: 'active' },
      });
      const ran = runs[2]!.nodes.map((n) => [n.nodeId, n.status]);
      for (const id of ['account', 'workspace', 'email'])
        expect(ran).toContainEqual([id, 'SKIPPED']);
    });

    it('asks a person about flagged domains only; declined makes nothing, approved goes on', () => {
      expect(questions.map((q) => q?.id ?? null)).toEqual([
        null,
        null,
        null,
        null,
        'approve:1:1',
        'approve:1:1',
        null,
      ]);
      expect(questions[4]!.prompt).toBe(
        'Approve the sign-up of Prize Desk <win-big@mailinator.com>? Flags: ["disposable_domain"]',
      );
      expect(report(runs[4]!)).toMatchObject({
        outcome: 'declined',
        email: 'win-big@mailinator.com',
        note: 'prize-draw spam',
        flags: ['disposable_domain'],
      });
      expect(runs[4]!.state?.account).toBeUndefined();
      expect(report(runs[5]!)).toMatchObject({ outcome: 'completed', email: 'edsger@yopmail.com' });
    });

    it('never puts the SMTP credentials in a run', () => {
      const everything = JSON.stringify(runs);
      expect(everything.includes(SMTP_PASS)).toBe(false);
      expect(everything).toContain(`"via":"smtp://127.0.0.1:${s.smtp.port}"`);
    });

    it('makes one account, workspace and email when one email signs up twice at once', async () => {
      const input = { user: { email: 'twice@lab.example', name: 'Twin Sign-up' } };
      const both = await Promise.all([signUp(s, input), signUp(s, input)]);
      expect(both.map((b) => b.run.state?.status).sort()).toEqual([
        'already_registered',
        'completed',
      ]);
      expect(s.smtp.mails.filter((m) => m.to === 'twice@lab.example')).toHaveLength(1);
      const rows = await s.sql.query(
        `SELECT w.slug FROM onboarding_accounts a JOIN onboarding_workspaces w ON w.account_id = a.id WHERE a.email = 'twice@lab.example'`,
      );
      expect(rows).toEqual([{ slug: 'twin-sign-up' }]);
    });

    it('runs the seeded graph with no input, as GraphiQL and the dashboard start it', async () => {
      const { run } = await signUp(s, undefined);
      expect(run.state?.report).toMatchObject({
        outcome: 'completed',
        email: 'ada@example.com',
        workspace: { slug: 'analytical-engines' },
      });
      expect(s.smtp.mails.filter((m) => m.to === 'ada@example.com')).toHaveLength(1);
    });
  });
}
