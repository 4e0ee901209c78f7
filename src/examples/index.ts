import type { GraphDef } from '../engine/graph.js';
import type { Tool } from '../engine/tool.js';
import { codeReviewGraph, codeReviewTools } from './code-review/index.js';
import { dataPipelineGraph, dataPipelineTools } from './data-pipeline/index.js';
import { mlInferenceGraph, mlInferenceTools } from './ml-inference/index.js';
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

/** What example tools are given by the composition root: the server's database, its SMTP settings. */
export interface ExampleServices {
  onboarding?: OnboardingServices;
}

/**
 * The tools of every example domain. The framework does not register them by itself: whoever
 * composes the registry adds them (`createBuiltinRegistry({ examples: true })` does).
 */
export function createExampleTools(services: ExampleServices = {}): Tool<unknown>[] {
  return [
    ...codeReviewTools,
    ...dataPipelineTools,
    ...mlInferenceTools,
    ...createUserOnboardingTools(services.onboarding),
    ...supportTriageTools,
  ];
}

/** The example tools on their defaults (no server database, no SMTP). */
export const exampleTools: readonly Tool<unknown>[] = Object.freeze(createExampleTools());
