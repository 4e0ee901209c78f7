import { z } from 'zod';
import type { State } from '../../engine/graph.js';
import { defineTool } from '../../tools/define-tool.js';
import { compareFindings, type Finding, type FunctionMetric } from './finding.js';
import type { AppliedFix } from './fix-files.tool.js';
import { loadLinter } from './load-linter.js';
import { toMarkdown } from './markdown.js';
import { filesOf, recordOf } from './options.js';
import { type ModelComment, toSarif } from './sarif.js';
import { qualityScore } from './score.js';

const commentSchema = z.object({
  path: z.string(),
  line: z.number().int(),
  severity: z.enum(['error', 'warning', 'note']).catch('note'),
  body: z.string(),
});

/** The model reviewer's comments (`state.model_review.comments`), when it ran; bad items dropped. */
function commentsOf(state: Readonly<State>): ModelComment[] {
  const list = recordOf(state, 'model_review').comments;
  if (!Array.isArray(list)) return [];
  return list.flatMap((c) => {
    const parsed = commentSchema.safeParse(c);
    return parsed.success ? [parsed.data] : [];
  });
}

const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/**
 * The review's report. Patch: `{ report_markdown, sarif (SARIF 2.1.0), score (0-100), summary:
 * { files, errors, warnings, fixes } }`.
 */
export const reviewReportTool = defineTool({
  name: 'review_report',
  description: 'Writes the review as Markdown and SARIF 2.1.0, with a 0-100 score',
  config: z.strictObject({
    complexity: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(10)
      .describe('Threshold listed in the report'),
    maxListed: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(200)
      .describe('Findings listed in the Markdown'),
  }),
  async run({ state, config }) {
    const { ESLINT_VERSION } = await loadLinter();
    const files = filesOf(state, 'review_report');
    const byFile = recordOf(state, 'findings');
    const findings = files.flatMap((f) => list<Finding>(byFile[f.path])).sort(compareFindings);
    const functions = recordOf(state, 'functions') as Record<string, FunctionMetric[]>;
    const fixes = list<AppliedFix>(state.fixes);
    const comments = commentsOf(state);
    const lines = files.reduce(
      (n, f) => n + (f.changed ? f.changed.reduce((m, [a, b]) => m + b - a + 1, 0) : f.lines),
      0,
    );
    const score = qualityScore(findings, lines);
    const errors = findings.filter((f) => f.severity === 'error').length;
    return {
      score,
      summary: {
        files: files.length,
        errors,
        warnings: findings.length - errors,
        fixes: fixes.reduce((n, f) => n + f.count, 0),
      },
      report_markdown: toMarkdown({
        kind: typeof state.input_kind === 'string' ? state.input_kind : 'code',
        files,
        findings,
        functions,
        fixes,
        refused: list(state.fixes_refused),
        comments,
        reviews: recordOf(state, 'reviews'),
        score,
        threshold: config.complexity,
        maxListed: config.maxListed,
      }),
      sarif: toSarif(findings, comments, ESLINT_VERSION),
    };
  },
});
