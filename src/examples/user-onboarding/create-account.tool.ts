import { defineTool } from '../../tools/define-tool.js';
import { type AccountStore, createMemoryAccountStore } from './account-store.js';
import { readValidUser, stableId } from './user.js';

/**
 * Creates the account for `state.user`, idempotently: a retry or resume of the same activation
 * (same `ctx.idempotencyKey`) returns the account it already created, and an email already
 * registered returns that account with `existing: true` instead of a duplicate.
 * Patch: `{ account: { id, email, name, plan, existing } }`.
 */
export function createAccountToolWith(store: AccountStore = createMemoryAccountStore()) {
  return defineTool({
    name: 'create_account',
    description: 'Creates the user account (idempotent per activation and per email)',
    run({ state, idempotencyKey, log }) {
      const user = readValidUser(state, 'create_account');
      const replay = store.byKey(idempotencyKey);
      if (replay) return { account: { ...replay, existing: false } };
      const existing = store.byEmail(user.email);
      if (existing) {
        log('account already exists for this email', { accountId: existing.id });
        return { account: { ...existing, existing: true } };
      }
      const account = {
        id: stableId('acct', idempotencyKey),
        email: user.email,
        name: user.name,
        plan: user.plan,
      };
      store.save(idempotencyKey, account);
      return { account: { ...account, existing: false } };
    },
  });
}

/** The built-in instance, backed by a process-wide in-memory store. */
export const createAccountTool = createAccountToolWith();
