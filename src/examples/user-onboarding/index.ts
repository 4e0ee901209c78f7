import type { Tool } from '../../engine/tool.js';
import { createAlreadyRegisteredTool } from './already-registered.tool.js';
import { createCompensateOnboardingTool } from './compensate-onboarding.tool.js';
import { createCompleteOnboardingTool } from './complete-onboarding.tool.js';
import { createCreateAccountTool } from './create-account.tool.js';
import { declineSignupTool } from './decline-signup.tool.js';
import { createProvisionWorkspaceTool } from './provision-workspace.tool.js';
import { rejectUserTool } from './reject-user.tool.js';
import { createScreenSignupTool } from './screen-signup.tool.js';
import { createSendWelcomeEmailTool } from './send-welcome-email.tool.js';
import { type OnboardingServices, onboardingContext } from './services.js';
import { validateUserTool } from './validate-user.tool.js';

export { createMemorySqlClient } from '../../persistence/memory-sql-client.js';
export { APPROVAL_SCHEMA, userOnboardingGraph } from './graph.js';
export { createMailer, type MailSettings } from './mailer.js';
export {
  type Account,
  createSqlOnboardingStore,
  type OnboardingStore,
  type Workspace,
} from './onboarding-store.js';
export { PLAN_QUOTAS } from './provision-workspace.tool.js';
export type { OnboardingServices } from './services.js';
export { slugify } from './slug.js';
export { type User, userSchema } from './user.js';

/**
 * The tools `userOnboardingGraph` runs, on the given database and mail settings (the server
 * passes its own: app-tools.ts). Without them: an in-memory SQLite database and nodemailer's
 * JSON transport, each said in the run's log.
 */
export function createUserOnboardingTools(services: OnboardingServices = {}): Tool<unknown>[] {
  const context = onboardingContext(services);
  return [
    validateUserTool,
    rejectUserTool,
    createScreenSignupTool(context),
    declineSignupTool,
    createCreateAccountTool(context),
    createAlreadyRegisteredTool(context),
    createProvisionWorkspaceTool(context),
    createSendWelcomeEmailTool(context),
    createCompleteOnboardingTool(context),
    createCompensateOnboardingTool(context),
  ] as Tool<unknown>[];
}
