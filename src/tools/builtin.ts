import type { Tool } from '../engine/tool.js';
import { applyFixesTool } from './code/apply-fixes.tool.js';
import { checkComplexityTool } from './code/check-complexity.tool.js';
import { detectIssuesTool } from './code/detect-issues.tool.js';
import { extractFunctionsTool } from './code/extract-functions.tool.js';
import { suggestImprovementsTool } from './code/suggest-improvements.tool.js';
import { columnStatsTool } from './data/column-stats.tool.js';
import { detectOutliersTool } from './data/detect-outliers.tool.js';
import { normalizeRowsTool } from './data/normalize-rows.tool.js';
import { parseCsvTool } from './data/parse-csv.tool.js';
import { summarizeReportTool } from './data/summarize-report.tool.js';
import { delayTool } from './generic/delay.tool.js';
import { failTool } from './generic/fail.tool.js';
import { incrementTool } from './generic/increment.tool.js';
import { logTool } from './generic/log.tool.js';
import { setStateTool } from './generic/set-state.tool.js';
import { acceptPredictionTool } from './ml/accept-prediction.tool.js';
import { buildResponseTool } from './ml/build-response.tool.js';
import { classifySentimentTool } from './ml/classify-sentiment.tool.js';
import { flagForReviewTool } from './ml/flag-for-review.tool.js';
import { preprocessTextTool } from './ml/preprocess-text.tool.js';
import { completeOnboardingTool } from './onboarding/complete-onboarding.tool.js';
import { createAccountTool } from './onboarding/create-account.tool.js';
import { provisionWorkspaceTool } from './onboarding/provision-workspace.tool.js';
import { rejectUserTool } from './onboarding/reject-user.tool.js';
import { sendWelcomeEmailTool } from './onboarding/send-welcome-email.tool.js';
import { validateUserTool } from './onboarding/validate-user.tool.js';
import { createToolRegistry, type ToolRegistry } from './registry.js';

/** Every built-in tool. The example graphs use only these. */
export const builtinTools: readonly Tool<unknown>[] = Object.freeze([
  // generic
  setStateTool,
  delayTool,
  failTool,
  incrementTool,
  logTool,
  // code review
  extractFunctionsTool,
  checkComplexityTool,
  detectIssuesTool,
  suggestImprovementsTool,
  applyFixesTool,
  // data pipeline
  parseCsvTool,
  columnStatsTool,
  detectOutliersTool,
  normalizeRowsTool,
  summarizeReportTool,
  // ML inference
  preprocessTextTool,
  classifySentimentTool,
  acceptPredictionTool,
  flagForReviewTool,
  buildResponseTool,
  // user onboarding
  validateUserTool,
  rejectUserTool,
  createAccountTool,
  sendWelcomeEmailTool,
  provisionWorkspaceTool,
  completeOnboardingTool,
]);

/** A registry of the built-in tools, plus `extra` ones (a duplicate name throws). */
export function createBuiltinRegistry(extra: Iterable<Tool<unknown>> = []): ToolRegistry {
  return createToolRegistry([...builtinTools, ...extra]);
}
