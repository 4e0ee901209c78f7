import { defineTool } from '../../tools/define-tool.js';
import { requireObject } from '../../tools/input.js';

/**
 * The join after the parallel set-up steps: needs `state.account`, `state.workspace` and
 * `state.welcome_email`. Patch: `{ status: 'completed', onboarding: { accountId, workspaceId,
 * emailMessageId, email } }`.
 */
export const completeOnboardingTool = defineTool({
  name: 'complete_onboarding',
  description: 'Marks onboarding complete once account, workspace and welcome email exist',
  run({ state, emit }) {
    const account = requireObject(state, 'account', 'complete_onboarding');
    const workspace = requireObject(state, 'workspace', 'complete_onboarding');
    const email = requireObject(state, 'welcome_email', 'complete_onboarding');
    const onboarding = {
      accountId: String(account.id),
      workspaceId: String(workspace.id),
      emailMessageId: String(email.messageId),
      email: String(account.email),
    };
    emit('onboarding_completed', onboarding);
    return { status: 'completed', onboarding };
  },
});
