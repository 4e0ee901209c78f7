import type { GraphDef } from '../../engine/graph.js';

/**
 * Signs up `state.user`: validate, then either reject, or create the account, send the welcome
 * email and provision the workspace in parallel and complete once all three are done.
 *
 *             +-(!valid)-> reject
 *   validate -+-(valid)--> account ---+
 *             +-(valid)--> email -----+-> complete
 *             +-(valid)--> workspace -+
 */
export const userOnboardingGraph: GraphDef = {
  name: 'user-onboarding',
  description:
    'Validates state.user, then creates the account, sends the welcome email and provisions a workspace in parallel',
  entry: 'validate',
  nodes: [
    { id: 'validate', tool: 'validate_user' },
    { id: 'reject', tool: 'reject_user' },
    {
      id: 'account',
      tool: 'create_account',
      retry: { maxAttempts: 3, initialDelayMs: 100, backoff: 2, maxDelayMs: 2_000 },
      timeoutMs: 5_000,
    },
    {
      id: 'email',
      tool: 'send_welcome_email',
      config: { subject: 'Welcome aboard, {{name}}!' },
      retry: { maxAttempts: 5, initialDelayMs: 200, backoff: 2, maxDelayMs: 5_000 },
      timeoutMs: 10_000,
    },
    { id: 'workspace', tool: 'provision_workspace', timeoutMs: 10_000 },
    { id: 'complete', tool: 'complete_onboarding' },
  ],
  edges: [
    { from: 'validate', to: 'reject', when: '!state.valid' },
    { from: 'validate', to: 'account', when: 'state.valid' },
    { from: 'validate', to: 'email', when: 'state.valid' },
    { from: 'validate', to: 'workspace', when: 'state.valid' },
    { from: 'account', to: 'complete' },
    { from: 'email', to: 'complete' },
    { from: 'workspace', to: 'complete' },
  ],
  state: {
    user: {
      reducer: 'replace',
      default: {
        email: 'Ada@Example.com',
        name: 'Ada Lovelace',
        plan: 'pro',
        company: 'Analytical Engines',
      },
    },
    valid: { reducer: 'replace' },
    validation_errors: { reducer: 'replace' },
    account: { reducer: 'replace' },
    welcome_email: { reducer: 'replace' },
    workspace: { reducer: 'replace' },
    status: { reducer: 'replace' },
  },
};
