import type { Tool } from '../../engine/tool.js';
import { acceptPredictionTool } from './accept-prediction.tool.js';
import { buildResponseTool } from './build-response.tool.js';
import { classifySentimentTool } from './classify-sentiment.tool.js';
import { flagForReviewTool } from './flag-for-review.tool.js';
import { preprocessTextTool } from './preprocess-text.tool.js';

export { acceptPredictionTool } from './accept-prediction.tool.js';
export { buildResponseTool, type PredictionResponse } from './build-response.tool.js';
export { classifySentimentTool, type SentimentPrediction } from './classify-sentiment.tool.js';
export { flagForReviewTool } from './flag-for-review.tool.js';
export { ML_CONFIDENCE_THRESHOLD, mlInferenceGraph } from './graph.js';
export { preprocessTextTool } from './preprocess-text.tool.js';
export { SENTIMENT_MODEL } from './sentiment-model.js';

/** The tools `mlInferenceGraph` runs. */
export const mlInferenceTools: readonly Tool<unknown>[] = Object.freeze([
  preprocessTextTool,
  classifySentimentTool,
  acceptPredictionTool,
  flagForReviewTool,
  buildResponseTool,
]);
