import { z } from 'zod';
import { defineTool } from '../../tools/define-tool.js';
import { MlError } from './ml-error.js';
import { requireModelSpec } from './model-spec.js';

/** One item's answer. `expected` and `correct` only when the items were labelled. */
export interface Prediction {
  id: string | number;
  label: string;
  /** Probability of `label`, 4 decimals. */
  probability: number;
  /** `probability` is below the node's threshold: a person should look. */
  lowConfidence: boolean;
  expected?: string;
  correct?: boolean;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Predictions below this probability are flagged for review. */
export const ML_CONFIDENCE_THRESHOLD = 0.6;

/**
 * Turns `state.scores` into a label and its probability per item (a softmax first when the
 * model gives logits), flagging those below `threshold`.
 * Patch: `{ predictions: Prediction[], low_confidence_count }`.
 */
export const postprocessTool = defineTool({
  name: 'ml_postprocess',
  description: 'Labels each item with its most probable class; flags those below the threshold',
  config: z.strictObject({
    threshold: z.number().min(0).max(1).default(ML_CONFIDENCE_THRESHOLD),
  }),
  run({ state, config }) {
    const spec = requireModelSpec(state, 'ml_postprocess');
    const { scores, ids } = state;
    if (!Array.isArray(scores) || !Array.isArray(ids) || scores.length !== ids.length)
      throw new MlError(
        'ML_STATE_MISSING',
        'ml_postprocess needs state.scores (ml_run_inference) and state.ids (ml_preprocess), one per item',
      );
    const expected = Array.isArray(state.expected) ? (state.expected as string[]) : null;
    const predictions = (scores as number[][]).map((row, i): Prediction => {
      const p = spec.scores === 'logits' ? softmax(row) : row;
      let best = 0;
      for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
      const probability = round4(p[best] as number);
      const label = spec.labels?.[best] ?? String(best);
      const prediction: Prediction = {
        id: ids[i] as string | number,
        label,
        probability,
        lowConfidence: probability < config.threshold,
      };
      if (expected) {
        prediction.expected = expected[i] as string;
        prediction.correct = label === expected[i];
      }
      return prediction;
    });
    const low = predictions.filter((p) => p.lowConfidence).length;
    return { predictions, low_confidence_count: low };
  },
});

function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exp = logits.map((x) => Math.exp(x - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((x) => x / sum);
}
