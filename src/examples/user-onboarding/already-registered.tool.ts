import { defineTool } from '../../tools/define-tool.js';
import type { OnboardingContext } from './services.js';
import { readAccount } from './signup-state.js';

/**
 * The answer to a second sign-up of a registered email: the existing account (and its
 * workspace), nothing made, no email sent.
 * Patch: `{ status: 'already_registered', report: { outcome, message, email, accountId, workspace } }`.
 */
export function createAlreadyRegisteredTool(services: OnboardingContext) {
  return defineTool({
    name: 'already_registered',
    description: 'Answers "already registered" with the existing account; makes and sends nothing',
    async run({ state }) {
      const account = readAccount(state, 'already_registered');
      const ws = await services.store().workspaceOf(account.id);
      return {
        status: 'already_registered',
        report: {
          outcome: 'already_registered',
          message: `${account.email} is already registered (account ${account.id}, ${account.status}): nothing was created or sent`,
          email: account.email,
          accountId: account.id,
          accountStatus: account.status,
          workspace: ws ? { slug: ws.slug, status: ws.status } : null,
        },
      };
    },
  });
}
