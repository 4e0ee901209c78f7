import { defineTool } from '../../tools/define-tool.js';
import { isRecord, requireObject } from '../../tools/input.js';

export interface PredictionResponse {
  label: string;
  confidence: number;
  decision: string;
  message: string;
  reviewTicket?: string;
}

/**
 * The join after accept / flag: one answer for the caller.
 * Patch: `{ response: PredictionResponse }`.
 */
export const buildResponseTool = defineTool({
  name: 'build_response',
  description: 'Builds state.response from state.prediction and state.decision',
  run({ state }) {
    const prediction = requireObject(state, 'prediction', 'build_response');
    const decision = typeof state.decision === 'string' ? state.decision : 'undecided';
    const label = String(prediction.label);
    const confidence = Number(prediction.confidence);
    const pct = Math.round(confidence * 1000) / 10;
    const ticket = isRecord(state.review_ticket) ? String(state.review_ticket.id) : undefined;
    const response: PredictionResponse = {
      label,
      confidence,
      decision,
      message:
        decision === 'accepted'
          ? `${label} (${pct}% confident), accepted automatically`
          : `${label} (${pct}% confident), sent for human review${ticket ? ` (ticket ${ticket})` : ''}`,
    };
    if (ticket) response.reviewTicket = ticket;
    return { response };
  },
});
