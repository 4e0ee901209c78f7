import type { GraphDef } from '../../engine/graph.js';

/** The reviewer's answer to a flagged sign-up. */
export const APPROVAL_SCHEMA = {
  type: 'object',
  properties: {
    approved: { type: 'boolean', description: 'Let this sign-up through' },
    note: { type: 'string', maxLength: 500, description: 'Why (kept in the report)' },
  },
  required: ['approved'],
  additionalProperties: false,
};

const key = (name: string) => [name, { reducer: 'replace' as const }] as const;

/**
 * Signs up `state.user`, idempotently (one account, workspace and welcome email per email):
 *
 *   validate -(!valid)-> reject
 *      | valid
 *   screen -(registered)------------------------------------> already_registered
 *      |-(flagged)-> approve -(!approved)-> decline               ^
 *      |                | approved                                 | (existing: lost a race)
 *      +-(clean)------> account ----------------------------------+
 *                         | new
 *                      workspace -(!provisioned)-> compensate <-(!emailed)-+
 *                         | provisioned                                    |
 *                       email ---------------------------------------------+
 *                         | emailed
 *                      complete
 *
 * There is no failure edge in the engine: workspace and email record a final failure in
 * `state.failure` (retrying before that through their node's retry), and the conditional edges
 * lead to compensate, which disables what was made.
 */
export const userOnboardingGraph: GraphDef = {
  name: 'user-onboarding',
  description:
    'Signs up state.user once per email: screening, approval of flagged sign-ups, account, workspace, welcome email over SMTP; compensates a failed step',
  entry: 'validate',
  nodes: [
    { id: 'validate', tool: 'validate_user' },
    { id: 'reject', tool: 'reject_user' },
    { id: 'screen', tool: 'screen_signup' },
    {
      id: 'approve',
      tool: 'human_input',
      config: {
        output: 'approval',
        prompt:
          'Approve the sign-up of {{state.user.name}} <{{state.user.email}}>? Flags: {{state.screening.flags}}',
        schema: APPROVAL_SCHEMA,
        // Unreviewed for a week: declined, so no sign-up waits forever.
        timeoutMs: 7 * 24 * 3_600_000,
        default: { approved: false, note: 'not reviewed within 7 days' },
      },
    },
    { id: 'decline', tool: 'decline_signup' },
    {
      id: 'account',
      tool: 'create_account',
      retry: { maxAttempts: 3, initialDelayMs: 100, backoff: 2, maxDelayMs: 2_000 },
    },
    { id: 'already_registered', tool: 'already_registered' },
    {
      id: 'workspace',
      tool: 'provision_workspace',
      config: { attempts: 3 },
      retry: { maxAttempts: 3, initialDelayMs: 200, backoff: 2, maxDelayMs: 2_000 },
    },
    {
      id: 'email',
      tool: 'send_welcome_email',
      config: { subject: 'Welcome aboard, {{state.user.name}}!', attempts: 5 },
      retry: { maxAttempts: 5, initialDelayMs: 200, backoff: 2, maxDelayMs: 5_000 },
    },
    { id: 'complete', tool: 'complete_onboarding' },
    { id: 'compensate', tool: 'compensate_onboarding' },
  ],
  edges: [
    { from: 'validate', to: 'reject', when: '!state.valid' },
    { from: 'validate', to: 'screen', when: 'state.valid' },
    { from: 'screen', to: 'already_registered', when: 'state.screening.registered' },
    {
      from: 'screen',
      to: 'approve',
      when: '!state.screening.registered && state.screening.flagged',
    },
    {
      from: 'screen',
      to: 'account',
      when: '!state.screening.registered && !state.screening.flagged',
    },
    { from: 'approve', to: 'account', when: 'state.approval.approved' },
    { from: 'approve', to: 'decline', when: '!state.approval.approved' },
    { from: 'account', to: 'already_registered', when: 'state.account.existing' },
    { from: 'account', to: 'workspace', when: '!state.account.existing' },
    { from: 'workspace', to: 'email', when: 'state.provisioned' },
    { from: 'workspace', to: 'compensate', when: '!state.provisioned' },
    { from: 'email', to: 'complete', when: 'state.emailed' },
    { from: 'email', to: 'compensate', when: '!state.emailed' },
  ],
  state: Object.fromEntries([
    [
      'user',
      {
        reducer: 'replace',
        default: {
          email: 'Ada@Example.com',
          name: 'Ada Lovelace',
          plan: 'pro',
          company: 'Analytical Engines',
        },
      },
    ],
    ...[
      'valid',
      'validation_errors',
      'rejection',
      'screening',
      'approval',
      'account',
      'workspace',
      'provisioned',
      'welcome_email',
      'emailed',
      'failure',
      'status',
      'report',
    ].map(key),
  ]),
};
