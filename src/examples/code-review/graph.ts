import type { GraphDef } from '../../engine/graph.js';
import { SAMPLE_CODE } from './sample-code.js';

/** Below this quality score the review applies fixes and reviews again. */
export const CODE_REVIEW_TARGET_SCORE = 80;
/** How many review passes a run makes at most. */
export const CODE_REVIEW_MAX_PASSES = 3;

/**
 * Reviews `state.code`: functions -> complexity -> issues -> suggestions and a quality score.
 * While the score is under the target, safe mechanical fixes are applied and the code reviewed
 * again, at most CODE_REVIEW_MAX_PASSES times (the loop head then exits instead of failing).
 *
 *   extract -> complexity -> detect -> suggest --(score < 80)--> fix
 *      ^                                                          |
 *      +----------------------------------------------------------+
 */
export const codeReviewGraph: GraphDef = {
  name: 'code-review',
  description:
    'Reviews TypeScript/JavaScript in state.code, scores it, and loops through safe fixes until the quality score reaches 80',
  entry: 'extract',
  nodes: [
    {
      id: 'extract',
      tool: 'extract_functions',
      maxIterations: CODE_REVIEW_MAX_PASSES,
      onLimit: 'exit',
    },
    {
      id: 'complexity',
      tool: 'check_complexity',
      config: { threshold: 10 },
      retry: { maxAttempts: 3, initialDelayMs: 50, backoff: 2, maxDelayMs: 1_000 },
      timeoutMs: 5_000,
    },
    { id: 'detect', tool: 'detect_issues', config: { maxLineLength: 100 }, timeoutMs: 5_000 },
    { id: 'suggest', tool: 'suggest_improvements' },
    { id: 'fix', tool: 'apply_fixes', timeoutMs: 5_000 },
  ],
  edges: [
    { from: 'extract', to: 'complexity' },
    { from: 'complexity', to: 'detect' },
    { from: 'detect', to: 'suggest' },
    { from: 'suggest', to: 'fix', when: `state.quality_score < ${CODE_REVIEW_TARGET_SCORE}` },
    { from: 'fix', to: 'extract' },
  ],
  state: {
    code: { reducer: 'replace', default: SAMPLE_CODE },
    filename: { reducer: 'replace', default: 'orders.ts' },
    functions: { reducer: 'replace' },
    complexity: { reducer: 'replace' },
    complexity_issues: { reducer: 'replace' },
    max_complexity: { reducer: 'replace' },
    // Each pass re-detects everything, so issues replace (append would pile up duplicates).
    issues: { reducer: 'replace' },
    suggestions: { reducer: 'replace' },
    quality_score: { reducer: 'replace' },
    review_iterations: { reducer: 'replace', default: 0 },
    quality_history: { reducer: 'append', default: [] },
    fixes_applied: { reducer: 'append', default: [] },
  },
  limits: { maxSteps: 100, maxDurationMs: 60_000 },
};
