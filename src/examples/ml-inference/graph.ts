import type { GraphDef } from '../../engine/graph.js';

/** Predictions at least this confident are accepted without a human. */
export const ML_CONFIDENCE_THRESHOLD = 0.8;

/**
 * Sentiment of `state.text` with the built-in logistic-regression model, then a branch on the
 * model's confidence: accept it, or flag it for human review. Dead-path elimination lets the
 * join run after whichever branch was taken.
 *
 *                               +-(>= 0.8)-> accept -+
 *   preprocess -> predict ------+                    +-> respond
 *                               +-(< 0.8)--> flag ---+
 */
export const mlInferenceGraph: GraphDef = {
  name: 'ml-inference',
  description:
    'Classifies the sentiment of state.text; confident predictions are accepted, unsure ones flagged for review',
  entry: 'preprocess',
  nodes: [
    { id: 'preprocess', tool: 'preprocess_text' },
    {
      id: 'predict',
      tool: 'classify_sentiment',
      retry: { maxAttempts: 3, initialDelayMs: 100, backoff: 2 },
      timeoutMs: 2_000,
    },
    { id: 'accept', tool: 'accept_prediction' },
    { id: 'flag', tool: 'flag_for_review', config: { queue: 'sentiment-review' } },
    { id: 'respond', tool: 'build_response' },
  ],
  edges: [
    { from: 'preprocess', to: 'predict' },
    { from: 'predict', to: 'accept', when: `state.confidence >= ${ML_CONFIDENCE_THRESHOLD}` },
    { from: 'predict', to: 'flag', when: `state.confidence < ${ML_CONFIDENCE_THRESHOLD}` },
    { from: 'accept', to: 'respond' },
    { from: 'flag', to: 'respond' },
  ],
  state: {
    text: {
      reducer: 'replace',
      default: 'The new release is fast and reliable. Great work, I love it!',
    },
    prediction: { reducer: 'replace' },
    confidence: { reducer: 'replace' },
    decision: { reducer: 'replace' },
    response: { reducer: 'replace' },
  },
};
