import type { Tool } from '../../engine/tool.js';
import { applyFixesTool } from './apply-fixes.tool.js';
import { checkComplexityTool } from './check-complexity.tool.js';
import { detectIssuesTool } from './detect-issues.tool.js';
import { extractFunctionsTool } from './extract-functions.tool.js';
import { suggestImprovementsTool } from './suggest-improvements.tool.js';

export { type AppliedFix, applyFixesTool } from './apply-fixes.tool.js';
export {
  type ComplexityEntry,
  type ComplexityIssue,
  checkComplexityTool,
} from './check-complexity.tool.js';
export { detectIssuesTool } from './detect-issues.tool.js';
export { extractFunctionsTool } from './extract-functions.tool.js';
export { CODE_REVIEW_MAX_PASSES, CODE_REVIEW_TARGET_SCORE, codeReviewGraph } from './graph.js';
export { type CodeIssue, RULES, type RuleName, type Severity } from './issue.js';
export { SAMPLE_CODE } from './sample-code.js';
export { qualityScore } from './score.js';
export {
  type Priority,
  type Suggestion,
  suggestImprovementsTool,
} from './suggest-improvements.tool.js';
export type { FunctionInfo, FunctionKind } from './walk-functions.js';

/** The tools `codeReviewGraph` runs; they load the TypeScript compiler on first use only. */
export const codeReviewTools: readonly Tool<unknown>[] = Object.freeze([
  extractFunctionsTool,
  checkComplexityTool,
  detectIssuesTool,
  suggestImprovementsTool,
  applyFixesTool,
]);
