import type { GraphDef } from '../engine/graph.js';
import type { Tool } from '../engine/tool.js';
import {
  type CodeReviewOptions,
  codeReviewGraph,
  codeReviewModelGraph,
  createCodeReviewTools,
} from './code-review/index.js';
import {
  createDataPipelineTools,
  type DataPipelineServices,
  dataPipelineGraph,
  dataPipelineTools,
} from './data-pipeline/index.js';
import {
  createMlInferenceTools,
  mlInferenceGraph,
  mlInferenceTools,
} from './ml-inference/index.js';
import { supportTriageGraph, supportTriageTools } from './support-triage/index.js';
import {
  createUserOnboardingTools,
  type OnboardingServices,
  userOnboardingGraph,
} from './user-onboarding/index.js';

export * from './code-review/index.js';
export * from './data-pipeline/index.js';
export * from './ml-inference/index.js';
export * from './support-triage/index.js';
export * from './user-onboarding/index.js';

/**
 * Every example graph; each validates against a registry of the generic tools plus
 * `exampleTools`, and runs with no input.
 */
export const exampleGraphs: readonly GraphDef[] = Object.freeze([
  codeReviewGraph,
  dataPipelineGraph,
  mlInferenceGraph,
  userOnboardingGraph,
]);

/**
 * Example graphs that call a model: created only when the server has one configured
 * (LLM_BASE_URL and LLM_MODEL, or LLM_PROVIDERS); their tools are in `exampleTools` regardless.
 */
export const modelExampleGraphs: readonly GraphDef[] = Object.freeze([supportTriageGraph]);

/** Example graphs created in another version, with model nodes, when a model is configured. */
export const modelExampleVariants: Readonly<Record<string, GraphDef>> = Object.freeze({
  'code-review': codeReviewModelGraph,
});

/** Server settings and services of the example tools, given by the composition root. */
export interface ExampleToolOptions {
  codeReview?: CodeReviewOptions;
  /** The folder the ml-inference tools read models from (ML_MODEL_DIR); default: its own. */
  mlModelDir?: string | undefined;
  /** The onboarding example's services: the server's database, its SMTP settings. */
  onboarding?: OnboardingServices;
  /** The data-pipeline example's: the server's database its Store step writes to. */
  dataPipeline?: DataPipelineServices;
}

/**
 * The tools of every example domain. The framework does not register them by itself: whoever
 * composes the registry adds them (`createBuiltinRegistry({ examples: true })` does).
 */
export function createExampleTools(options: ExampleToolOptions = {}): readonly Tool<unknown>[] {
  return Object.freeze([
    ...createCodeReviewTools(options.codeReview),
    ...(options.dataPipeline ? createDataPipelineTools(options.dataPipeline) : dataPipelineTools),
    ...(options.mlModelDir === undefined
      ? mlInferenceTools
      : createMlInferenceTools(options.mlModelDir)),
    ...createUserOnboardingTools(options.onboarding),
    ...supportTriageTools,
  ]);
}

/** `createExampleTools()` on the defaults (code-review reads under the working directory, no server database, no SMTP). */
export const exampleTools: readonly Tool<unknown>[] = createExampleTools();
