import type { Tool } from '../../engine/tool.js';
import { createFixFilesTool } from './fix-files.tool.js';
import { createLintFilesTool } from './lint-files.tool.js';
import { createLoadSourcesTool } from './load-sources.tool.js';
import type { CodeReviewOptions } from './options.js';
import { reviewReportTool } from './review-report.tool.js';

export { CodeReviewError, type CodeReviewErrorCode } from './errors.js';
export type { Finding, FunctionMetric } from './finding.js';
export type { AppliedFix } from './fix-files.tool.js';
export {
  CODE_REVIEW_COMPLEXITY,
  CODE_REVIEW_MAX_PASSES,
  codeReviewGraph,
  codeReviewModelGraph,
} from './graph.js';
export type { CodeReviewOptions } from './options.js';
export { SAMPLE_CODE, SAMPLE_FILENAME } from './sample-code.js';
export type { ModelComment } from './sarif.js';
export { qualityScore } from './score.js';
export { parseUnifiedDiff } from './unified-diff.js';

/**
 * The tools the code-review graphs run, reading files under `options.root` only (default: the
 * working directory). ESLint and TypeScript are imported on the first review, not here.
 */
export function createCodeReviewTools(options: CodeReviewOptions = {}): readonly Tool<unknown>[] {
  return Object.freeze([
    createLoadSourcesTool(options),
    createLintFilesTool(options),
    createFixFilesTool(options),
    reviewReportTool,
  ] as Tool<unknown>[]);
}

/** The code-review tools with the working directory as their root. */
export const codeReviewTools: readonly Tool<unknown>[] = createCodeReviewTools();
