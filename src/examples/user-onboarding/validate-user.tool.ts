import { NonRetryableError } from '../../engine/errors.js';
import { defineTool } from '../../tools/define-tool.js';
import { isRecord } from '../../tools/input.js';
import { userSchema } from './user.js';

export interface ValidationError {
  path: string;
  message: string;
}

/**
 * Validates `state.user` ({ email, name, plan?, company? }). Invalid data is a result, not a
 * failure: the graph branches on `state.valid`. A missing user fails for good.
 * Patch: valid `{ valid: true, validation_errors: [], user: normalized }`;
 * invalid `{ valid: false, validation_errors: ValidationError[] }`.
 */
export const validateUserTool = defineTool({
  name: 'validate_user',
  description: 'Validates and normalises state.user (email, name, plan); sets state.valid',
  run({ state }) {
    if (!isRecord(state.user)) {
      throw new NonRetryableError(
        'validate_user needs an object in state.user, e.g. { "email": "ada@example.com", "name": "Ada" }',
      );
    }
    const parsed = userSchema.safeParse(state.user);
    if (parsed.success) return { valid: true, validation_errors: [], user: parsed.data };
    const errors: ValidationError[] = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(user)',
      message: issue.message,
    }));
    return { valid: false, validation_errors: errors };
  },
});
