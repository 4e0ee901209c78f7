import type { GraphDef, NodeDef } from '../../engine/graph.js';

/** Functions above this cyclomatic complexity are findings (ESLint's complexity rule). */
export const CODE_REVIEW_COMPLEXITY = 10;
/** Reviews one run makes at most (the first, then one per fix pass that changed something). */
export const CODE_REVIEW_MAX_PASSES = 3;

const lintConfig = { complexity: CODE_REVIEW_COMPLEXITY, rules: {} };

const reviewNodes: NodeDef[] = [
  { id: 'load', tool: 'load_sources', timeoutMs: 30_000 },
  {
    id: 'lint',
    tool: 'lint_files',
    config: lintConfig,
    // fix_files ends the loop after maxPasses; the bound is a second guard.
    maxIterations: CODE_REVIEW_MAX_PASSES + 1,
    timeoutMs: 120_000,
  },
  {
    id: 'fix',
    tool: 'fix_files',
    config: { ...lintConfig, maxPasses: CODE_REVIEW_MAX_PASSES },
    timeoutMs: 120_000,
  },
  { id: 'report', tool: 'review_report', config: { complexity: CODE_REVIEW_COMPLEXITY } },
];

const state: GraphDef['state'] = {
  files: { reducer: 'replace' },
  to_review: { reducer: 'replace' },
  // Per file, so a pass that reviews one file leaves the others' results as they were.
  edited: { reducer: 'merge', default: {} },
  findings: { reducer: 'merge', default: {} },
  functions: { reducer: 'merge', default: {} },
  reviews: { reducer: 'merge', default: {} },
  review_passes: { reducer: 'sum', default: 0 },
  fixes: { reducer: 'append', default: [] },
  fixes_refused: { reducer: 'append', default: [] },
};

const DONE = 'size(state.to_review) == 0';
const AGAIN = 'size(state.to_review) > 0';

/**
 * Reviews JavaScript/TypeScript with ESLint: a file or directory (`path`), a unified diff
 * (`diff`) or inline `code`. Fixable findings get ESLint's autofixes, and only the files a fix
 * changed are reviewed again, until a pass changes nothing.
 *
 *   load -> lint -> fix --(a file changed)--> lint
 *                    +---(nothing changed)--> report
 */
export const codeReviewGraph: GraphDef = {
  name: 'code-review',
  description:
    'Reviews a file, a directory or a unified diff with ESLint (recommended + typescript-eslint, complexity), applies its autofixes, reports Markdown and SARIF',
  entry: 'load',
  nodes: reviewNodes,
  edges: [
    { from: 'load', to: 'lint' },
    { from: 'lint', to: 'fix' },
    { from: 'fix', to: 'lint', when: AGAIN },
    { from: 'fix', to: 'report', when: DONE },
  ],
  state,
  limits: { maxSteps: 100, maxDurationMs: 600_000 },
};

/** The model reviewer's answer: comments on lines of the code or diff. */
export const MODEL_REVIEW_SCHEMA = {
  type: 'object',
  properties: {
    comments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          line: { type: 'integer' },
          severity: { type: 'string', enum: ['error', 'warning', 'note'] },
          body: { type: 'string' },
        },
        required: ['path', 'line', 'severity', 'body'],
      },
    },
  },
  required: ['comments'],
};

/**
 * `code-review` with a model reviewer between the loop and the report: the model reads the diff
 * (or the fixed files) and ESLint's findings and adds comments. Created instead of
 * `codeReviewGraph` when the server has a model (LLM_BASE_URL and LLM_MODEL).
 *
 *   load -> lint -> fix --(nothing changed)--> comment (llm) -> report
 */
export const codeReviewModelGraph: GraphDef = {
  ...codeReviewGraph,
  description: `${codeReviewGraph.description}; a model adds review comments`,
  nodes: [
    ...reviewNodes,
    {
      id: 'comment',
      tool: 'llm',
      retry: { maxAttempts: 3, initialDelayMs: 500 },
      timeoutMs: 120_000,
      config: {
        output: 'model_review',
        system:
          'You are a senior code reviewer. ESLint already reported the findings listed; do not repeat them. Comment only on real problems (bugs, unclear logic, missing error handling, security) at the line they are on. Answer with JSON only.',
        prompt: '{{state.review_context}}',
        schema: MODEL_REVIEW_SCHEMA,
      },
    },
  ],
  edges: [
    { from: 'load', to: 'lint' },
    { from: 'lint', to: 'fix' },
    { from: 'fix', to: 'lint', when: AGAIN },
    { from: 'fix', to: 'comment', when: DONE },
    { from: 'comment', to: 'report' },
  ],
};
