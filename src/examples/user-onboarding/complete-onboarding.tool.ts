import { defineTool } from '../../tools/define-tool.js';
import type { OnboardingContext } from './services.js';
import { readAccount, readWorkspace } from './signup-state.js';

/**
 * The happy end: account, workspace and welcome email exist, so the account becomes `active`.
 * Patch: `{ status: 'completed', report: { outcome, message, email, accountId, workspace, welcomeEmail } }`.
 */
export function createCompleteOnboardingTool(services: OnboardingContext) {
  return defineTool({
    name: 'complete_onboarding',
    description: 'Activates state.account once its workspace and welcome email exist; reports',
    async run({ state, emit }) {
      const account = readAccount(state, 'complete_onboarding');
      const workspace = readWorkspace(state, 'complete_onboarding');
      const email = (state.welcome_email ?? {}) as { status?: string; messageId?: string };
      await services.store().setAccountStatus(account.id, 'active');
      const delivered = email.status === 'sent';
      const report = {
        outcome: 'completed',
        message: `${account.email} is signed up: workspace ${workspace.url}; welcome email ${delivered ? 'sent' : 'rendered, not delivered (no SMTP_URL)'}`,
        email: account.email,
        accountId: account.id,
        workspace: { slug: workspace.slug, url: workspace.url },
        welcomeEmail: { status: email.status, messageId: email.messageId },
      };
      emit('onboarding_completed', report);
      return { status: 'completed', account: { ...account, status: 'active' }, report };
    },
  });
}
