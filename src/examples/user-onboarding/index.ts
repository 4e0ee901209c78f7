import type { Tool } from '../../engine/tool.js';
import { completeOnboardingTool } from './complete-onboarding.tool.js';
import { createAccountTool } from './create-account.tool.js';
import { provisionWorkspaceTool } from './provision-workspace.tool.js';
import { rejectUserTool } from './reject-user.tool.js';
import { sendWelcomeEmailTool } from './send-welcome-email.tool.js';
import { validateUserTool } from './validate-user.tool.js';

export { type Account, type AccountStore, createMemoryAccountStore } from './account-store.js';
export { completeOnboardingTool } from './complete-onboarding.tool.js';
export { createAccountTool, createAccountToolWith } from './create-account.tool.js';
export { userOnboardingGraph } from './graph.js';
export { PLAN_QUOTAS, provisionWorkspaceTool } from './provision-workspace.tool.js';
export { rejectUserTool } from './reject-user.tool.js';
export { sendWelcomeEmailTool } from './send-welcome-email.tool.js';
export { type User, userSchema } from './user.js';
export { validateUserTool } from './validate-user.tool.js';

/** The tools `userOnboardingGraph` runs. */
export const userOnboardingTools: readonly Tool<unknown>[] = Object.freeze([
  validateUserTool,
  rejectUserTool,
  createAccountTool,
  sendWelcomeEmailTool,
  provisionWorkspaceTool,
  completeOnboardingTool,
]);
