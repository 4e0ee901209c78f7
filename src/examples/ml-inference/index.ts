import type { Tool } from '../../engine/tool.js';
import { buildFeaturesTool } from './build-features.tool.js';
import { flagForReviewTool } from './flag-for-review.tool.js';
import { DEFAULT_MODEL_DIR } from './model-files.js';
import { postprocessTool } from './postprocess.tool.js';
import { createPreprocessTool } from './preprocess.tool.js';
import { createRunInferenceTool } from './run-inference.tool.js';
import { saveResultsTool } from './save-results.tool.js';

export { buildFeaturesTool, type TensorBatch } from './build-features.tool.js';
export { flagForReviewTool } from './flag-for-review.tool.js';
export { mlInferenceGraph } from './graph.js';
export { MlError, type MlErrorCode } from './ml-error.js';
export { DEFAULT_MODEL_DIR } from './model-files.js';
export { defaultModelMetadata, type ModelSpec } from './model-spec.js';
export { ML_CONFIDENCE_THRESHOLD, type Prediction, postprocessTool } from './postprocess.tool.js';
export { createPreprocessTool } from './preprocess.tool.js';
export { createRunInferenceTool } from './run-inference.tool.js';
export { type MlResult, type MlSummary, saveResultsTool } from './save-results.tool.js';

/**
 * The tools `mlInferenceGraph` runs, reading models and item files in `modelDir` only
 * (ML_MODEL_DIR; default: the repository's examples/ml-inference, the committed model).
 */
export function createMlInferenceTools(modelDir: string = DEFAULT_MODEL_DIR): Tool<unknown>[] {
  return [
    createPreprocessTool(modelDir),
    buildFeaturesTool,
    createRunInferenceTool(modelDir),
    postprocessTool,
    flagForReviewTool,
    saveResultsTool,
  ] as Tool<unknown>[];
}

/** The tools `mlInferenceGraph` runs, on the default model directory. */
export const mlInferenceTools: readonly Tool<unknown>[] = Object.freeze(createMlInferenceTools());
