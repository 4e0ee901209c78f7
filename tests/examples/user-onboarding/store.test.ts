/**
 * The example's store on the server's database, SQLite and PostgreSQL: the unique constraints
 * hold under concurrent calls (one account per email, distinct slugs, one workspace per
 * account), and a retry of the same activation finds its own rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSqlOnboardingStore,
  type OnboardingStore,
} from '../../../src/examples/user-onboarding/index.js';
import { type Database, openDatabase } from '../../../src/persistence/database.js';
import { createPrismaSqlClient } from '../../../src/persistence/prisma-sql-client.js';
import { backends, openTestDatabase, type TestDatabase } from '../../helpers/databases.js';

const account = (n: number, email = `user${n}@lab.example`, tenantId = 'default') => ({
  id: `acct_${n}`,
  tenantId,
  email,
  name: `User ${n}`,
  plan: 'free' as const,
});
const quota = { plan: 'free' as const, storageGb: 1, seats: 1 };

for (const { name: backend, skip } of await backends()) {
  describe(`user-onboarding store (${backend})`, () => {
    if (skip) {
      it.skip(skip, () => {});
      return;
    }
    let test: TestDatabase;
    let db: Database;
    let store: OnboardingStore;
    beforeAll(async () => {
      test = await openTestDatabase(backend);
      db = await openDatabase(test.url);
      // Two stores creating the tables at once, as two servers starting together would.
      const [a, b] = [0, 1].map(() =>
        createSqlOnboardingStore(createPrismaSqlClient(db.provider, () => db)),
      );
      await Promise.all([
        a!.accountByEmail('t', 'x@lab.example'),
        b!.accountByEmail('t', 'x@lab.example'),
      ]);
      store = a!;
    });
    afterAll(async () => {
      await db?.close();
      await test?.drop();
    });

    it('keeps one account per email when sign-ups race, and a retry finds its own', async () => {
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          store.createAccount(`run${n}:account:1`, account(n, 'race@lab.example')),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.findIndex((r) => r.created);
      expect(new Set(results.map((r) => r.account.id))).toEqual(new Set([`acct_${winner + 1}`]));
      const retry = await store.createAccount(
        `run${winner + 1}:account:1`,
        account(9, 'race@lab.example'),
      );
      expect(retry).toEqual({ account: results[winner]!.account, created: true });
      expect(retry.account.status).toBe('pending');
    });

    it('gives workspaces of one name distinct slugs, even when provisioned at once', async () => {
      const accounts = await Promise.all(
        [11, 12, 13, 14].map(async (n) => (await store.createAccount(`k${n}`, account(n))).account),
      );
      const made = await Promise.all(
        accounts.map((a, i) =>
          store.createWorkspace({
            id: `ws_${i}`,
            accountId: a.id,
            tenantId: 'default',
            base: 'acme',
            ...quota,
          }),
        ),
      );
      expect(made.map((w) => w.slug).sort()).toEqual(['acme', 'acme-2', 'acme-3', 'acme-4']);
      // Provisioning again (a retry) finds the account's workspace, makes no second one.
      const again = await store.createWorkspace({
        id: 'ws_other',
        accountId: accounts[0]!.id,
        tenantId: 'default',
        base: 'other',
        ...quota,
      });
      expect(again).toEqual(made[0]);
    });

    it('keeps emails and slugs per tenant: one email, one slug, two tenants, two accounts', async () => {
      const made = [];
      for (const [n, tenant] of [
        [31, 'acme'],
        [32, 'globex'],
      ] as const) {
        const { account: a, created } = await store.createAccount(
          `${tenant}:account:1`,
          account(n, 'shared@lab.example', tenant),
        );
        expect(created).toBe(true);
        made.push(
          await store.createWorkspace({
            id: `ws_${n}`,
            accountId: a.id,
            tenantId: tenant,
            base: 'shared',
            ...quota,
          }),
        );
      }
      expect(made.map((w) => [w.tenantId, w.slug])).toEqual([
        ['acme', 'shared'],
        ['globex', 'shared'],
      ]);
      expect((await store.accountByEmail('acme', 'shared@lab.example'))?.id).toBe('acct_31');
      expect(await store.accountByEmail('initech', 'shared@lab.example')).toBeUndefined();
    });

    it('records a welcome email once: a second claim returns the first', async () => {
      const { account: a } = await store.createAccount('k20', account(20));
      const email = {
        accountId: a.id,
        messageId: '<welcome.1@lab.example>',
        recipient: a.email,
        transport: 'smtp' as const,
      };
      const claims = await Promise.all([
        store.claimWelcomeEmail({ ...email, idempotencyKey: 'one' }),
        store.claimWelcomeEmail({ ...email, idempotencyKey: 'two' }),
      ]);
      expect(claims[0]).toEqual(claims[1]);
      expect(claims[0]?.status).toBe('sending');
      await store.finishWelcomeEmail(a.id, 'sent', '250 OK');
      expect(await store.claimWelcomeEmail({ ...email, idempotencyKey: 'three' })).toMatchObject({
        status: 'sent',
        response: '250 OK',
      });
    });
  });
}
