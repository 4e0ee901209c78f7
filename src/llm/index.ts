/** Model calls: providers from server config, the model layer, the `llm` tool, its events. */
export { createDeltaBatcher, type DeltaBatcher } from './delta-batcher.js';
export { type CallTarget, LlmError, retryAfterMs, toLlmError } from './errors.js';
export {
  createLlmTool,
  LLM_TOOL_NAME,
  type LlmToolConfig,
  type LlmToolOptions,
} from './llm.tool.js';
export {
  LLM_ENV_HINT,
  type LlmConfig,
  llmSecrets,
  loadLlmConfig,
  PROVIDER_TYPES,
  type ProviderConfig,
  type ProviderType,
} from './llm-config.js';
export {
  callModel,
  type JsonSchemaObject,
  type ModelCallOptions,
  type ModelCallRequest,
  type ModelCallResult,
  type ModelTool,
  type ModelToolCall,
} from './model-call.js';
export {
  createModelProviders,
  type ModelProviders,
  type ModelRef,
  type ModelSource,
  providersFromConfig,
  type ResolvedModel,
} from './providers.js';
export { compileOutputSchema, parseStructuredOutput } from './structured-output.js';
export { type Rendered, renderTemplate, type TemplateScope, templateProblems } from './template.js';
export { LLM_DELTA_EVENT, LLM_USAGE_EVENT, type LlmDelta, type LlmUsage } from './usage.js';
