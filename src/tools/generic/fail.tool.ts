import { z } from 'zod';
import { NonRetryableError } from '../../engine/errors.js';
import { defineTool } from '../define-tool.js';
import { patchValues } from './values.js';

export const DEFAULT_FAIL_MESSAGE = 'fail tool failed';

/**
 * Fails on purpose, for tests and demos of retries. With `failTimes: n` it fails attempts 1..n of
 * an activation and then succeeds (returning `values`); without it, it always fails.
 * `retryable: false` throws a NonRetryableError, so the engine does not retry.
 */
export const failTool = defineTool({
  name: 'fail',
  description:
    'Fails the first config.failTimes attempts (always, when absent), then returns config.values',
  config: z.strictObject({
    message: z.string().max(1_000).default(DEFAULT_FAIL_MESSAGE),
    failTimes: z.number().int().min(0).optional().describe('Attempts that fail before success'),
    retryable: z.boolean().default(true),
    values: patchValues.optional(),
  }),
  run({ config, attempt }) {
    if (config.failTimes === undefined || attempt <= config.failTimes) {
      throw config.retryable ? new Error(config.message) : new NonRetryableError(config.message);
    }
    return config.values ? { ...config.values } : undefined;
  },
});
