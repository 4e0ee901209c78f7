import { NonRetryableError } from '../../engine/errors.js';
import { defineTool } from '../../tools/define-tool.js';
import { requireArray } from '../../tools/input.js';
import { type Feature, predictPositive, SENTIMENT_MODEL } from './sentiment-model.js';

export interface SentimentPrediction {
  label: 'positive' | 'negative';
  /** P(positive), 4 decimals. */
  probability: number;
  /** Probability of the predicted label: 0.5 (no idea) .. 1. */
  confidence: number;
  model: string;
  features: Feature[];
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Runs the built-in logistic-regression sentiment model on `state.tokens`.
 * Patch: `{ prediction: SentimentPrediction, confidence: number }` (confidence also top level,
 * for edge conditions such as `state.confidence >= 0.8`).
 */
export const classifySentimentTool = defineTool({
  name: 'classify_sentiment',
  description: 'Predicts positive/negative sentiment of state.tokens with a built-in model',
  run({ state }) {
    const tokens = requireArray(state, 'tokens', 'classify_sentiment');
    if (!tokens.every((t): t is string => typeof t === 'string')) {
      throw new NonRetryableError('classify_sentiment: state.tokens must be an array of strings');
    }
    const { probability, features } = predictPositive(tokens);
    const label = probability >= 0.5 ? 'positive' : 'negative';
    const confidence = round4(Math.max(probability, 1 - probability));
    const prediction: SentimentPrediction = {
      label,
      probability: round4(probability),
      confidence,
      model: SENTIMENT_MODEL.id,
      features,
    };
    return { prediction, confidence };
  },
});
