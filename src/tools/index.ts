export { builtinTools, createBuiltinRegistry } from './builtin.js';
export { type AppliedFix, applyFixesTool } from './code/apply-fixes.tool.js';
export {
  type ComplexityEntry,
  type ComplexityIssue,
  checkComplexityTool,
} from './code/check-complexity.tool.js';
export { detectIssuesTool } from './code/detect-issues.tool.js';
export { extractFunctionsTool } from './code/extract-functions.tool.js';
export { type CodeIssue, RULES, type RuleName, type Severity } from './code/issue.js';
export { qualityScore } from './code/score.js';
export {
  type Priority,
  type Suggestion,
  suggestImprovementsTool,
} from './code/suggest-improvements.tool.js';
export type { FunctionInfo, FunctionKind } from './code/walk-functions.js';
export { type ColumnStats, columnStatsTool } from './data/column-stats.tool.js';
export { detectOutliersTool, type Outlier } from './data/detect-outliers.tool.js';
export { normalizeRowsTool } from './data/normalize-rows.tool.js';
export { parseCsvTool } from './data/parse-csv.tool.js';
export { type DataReport, summarizeReportTool } from './data/summarize-report.tool.js';
export {
  type DefinedTool,
  defineTool,
  type EmptyConfig,
  emptyConfig,
  type ToolDefinition,
} from './define-tool.js';
export { delayTool, MAX_DELAY_MS } from './generic/delay.tool.js';
export { DEFAULT_FAIL_MESSAGE, failTool } from './generic/fail.tool.js';
export { incrementTool } from './generic/increment.tool.js';
export { logTool } from './generic/log.tool.js';
export { setStateTool } from './generic/set-state.tool.js';
export { acceptPredictionTool } from './ml/accept-prediction.tool.js';
export { buildResponseTool, type PredictionResponse } from './ml/build-response.tool.js';
export { classifySentimentTool, type SentimentPrediction } from './ml/classify-sentiment.tool.js';
export { flagForReviewTool } from './ml/flag-for-review.tool.js';
export { preprocessTextTool } from './ml/preprocess-text.tool.js';
export { SENTIMENT_MODEL } from './ml/sentiment-model.js';
export {
  type Account,
  type AccountStore,
  createMemoryAccountStore,
} from './onboarding/account-store.js';
export { completeOnboardingTool } from './onboarding/complete-onboarding.tool.js';
export { createAccountTool, createAccountToolWith } from './onboarding/create-account.tool.js';
export { PLAN_QUOTAS, provisionWorkspaceTool } from './onboarding/provision-workspace.tool.js';
export { rejectUserTool } from './onboarding/reject-user.tool.js';
export { sendWelcomeEmailTool } from './onboarding/send-welcome-email.tool.js';
export { type User, userSchema } from './onboarding/user.js';
export { validateUserTool } from './onboarding/validate-user.tool.js';
export {
  createToolRegistry,
  DuplicateToolError,
  type JsonSchema,
  type ToolInfo,
  type ToolRegistry,
  toJsonSchema,
} from './registry.js';
