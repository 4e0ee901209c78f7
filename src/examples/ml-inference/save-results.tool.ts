import { defineTool } from '../../tools/define-tool.js';
import { isRecord } from '../../tools/input.js';
import { MlError } from './ml-error.js';
import { requireModelSpec } from './model-spec.js';
import type { Prediction } from './postprocess.tool.js';

/** A prediction as saved: flagged ones carry the review ticket that holds them. */
export type MlResult = Prediction & { review?: string };

/** What a run of ml-inference found. `accuracy` and `correct` only for labelled items. */
export interface MlSummary {
  model: string;
  items: number;
  lowConfidence: number;
  reviewTicket: string | null;
  /** How many items got each label. */
  byLabel: Record<string, number>;
  labelled: boolean;
  correct?: number;
  accuracy?: number;
}

/**
 * The join after post-processing (and the review branch when it ran): the results list, each
 * flagged item pointing at its ticket, and a summary with the accuracy on labelled items.
 * Patch: `{ results: MlResult[], summary: MlSummary, predictions: null }`.
 */
export const saveResultsTool = defineTool({
  name: 'ml_save_results',
  description: 'Saves state.results (predictions with their review ticket) and state.summary',
  run({ state, log }) {
    const spec = requireModelSpec(state, 'ml_save_results');
    if (!Array.isArray(state.predictions))
      throw new MlError(
        'ML_STATE_MISSING',
        'ml_save_results needs state.predictions from ml_postprocess',
      );
    const predictions = state.predictions as Prediction[];
    const ticket = isRecord(state.review_ticket) ? String(state.review_ticket.id) : null;
    const results = predictions.map(
      (p): MlResult => (p.lowConfidence && ticket ? { ...p, review: ticket } : p),
    );
    const byLabel: Record<string, number> = {};
    for (const p of predictions) byLabel[p.label] = (byLabel[p.label] ?? 0) + 1;
    const labelled = predictions.length > 0 && predictions.every((p) => p.correct !== undefined);
    const summary: MlSummary = {
      model: spec.file,
      items: predictions.length,
      lowConfidence: predictions.filter((p) => p.lowConfidence).length,
      reviewTicket: ticket,
      byLabel,
      labelled,
    };
    if (labelled) {
      summary.correct = predictions.filter((p) => p.correct).length;
      summary.accuracy = Math.round((summary.correct / predictions.length) * 1e6) / 1e6;
    }
    log(`saved ${results.length} results`, summary);
    return { results, summary, predictions: null };
  },
});
