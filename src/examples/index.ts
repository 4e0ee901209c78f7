import type { GraphDef } from '../engine/graph.js';
import { codeReviewGraph } from './code-review.graph.js';
import { dataPipelineGraph } from './data-pipeline.graph.js';
import { mlInferenceGraph } from './ml-inference.graph.js';
import { userOnboardingGraph } from './user-onboarding.graph.js';

export {
  CODE_REVIEW_MAX_PASSES,
  CODE_REVIEW_TARGET_SCORE,
  codeReviewGraph,
} from './code-review.graph.js';
export { dataPipelineGraph, SAMPLE_CSV } from './data-pipeline.graph.js';
export { ML_CONFIDENCE_THRESHOLD, mlInferenceGraph } from './ml-inference.graph.js';
export { SAMPLE_CODE } from './sample-code.js';
export { userOnboardingGraph } from './user-onboarding.graph.js';

/** Every example graph; each validates against the built-in registry and runs with no input. */
export const exampleGraphs: readonly GraphDef[] = Object.freeze([
  codeReviewGraph,
  dataPipelineGraph,
  mlInferenceGraph,
  userOnboardingGraph,
]);
