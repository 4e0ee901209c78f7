import { defineTool } from '../../tools/define-tool.js';
import type { OnboardingContext } from './services.js';
import { readValidUser, stableId } from './user.js';

/**
 * Creates the account for `state.user` (status `pending` until onboarding completes), once:
 * the account table's unique email and creating key make a retry or resume of this activation
 * find its own account, and a concurrent sign-up of the same email find the winner's
 * (`existing: true`, the graph then answers "already registered").
 * Patch: `{ account: { id, email, name, plan, status, existing } }`.
 */
export function createCreateAccountTool(services: OnboardingContext) {
  return defineTool({
    name: 'create_account',
    description: 'Creates the account for state.user (one per email, idempotent per activation)',
    async run({ state, runId, idempotencyKey, log }) {
      const user = readValidUser(state, 'create_account');
      const { account, created } = await services.store().createAccount(idempotencyKey, {
        id: stableId('acct', idempotencyKey),
        tenantId: await services.tenant(runId),
        email: user.email,
        name: user.name,
        plan: user.plan,
      });
      if (!created) log('email already registered', { accountId: account.id });
      return { account: { ...account, existing: !created } };
    },
  });
}
