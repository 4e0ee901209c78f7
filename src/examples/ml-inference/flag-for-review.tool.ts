import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { MlError } from './ml-error.js';
import type { Prediction } from './postprocess.tool.js';

/**
 * The unsure items: opens one (simulated) human-review ticket listing the low-confidence
 * predictions and announces it with a CUSTOM `review_requested` event. The ticket id derives
 * from the idempotency key, so a retry reopens the same ticket.
 * Patch: `{ review_ticket: { id, queue, items, reason } }`.
 */
export const flagForReviewTool = defineTool({
  name: 'flag_for_review',
  description:
    'Sends the low-confidence predictions of state.predictions to a review queue (simulated)',
  config: z.strictObject({ queue: z.string().min(1).max(100).default('ml-review') }),
  run({ state, config, idempotencyKey, emit }) {
    if (!Array.isArray(state.predictions))
      throw new MlError(
        'ML_STATE_MISSING',
        'flag_for_review needs state.predictions from ml_postprocess',
      );
    const unsure = (state.predictions as Prediction[]).filter((p) => p.lowConfidence);
    const id = `review_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
    const items = unsure.map((p) => p.id);
    const reason = `${unsure.length} prediction(s) below the confidence threshold`;
    const ticket = { id, queue: config.queue, items, reason };
    emit('review_requested', { id, queue: config.queue, count: items.length });
    return { review_ticket: ticket };
  },
});
