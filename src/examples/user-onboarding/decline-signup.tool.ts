import { defineTool } from '../../tools/define-tool.js';
import { isRecord } from '../../tools/input.js';
import { readValidUser } from './user.js';

/**
 * The reviewer said no (`state.approval.approved` false): nothing was created, nothing is sent.
 * Patch: `{ status: 'declined', report: { outcome, message, email, flags, note } }`.
 */
export const declineSignupTool = defineTool({
  name: 'decline_signup',
  description: 'Ends a sign-up a reviewer declined: no account, no workspace, no email',
  run({ state, log }) {
    const user = readValidUser(state, 'decline_signup');
    const approval = isRecord(state.approval) ? state.approval : {};
    const screening = isRecord(state.screening) ? state.screening : {};
    const note = typeof approval.note === 'string' ? approval.note : null;
    const report = {
      outcome: 'declined',
      message: `sign-up of ${user.email} declined by a reviewer${note ? `: ${note}` : ''}; no account was created`,
      email: user.email,
      flags: Array.isArray(screening.flags) ? screening.flags : [],
      note,
    };
    log('sign-up declined', report, 'warn');
    return { status: 'declined', report };
  },
});
