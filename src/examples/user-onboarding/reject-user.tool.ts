import { defineTool } from '../../tools/define-tool.js';
import { optionalArray } from '../../tools/input.js';

/**
 * The invalid branch: records why sign-up was refused.
 * Patch: `{ status: 'rejected', rejection: { reasons: string[] } }`.
 */
export const rejectUserTool = defineTool({
  name: 'reject_user',
  description: 'Rejects the sign-up, listing state.validation_errors as reasons',
  run({ state, log }) {
    const reasons = optionalArray(state, 'validation_errors', 'reject_user').map((e) => {
      const { path, message } = (e ?? {}) as { path?: unknown; message?: unknown };
      return `${String(path ?? '(user)')}: ${String(message ?? 'invalid')}`;
    });
    log('sign-up rejected', { reasons }, 'warn');
    return { status: 'rejected', rejection: { reasons } };
  },
});
