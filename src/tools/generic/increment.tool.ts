import { z } from 'zod';
import { NonRetryableError } from '../../engine/errors.js';
import { defineTool } from '../define-tool.js';

/**
 * Adds `by` to a numeric state key (absent counts as 0) and returns the new value. It returns the
 * total, so give the key the default `replace` reducer (with `sum` it would double-count).
 */
export const incrementTool = defineTool({
  name: 'increment',
  description: 'Returns { [key]: state[key] + by } (absent key counts as 0)',
  config: z.strictObject({
    key: z.string().min(1).default('counter'),
    by: z.number().finite().default(1),
  }),
  run({ state, config }) {
    const current = state[config.key] ?? 0;
    if (typeof current !== 'number') {
      throw new NonRetryableError(
        `increment needs state.${config.key} to be a number, got a ${typeof current}`,
      );
    }
    return { [config.key]: current + config.by };
  },
});
