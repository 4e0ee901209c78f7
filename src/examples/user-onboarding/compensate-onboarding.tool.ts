import { defineTool } from '../../tools/define-tool.js';
import { requireObject } from '../../tools/input.js';
import type { OnboardingContext } from './services.js';
import { type Failure, optionalWorkspace, readAccount } from './signup-state.js';

/**
 * Undoes a sign-up whose later step failed for good (`state.failure`): the account is disabled
 * (with the reason) and its workspace, when one was made, disabled too, so nothing is left half
 * made and usable. Idempotent (plain updates). No welcome email is sent after it.
 * Patch: `{ status: 'compensated', account: {..., status: 'disabled'}, report }`.
 */
export function createCompensateOnboardingTool(services: OnboardingContext) {
  return defineTool({
    name: 'compensate_onboarding',
    description: 'Disables the account (and workspace) of a sign-up whose later step failed',
    async run({ state, log, emit }) {
      const account = readAccount(state, 'compensate_onboarding');
      const failure = requireObject(
        state,
        'failure',
        'compensate_onboarding',
      ) as unknown as Failure;
      const reason = `${failure.step} failed: ${failure.message}`;
      const store = services.store();
      await store.setAccountStatus(account.id, 'disabled', reason);
      const workspace = optionalWorkspace(state);
      if (workspace) await store.disableWorkspace(account.id);
      const report = {
        outcome: 'compensated',
        message: `sign-up of ${account.email} undone: ${reason}; account ${account.id} disabled${workspace ? `, workspace ${workspace.slug} disabled` : ''}; no welcome email`,
        email: account.email,
        accountId: account.id,
        failedStep: failure.step,
        reason: failure.message,
        disabled: { account: account.id, ...(workspace ? { workspace: workspace.slug } : {}) },
      };
      log('sign-up compensated', report, 'warn');
      emit('onboarding_compensated', report);
      return {
        status: 'compensated',
        account: { ...account, status: 'disabled' },
        report,
      };
    },
  });
}
