import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { requireObject } from '../../tools/input.js';

/**
 * The unsure branch: opens a (simulated) human-review ticket and announces it with a CUSTOM
 * `review_requested` event. The ticket id derives from the idempotency key, so a retry reopens
 * the same ticket. Patch: `{ decision: 'needs_review', decided_by: 'pending_human',
 * review_ticket: { id, queue, reason } }`.
 */
export const flagForReviewTool = defineTool({
  name: 'flag_for_review',
  description: 'Sends a low-confidence prediction to a human review queue (simulated)',
  config: z.strictObject({ queue: z.string().min(1).max(100).default('sentiment-review') }),
  run({ state, config, idempotencyKey, emit }) {
    const prediction = requireObject(state, 'prediction', 'flag_for_review');
    const id = `review_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
    const reason = `confidence ${String(prediction.confidence)} for label ${String(prediction.label)} is too low to accept automatically`;
    const ticket = { id, queue: config.queue, reason };
    emit('review_requested', ticket);
    return { decision: 'needs_review', decided_by: 'pending_human', review_ticket: ticket };
  },
});
